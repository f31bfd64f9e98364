import { createSocket } from 'node:dgram';
import { AddressInfo } from 'node:net';
import { queryDns } from './dns-client';
import { formatTxt, fromWireData, parseTxt, toWireData, txtContent } from './embedded/wire-values';

describe('wire values', () => {
  it('parses quoted, escaped and unquoted TXT character-strings and prints them back', () => {
    const parsed = parseTxt('"v=spf1 -all" "say \\"hi\\" \\\\ \\065" bare');
    expect(parsed.map((part) => part.toString())).toEqual(['v=spf1 -all', 'say "hi" \\ A', 'bare']);
    expect(formatTxt(parsed)).toBe('"v=spf1 -all" "say \\"hi\\" \\\\ A" "bare"');
    expect(formatTxt(parseTxt('"tab\\009"'))).toBe('"tab\\009"');
    expect(parseTxt('""')).toEqual([Buffer.alloc(0)]);
    expect(() => parseTxt('"open')).toThrow(/unterminated/);
  });

  it('splits long TXT strings at 255 octets and compares TXT by content', () => {
    const long = `"${'é'.repeat(200)}"`;
    const parts = parseTxt(long);
    expect(parts.map((part) => part.length)).toEqual([255, 145]);
    expect(txtContent(long)).toBe(txtContent(`"${'é'.repeat(100)}" "${'é'.repeat(100)}"`));
  });

  it('validates and converts the other types both ways', () => {
    expect(toWireData('MX', '10 Mail.Example.')).toEqual({ preference: 10, exchange: 'mail.example' });
    expect(fromWireData('MX', { preference: 10, exchange: 'mail.example' })).toBe('10 mail.example.');
    expect(fromWireData('SOA', toWireData('SOA', 'ns1.a. hostmaster.a. 7 3600 600 1209600 300'))).toBe('ns1.a. hostmaster.a. 7 3600 600 1209600 300');
    expect(() => toWireData('A', '300.1.1.1')).toThrow();
    expect(() => toWireData('AAAA', '203.0.113.1')).toThrow();
    expect(() => toWireData('MX', 'mail.example.')).toThrow();
    expect(() => toWireData('CNAME', `${'a'.repeat(64)}.example.`)).toThrow();
    expect(() => toWireData('SRV', '0 0 443 x.')).toThrow(/not served/);
  });
});

describe('queryDns', () => {
  it('rejects with ETIMEOUT when the server stays silent', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await expect(queryDns({ host: '127.0.0.1', port, name: 'x.example', type: 'A', timeoutMs: 150 })).rejects.toMatchObject({ code: 'ETIMEOUT' });
    } finally {
      silent.close();
    }
  });
});
