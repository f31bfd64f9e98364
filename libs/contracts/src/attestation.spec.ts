import { decodeBase64Either, inTotoStatement, pae, SLSA_PROVENANCE_V1 } from './attestation';

describe('DSSE pre-authentication encoding', () => {
  it('matches the protocol test vector', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts bytes, not characters', () => {
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });
});

describe('decodeBase64Either', () => {
  it('reads standard and URL-safe base64, padded or not, and refuses anything else', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x00]);
    expect(decodeBase64Either(bytes.toString('base64'))).toEqual(bytes);
    expect(decodeBase64Either(bytes.toString('base64url'))).toEqual(bytes);
    expect(decodeBase64Either('not base64!')).toBeNull();
  });
});

describe('inTotoStatement', () => {
  it('lists subjects sorted by name', () => {
    const statement = inTotoStatement([{ name: 'b.json', sha256: 'b'.repeat(64) }, { name: 'a.json', sha256: 'a'.repeat(64) }], { buildDefinition: { buildType: 'x', externalParameters: {} }, runDetails: { builder: { id: 'y' } } });
    expect(statement.subject.map((s) => s.name)).toEqual(['a.json', 'b.json']);
    expect(statement.predicateType).toBe(SLSA_PROVENANCE_V1);
  });
});
