import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TrustedKey } from '@bf/evidence-verify';

/**
 * The keys forge-sign has published, revoked ones included so a pack they signed
 * is named as such. Read with plain SQL: the gateway needs three columns, not
 * forge-sign's entity and its encrypted private keys.
 */
@Injectable()
export class SigningKeyRegistry {
  constructor(private readonly dataSource: DataSource) {}

  async trustedKeys(): Promise<TrustedKey[]> {
    const rows: TrustedKey[] = await this.dataSource.query('SELECT key_id, public_key_pem, status FROM signing_keys ORDER BY created_at, key_id');
    return rows.map((row) => ({ key_id: row.key_id, public_key_pem: row.public_key_pem, status: row.status }));
  }
}
