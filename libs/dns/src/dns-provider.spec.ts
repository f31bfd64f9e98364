import { canonicalRecordSet, canonicalValue } from './dns-provider';

describe('canonicalValue', () => {
  it.each([
    ['CNAME', 'Acme.Example', 'acme.example.'],
    ['MX', '10   Mail.Acme.Example', '10 mail.acme.example.'],
    ['AAAA', '2001:0DB8:0000:0000:0000:0000:0000:0010', '2001:db8::10'],
    ['AAAA', '2001:db8::10', '2001:db8::10'],
    ['TXT', 'v=spf1 -all', '"v=spf1 -all"'],
    ['TXT', '"v=spf1 " "-all"', '"v=spf1 -all"'],
    ['TXT', 'say "hi"', '"say \\"hi\\""'],
    ['A', ' 203.0.113.10 ', '203.0.113.10'],
  ])('%s %j → %j', (type, value, canonical) => {
    expect(canonicalValue(type, value)).toBe(canonical);
  });

  it('cuts a long TXT into 255-octet strings however it was given', () => {
    const text = 'k'.repeat(600);
    const expected = `"${'k'.repeat(255)}" "${'k'.repeat(255)}" "${'k'.repeat(90)}"`;
    expect(canonicalValue('TXT', text)).toBe(expected);
    expect(canonicalValue('TXT', `"${'k'.repeat(100)}" "${'k'.repeat(500)}"`)).toBe(expected);
  });

  it('makes equal record sets equal as JSON', () => {
    expect(canonicalRecordSet({ name: 'WWW.acme.example.', type: 'aaaa', ttl: 60, values: ['2001:DB8::10', '2001:db8:0::10'] })).toEqual({ name: 'www.acme.example', type: 'AAAA', ttl: 60, values: ['2001:db8::10'] });
  });
});

describe('DNS_PROVIDER_FACTORY', () => {
  it('boots without credentials and refuses every call with the missing variable named', async () => {
    const { DNS_PROVIDER_FACTORY } = await import('./dns-provider.factory');
    const { loadConfig } = await import('@bf/config');
    const provider = DNS_PROVIDER_FACTORY.useFactory(loadConfig({ DNS_PROVIDER: 'powerdns' }), {} as never);
    expect(provider.name).toBe('powerdns');
    await expect(provider.findZone('acme.example')).rejects.toThrow('the DNS provider is not configured: DNS_PROVIDER=powerdns needs PDNS_API_URL and PDNS_API_KEY');
    await expect(provider.authoritativeServer({ name: 'acme.example', id: 'x' })).resolves.toBeNull();
  });
});
