import { createPublicKey, verify } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { canonicalJson, decodeBase64Either, DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, pae } from '@bf/contracts';
import { EvidencePackBuilder } from './evidence-pack.builder';

export interface SignedStatement {
  statement: Buffer;
  envelope: DsseEnvelope;
  keyId: string;
  publicKeyPem: string;
}

/**
 * Checks forge-sign's envelope against the statement this worker computed and
 * adds the attestation files. A pack whose signature does not verify is never
 * written: better no pack than one that fails its own VERIFY.md.
 */
export function addAttestation(pack: EvidencePackBuilder, signed: SignedStatement): void {
  const key = publicKey(signed.publicKeyPem);
  if (signed.envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new UnrecoverableError(`envelope payloadType ${signed.envelope.payloadType} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  const payload = decodeBase64Either(signed.envelope.payload);
  if (!payload?.equals(signed.statement)) throw new UnrecoverableError('the envelope does not carry the statement this pack was built from');
  const encoded = pae(IN_TOTO_PAYLOAD_TYPE, signed.statement);
  const match = signed.envelope.signatures
    .map((signature) => ({ keyid: signature.keyid, sig: decodeBase64Either(signature.sig) }))
    .find((signature) => signature.sig?.length === 64 && verify(null, encoded, key, signature.sig));
  if (!match?.sig) throw new UnrecoverableError(`no signature in the envelope verifies under key ${signed.keyId}`);
  // Standard base64 and only the verified signature: VERIFY.md decodes them with sed and openssl base64.
  const envelope = { payload: signed.statement.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ keyid: match.keyid, sig: match.sig.toString('base64') }] };
  pack
    .add('attestation/statement.json', signed.statement)
    .add('attestation/envelope.dsse.json', Buffer.from(`${canonicalJson(envelope)}\n`))
    .add('attestation/signing-key.pub.pem', Buffer.from(key.export({ type: 'spki', format: 'pem' }) as string))
    .add('attestation/signature.bin', match.sig)
    .add('attestation/pae.bin', encoded);
}

function publicKey(pem: string) {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // Falls through to the same refusal: an unreadable key and a wrong kind of key are both unusable.
  }
  throw new UnrecoverableError('the signer public key is not an Ed25519 public key in PEM');
}
