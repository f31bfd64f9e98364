import { redactUrl } from '@bf/config';
import { SsrfGuard, SsrfRefusedError } from '@bf/runtime';
import { ProbeError } from './probe-errors';

export interface ProbeResponse {
  status: number;
  body: string;
}

/**
 * One HTTP request to an external system, bounded by `timeoutMs` (connect,
 * headers and body together) or by the caller's `init.signal`. Any failure to get an answer becomes a
 * ProbeError that says what happened (timeout, connection refused, unknown
 * host) and where, with credentials stripped from the URL.
 */
export async function httpProbe(system: string, url: string, init: RequestInit, timeoutMs: number, guard?: SsrfGuard): Promise<ProbeResponse> {
  const where = redactUrl(url);
  const { target, headers } = withBasicAuth(url, init.headers);
  if (guard) return guardedProbe(system, where, target, headers, init, timeoutMs, guard);
  try {
    const response = await fetch(target, { ...init, headers, redirect: 'manual', signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    throw new ProbeError(`${system} did not answer at ${where}: ${describeNetworkError(error, timeoutMs)}`);
  }
}

/** fetch refuses URLs with credentials: `https://user:pass@odoo.example` (a proxy's basic auth) becomes a header. */
function withBasicAuth(url: string, given: RequestInit['headers']): { target: string; headers: Headers } {
  const headers = new Headers(given);
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { target: url, headers };
  if (!headers.has('authorization')) {
    const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  }
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.toString(), headers };
}

/** Bound on a guarded probe's answer: a version or login answer is a few hundred bytes. */
const PROBE_MAX_BYTES = 1024 * 1024;

/**
 * A probe of a user-given address (an Odoo URL in a tenant secret): through the
 * SSRF guard, which checks the resolved address and connects to that address only.
 */
async function guardedProbe(system: string, where: string, target: string, headers: Headers, init: RequestInit, timeoutMs: number, guard: SsrfGuard): Promise<ProbeResponse> {
  try {
    const body = typeof init.body === 'string' ? init.body : undefined;
    const response = await guard.request(target, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), body, timeoutMs, maxBytes: PROBE_MAX_BYTES });
    return { status: response.status, body: response.body.toString('utf8') };
  } catch (error) {
    if (error instanceof SsrfRefusedError) throw new ProbeError(`${system} at ${where} is not contacted: ${error.message} (SSRF_ALLOW_CIDRS allows such ranges)`);
    throw new ProbeError(`${system} did not answer at ${where}: ${(error as Error).message}`);
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms (PREFLIGHT_TIMEOUT_MS)`;
  // undici reports "fetch failed" and puts the socket error in `cause`.
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not found (${code})`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection closed before an answer (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `network unreachable (${code})`;
  }
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS failed (${code})`;
  const message = cause?.message ?? (error as Error)?.message ?? String(error);
  return code ? `${message} (${code})` : message;
}

/** The first line of an answer, shortened: enough to tell an operator what the other side said. */
export function excerpt(body: string, max = 160): string {
  const line = body.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
