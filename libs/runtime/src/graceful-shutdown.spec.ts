import { createServer, request, Agent } from 'node:http';
import { AddressInfo } from 'node:net';
import pino from 'pino';
import { endEventStream, HttpDrain, stopOnDrain } from './drains';
import { GracefulShutdown } from './graceful-shutdown';

const silent = pino({ level: 'silent' });

describe('GracefulShutdown', () => {
  it('runs its phases in order, each with what is left of one budget, then exits 0', async () => {
    const exits: number[] = [];
    const seen: string[] = [];
    const shutdown = new GracefulShutdown({ timeoutMs: 1000, log: silent, exit: (code) => exits.push(code) })
      .phase('first', async (remaining) => {
        seen.push(`first ${remaining() > 900}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      })
      .phase('failing', async () => {
        throw new Error('boom');
      })
      .phase('last', async (remaining) => {
        seen.push(`last ${remaining() < 750}`);
      });
    await shutdown.run('SIGTERM');
    expect(seen).toEqual(['first true', 'last true']);
    expect(exits).toEqual([0]);
  });

  it('exits 0 right after a phase that reports exitNow, skipping the phases left', async () => {
    const exits: number[] = [];
    const seen: string[] = [];
    const shutdown = new GracefulShutdown({ timeoutMs: 1000, log: silent, exit: (code) => exits.push(code) })
      .phase('jobs', async () => {
        seen.push('jobs');
        return { released: 1, exitNow: true };
      })
      .phase('connections', async () => {
        seen.push('connections');
      });
    await shutdown.run('SIGTERM');
    expect(seen).toEqual(['jobs']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once on a second signal', async () => {
    const exits: number[] = [];
    let release!: () => void;
    const shutdown = new GracefulShutdown({ timeoutMs: 10_000, log: silent, exit: (code) => exits.push(code) }).phase('slow', () => new Promise<void>((resolve) => (release = resolve)));
    const onSignal = (shutdown as unknown as { onSignal: (signal: NodeJS.Signals) => void }).onSignal;
    onSignal('SIGTERM');
    onSignal('SIGINT');
    expect(exits).toEqual([1]);
    release();
  });
});

describe('HttpDrain', () => {
  it('refuses new connections, answers the request in progress with Connection: close, and closes idle keep-alive connections', async () => {
    let finish!: () => void;
    const server = createServer((req, res) => {
      if (req.url === '/slow') finish = () => res.end('slow done');
      else res.end('quick');
    });
    const drain = new HttpDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const get = (path: string) =>
      new Promise<{ body: string; connection?: string }>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path, agent }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ body, connection: res.headers.connection }));
        })
          .on('error', reject)
          .end();
      });
    // One kept-alive idle connection, one request in progress.
    expect(await get('/quick')).toEqual({ body: 'quick', connection: 'keep-alive' });
    const slow = get('/slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drained = drain.drain(5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(get('/quick')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    finish();
    expect(await slow).toEqual({ body: 'slow done', connection: 'close' });
    await expect(drained).resolves.toEqual({ drained: true, inFlight: 1, cut: 0 });
    agent.destroy();
  });

  it('cuts what is still open when the time is up', async () => {
    const server = createServer(() => undefined);
    const drain = new HttpDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const hanging = new Promise<string>((resolve) => request({ host: '127.0.0.1', port, path: '/' }).on('error', (error) => resolve(error.message)).end());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await expect(drain.drain(300)).resolves.toEqual({ drained: false, inFlight: 1, cut: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hanging).toMatch(/socket hang up|ECONNRESET/);
  });

  it('ends open SSE streams when the drain starts (registered ones by their own stop, others with a last event), so tailing clients do not hold the budget', async () => {
    const released: string[] = [];
    const server = createServer((req, res) => {
      // As Express's response.set does: the headers are set, then sent.
      res.setHeader('content-type', 'text/event-stream');
      res.setHeader('connection', 'keep-alive');
      res.writeHead(200);
      res.write('event: hello\ndata: {}\n\n');
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 50);
      res.on('close', () => clearInterval(keepAlive));
      if (req.url === '/registered')
        stopOnDrain(res, () => {
          released.push('registered');
          endEventStream(res);
        });
    });
    const drain = new HttpDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const tail = (path: string) =>
      new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
    const registered = tail('/registered');
    const plain = tail('/plain');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await expect(drain.drain(10_000)).resolves.toEqual({ drained: true, inFlight: 2, cut: 0 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(released).toEqual(['registered']);
    for (const body of await Promise.all([registered, plain])) {
      expect(body).toMatch(/^event: hello\n/);
      expect(body).toMatch(/event: shutdown\ndata: \{"reason":"server shutting down","reconnect":true\}\n\n$/);
    }
  });
});
