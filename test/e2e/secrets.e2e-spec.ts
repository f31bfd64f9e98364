import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { onLogLine } from '@bf/observability';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';
import { authHeaders, otherTenantHeaders } from '../support/auth';
import { freePort } from '../support/net';
import { eventually, secretsOnlyOdooEnv, startTestSystem } from '../support/system';

/** Distinctive, so finding it anywhere (a response, a row, a log line, the evidence pack) is unambiguous. */
const ODOO_PASSWORD = `odoo-pw-${randomBytes(9).toString('hex')}`;

/**
 * Tenant secrets over HTTP and in a run: admin-only routes that never give a
 * value back, and an Odoo step that signs in with the login in the tenant's
 * secret (`secret_ref`) while ODOO_* are not configured at all. The value must
 * appear in no response, no database row other than its ciphertext, no log line
 * and no file of the run's evidence pack.
 */
describe('tenant secrets: routes and secret_ref', () => {
  let system: RunningSystem;
  let odoo: OdooDouble;
  let dataSource: DataSource;
  const logs: string[] = [];
  let stopListening: () => void = () => undefined;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = authHeaders(system, 'admin')) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body !== undefined ? JSON.stringify(body) : undefined });
    const raw = await response.text();
    return { status: response.status, raw, body: raw ? JSON.parse(raw) : undefined };
  };
  const odooLogin = { url: '', db: 'acme', user: 'admin', password: ODOO_PASSWORD };

  beforeAll(async () => {
    stopListening = onLogLine((line) => logs.push(line));
    odoo = await OdooDouble.start({ db: 'acme', login: 'admin', password: ODOO_PASSWORD });
    odooLogin.url = odoo.url;
    system = await startTestSystem('secrets', {
      PORT: String(await freePort()),
      SITE_SCREENSHOT: 'off',
      LOG_LEVEL: 'debug',
      ...secretsOnlyOdooEnv(),
    });
    dataSource = system.gateway.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    stopListening();
    await system?.stop();
    await odoo?.close();
  });

  it('PUT needs an admin key and a valid name and body, each problem named by path', async () => {
    expect((await call('PUT', '/api/v1/secrets/odoo-prod', { value: odooLogin }, {})).status).toBe(401);
    expect((await call('PUT', '/api/v1/secrets/odoo-prod', { value: odooLogin }, authHeaders(system, 'approver'))).status).toBe(403);
    expect((await call('GET', '/api/v1/secrets', undefined, authHeaders(system, 'operator'))).status).toBe(403);

    const badName = await call('PUT', '/api/v1/secrets/Odoo_Prod', { value: 'x' });
    expect(badName.status).toBe(400);
    expect(badName.body.details.map((detail: any) => detail.path)).toEqual(['name']);
    const badBody = await call('PUT', '/api/v1/secrets/odoo-prod', { value: 42, descripton: 'typo' });
    expect(badBody.status).toBe(400);
    expect(JSON.stringify(badBody.body.details)).toMatch(/value/);
    expect(JSON.stringify(badBody.body.details)).toMatch(/descripton/);
    expect((await call('PUT', '/api/v1/secrets/odoo-prod', { value: '' })).status).toBe(400);
    // A malformed body is not echoed back: V8's JSON error would quote it, secret and all.
    const malformed = await fetch(`${system.url}/api/v1/secrets/odoo-prod`, { method: 'PUT', headers: { ...authHeaders(system, 'admin'), 'content-type': 'application/json' }, body: '{"value": sekrit-in-bad-json}' });
    expect(malformed.status).toBe(400);
    const malformedBody = await malformed.text();
    expect(malformedBody).toMatch(/malformed JSON body/);
    expect(malformedBody).not.toContain('sekrit');
  });

  it('stores a secret (201, then 200 on replace) and never answers with its value or ciphertext', async () => {
    const created = await call('PUT', '/api/v1/secrets/odoo-prod', { value: { ...odooLogin, password: 'first-value-replaced-later' }, description: 'the production Odoo' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatchObject({ name: 'odoo-prod', kind: 'json', key_id: 'k1', description: 'the production Odoo', updated_by: expect.stringContaining('bfk_') });
    expect(Object.keys(created.body.secret).sort()).toEqual(['created_at', 'description', 'key_id', 'kind', 'name', 'updated_at', 'updated_by']);
    const replaced = await call('PUT', '/api/v1/secrets/odoo-prod', { value: odooLogin });
    expect(replaced.status).toBe(200);
    expect(replaced.body.secret.description).toBe('the production Odoo');

    const listed = await call('GET', '/api/v1/secrets');
    expect(listed.status).toBe(200);
    // Other suites share the default tenant (the forge stores its connector secrets there): only this test's names matter.
    expect(listed.body.secrets.map((secret: any) => secret.name)).toContain('odoo-prod');
    for (const response of [created, replaced, listed]) {
      expect(response.raw).not.toContain(ODOO_PASSWORD);
      expect(response.raw).not.toContain('first-value-replaced-later');
      expect(response.raw).not.toMatch(/ciphertext|"iv"|"tag"/);
    }
    // Another tenant sees nothing of it, and cannot delete it.
    expect((await call('GET', '/api/v1/secrets', undefined, otherTenantHeaders(system))).body.secrets).toEqual([]);
    expect((await call('DELETE', '/api/v1/secrets/odoo-prod', undefined, otherTenantHeaders(system))).status).toBe(404);

    // The audit trail names the secret and who stored it, never the value.
    const events = await call('GET', '/api/sovereign/audit/events?event_type=tenancy.secret_stored&limit=100');
    const stored = JSON.stringify(events.body).match(/tenancy\.secret_stored/g) ?? [];
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(events.raw).not.toContain(ODOO_PASSWORD);
  });

  it('rotation is for platform admins: it reports per key id and never a value', async () => {
    expect((await call('POST', '/api/v1/secrets/rotate', undefined, otherTenantHeaders(system))).status).toBe(403);
    expect((await call('POST', '/api/v1/secrets/rotate', undefined, authHeaders(system, 'approver'))).status).toBe(403);
    const rotated = await call('POST', '/api/v1/secrets/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ active_key_id: 'k1', rotated: 0 });
    // Secrets other suites stored under their own master keys are unreadable here; every one stored under k1 reads.
    expect(rotated.body.unreadable.filter((entry: any) => entry.key_id === 'k1')).toEqual([]);
    expect(rotated.body.unreadable.map((entry: any) => entry.name)).not.toContain('odoo-prod');
    expect(rotated.body.secrets_by_key_id.k1).toBeGreaterThanOrEqual(1);
    expect(rotated.raw).not.toContain(ODOO_PASSWORD);
  });

  it('DELETE removes a secret (204), then 404', async () => {
    expect((await call('PUT', '/api/v1/secrets/scratch', { value: 'to-be-deleted' })).status).toBe(201);
    expect((await call('DELETE', '/api/v1/secrets/scratch', undefined, authHeaders(system, 'operator'))).status).toBe(403);
    expect((await call('DELETE', '/api/v1/secrets/scratch')).status).toBe(204);
    expect((await call('DELETE', '/api/v1/secrets/scratch')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/secrets/NOT_A_NAME')).status).toBe(400);
  });

  it('a run whose step names a missing secret_ref is refused by the preflight (422 naming it); a briefing passes its secret_ref to the plan', async () => {
    const graph = await call('POST', '/api/pipeline/execute', {
      graph_id: 'secrets-missing',
      business_intent_id: 'intent_secrets_missing',
      nodes: [{ node_id: 'modules', node_type: 'odoo.install_modules', executor_params: { modules: ['crm'], secret_ref: 'odoo-staging' } }],
    }, authHeaders(system, 'operator'));
    expect(graph.status).toBe(422);
    expect(graph.body.message).toContain("secret_ref 'odoo-staging'");
    expect(graph.body.details.preflight.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'secret_ref:odoo-staging', passed: false })]));

    const planned = await call('POST', '/api/factory/plan', { business_name: 'Secret Ref GmbH', business_type: 'consulting', erp_config: { modules: ['crm'], secret_ref: 'odoo-missing' } }, authHeaders(system, 'operator'));
    expect(planned.status).toBe(201);
    const odooSteps = planned.body.steps.filter((step: any) => step.action.startsWith('odoo.'));
    expect(odooSteps.length).toBeGreaterThan(0);
    for (const step of odooSteps) expect(step.parameters.secret_ref).toBe('odoo-missing');
    const executed = await call('POST', `/api/factory/execute?plan_id=${planned.body.plan_id}&confirm=true`, undefined, authHeaders(system, 'operator'));
    expect(executed.status).toBe(422);
    expect(executed.body.message).toContain("secret_ref 'odoo-missing'");
    expect((await call('POST', '/api/factory/plan', { business_name: 'Bad Ref GmbH', business_type: 'consulting', erp_config: { modules: ['crm'], secret_ref: 'Bad Ref' } }, authHeaders(system, 'operator'))).body.details.map((detail: any) => detail.path)).toContain('erp_config.secret_ref');
  });

  it('an Odoo step signs in with the login in the secret it names; the value is in no row, log line or evidence file', async () => {
    const outcome = await call('POST', '/api/pipeline/execute', {
      graph_id: 'secrets-run',
      business_intent_id: 'intent_secrets_run',
      nodes: [{ node_id: 'modules', node_type: 'odoo.install_modules', executor_params: { modules: ['crm'], secret_ref: 'odoo-prod' } }],
    }, authHeaders(system, 'operator'));
    expect({ status: outcome.status, body: outcome.body }).toMatchObject({ status: 200, body: { status: 'completed' } });
    expect(odoo.store.find('ir.module.module', (module) => module.name === 'crm')?.state).toBe('installed');
    expect(outcome.raw).not.toContain(ODOO_PASSWORD);
    const runId: string = outcome.body.run_id ?? (await dataSource.query('SELECT id FROM runs WHERE plan_id = $1', [outcome.body.plan_id]))[0].id;

    // The evidence pack of the run, every file of it unpacked.
    const pack = await eventually(async () => {
      const [row] = await dataSource.query(`SELECT path FROM artifacts WHERE run_id = $1 AND kind = 'evidence_pack'`, [runId]);
      return row as { path: string } | undefined;
    }, 30_000);
    const zip = isAbsolute(pack.path) ? pack.path : resolve(system.runtime.config.storage.artifactsDir, pack.path);
    const contents = execFileSync('unzip', ['-p', zip], { maxBuffer: 64 * 1024 * 1024 }).toString('latin1');
    expect(contents).toContain('secret_ref');
    expect(contents).toContain('odoo-prod');
    expect(contents).not.toContain(ODOO_PASSWORD);

    // Every row of every table, as text: only the ciphertext holds the value, and not readably.
    const tables: { table_name: string }[] = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    for (const { table_name: table } of tables) {
      const [dump] = await dataSource.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS text FROM "${table}" t`);
      expect({ table, leaked: dump.text.includes(ODOO_PASSWORD) }).toEqual({ table, leaked: false });
    }

    // What the processes logged while all of this ran (debug level): something, and never the value.
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).toContain('odoo');
    expect(logs.filter((line) => line.includes(ODOO_PASSWORD))).toEqual([]);
  }, 60_000);
});
