/**
 * How a provider reaches an API whose address a tenant gave (a DNS secret's
 * api_url): the shared SSRF guard (`SsrfGuard` in @bf/runtime) fits this shape.
 * It resolves and judges the host on every request, connects to the judged
 * address only, and follows no redirect.
 */
export interface GuardedHttp {
  request(url: string, options: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; maxBytes: number }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>;
}

/** The fetch a provider calls: the global one, or one through the SSRF guard. */
export type ProviderFetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

/** Far above any zone listing this system reads, far below memory trouble. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** A guard refusal or a redirect: the request was not (or not further) sent, and retrying cannot change that. */
export class GuardedFetchRefusedError extends Error {
  override readonly name = 'GuardedFetchRefusedError';
}

/**
 * A fetch through the SSRF guard, for providers built from a tenant secret. A
 * 3xx is refused instead of followed: its Location is another user-chosen
 * address (fetch would resolve and connect to it unchecked).
 */
export function guardedFetch(guard: GuardedHttp, timeoutMs: number): ProviderFetch {
  return async (url, init) => {
    let answer: Awaited<ReturnType<GuardedHttp['request']>>;
    try {
      answer = await guard.request(url, { method: init.method, headers: init.headers, body: init.body, timeoutMs, maxBytes: MAX_ANSWER_BYTES });
    } catch (error) {
      if ((error as Error)?.name === 'SsrfRefusedError') throw new GuardedFetchRefusedError(`not contacted: ${(error as Error).message}`);
      throw error;
    }
    if (answer.status >= 300 && answer.status < 400) {
      throw new GuardedFetchRefusedError(`answered HTTP ${answer.status} (a redirect${typeof answer.headers.location === 'string' ? ` to ${safeLocation(answer.headers.location)}` : ''}), which is not followed for an API URL from a secret`);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) for (const one of [value].flat()) headers.append(name, one);
    }
    return new Response(answer.status === 204 || answer.status === 304 ? null : new Uint8Array(answer.body), { status: answer.status, headers });
  };
}

/** Where a redirect pointed, without credentials or query (it may carry tokens). */
function safeLocation(location: string): string {
  try {
    const url = new URL(location);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'an unparsable address';
  }
}
