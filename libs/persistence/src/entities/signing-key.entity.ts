import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SIGNING_KEY_STATUSES = ['active', 'retired', 'revoked'] as const;
/** active: signs new packs (at most one); retired: replaced, still verifies; revoked: verifiers refuse what it signed. */
export type SigningKeyStatus = (typeof SIGNING_KEY_STATUSES)[number];

/**
 * One of forge-sign's Ed25519 keys. Only forge-sign, which holds the master key,
 * can turn the encrypted columns back into a private key; everyone else reads the
 * public half.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn('text', { name: 'key_id' }) keyId!: string;
  @Column('text') algorithm!: 'ed25519';
  @Column('text', { name: 'public_key_pem' }) publicKeyPem!: string;
  @Column('text') status!: SigningKeyStatus;
  @Column('bytea', { name: 'private_key_iv', select: false }) privateKeyIv!: Buffer;
  @Column('bytea', { name: 'private_key_tag', select: false }) privateKeyTag!: Buffer;
  @Column('bytea', { name: 'private_key_ciphertext', select: false }) privateKeyCiphertext!: Buffer;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('text', { name: 'revocation_reason', nullable: true }) revocationReason!: string | null;
}
