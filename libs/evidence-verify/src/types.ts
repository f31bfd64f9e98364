/** One named check of a pack; `file` names the pack entry the outcome is about. */
export interface VerificationCheck {
  check: string;
  passed: boolean;
  detail: string;
  file?: string;
}

export type SigningKeyStatus = 'active' | 'retired' | 'revoked';

/** A key as the signing-key registry publishes it (`GET /api/v1/keys`, table `signing_keys`). */
export interface TrustedKey {
  key_id: string;
  public_key_pem: string;
  status: SigningKeyStatus | string;
}

export interface VerifyOptions {
  /**
   * The keys a signature may come from. Given (even empty), a pack is valid only
   * when a non-revoked key among them verifies the signature. Left out (offline,
   * no registry at hand), the pack's own public key is used and the result says
   * that trust in that key was not established.
   */
  trustedKeys?: TrustedKey[];
  /** Guards against ZIP bombs; the sum of all uncompressed entry sizes. */
  maxUncompressedBytes?: number;
}

export interface VerifyResult {
  valid: boolean;
  checks: VerificationCheck[];
  /** The registry's id of the key that verified the signature; null unless a trusted key did. */
  key_id: string | null;
  /** The envelope's own `keyid`: a hint for finding the key, never evidence of who signed. */
  keyid_hint: string | null;
  key_trust: string;
  /** SHA-256 of the statement as the signed envelope carries it. */
  expected_hash: string | null;
  /** SHA-256 of attestation/statement.json as found in the pack. */
  computed_hash: string | null;
}
