import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ZipFile } from 'yazl';
import { IN_TOTO_PAYLOAD_TYPE, JobPayload, pae } from '@bf/contracts';
import { JobProducer } from '@bf/queue';
import { eventually } from './system';

/**
 * Plays forge-sign's part with a throwaway Ed25519 key: takes the evidence.sign
 * job the evidence worker enqueued and answers with evidence.finalize, exactly
 * as the signer would. Lets evidence be tested without the signer's key store.
 */
export class EvidenceTestSigner {
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    this.keyId = `test_${createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)}`;
  }

  /** The finalize payload for a sign request: what forge-sign would send back. */
  answer(request: JobPayload<'forge-sign', 'evidence.sign'>): JobPayload<'evidence', 'evidence.finalize'> {
    const statement = Buffer.from(request.payload, 'base64');
    const sig = sign(null, pae(request.payloadType, statement), this.privateKey).toString('base64');
    return {
      tenantId: request.tenantId,
      runId: request.runId,
      statementSha256: request.statementSha256,
      envelope: { payload: request.payload, payloadType: request.payloadType, signatures: [{ keyid: this.keyId, sig }] },
      keyId: this.keyId,
      publicKeyPem: this.publicKeyPem,
    };
  }

  /** Waits for the run's sign request on the forge-sign queue (no forge-sign worker running) and answers it. */
  async signPending(producer: JobProducer, runId: string): Promise<JobPayload<'evidence', 'evidence.finalize'>> {
    const queue = producer.queue('forge-sign');
    const job = await eventually(async () => (await queue.getJobs(['waiting', 'prioritized', 'delayed'])).find((candidate) => candidate.name === 'evidence.sign' && candidate.data.runId === runId), 30_000);
    const request = job.data as JobPayload<'forge-sign', 'evidence.sign'>;
    expectInToto(request.payloadType);
    const answer = this.answer(request);
    await producer.enqueue('evidence', 'evidence.finalize', answer, { jobId: `finalize.${runId}.${request.statementSha256.slice(0, 16)}` });
    await job.remove();
    return answer;
  }
}

function expectInToto(payloadType: string): void {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new Error(`sign request with payloadType ${payloadType}`);
}

/** The first ```bash block of VERIFY.md, verbatim. */
export function verifyBlock(verifyMd: string): string {
  const match = /```bash\n([\s\S]*?)```/.exec(verifyMd);
  if (!match) throw new Error('VERIFY.md has no bash block');
  return match[1];
}

/**
 * Runs VERIFY.md's commands as a reader would: the pack saved as
 * evidence_pack.zip in an empty directory, bash stopping at the first failure.
 */
export function runVerifyMd(dir: string, zip: Buffer, verifyMd: string): { ok: boolean; output: string } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'evidence_pack.zip'), zip);
  writeFileSync(join(dir, 'verify.sh'), verifyBlock(verifyMd));
  try {
    const output = execFileSync('bash', ['-e', '-o', 'pipefail', 'verify.sh'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/** A ZIP of a directory's files (sorted), for re-packing a tampered copy. */
export async function zipDirectory(dir: string): Promise<Buffer> {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  const zip = new ZipFile();
  for (const file of files) zip.addBuffer(readFileSync(join(dir, file)), file);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
