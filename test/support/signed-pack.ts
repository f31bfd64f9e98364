import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { ZipFile } from 'yazl';
import { BUSINESS_FACTORY_BUILD_TYPE, compareCodePoints, IN_TOTO_PAYLOAD_TYPE, inTotoStatement, pae, pipelineContentHash } from '@bf/contracts';

/** An Ed25519 test key, with the id forge-sign gives keys (sha256 of the DER SPKI). */
export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pem: string;
  keyId: string;
}

export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: createHash('sha256').update(der).digest('hex') };
}

const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function pipelineEvidence(): Buffer {
  const pack = {
    pack_id: 'pack_test',
    generated_at: '2026-01-01T00:00:00.000Z',
    business_intent_id: 'intent_acme',
    business_intent: null,
    graph_id: 'graph-acme',
    graph_spec: null,
    execution_result: { execution_order: ['generate', 'deploy'], completed_nodes: ['deploy', 'generate'], failed_nodes: [] },
    summary: { status: 'completed', total_nodes: 2 },
    governance_decisions: [],
    artifacts: ['step_1/index.html'],
    audit_events: [],
    is_dry_run: true,
  };
  return Buffer.from(JSON.stringify({ ...pack, content_hash: pipelineContentHash(pack) }, null, 2));
}

/** Content files like the evidence worker writes them: root files, step folders, binaries. */
export function contentFiles(): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['VERIFY.md', Buffer.from('# Verify\n\nunzip, sha256sum -c, openssl pkeyutl -verify -rawin\n')],
    ['audit_events.jsonl', Buffer.from('{"seq":1,"event_type":"pipeline.graph_started"}\n{"seq":2,"event_type":"pipeline.graph_completed"}\n')],
    ['pipeline_evidence.json', pipelineEvidence()],
    ['plan.json', Buffer.from('{\n  "plan_id": "plan_acme"\n}\n')],
    ['run.json', Buffer.from('{\n  "run_id": "run_acme"\n}\n')],
    ['screenshots/website_homepage.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])],
    ['steps/step_1_generate/result.json', Buffer.from('{\n  "files": 3\n}\n')],
    ['validation_report.pdf', Buffer.from('%PDF-1.7\n% test report\n%%EOF\n')],
  ]);
}

export interface SignOptions {
  payloadType?: string;
  /** Sign with this key but ship another public key in the pack. */
  packKey?: TestKey;
}

/** Adds the attestation (statement, DSSE envelope, key, raw signature, PAE) and the checksum file; paths sorted by code point. */
export function signedFiles(content: Map<string, Buffer>, key: TestKey, options: SignOptions = {}): Map<string, Buffer> {
  const payloadType = options.payloadType ?? IN_TOTO_PAYLOAD_TYPE;
  const statement = inTotoStatement(
    [...content].map(([name, bytes]) => ({ name, sha256: hex(bytes) })),
    { buildDefinition: { buildType: BUSINESS_FACTORY_BUILD_TYPE, externalParameters: { plan_hash: 'x' } }, runDetails: { builder: { id: 'https://business-factory.dev/forge-sign' } } },
  );
  const payload = Buffer.from(JSON.stringify(statement));
  const signed = pae(payloadType, payload);
  const sig = sign(null, signed, key.privateKey);
  const envelope = { payload: payload.toString('base64'), payloadType, signatures: [{ keyid: key.keyId, sig: sig.toString('base64') }] };
  const files = new Map(content);
  files.set('attestation/statement.json', payload);
  files.set('attestation/envelope.dsse.json', Buffer.from(JSON.stringify(envelope, null, 2)));
  files.set('attestation/signing-key.pub.pem', Buffer.from((options.packKey ?? key).pem));
  files.set('attestation/signature.bin', sig);
  files.set('attestation/pae.bin', signed);
  return withChecksums(files);
}

/** (Re)writes verification_checksums.txt over every other file, in path order. */
export function withChecksums(files: Map<string, Buffer>): Map<string, Buffer> {
  const out = new Map([...files].filter(([path]) => path !== 'verification_checksums.txt'));
  out.set('verification_checksums.txt', Buffer.from(checksumLines(out).join('')));
  return new Map([...out].sort(([a], [b]) => compareCodePoints(a, b)));
}

export function checksumLines(files: Map<string, Buffer>): string[] {
  return [...files]
    .filter(([path]) => path !== 'verification_checksums.txt')
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([path, bytes]) => `${hex(bytes)}  ${path}\n`);
}

/** A ZIP of the files in the map's order, stamped with one fixed time. */
export function zipOf(files: Map<string, Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [path, bytes] of files) zip.addBuffer(bytes, path, { mtime: new Date('2026-01-01T00:00:00Z'), mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export async function signedPack(key: TestKey, options: SignOptions = {}): Promise<Buffer> {
  return zipOf(signedFiles(contentFiles(), key, options));
}
