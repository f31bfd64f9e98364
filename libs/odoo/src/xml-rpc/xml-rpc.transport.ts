import { OdooTimeoutError, OdooTransportError } from '../errors';
import { faultToError } from '../faults';
import { OdooService, OdooTransport, TransportCallOptions } from '../transport';
import { decodeMethodResponse, encodeMethodCall } from './xml-rpc-codec';

/**
 * How a request reaches an Odoo whose address a user gave (a tenant secret):
 * the shared SSRF guard (`SsrfGuard` in @bf/runtime) fits this shape. It checks
 * the resolved address and connects to that address only.
 */
export interface GuardedHttp {
  request(url: string, options: { method: string; headers: Record<string, string>; body: string; timeoutMs: number; maxBytes: number }): Promise<{ status: number; body: Buffer }>;
}

/** Far above any XML-RPC answer this system reads (module lists included), far below memory trouble. */
const MAX_GUARDED_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * XML-RPC over `/xmlrpc/2/<service>` (integer fault codes, unlike the legacy
 * `/xmlrpc/`). HTTP goes through fetch so every call has its own deadline.
 */
export class XmlRpcTransport implements OdooTransport {
  readonly endpoint: string;
  // private so inspecting or serialising the transport can't reveal the proxy credentials
  readonly #authorization?: string;

  /** `guard`: for a user-given URL, send through the SSRF guard instead of fetch (an operator's ODOO_URL needs none). */
  constructor(
    url: string,
    private readonly guard: GuardedHttp | null = null,
  ) {
    const parsed = new URL(url);
    // fetch refuses URLs with user info; a proxy's basic auth travels as a header instead
    if (parsed.username || parsed.password) {
      this.#authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
    }
    this.endpoint = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}/xmlrpc/2`;
  }

  async call(service: OdooService, method: string, args: unknown[], options: TransportCallOptions): Promise<unknown> {
    const url = `${this.endpoint}/${service}`;
    const label = options.label ?? `${service}.${method}`;
    const body = await this.post(url, label, this.encode(label, method, args), options.timeoutMs);
    const reply = await decodeMethodResponse(body).catch((error: Error) => {
      throw new OdooTransportError(label, 'format', `${url} did not answer XML-RPC (${error.message})`);
    });
    if (reply.fault) throw faultToError(label, reply.faultCode, reply.faultString);
    return reply.value;
  }

  private encode(label: string, method: string, args: unknown[]): string {
    try {
      return encodeMethodCall(method, args);
    } catch (error) {
      throw new OdooTransportError(label, 'format', `arguments can't be sent: ${(error as Error).message}`);
    }
  }

  private async post(url: string, label: string, xml: string, timeoutMs: number): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
    if (this.#authorization) headers.authorization = this.#authorization;
    if (this.guard) return guardedPost(this.guard, url, label, headers, xml, timeoutMs);
    try {
      const response = await fetch(url, { method: 'POST', headers, body: xml, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (!response.ok) throw new OdooTransportError(label, 'http', `${url} answered HTTP ${response.status}`, response.status);
      return text;
    } catch (error) {
      if (error instanceof OdooTransportError) throw error;
      // fetch rejects with a DOMException, which may come from another realm (jest), so match by name
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new OdooTimeoutError(label, timeoutMs);
      throw new OdooTransportError(label, 'connection', `${url} unreachable (${networkReason(error)})`);
    }
  }
}

/** A refusal by the guard or a failed request, as the transport's typed errors. */
async function guardedPost(guard: GuardedHttp, url: string, label: string, headers: Record<string, string>, xml: string, timeoutMs: number): Promise<string> {
  let response: { status: number; body: Buffer };
  try {
    response = await guard.request(url, { method: 'POST', headers, body: xml, timeoutMs, maxBytes: MAX_GUARDED_ANSWER_BYTES });
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (/^no complete answer within/.test(message)) throw new OdooTimeoutError(label, timeoutMs);
    throw new OdooTransportError(label, 'connection', `${url} unreachable (${message})`);
  }
  if (response.status < 200 || response.status > 299) throw new OdooTransportError(label, 'http', `${url} answered HTTP ${response.status}`, response.status);
  return response.body.toString('utf8');
}

function networkReason(error: unknown): string {
  const { cause, message } = (error ?? {}) as { cause?: { code?: string; message?: string }; message?: string };
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
