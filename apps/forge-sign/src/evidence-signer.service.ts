import { sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { JobResult, newId, sha256Hex } from '@bf/contracts';
import { ArtifactEntity } from '@bf/persistence';
import { SigningKeyStore } from './signing-key.store';

/**
 * Signs an evidence pack with Ed25519: a detached raw signature next to the ZIP,
 * verifiable with `openssl pkeyutl -verify -pubin -inkey evidence-signing.pub.pem
 * -rawin -in pack.zip -sigfile pack.zip.sig`. Idempotent per pack.
 */
@Injectable()
export class EvidenceSignerService {
  private readonly keys: SigningKeyStore;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keys = new SigningKeyStore(config.storage.keysDir);
  }

  async sign(tenantId: string, runId: string, artifactId: string): Promise<JobResult<'forge-sign', 'evidence.sign'>> {
    const artifacts = this.dataSource.getRepository(ArtifactEntity);
    const pack = await artifacts.findOneBy({ id: artifactId, tenantId, kind: 'evidence_pack' });
    if (!pack) throw new UnrecoverableError(`evidence pack ${artifactId} does not exist`);
    const key = await this.keys.load();
    const existing = await artifacts.findOneBy({ runId, kind: 'evidence_signature' });
    if (existing) return { artifactId: existing.id, signaturePath: existing.path, keyFingerprint: key.fingerprint };

    const zip = await readFile(pack.path);
    if (sha256Hex(zip) !== pack.sha256) throw new UnrecoverableError(`evidence pack ${artifactId} changed on disk since it was built`);
    const signature = sign(null, zip, key.privateKey);
    const signaturePath = `${pack.path}.sig`;
    await writeFile(signaturePath, signature);
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(ArtifactEntity)
      .values({
        id: newId('art'),
        tenantId,
        planId: pack.planId,
        runId,
        stepId: null,
        kind: 'evidence_signature',
        path: signaturePath,
        sha256: sha256Hex(signature),
        sizeBytes: String(signature.length),
        metadata: { algorithm: 'Ed25519', key_fingerprint: key.fingerprint, signs: pack.id, public_key_path: this.keys.publicKeyPath } as never,
      })
      .orIgnore()
      .execute();
    const stored = await artifacts.findOneByOrFail({ runId, kind: 'evidence_signature' });
    return { artifactId: stored.id, signaturePath: stored.path, keyFingerprint: key.fingerprint };
  }
}
