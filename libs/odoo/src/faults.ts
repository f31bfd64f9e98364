import { OdooAccessDeniedError, OdooAccessError, OdooFaultError, OdooServerError, OdooUserError } from './errors';

/** The last non-empty line of a Python traceback is the exception and its message. */
export function tracebackMessage(faultString: string): string {
  const lines = faultString.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? faultString;
}

/** Maps a `/xmlrpc/2` fault to its typed error; unknown codes are treated as server errors. */
export function faultToError(call: string, faultCode: unknown, faultString: unknown): OdooFaultError {
  const text = typeof faultString === 'string' ? faultString : String(faultString ?? '');
  switch (faultCode) {
    case 2:
      return new OdooUserError(call, text, text);
    case 3:
      return new OdooAccessDeniedError(call, text || 'Access Denied', text);
    case 4:
      return new OdooAccessError(call, text, text);
    default:
      return new OdooServerError(call, tracebackMessage(text), text);
  }
}

const SCHEDULED_ACTION = /currently processing a scheduled action/i;

/** Odoo refuses module operations while a cron holds the ir_cron lock; waiting helps. */
export function isScheduledActionBusy(error: unknown): boolean {
  return error instanceof OdooUserError && SCHEDULED_ACTION.test(error.odooMessage);
}
