import { HttpDrain } from '@bf/runtime';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { startTestSystem } from '../support/system';

const QUICK_START = require('../../templates/briefings/acme-quick-start.json');

/** Reads an SSE response until it ends; `seen` resolves once the text so far matches. */
function tail(response: Response): { body: () => string; ended: Promise<string>; seen: (pattern: RegExp) => Promise<void> } {
  let body = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return body;
      body += decoder.decode(value, { stream: true });
      for (const wait of waiting.filter((w) => w.pattern.test(body))) wait.resolve();
    }
  })();
  return {
    body: () => body,
    ended,
    seen: (pattern) => (pattern.test(body) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ pattern, resolve }))),
  };
}

/**
 * The gateway's HTTP drain (SIGTERM's first phase) with a client tailing a
 * plan's live progress: the stream is ended with a last `shutdown` event when
 * the drain starts, so the drain finishes at once instead of waiting out the
 * shutdown budget for a stream that never ends by itself.
 */
describe('SSE streams on gateway shutdown (real gateway, Redis and PostgreSQL)', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startTestSystem('shutdown_streams');
  });
  afterAll(() => system?.stop());

  it('ends a tailing client’s progress stream with a shutdown event as soon as the drain starts, well under the budget', async () => {
    const http = new HttpDrain(system.gateway.getHttpServer());
    const headers = { ...authHeaders(system, 'admin'), 'content-type': 'application/json' };
    const plan = (await (await fetch(`${system.url}/api/factory/plan`, { method: 'POST', headers, body: JSON.stringify({ ...QUICK_START, dry_run: true }) })).json()) as any;
    expect(plan).toMatchObject({ plan_id: expect.any(String) });
    const response = await fetch(`${system.url}/api/factory/${plan.plan_id}/events`, { headers: authHeaders(system, 'viewer') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = tail(response);
    await stream.seen(/event: snapshot\n/);

    const started = Date.now();
    const budgetMs = 10_000;
    const result = await http.drain(budgetMs);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toEqual({ drained: true, inFlight: 1, cut: 0 });
    const body = await stream.ended;
    expect(body).toMatch(/^event: snapshot\n/);
    expect(body).toMatch(/event: shutdown\ndata: \{"reason":"server shutting down","reconnect":true\}\n\n$/);
  });
});
