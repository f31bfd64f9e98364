import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { pipelineContentHash } from '@bf/contracts';
import { ArtifactEntity } from '@bf/persistence';
import { EvidencePackService } from '../../apps/evidence/src/evidence-pack.service';
import { RunningSystem, WORKERS } from '../../apps/gateway/src/start-all';
import { EvidenceTestSigner, runVerifyMd, zipDirectory } from '../support/evidence-test-signer';
import { freePort } from '../support/net';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const COMPLETE_EXAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));
const DOMAIN = 'evidence-live.example';
const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

/**
 * Evidence packs end to end: the run's pack is laid out by the evidence worker,
 * its statement signed (here by a test key standing in for forge-sign, which is
 * not started), finalized, downloaded, and checked the way an auditor would:
 * by following VERIFY.md with bash, sha256sum and openssl.
 */
describe('evidence packs (gateway + workers, real Redis, PostgreSQL, unzip, sha256sum, openssl, pdftoppm)', () => {
  let system: RunningSystem;
  const signer = new EvidenceTestSigner();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const raw = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, raw, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(raw.toString()) : undefined };
  };

  beforeAll(async () => {
    const overrides = { PORT: String(await freePort()), DNS_WEB_IPV4: '203.0.113.10', DNS_WEB_IPV6: '2001:db8::10' };
    system = await startTestSystem('evidpack', overrides, WORKERS.filter(([queue]) => queue !== 'forge-sign'));
  });
  afterAll(() => system?.stop());

  async function settledRun(planId: string) {
    return eventually(async () => {
      const { body } = await call('GET', `/api/factory/${planId}`);
      return body.run && body.run.status !== 'running' ? body : undefined;
    }, 60_000);
  }

  async function signedPack(planId: string, runId: string) {
    expect((await call('GET', `/api/factory/${planId}/evidence`)).status).toBe(409);
    const answer = await signer.signPending(system.runtime.producer, runId);
    const download = await eventually(async () => {
      const response = await call('GET', `/api/factory/${planId}/evidence`);
      return response.status === 200 ? response : undefined;
    }, 30_000);
    expect(download.headers.get('x-evidence-signed')).toBe('true');
    expect(download.headers.get('x-evidence-key-id')).toBe(signer.keyId);
    expect(download.headers.get('x-evidence-run-id')).toBe(runId);
    const dir = mkdtempSync(join(tmpdir(), 'bf-evidence-pack-'));
    writeFileSync(join(dir, 'pack.zip'), download.raw);
    execFileSync('unzip', ['-q', 'pack.zip', '-d', 'unpacked'], { cwd: dir });
    return { zip: download.raw, dir, unpacked: join(dir, 'unpacked'), answer };
  }

  it('packs a dry run: layout, scrubbed briefing, statement, DRY RUN on every report page, VERIFY.md, byte-identical rebuild', async () => {
    const planned = await call('POST', '/api/factory/plan', { ...COMPLETE_EXAMPLE, dry_run: true });
    expect(planned.status).toBe(201);
    const planId = planned.body.plan_id;
    // Briefings validated today cannot hold credentials; stored ones from elsewhere might, and the pack must not carry them.
    await system.runtime.dataSource.query(
      `UPDATE briefings SET content = content || '{"odoo_admin_password": "hunter2", "integrations_extra": {"Api-Key": "sk_live_123", "webhook_token": "tok_9"}, "config": {"database_url": "postgres://u:p@h/db"}}'::jsonb WHERE id = $1`,
      [planned.body.briefing_id],
    );
    expect((await call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`)).status).toBe(202);
    const done = await settledRun(planId);
    expect(done.run).toMatchObject({ status: 'completed', dry_run: true });
    const { zip, dir, unpacked, answer } = await signedPack(planId, done.run.run_id);
    const read = (path: string) => readFileSync(join(unpacked, path));

    const files = listFiles(unpacked);
    for (const expected of ['plan.json', 'briefing.json', 'risk_assessment.json', 'run.json', 'audit_events.jsonl', 'audit_chain.json', 'VERIFY.md', 'validation_report.pdf', 'verification_checksums.txt']) expect(files).toContain(expected);
    expect(files.filter((file) => file.startsWith('attestation/'))).toEqual(['attestation/envelope.dsse.json', 'attestation/pae.bin', 'attestation/signature.bin', 'attestation/signing-key.pub.pem', 'attestation/statement.json']);
    expect(files.filter((file) => /^steps\/step_\d+_[a-z0-9_]+\/step\.json$/.test(file))).toHaveLength(8);
    expect(files.filter((file) => /^steps\/step_\d+_[a-z0-9_]+\/result\.json$/.test(file))).toHaveLength(8);

    const briefing = read('briefing.json').toString();
    expect(JSON.parse(briefing).business_name).toBe('Acme Consulting GmbH');
    for (const secret of ['hunter2', 'sk_live_123', 'tok_9', 'postgres://']) expect(briefing).not.toContain(secret);
    expect(JSON.parse(briefing)).toMatchObject({ odoo_admin_password: '[removed from evidence]', integrations_extra: { 'Api-Key': '[removed from evidence]', webhook_token: '[removed from evidence]' } });
    expect(JSON.parse(briefing).config).toBeUndefined();

    // The statement: every file but the checksum list and the attestation, each with its digest; SLSA provenance of the run.
    const statementBytes = read('attestation/statement.json');
    const statement = JSON.parse(statementBytes.toString());
    expect(statement.subject.map((subject: any) => subject.name)).toEqual(files.filter((file) => file !== 'verification_checksums.txt' && !file.startsWith('attestation/')));
    for (const subject of statement.subject) expect(subject.digest.sha256).toBe(sha256(read(subject.name)));
    expect(statement).toMatchObject({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1' });
    expect(statement.predicate.buildDefinition.externalParameters).toEqual({ briefing_sha256: sha256(read('briefing.json')), plan_id: planId, plan_hash: planned.body.plan_hash, dry_run: true });
    expect(statement.predicate.runDetails).toMatchObject({ builder: { id: expect.stringMatching(/^https:\/\/business-factory\.dev\/builder\//) }, metadata: { invocationId: done.run.run_id, startedOn: done.run.started_at, finishedOn: done.run.finished_at } });
    const stored = await system.runtime.dataSource.getRepository(ArtifactEntity).findOneByOrFail({ runId: done.run.run_id, kind: 'evidence_pack' });
    expect(stored.metadata).toMatchObject({ key_id: signer.keyId, statement_sha256: sha256(statementBytes), dry_run: true });
    expect(stored.sha256).toBe(sha256(zip));

    // The report renders, is not blank, and says DRY RUN on every page.
    const report = read('validation_report.pdf');
    expect(renderFirstPage(report, dir).length).toBeGreaterThan(3 * renderFirstPage(await blankPdf(), join(dir, 'blank')).length);
    const pages = pdfPagesText(report, dir);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    for (const page of pages) expect(page).toContain('DRY RUN');
    expect(pages.join('\n')).toContain(sha256(readFileSync(join(unpacked, 'verification_checksums.txt')).toString().split('\n').filter((line) => line && !line.includes('  attestation/') && !line.endsWith('  validation_report.pdf')).map((line) => `${line}\n`).join('')));
    expect(pages.join('\n')).toContain('Acme Consulting GmbH');

    // VERIFY.md, followed literally, passes; and catches each kind of tampering.
    const verifyMd = read('VERIFY.md').toString();
    const verified = runVerifyMd(join(dir, 'verify-ok'), zip, verifyMd);
    expect(verified).toMatchObject({ ok: true });
    expect(verified.output).toContain('Signature Verified Successfully');
    await expectTamperingCaught(dir, unpacked, verifyMd);

    // Rebuilding the same run gives the same bytes.
    const service = new EvidencePackService(system.runtime.dataSource, system.runtime.producer, system.runtime.config);
    expect((await service.build('default', done.run.run_id)).statementSha256).toBe(sha256(statementBytes));
    await system.runtime.dataSource.getRepository(ArtifactEntity).delete({ id: stored.id });
    renameSync(stored.path, `${stored.path}.first`);
    const rebuilt = await service.finalize(answer);
    expect(readFileSync(rebuilt.path).equals(zip)).toBe(true);
    // And the signature must be over this run's statement: anything else is refused, loudly.
    await system.runtime.dataSource.getRepository(ArtifactEntity).delete({ id: rebuilt.artifactId });
    await expect(service.finalize({ ...answer, statementSha256: '0'.repeat(64) })).rejects.toThrow(/no longer matches the signed statement/);
    const forged = new EvidenceTestSigner().answer({ tenantId: answer.tenantId, runId: answer.runId, payloadType: answer.envelope.payloadType, payload: answer.envelope.payload, statementSha256: answer.statementSha256 });
    await expect(service.finalize({ ...forged, publicKeyPem: answer.publicKeyPem })).rejects.toThrow(/no signature in the envelope verifies/);
    await service.finalize(answer);
  }, 120_000);

  it('packs a live run (site + embedded DNS): seed 001 pipeline evidence with a recomputable content hash, step artifacts, screenshot, report without DRY RUN', async () => {
    const run = await call('POST', '/api/pipeline/execute', {
      graph_id: 'evidence-live',
      business_intent_id: 'intent_evidence_live',
      nodes: [
        { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Beleg GmbH', domain: DOMAIN, pages: ['home', 'contact'], primary_color: '#1e40af' } },
        { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: DOMAIN } },
        { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain: DOMAIN, records: ['A', 'AAAA', 'www CNAME'] } },
      ],
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'completed', dry_run: false, failed_nodes: [] });
    const { zip, dir, unpacked } = await signedPack(run.body.plan_id, run.body.run_id);
    const files = listFiles(unpacked);
    for (const expected of ['graph_spec.json', 'execution_result.json', 'pipeline_evidence.json', 'run.json', 'validation_report.pdf', 'VERIFY.md']) expect(files).toContain(expected);
    expect(files).not.toContain('briefing.json');
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^steps\/step_3_[a-z_]+\/dns_records\.json$/), expect.stringMatching(/^steps\/step_3_[a-z_]+\/dns_verification\.json$/)]));

    const evidence = JSON.parse(readFileSync(join(unpacked, 'pipeline_evidence.json'), 'utf8'));
    expect(evidence.is_dry_run).toBe(false);
    expect(pipelineContentHash(evidence)).toBe(evidence.content_hash);
    const statement = JSON.parse(readFileSync(join(unpacked, 'attestation/statement.json'), 'utf8'));
    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({ graph_spec_sha256: sha256(readFileSync(join(unpacked, 'graph_spec.json'))), dry_run: false });

    const report = readFileSync(join(unpacked, 'validation_report.pdf'));
    const text = pdfPagesText(report, dir).join('\n');
    expect(text).not.toContain('DRY RUN');
    expect(text).toContain('Validation report: evidence-live');
    expect(text).toMatch(/dns\s+dns.configure\s+completed\s+live/);
    expect(renderFirstPage(report, dir).length).toBeGreaterThan(3 * renderFirstPage(await blankPdf(), join(dir, 'blank')).length);
    if (files.includes('screenshots/website_homepage.png')) expect(text).toContain('Website homepage (screenshot)');
    else expect(text).not.toContain('Website homepage (screenshot)');

    expect(runVerifyMd(join(dir, 'verify-ok'), zip, readFileSync(join(unpacked, 'VERIFY.md'), 'utf8'))).toMatchObject({ ok: true });
  }, 120_000);

  it('packs a failed, rolled-back dry run: the report says what was undone, each undone step has its rollback.json', async () => {
    const domain = 'evidence-undone.example';
    const run = await call('POST', '/api/pipeline/dry-run', {
      graph_id: 'evidence-undone',
      business_intent_id: 'intent_evidence_undone',
      nodes: [
        { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Undone GmbH', domain, pages: ['home'], primary_color: '#1e40af' } },
        { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain } },
        { node_id: 'modules', node_type: 'odoo.install_modules', executor_params: { modules: ['crm'] } },
        // Validates an integration no node sets up: refused, permanently, so the run fails and auto_rollback undoes the rest.
        { node_id: 'check', node_type: 'validation.run', depends_on: ['modules', 'deploy'], executor_params: { checks: ['integration_roundtrip'] } },
      ],
    });
    expect(run.status).toBe(200);
    const result = run.body.execution_result;
    expect(result).toMatchObject({ status: 'rolled_back', failed_nodes: ['check'] });
    const { zip, dir, unpacked } = await signedPack(result.plan_id, result.run_id);
    const files = listFiles(unpacked);
    expect(files.filter((file) => file.endsWith('/rollback.json'))).toHaveLength(result.rolled_back_nodes.length);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^steps\/step_\d+_check\/error\.json$/)]));
    const pages = pdfPagesText(readFileSync(join(unpacked, 'validation_report.pdf')), dir);
    for (const page of pages) expect(page).toContain('DRY RUN');
    const text = pages.join('\n');
    expect(text).toContain('What was undone');
    for (const node of result.rolled_back_nodes) expect(text).toMatch(new RegExp(`${node}: rolled_back`));
    expect(text).toMatch(/integration_roundtrip/);
    expect(runVerifyMd(join(dir, 'verify-ok'), zip, readFileSync(join(unpacked, 'VERIFY.md'), 'utf8'))).toMatchObject({ ok: true });
  }, 120_000);
});

/** Each way of forging a pack that VERIFY.md must catch, re-zipped and checked with the literal commands. */
async function expectTamperingCaught(dir: string, unpacked: string, verifyMd: string): Promise<void> {
  const cases: Array<[string, (copy: string) => void]> = [
    ['one byte of plan.json', (copy) => flipByte(join(copy, 'plan.json'))],
    ['plan.json and its checksum line', (copy) => {
      flipByte(join(copy, 'plan.json'));
      rewriteChecksum(copy, 'plan.json');
    }],
    ['the statement and its checksum line', (copy) => {
      const path = join(copy, 'attestation/statement.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace('"dry_run":true', '"dry_run":fals'));
      rewriteChecksum(copy, 'attestation/statement.json');
    }],
    ['the statement and pae.bin together', (copy) => {
      const statement = join(copy, 'attestation/statement.json');
      const pae = join(copy, 'attestation/pae.bin');
      writeFileSync(statement, readFileSync(statement, 'utf8').replace('"dry_run":true', '"dry_run":fals'));
      writeFileSync(pae, readFileSync(pae, 'utf8').replace('"dry_run":true', '"dry_run":fals'));
      rewriteChecksum(copy, 'attestation/statement.json');
      rewriteChecksum(copy, 'attestation/pae.bin');
    }],
    ['one byte of the signature', (copy) => {
      flipByte(join(copy, 'attestation/signature.bin'));
      rewriteChecksum(copy, 'attestation/signature.bin');
    }],
  ];
  for (const [index, [name, tamper]] of cases.entries()) {
    const copy = join(dir, `tampered-${index}`);
    execFileSync('cp', ['-r', unpacked, copy]);
    tamper(copy);
    const outcome = runVerifyMd(join(dir, `verify-tampered-${index}`), await zipDirectory(copy), verifyMd);
    expect({ name, ok: outcome.ok }).toEqual({ name, ok: false });
  }
}

function flipByte(path: string): void {
  const content = readFileSync(path);
  content[Math.floor(content.length / 2)] ^= 0x01;
  writeFileSync(path, content);
}

function rewriteChecksum(dir: string, file: string): void {
  const path = join(dir, 'verification_checksums.txt');
  const lines = readFileSync(path, 'utf8').split('\n').map((line) => (line.endsWith(`  ${file}`) ? `${sha256(readFileSync(join(dir, file)))}  ${file}` : line));
  writeFileSync(path, lines.join('\n'));
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative))) {
      const path = relative ? `${relative}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk('');
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Page 1 as PNG at 50 dpi, through poppler's pdftoppm. */
function renderFirstPage(pdf: Buffer, dir: string): Buffer {
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'render.pdf'), pdf);
  execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', 'render.pdf', 'page'], { cwd: dir });
  const png = readdirSync(dir).find((name) => /^page-0*1\.png$/.test(name));
  if (!png) throw new Error('pdftoppm wrote no page');
  return readFileSync(join(dir, png));
}

function pdfPagesText(pdf: Buffer, dir: string): string[] {
  const path = join(dir, 'report-text.pdf');
  writeFileSync(path, pdf);
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).split('\f').filter((page) => page.trim());
}

async function blankPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

