import { OdooAccessDeniedError, OdooAccessError, OdooServerError, OdooUserError } from './errors';
import { faultToError, isScheduledActionBusy, tracebackMessage } from './faults';

const traceback = 'Traceback (most recent call last):\n  File "odoo/models.py", line 1, in create\n    x\nValueError: Invalid field \'foo\' on model \'res.users\'\n\n';

describe(faultToError.name, () => {
  it('code 1: server error whose message is the traceback\'s last line', () => {
    const error = faultToError('res.users.create', 1, traceback);
    expect(error).toBeInstanceOf(OdooServerError);
    expect(error.odooMessage).toBe("ValueError: Invalid field 'foo' on model 'res.users'");
    expect(error.message).toBe("res.users.create: ValueError: Invalid field 'foo' on model 'res.users'");
    expect(error.faultString).toBe(traceback);
  });

  it.each([
    [2, OdooUserError, 'The operation cannot be completed: You can not have two users with the same login !'],
    [3, OdooAccessDeniedError, 'Access Denied'],
    [4, OdooAccessError, 'Private methods (such as _x) cannot be called remotely.'],
  ])('code %i → %p with the message as sent', (code, type, message) => {
    const error = faultToError('m.x', code, message);
    expect(error).toBeInstanceOf(type);
    expect(error.faultCode).toBe(code);
    expect(error.odooMessage).toBe(message);
    expect(error.name).toBe((type as { name: string }).name);
  });

  it('treats unknown or string codes (legacy /xmlrpc/) as server errors', () => {
    expect(faultToError('x', 'warning -- Oops', 'Oops')).toBeInstanceOf(OdooServerError);
  });
});

describe(tracebackMessage.name, () => {
  it('keeps a message that is not a traceback', () => {
    expect(tracebackMessage('plain')).toBe('plain');
  });
});

describe(isScheduledActionBusy.name, () => {
  it('recognises the cron lock refusal (fault 2) only', () => {
    const busy = 'Odoo is currently processing a scheduled action.\nModule operations are not possible at this time, please try again later or contact your system administrator.';
    expect(isScheduledActionBusy(faultToError('x', 2, busy))).toBe(true);
    expect(isScheduledActionBusy(faultToError('x', 1, busy))).toBe(false);
    expect(isScheduledActionBusy(faultToError('x', 2, 'Invalid fiscal year last day'))).toBe(false);
  });
});
