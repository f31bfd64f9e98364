import { candidateZones, DomainNameError, registrableDomain } from './zone-name';

describe('registrableDomain', () => {
  it.each([
    ['shop.acme.co.uk', 'acme.co.uk'],
    ['acme.co.uk', 'acme.co.uk'],
    ['WWW.Acme.Example.', 'acme.example'],
    ['a.b.c.acme.com.au', 'acme.com.au'],
    ['blog.acme.github.io', 'acme.github.io'],
    ['bäckerei.de', 'bäckerei.de'],
  ])('%s → %s', (host, zone) => {
    expect(registrableDomain(host)).toBe(zone);
  });

  it.each(['co.uk', 'com', '203.0.113.10'])('refuses %s, which has no registrable domain', (host) => {
    expect(() => registrableDomain(host)).toThrow(DomainNameError);
  });
});

describe('candidateZones', () => {
  it('tries the most specific name first and stops at the registrable domain', () => {
    expect(candidateZones('www.shop.acme.co.uk')).toEqual(['www.shop.acme.co.uk', 'shop.acme.co.uk', 'acme.co.uk']);
    expect(candidateZones('acme.example')).toEqual(['acme.example']);
  });
});
