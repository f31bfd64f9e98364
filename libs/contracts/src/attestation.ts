import { z } from 'zod';

/**
 * What forge-sign signs and what evidence packs carry: a DSSE envelope
 * (secure-systems-lab/dsse protocol.md) whose payload is an in-toto Statement v1
 * with a SLSA provenance v1 predicate. Facts: ../shared/docs/integrations.md.
 */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** Names the kind of build our provenance describes: a Business Factory run. */
export const BUSINESS_FACTORY_BUILD_TYPE = 'https://business-factory.dev/evidence-pack/v1';

export const DsseSignatureSchema = z.object({ keyid: z.string(), sig: z.string().min(1) });
export const DsseEnvelopeSchema = z.object({
  payload: z.string().min(1),
  payloadType: z.string().min(1),
  signatures: z.array(DsseSignatureSchema).min(1),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelopeSchema>;

export const InTotoSubjectSchema = z.object({ name: z.string().min(1), digest: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }) });
export type InTotoSubject = z.infer<typeof InTotoSubjectSchema>;

export const SlsaProvenanceSchema = z.object({
  buildDefinition: z.object({
    buildType: z.string(),
    externalParameters: z.record(z.unknown()),
    internalParameters: z.record(z.unknown()).optional(),
  }),
  runDetails: z.object({
    builder: z.object({ id: z.string() }),
    metadata: z.object({ invocationId: z.string(), startedOn: z.string().optional(), finishedOn: z.string().optional() }).optional(),
  }),
});
export type SlsaProvenance = z.infer<typeof SlsaProvenanceSchema>;

export const InTotoStatementSchema = z.object({
  _type: z.literal(IN_TOTO_STATEMENT_TYPE),
  subject: z.array(InTotoSubjectSchema).min(1),
  predicateType: z.literal(SLSA_PROVENANCE_V1),
  predicate: SlsaProvenanceSchema,
});
export type InTotoStatement = z.infer<typeof InTotoStatementSchema>;

/**
 * DSSE's pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`,
 * lengths in bytes as ASCII decimal, over the raw body. This, not the payload's
 * base64, is what the signature covers.
 */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** Verifiers accept standard and URL-safe base64 (DSSE); anything else is not base64 and yields null. */
export function decodeBase64Either(text: string): Buffer | null {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal)) return null;
  const padded = normal.padEnd(normal.length + ((4 - (normal.length % 4)) % 4), '=');
  return Buffer.from(padded, 'base64');
}

/** A statement about the given files, subjects sorted by name so the same pack gives the same bytes. */
export function inTotoStatement(files: ReadonlyArray<{ name: string; sha256: string }>, predicate: SlsaProvenance): InTotoStatement {
  const subject = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((file) => ({ name: file.name, digest: { sha256: file.sha256 } }));
  return { _type: IN_TOTO_STATEMENT_TYPE, subject, predicateType: SLSA_PROVENANCE_V1, predicate };
}
