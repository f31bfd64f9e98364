import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as verifyCli } from '../../libs/evidence-verify/src/cli';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { contentFiles, signedFiles, signedPack, testKey, TestKey, zipOf } from '../support/signed-pack';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

describe('POST /api/pipeline/evidence/verify and /generate (gateway + workers, real PostgreSQL)', () => {
  let system: RunningSystem;
  const registered = testKey();
  const revoked = testKey();
  const stranger = testKey();

  const post = async (path: string, body: Buffer | object, contentType = Buffer.isBuffer(body) ? 'application/zip' : 'application/json') => {
    const response = await fetch(`${system.url}${path}`, { method: 'POST', headers: { ...authHeaders(system, roleFor(path)), 'content-type': contentType }, body: Buffer.isBuffer(body) ? body : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const verify = (body: Buffer | object) => post('/api/pipeline/evidence/verify', body);

  /** Rows as forge-sign keeps them; the private-key columns hold filler, these keys never sign inside the system. */
  const register = (key: TestKey, status: 'retired' | 'revoked') =>
    system.runtime.dataSource.query(
      `INSERT INTO signing_keys (key_id, public_key_pem, status, private_key_iv, private_key_tag, private_key_ciphertext, retired_at, revoked_at, revocation_reason)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8)`,
      [key.keyId, key.pem, status, Buffer.alloc(12), Buffer.alloc(16), Buffer.alloc(32), status === 'revoked' ? new Date() : null, status === 'revoked' ? 'test: key compromised' : null],
    );

  beforeAll(async () => {
    system = await startTestSystem('evidence-verify');
    const [{ exists }] = await system.runtime.dataSource.query(`SELECT to_regclass('public.signing_keys') IS NOT NULL AS exists`);
    if (!exists) throw new Error('table signing_keys is missing: migration 1795831200020 (forge-sign) has not run');
    await register(registered, 'retired');
    await register(revoked, 'revoked');
  });
  afterAll(async () => {
    // Other suites share this database and may list the registry's keys: leave only what forge-sign made.
    await system?.runtime.dataSource.query('DELETE FROM signing_keys WHERE key_id = ANY($1)', [[registered.keyId, revoked.keyId]]);
    await system?.stop();
  });

  it('a ZIP signed by a registered key verifies, with every check and the statement hashes', async () => {
    const { status, body } = await verify(await signedPack(registered));
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: true, key_id: registered.keyId, key_trust: expect.stringContaining('trusted') });
    expect(body.expected_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.computed_hash).toBe(body.expected_hash);
    expect(body.checks.every((check: any) => check.passed)).toBe(true);
  });

  it('a ZIP signed by a revoked or an unknown key is invalid, whatever key the pack carries', async () => {
    const byRevoked = (await verify(await signedPack(revoked))).body;
    expect(byRevoked).toMatchObject({ valid: false, key_id: null });
    expect(byRevoked.checks).toContainEqual(expect.objectContaining({ check: 'signature', passed: false, detail: `signed by key ${revoked.keyId}, which is revoked` }));
    const byStranger = (await verify(await signedPack(stranger))).body;
    expect(byStranger.valid).toBe(false);
    expect(byStranger.checks).toContainEqual(expect.objectContaining({ check: 'signature', passed: false, detail: expect.stringMatching(/no signature verifies with a trusted key/) }));
  });

  it('a changed byte fails and names the file; a truncated or empty upload is refused', async () => {
    const files = signedFiles(contentFiles(), registered);
    files.set('validation_report.pdf', Buffer.from('%PDF-1.7\n% forged report\n%%EOF\n'));
    const { body } = await verify(await zipOf(files));
    expect(body.valid).toBe(false);
    expect(body.checks.filter((check: any) => !check.passed).map((check: any) => check.file)).toEqual(['validation_report.pdf', 'validation_report.pdf']);
    const zip = await signedPack(registered);
    const truncated = (await verify(zip.subarray(0, zip.length / 2))).body;
    expect(truncated).toMatchObject({ valid: false, checks: [expect.objectContaining({ check: 'zip', passed: false })] });
    expect((await verify(Buffer.alloc(0))).status).toBe(400);
  });

  it('generates the PipelineEvidencePack of a stored graph run, which the JSON route verifies (seed 001)', async () => {
    const graph = {
      graph_id: 'graph-evidence-gen',
      business_intent_id: 'intent_graph-evidence-gen',
      nodes: [{ node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Evidence Gen GmbH', domain: 'evidence-gen.example', pages: ['home'], primary_color: '#1e40af' } }],
    };
    const dryRun = await post('/api/pipeline/dry-run', graph);
    expect(dryRun.status).toBe(200);
    const generated = await post('/api/pipeline/evidence/generate', { execution_result: dryRun.body.execution_result, graph_spec: graph });
    expect(generated.status).toBe(200);
    expect(generated.body).toMatchObject({ graph_id: 'graph-evidence-gen', is_dry_run: true, content_hash: dryRun.body.evidence_pack.content_hash });
    expect(await verify(generated.body)).toEqual({ status: 200, body: { valid: true, expected_hash: generated.body.content_hash, computed_hash: generated.body.content_hash } });
    const edited = (await verify({ ...generated.body, artifacts: [] })).body;
    expect(edited).toMatchObject({ valid: false, expected_hash: generated.body.content_hash });

    // The stored run is the evidence: a result naming no stored run gets nothing.
    expect((await post('/api/pipeline/evidence/generate', { execution_result: { ...dryRun.body.execution_result, run_id: 'run_000000000000' } })).status).toBe(404);
    expect((await post('/api/pipeline/evidence/generate', {})).status).toBe(400);

    // The pack the system itself wrote and signed for this run verifies, through the API and offline with the published keys.
    const zip = await eventually(async () => {
      const response = await fetch(`${system.url}/api/factory/${dryRun.body.execution_result.plan_id}/evidence`, { headers: authHeaders(system, 'viewer') });
      return response.status === 200 && response.headers.get('x-evidence-signed') === 'true' ? Buffer.from(await response.arrayBuffer()) : undefined;
    }, 30_000);
    const keys = (await (await fetch(`${system.url}/api/v1/keys`, { headers: authHeaders(system, 'viewer') })).json()) as { keys: { key_id: string; status: string }[] };
    const active = keys.keys.find((key) => key.status === 'active');
    const real = (await verify(zip)).body;
    expect(real.checks.filter((check: any) => !check.passed)).toEqual([]);
    expect(real).toMatchObject({ valid: true, key_id: active?.key_id });
    expect(active).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'bf-evidence-verify-'));
    writeFileSync(join(dir, 'pack.zip'), zip);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    const lines: string[] = [];
    expect(await verifyCli([join(dir, 'pack.zip'), '--keys', join(dir, 'keys.json')], { out: (line) => lines.push(line), err: (line) => lines.push(line) })).toBe(0);
    expect(lines).toContain('VALID');
  });
});
