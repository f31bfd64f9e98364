import { ConflictException, GatewayTimeoutException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { JobResult } from '@bf/contracts';
import { SigningKeyEntity } from '@bf/persistence';
import { JobProducer } from '@bf/queue';
import { QueueEventsRegistry } from '../queue-events.registry';

/** A signing key as the API shows it: public material and lifecycle only. */
export interface SigningKeyView {
  key_id: string;
  algorithm: 'ed25519';
  status: SigningKeyEntity['status'];
  created_at: string;
  retired_at: string | null;
  revoked_at: string | null;
  revocation_reason: string | null;
  public_key_pem: string;
  /** The 32-byte Ed25519 public key, base64: what tools that do not read PEM need. */
  public_key_raw: string;
}

/**
 * The public side of forge-sign's keys. Listing and revoking only touch public
 * columns (the entity never selects the encrypted ones), so the gateway needs no
 * master key; creating a key is forge-sign's job and goes through its queue.
 */
@Injectable()
export class KeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    private readonly events: QueueEventsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(): Promise<SigningKeyView[]> {
    const keys = await this.dataSource.getRepository(SigningKeyEntity).find({ order: { createdAt: 'DESC', keyId: 'ASC' } });
    return keys.map(toView);
  }

  async rotate(): Promise<SigningKeyView> {
    const current = await this.dataSource.getRepository(SigningKeyEntity).findOneBy({ status: 'active' });
    await this.events.forQueue('forge-sign'); // listening before the job exists, so its completion cannot be missed
    const job = await this.producer.enqueue('forge-sign', 'keys.rotate', { fromKeyId: current?.keyId ?? null });
    const outcome = await this.events.waitFor<JobResult<'forge-sign', 'keys.rotate'>>('forge-sign', job, this.config.planner.waitMs);
    if (!outcome.finished) throw new GatewayTimeoutException('forge-sign did not answer in time; the rotation may still happen, see GET /api/v1/keys');
    return toView(await this.dataSource.getRepository(SigningKeyEntity).findOneByOrFail({ keyId: outcome.result.keyId }));
  }

  /**
   * One conditional UPDATE, so two revocations of the same key cannot both
   * succeed. Revoking the active key leaves none active: forge-sign generates a
   * new one at its next signature (or rotation), never signing with the revoked one again.
   */
  async revoke(keyId: string, reason: string): Promise<SigningKeyView> {
    const { affected } = await this.dataSource
      .createQueryBuilder()
      .update(SigningKeyEntity)
      .set({ status: 'revoked', revokedAt: () => 'now()', revocationReason: reason })
      .where('key_id = :keyId AND status <> :revoked', { keyId, revoked: 'revoked' })
      .execute();
    const key = await this.dataSource.getRepository(SigningKeyEntity).findOneBy({ keyId });
    if (!key) throw new NotFoundException(`no signing key ${keyId}`);
    if (!affected) throw new ConflictException(`signing key ${keyId} was already revoked at ${key.revokedAt?.toISOString()}`);
    return toView(key);
  }
}

function toView(key: SigningKeyEntity): SigningKeyView {
  const jwk = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
  return {
    key_id: key.keyId,
    algorithm: 'ed25519',
    status: key.status,
    created_at: key.createdAt.toISOString(),
    retired_at: key.retiredAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    revocation_reason: key.revocationReason,
    public_key_pem: key.publicKeyPem,
    public_key_raw: Buffer.from(String(jwk.x), 'base64url').toString('base64'),
  };
}
