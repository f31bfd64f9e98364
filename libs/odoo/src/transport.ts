/** Odoo's RPC services; `object` carries execute_kw. */
export type OdooService = 'common' | 'object';

export interface TransportCallOptions {
  timeoutMs: number;
  /** names the call in error messages, e.g. 'res.users.create' rather than 'object.execute_kw' */
  label?: string;
}

/**
 * One RPC dialect (XML-RPC today; JSON-RPC or Odoo 19's JSON-2 later).
 * Implementations throw the typed errors of ./errors: faults as OdooFaultError
 * subclasses, OdooTimeoutError, OdooTransportError.
 */
export interface OdooTransport {
  readonly endpoint: string;
  call(service: OdooService, method: string, args: unknown[], options: TransportCallOptions): Promise<unknown>;
}
