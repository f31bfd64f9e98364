/**
 * Typed failures of the Odoo client. Messages carry Odoo's own words (already
 * scrubbed of secrets by the client) so a step can surface them as they are.
 */
export abstract class OdooError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Odoo answered with an XML-RPC fault (codes of `/xmlrpc/2`). */
export abstract class OdooFaultError extends OdooError {
  abstract readonly faultCode: number;
  abstract readonly kind: string;

  /**
   * @param odooMessage the user-facing message: for code 1 the traceback's last line
   * @param faultString the raw fault text (for code 1 the whole traceback)
   */
  constructor(
    readonly call: string,
    readonly odooMessage: string,
    readonly faultString: string,
  ) {
    super(`${call}: ${odooMessage}`);
  }
}

/** Fault 1: an unexpected server error; `odooMessage` is the traceback's last line. */
export class OdooServerError extends OdooFaultError {
  readonly faultCode = 1;
  readonly kind = 'server error';
}

/** Fault 2: UserError, ValidationError or a database constraint. */
export class OdooUserError extends OdooFaultError {
  readonly faultCode = 2;
  readonly kind = 'user error';
}

/** Fault 3: bad credentials on an object call, or a non-admin running module operations. */
export class OdooAccessDeniedError extends OdooFaultError {
  readonly faultCode = 3;
  readonly kind = 'access denied';
}

/** Fault 4: AccessError (record rules, ACLs, private methods). */
export class OdooAccessError extends OdooFaultError {
  readonly faultCode = 4;
  readonly kind = 'access error';
}

/** `authenticate` returned False: wrong login, password/API key or database. */
export class OdooAuthenticationError extends OdooError {
  constructor(
    readonly url: string,
    readonly db: string,
    readonly login: string,
  ) {
    super(`Odoo at ${url} refused login '${login}' on database '${db}' (authenticate returned false)`);
  }
}

/**
 * No answer in time. For module operations the server may still finish the
 * work after we stop waiting, so callers should re-read state before retrying.
 */
export class OdooTimeoutError extends OdooError {
  constructor(
    readonly call: string,
    readonly timeoutMs: number,
  ) {
    super(`${call}: no answer within ${timeoutMs} ms`);
  }
}

/** The server could not be reached, answered HTTP errors, or spoke something other than XML-RPC. */
export class OdooTransportError extends OdooError {
  constructor(
    readonly call: string,
    readonly reason: 'connection' | 'http' | 'format',
    detail: string,
    readonly status?: number,
  ) {
    super(`${call}: ${detail}`);
  }
}

/** A helper looked for something Odoo doesn't have (XML id, module, language). */
export class OdooNotFoundError extends OdooError {}

/** The module exists but can't be installed here (e.g. Enterprise module on Community). */
export class OdooModuleUnavailableError extends OdooError {
  constructor(readonly module: string, readonly state: string) {
    super(`Odoo module '${module}' is ${state} on this server (Enterprise-only modules are uninstallable on Community)`);
  }
}
