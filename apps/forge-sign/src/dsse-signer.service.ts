import { sign } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { decodeBase64Either, DsseEnvelope, JobPayload, JobResult, pae, sha256Hex } from '@bf/contracts';
import { JobProducer } from '@bf/queue';
import { SigningKeyStore } from './signing-key.store';

/** Deterministic, so a redelivered sign job enqueues the same finalize job (a no-op) rather than a second one. */
export function finalizeJobId(runId: string, statementSha256: string): string {
  return `finalize.${runId}.${statementSha256.slice(0, 16)}`;
}

/**
 * Signs an in-toto statement as a DSSE envelope with the active Ed25519 key and
 * hands the envelope (never the key) to evidence.finalize. Ed25519 signatures
 * are deterministic, so signing the same statement again with the same key gives
 * the same envelope.
 */
@Injectable()
export class DsseSignerService {
  constructor(
    @Inject(SigningKeyStore) private readonly keys: SigningKeyStore,
    private readonly producer: JobProducer,
  ) {}

  async sign(job: JobPayload<'forge-sign', 'evidence.sign'>): Promise<JobResult<'forge-sign', 'evidence.sign'>> {
    const body = this.statementBytes(job);
    const key = await this.keys.active();
    const sig = sign(null, pae(job.payloadType, body), key.privateKey);
    const envelope: DsseEnvelope = { payload: body.toString('base64'), payloadType: job.payloadType, signatures: [{ keyid: key.keyId, sig: sig.toString('base64') }] };
    await this.producer.enqueue(
      'evidence',
      'evidence.finalize',
      { tenantId: job.tenantId, runId: job.runId, statementSha256: job.statementSha256, envelope, keyId: key.keyId, publicKeyPem: key.publicKeyPem },
      { jobId: finalizeJobId(job.runId, job.statementSha256) },
    );
    return { keyId: key.keyId };
  }

  /** What evidence asked to sign, checked against the digest it recorded: a corrupted payload is never signed, and retrying cannot fix it. */
  private statementBytes(job: JobPayload<'forge-sign', 'evidence.sign'>): Buffer {
    if (!/^[0-9a-f]{64}$/.test(job.statementSha256)) throw new UnrecoverableError(`statementSha256 must be 64 lowercase hex characters`);
    const body = decodeBase64Either(job.payload);
    if (!body || body.length === 0) throw new UnrecoverableError(`the statement payload of run ${job.runId} is not base64`);
    const actual = sha256Hex(body);
    if (actual !== job.statementSha256) throw new UnrecoverableError(`the statement payload of run ${job.runId} has sha256 ${actual}, not the expected ${job.statementSha256}`);
    return body;
  }
}
