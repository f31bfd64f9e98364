import { performance } from 'node:perf_hooks';

/**
 * What a REST client of the gateway does to run a plan: plan, open the SSE
 * progress stream, execute, and read the stream until the run reports its end.
 * No polling, so the benchmark measures the system rather than its own loop.
 */
export class FactoryClient {
  /** Milliseconds each execute request took to answer (the run's start), for telling it from the steps' time. */
  readonly executeMs: number[] = [];

  /** `headers`: the API key the benchmark runs as (`Authorization: Bearer …`). */
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async plan(briefing: object): Promise<string> {
    const body = await this.post('/api/factory/plan', briefing);
    if (typeof body.plan_id !== 'string') throw new Error(`planning failed: ${JSON.stringify(body)}`);
    return body.plan_id;
  }

  /** Executes a planned dry run and resolves with the milliseconds until the run ended. */
  async runToEnd(planId: string): Promise<number> {
    const abort = new AbortController();
    const stream = await fetch(`${this.baseUrl}/api/factory/${planId}/events`, { signal: abort.signal, headers: this.headers });
    const reader = stream.body!.getReader();
    const buffer = { text: '' };
    try {
      await this.readUntil(reader, buffer, (event) => event.event === 'snapshot');
      const started = performance.now();
      const accepted = await this.post(`/api/factory/execute?plan_id=${planId}&confirm=true`);
      this.executeMs.push(performance.now() - started);
      if (!accepted.run_id) throw new Error(`execute refused: ${JSON.stringify(accepted)}`);
      const end = await this.readUntil(reader, buffer, (event) => event.event === 'progress' && event.data.kind === 'run' && event.data.runId === accepted.run_id && event.data.status !== 'running');
      if (end.data.status !== 'completed') throw new Error(`run ended ${end.data.status}`);
      return performance.now() - started;
    } finally {
      abort.abort();
      await reader.cancel().catch(() => undefined);
    }
  }

  private async readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, buffer: { text: string }, wanted: (event: { event: string; data: any }) => boolean) {
    const decoder = new TextDecoder();
    for (;;) {
      const frame = buffer.text.indexOf('\n\n');
      if (frame >= 0) {
        const text = buffer.text.slice(0, frame);
        buffer.text = buffer.text.slice(frame + 2);
        const event = /^event: (.*)$/m.exec(text)?.[1];
        const data = /^data: (.*)$/m.exec(text)?.[1];
        if (event && data) {
          const parsed = { event, data: JSON.parse(data) };
          if (wanted(parsed)) return parsed;
        }
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the progress stream ended before the run did');
      buffer.text += decoder.decode(value, { stream: true });
    }
  }

  private async post(path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: { ...this.headers, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return response.json();
  }
}
