import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { inCidr, parseCidr, SsrfGuard, SsrfRefusedError } from './ssrf-guard';

const PUBLIC_ONLY = { allowPrivate: false, allowCidrs: [] };

describe('SsrfGuard (real resolution through the system resolver)', () => {
  const guard = new SsrfGuard(PUBLIC_ONLY, { lookupTimeoutMs: 3000 });

  it.each([
    ['http://127.0.0.1/', /127\.0\.0\.1, which is loopback/],
    ['http://localhost/', /localhost resolves to (127\.0\.0\.1|::1), which is loopback/],
    ['http://LOCALHOST./x', /resolves to (127\.0\.0\.1|::1), which is loopback/],
    ['http://[::1]:8080/', /::1, which is loopback/],
    ['http://0x7f000001/', /127\.0\.0\.1, which is loopback/], // the URL parser turns hex, octal and integer hosts into dotted form
    ['http://2130706433/', /127\.0\.0\.1, which is loopback/],
    ['http://0177.0.0.1/', /127\.0\.0\.1, which is loopback/],
    ['http://[::ffff:127.0.0.1]/', /IPv4-mapped loopback/],
    ['http://[::ffff:a9fe:a9fe]/', /IPv4-mapped link-local/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[fe80::1]/', /link-local \(fe80::\/10\)/],
    ['http://[fd00::1]/', /unique local/],
    ['http://0.0.0.0:8000/', /this network/],
    ['http://[::]/', /unspecified/],
    ['http://10.0.0.5/', /private \(10\.0\.0\.0\/8\)/],
    ['http://192.168.1.1/', /private \(192\.168\.0\.0\/16\)/],
    ['http://172.20.0.1/', /private \(172\.16\.0\.0\/12\)/],
    ['http://100.64.0.1/', /carrier-grade NAT/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[ff02::1]/', /multicast/],
    ['http://[64:ff9b::7f00:1]/', /NAT64/],
    ['ftp://example.com/', /scheme ftp: is not fetched/],
    ['file:///etc/passwd', /scheme file: is not fetched/],
    ['http://user:pass@example.com/', /credentials/],
    ['http://no-such-host.invalid/', /no-such-host\.invalid does not resolve/],
    ['not a url', /not a URL/],
  ])('refuses %s', async (url, reason) => {
    await expect(guard.check(url)).rejects.toThrow(reason);
    await expect(guard.check(url)).rejects.toBeInstanceOf(SsrfRefusedError);
  });

  it('passes public address literals and pins the checked address', async () => {
    const target = await guard.check('https://8.8.8.8/logo.png');
    expect(target.pinned).toEqual({ address: '8.8.8.8', family: 4 });
    expect((await guard.check('http://[2606:4700:4700::1111]/')).pinned).toEqual({ address: '2606:4700:4700::1111', family: 6 });
  });

  it('allows non-public ranges only when configured: SSRF_ALLOW_CIDRS or SSRF_ALLOW_PRIVATE', async () => {
    const loopbackAllowed = new SsrfGuard({ allowPrivate: false, allowCidrs: ['127.0.0.0/8', 'fd00::/8'] });
    expect((await loopbackAllowed.check('http://127.0.0.2/')).pinned.address).toBe('127.0.0.2');
    expect((await loopbackAllowed.check('http://[::ffff:127.0.0.1]/')).pinned.address).toBe('::ffff:7f00:1');
    expect((await loopbackAllowed.check('http://[fd12::1]/')).pinned.address).toBe('fd12::1');
    await expect(loopbackAllowed.check('http://10.0.0.1/')).rejects.toThrow(/private/);
    await expect(loopbackAllowed.check('http://169.254.169.254/')).rejects.toThrow(/link-local/);
    const anything = new SsrfGuard({ allowPrivate: true, allowCidrs: [] });
    expect((await anything.check('http://169.254.169.254/')).pinned.address).toBe('169.254.169.254');
  });

  it('judges every address a name resolves to, not just the first', async () => {
    const mixed = new SsrfGuard(PUBLIC_ONLY, { resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }] });
    await expect(mixed.check('http://mixed.example/')).rejects.toThrow('mixed.example resolves to 10.0.0.7, which is private (10.0.0.0/8)');
  });

  it('refuses bad CIDRs in the configuration', () => {
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'example.com/8', '10.0.0.0/8/1', '10.0.0.0/x', '']) expect(() => parseCidr(bad)).toThrow(/not a CIDR/);
    expect(inCidr('10.1.2.3', parseCidr('10.0.0.0/8'))).toBe(true);
    expect(inCidr('11.1.2.3', parseCidr('10.0.0.0/8'))).toBe(false);
    expect(inCidr('::ffff:10.1.2.3', parseCidr('10.0.0.0/8'))).toBe(true);
    expect(inCidr('192.168.1.1', parseCidr('192.168.1.1'))).toBe(true);
  });
});

describe('SsrfGuard.request against a real local server', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; address: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers, address: req.socket.localAddress ?? '' });
      if (req.url === '/moved') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      if (req.url === '/big') return res.writeHead(200).end('x'.repeat(5000));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => (seen.length = 0));

  it('sends nothing to a refused address', async () => {
    const guard = new SsrfGuard(PUBLIC_ONLY);
    await expect(guard.request(`http://127.0.0.1:${port}/`, { timeoutMs: 2000, maxBytes: 1024 })).rejects.toThrow(/loopback/);
    await expect(guard.request(`http://localhost:${port}/`, { timeoutMs: 2000, maxBytes: 1024 })).rejects.toThrow(/loopback/);
    expect(seen).toEqual([]);
  });

  it('connects to the address it checked, resolving the name once (no second lookup to rebind)', async () => {
    let lookups = 0;
    const guard = new SsrfGuard(
      { allowPrivate: false, allowCidrs: ['127.0.0.1/32'] },
      {
        resolve: async () => {
          lookups += 1;
          // A rebinding server would answer differently the second time; there must be no second time.
          return lookups === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }];
        },
      },
    );
    const response = await guard.request(`http://rebind.example:${port}/hi`, { timeoutMs: 2000, maxBytes: 1024 });
    expect(response).toMatchObject({ status: 200, address: '127.0.0.1' });
    expect(response.body.toString()).toBe('hello');
    expect(lookups).toBe(1);
    expect(seen).toEqual([expect.objectContaining({ url: '/hi', address: '127.0.0.1', headers: expect.objectContaining({ host: `rebind.example:${port}` }) })]);
  });

  it('returns a redirect instead of following it, and caps the body', async () => {
    const guard = new SsrfGuard({ allowPrivate: false, allowCidrs: ['127.0.0.0/8'] });
    const moved = await guard.request(`http://127.0.0.1:${port}/moved`, { timeoutMs: 2000, maxBytes: 1024 });
    expect(moved).toMatchObject({ status: 302, headers: expect.objectContaining({ location: 'http://169.254.169.254/' }) });
    await expect(guard.request(`http://127.0.0.1:${port}/big`, { timeoutMs: 2000, maxBytes: 1024 })).rejects.toThrow(/over the 1024-byte limit|over the limit/);
    expect(seen.map((s) => s.url)).toEqual(['/moved', '/big']);
  });
});
