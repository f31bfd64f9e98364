import { OdooAccessDeniedError, OdooAccessError, OdooServerError, OdooTimeoutError, OdooTransportError, OdooUserError } from './errors';
import { odooErrorKind } from './odoo-client';

describe(odooErrorKind.name, () => {
  it.each([
    [new OdooTimeoutError('res.users.search', 100), 'timeout'],
    [new OdooAccessDeniedError('res.users.search', 'Access Denied', ''), 'auth'],
    [new OdooUserError('res.users.create', 'login taken', ''), 'fault'],
    [new OdooAccessError('res.users._x', 'private method', ''), 'fault'],
    [new OdooServerError('res.users.create', 'ValueError', ''), 'fault'],
    [new OdooTransportError('common.version', 'http', 'HTTP 502', 502), 'http_5xx'],
    [new OdooTransportError('common.version', 'http', 'HTTP 404', 404), 'http_4xx'],
    [new OdooTransportError('common.version', 'connection', 'ECONNREFUSED'), 'network'],
    [new OdooTransportError('common.version', 'format', 'not XML-RPC'), 'other'],
    [new Error('anything else'), 'other'],
  ])('%s is %s', (error, kind) => {
    expect(odooErrorKind(error)).toBe(kind);
  });
});
