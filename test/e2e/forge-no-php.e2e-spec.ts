import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

/**
 * Without php the forge still generates, tests, packages and signs, but build and
 * sandbox say "skipped: php not installed" and the package cannot be published,
 * whatever its approvals.
 */
describe('plugin forge without php', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startTestSystem('forge_nophp', { FORGE_PHP_BIN: '/nonexistent/php', FORGE_MIN_APPROVALS: '1' });
  });
  afterAll(() => system?.stop());

  const call = async (method: string, path: string, body: unknown, role: 'operator' | 'approver' | 'viewer') => {
    const response = await fetch(`${system.url}/api/v1/forge${path}`, { method, headers: { ...authHeaders(system, role), 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('skips build and sandbox, signs the package, and refuses to publish it', async () => {
    const parameters = { plugin_name: 'No PHP Contact', slug: 'nophp-contact', version: '1.0.0', gateway_url: 'https://factory.example', site_domain: 'acme.example' };
    const created = await call('POST', '/jobs', { template: 'wp-contact-form', parameters, requested_by: 'olivia' }, 'operator');
    expect(created.status).toBe(201);
    const job = await eventually(async () => {
      const { body } = await call('GET', `/jobs/${created.body.job_id}`, undefined, 'viewer');
      return ['success', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, 30_000);
    expect(job.runs.map((run: any) => [run.step, run.status])).toEqual([
      ['generate', 'success'],
      ['build', 'skipped'],
      ['test', 'success'],
      ['sandbox', 'skipped'],
      ['package', 'success'],
      ['sign', 'success'],
    ]);
    const logs = await call('GET', `/jobs/${job.job_id}/logs`, undefined, 'viewer');
    expect(logs.body.steps.find((s: any) => s.step === 'sandbox').lines.join('\n')).toMatch(/skipped: php not installed/);
    const pkg = (await call('GET', `/packages/${job.plugin_package_id}`, undefined, 'viewer')).body;
    expect(pkg).toMatchObject({ status: 'signed', sandbox: { status: 'skipped', reason: 'php not installed' } });

    const approval = await call('POST', '/approvals', { package_id: pkg.package_id, requested_by: 'alice' }, 'operator');
    const approved = await call('POST', `/approvals/${approval.body.approval_id}/approve`, { approver: 'bob' }, 'approver');
    expect(approved.body.status).toBe('approved');
    const publish = await call('POST', `/packages/${pkg.package_id}/publish`, { published_by: 'olivia' }, 'operator');
    expect({ status: publish.status, message: publish.body.message }).toEqual({ status: 409, message: expect.stringMatching(/sandbox step was skipped \(php not installed\)/) });
  });
});
