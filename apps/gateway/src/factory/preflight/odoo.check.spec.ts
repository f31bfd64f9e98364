import { loadConfig } from '@bf/config';
import { closedPortUrl, HttpDouble, neverAnswers, startHttpDouble } from '../../../../../test/doubles/http-double';
import { odooXmlRpcDouble } from '../../../../../test/doubles/odoo-xmlrpc.double';
import { planOf } from '../../../../../test/support/preflight-subject';
import { OdooCheck } from './odoo.check';

const PASSWORD = 'odoo-secret-pass-42';
const livePlan = planOf(false, ['odoo.install_modules', 'odoo.configure_fiscal']);

describe(OdooCheck.name, () => {
  let odoo: HttpDouble;
  const checkWith = (env: NodeJS.ProcessEnv) =>
    new OdooCheck(loadConfig({ PREFLIGHT_TIMEOUT_MS: '300', ODOO_URL: odoo.url, ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: PASSWORD, ...env }));
  beforeAll(async () => {
    odoo = await startHttpDouble(odooXmlRpcDouble({ db: 'acme', login: 'admin', password: PASSWORD, uid: 2 }));
  });
  afterAll(() => odoo.close());

  it('passes when version() answers and authenticate() returns a uid', async () => {
    expect(await checkWith({}).run(livePlan)).toEqual([{ check: 'odoo', passed: true, detail: `Odoo 17.0 answers at ${odoo.url}/; admin signs in to database acme (uid 2)` }]);
    const calls = odoo.requests.slice(-2);
    expect(calls.map((call) => [call.method, call.path])).toEqual([
      ['POST', '/xmlrpc/2/common'],
      ['POST', '/xmlrpc/2/common'],
    ]);
    expect(calls[0].body).toContain('<methodName>version</methodName>');
    expect(calls[1].body).toContain('<methodName>authenticate</methodName>');
    expect(calls[1].body).toContain('<struct></struct>'); // the user_agent_env argument
  });

  it('fails when authenticate() returns false for a wrong password, without showing the password', async () => {
    const [result] = await checkWith({ ODOO_PASSWORD: 'wrong-password' }).run(livePlan);
    expect(result).toEqual({
      check: 'odoo',
      passed: false,
      detail: `Odoo 17.0 at ${odoo.url}/ refused the login ODOO_USER=admin with ODOO_PASSWORD on database ODOO_DB=acme (authenticate returned false)`,
    });
  });

  it("reports Odoo's fault message (the traceback's last line) for an unknown database", async () => {
    const [result] = await checkWith({ ODOO_DB: 'missing' }).run(livePlan);
    expect(result.passed).toBe(false);
    expect(result.detail).toBe(`Odoo at ${odoo.url}/ answered with fault 1: psycopg2.OperationalError: connection to server failed: FATAL:  database "missing" does not exist`);
  });

  it('applies to live runs with odoo.* or integration.* steps only', async () => {
    expect(await checkWith({}).run(planOf(true, ['odoo.install_modules']))).toEqual([]);
    expect(await checkWith({}).run(planOf(false, ['website.generate', 'dns.configure']))).toEqual([]);
    expect(await checkWith({ ODOO_URL: '' }).run(planOf(false, ['integration.configure']))).toHaveLength(1);
  });

  it('fails naming every missing variable, never a value', async () => {
    expect(await checkWith({ ODOO_URL: '', ODOO_PASSWORD: '' }).run(livePlan)).toEqual([
      { check: 'odoo', passed: false, detail: 'the plan has Odoo steps but Odoo is not configured: ODOO_URL, ODOO_PASSWORD are not set' },
    ]);
  });

  it('fails within PREFLIGHT_TIMEOUT_MS when Odoo never answers', async () => {
    const silent = await startHttpDouble(neverAnswers);
    try {
      const started = Date.now();
      const [result] = await checkWith({ ODOO_URL: silent.url }).run(livePlan);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(result).toEqual({ check: 'odoo', passed: false, detail: `Odoo did not answer at ${silent.url}/xmlrpc/2/common: no answer within 300 ms (PREFLIGHT_TIMEOUT_MS)` });
    } finally {
      await silent.close();
    }
  });

  it('fails with "connection refused" when nothing listens, and says so for a server that is not Odoo', async () => {
    const closed = await closedPortUrl();
    expect((await checkWith({ ODOO_URL: closed }).run(livePlan))[0].detail).toBe(`Odoo did not answer at ${closed}/xmlrpc/2/common: connection refused (ECONNREFUSED)`);
    const [notOdoo] = await checkWith({ ODOO_URL: `${odoo.url}/web` }).run(livePlan);
    expect(notOdoo.detail).toMatch(/^Odoo XML-RPC version\(\) at .*\/web\/xmlrpc\/2\/common answered HTTP 404 \(is ODOO_URL the Odoo server's address\?\)/);
  });

  it("sends credentials in ODOO_URL (a proxy's basic auth) as a header, and keeps them out of the detail", async () => {
    const [result] = await checkWith({ ODOO_URL: odoo.url.replace('http://', 'http://proxy:url-secret@') }).run(livePlan);
    expect(result.passed).toBe(true);
    expect(result.detail).not.toContain('url-secret');
    expect(odoo.requests[odoo.requests.length - 1].headers.authorization).toBe(`Basic ${Buffer.from('proxy:url-secret').toString('base64')}`);
  });
});
