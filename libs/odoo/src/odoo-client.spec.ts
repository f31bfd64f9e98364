import { inspect } from 'node:util';
import { OdooAuthenticationError, OdooServerError, OdooUserError } from './errors';
import { faultToError } from './faults';
import { OdooClient, OdooLogger } from './odoo-client';
import { OdooService, OdooTransport, TransportCallOptions } from './transport';

const PASSWORD = 'hunter2-super-secret';
const BUSY = 'Odoo is currently processing a scheduled action.\nModule operations are not possible at this time, please try again later or contact your system administrator.';

interface Sent {
  service: OdooService;
  method: string;
  args: unknown[];
  options: TransportCallOptions;
}

/** Answers authenticate with uid 2 and everything else from a queue of replies (Error = thrown). */
class ScriptedTransport implements OdooTransport {
  readonly endpoint = 'http://odoo.test/xmlrpc/2';
  readonly sent: Sent[] = [];
  constructor(private readonly replies: unknown[] = []) {}
  async call(service: OdooService, method: string, args: unknown[], options: TransportCallOptions): Promise<unknown> {
    this.sent.push({ service, method, args, options });
    if (method === 'authenticate') return args[2] === PASSWORD ? 2 : false;
    const reply = this.replies.shift();
    if (reply instanceof Error) throw reply;
    return reply;
  }
}

function recordingLogger(): OdooLogger & { lines: string[] } {
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, message: string) => void lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, debug: record, warn: record };
}

const settings = { url: 'http://proxy-user:proxy-secret@odoo.test/', db: 'acme', login: 'admin', password: PASSWORD };

describe(OdooClient.name, () => {
  it('sends execute_kw with db, uid, password, model, method, args, kwargs', async () => {
    const transport = new ScriptedTransport([[1, 2]]);
    const client = new OdooClient(settings, { transport });
    expect(await client.executeKw('res.users', 'search', [[['login', '=', 'x']]], { limit: 1 })).toEqual([1, 2]);
    expect(transport.sent.map((sent) => [sent.service, sent.method, sent.args])).toEqual([
      ['common', 'authenticate', ['acme', 'admin', PASSWORD, {}]],
      ['object', 'execute_kw', ['acme', 2, PASSWORD, 'res.users', 'search', [[['login', '=', 'x']]], { limit: 1 }]],
    ]);
  });

  it('turns authenticate() == False into OdooAuthenticationError without the password', async () => {
    const client = new OdooClient({ ...settings, password: 'wrong-one' }, { transport: new ScriptedTransport() });
    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OdooAuthenticationError);
    expect((error as Error).message).toBe("Odoo at http://odoo.test/ refused login 'admin' on database 'acme' (authenticate returned false)");
    expect(inspect(error) + JSON.stringify(error)).not.toMatch(/wrong-one|proxy-secret/);
  });

  it('uses the long deadline for module operations and the default for the rest', async () => {
    const transport = new ScriptedTransport([{}, {}, [], true]);
    const client = new OdooClient(settings, { transport, timeouts: { defaultMs: 1234, moduleOperationMs: 99_000 } });
    await client.executeKw('ir.module.module', 'button_immediate_install', [[5]]);
    await client.executeKw('base.language.install', 'lang_install', [[1]]);
    await client.executeKw('res.lang', 'search', [[]]);
    await client.executeKw('res.lang', 'write', [[1], {}], {}, { timeoutMs: 5 });
    expect(transport.sent.map((sent) => sent.options.timeoutMs)).toEqual([1234, 99_000, 99_000, 1234, 5]);
  });

  it('retries the scheduled-action refusal with growing delays, then succeeds', async () => {
    const transport = new ScriptedTransport([faultToError('x', 2, BUSY), faultToError('x', 2, BUSY), { type: 'ir.actions.client' }]);
    const delays: number[] = [];
    const logger = recordingLogger();
    const client = new OdooClient(settings, { transport, logger, retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 150 }, sleep: async (ms) => void delays.push(ms) });
    expect(await client.executeKw('ir.module.module', 'button_immediate_install', [[5]])).toEqual({ type: 'ir.actions.client' });
    expect(delays).toEqual([100, 150]);
    expect(logger.lines.filter((line) => line.startsWith('Odoo is running a scheduled action; retrying'))).toHaveLength(2);
  });

  it('gives up after the configured attempts and does not retry other faults', async () => {
    const busy = () => faultToError('x', 2, BUSY);
    const transport = new ScriptedTransport([busy(), busy(), busy(), faultToError('x', 2, 'Invalid fiscal year last day')]);
    const client = new OdooClient(settings, { transport, retry: { attempts: 3, initialDelayMs: 1 }, sleep: async () => undefined });
    await expect(client.executeKw('ir.module.module', 'button_immediate_install', [[5]])).rejects.toThrow(/currently processing a scheduled action/);
    await expect(client.executeKw('res.company', 'write', [[1], {}])).rejects.toThrow(OdooUserError);
    expect(transport.sent.filter((sent) => sent.method === 'execute_kw')).toHaveLength(4);
  });

  it('scrubs the password from errors, their fields and the logs, whatever the transport threw', async () => {
    const traceback = `Traceback (most recent call last):\n  File "x.py", line 1, in y\nValueError: bad leaf ('password', '=', '${PASSWORD}')\n`;
    const transport = new ScriptedTransport([faultToError('res.users.search', 1, traceback), new Error(`socket hang up proxy-secret ${PASSWORD}`)]);
    const logger = recordingLogger();
    const client = new OdooClient(settings, { transport, logger });
    const fault = await client.executeKw('res.users', 'search', [[['password', '=', PASSWORD]]]).catch((caught: unknown) => caught);
    expect(fault).toBeInstanceOf(OdooServerError);
    expect((fault as OdooServerError).odooMessage).toBe("ValueError: bad leaf ('password', '=', '***')");
    const other = await client.executeKw('res.users', 'search', [[]]).catch((caught: unknown) => caught);
    expect((other as Error).message).toBe('res.users.search: socket hang up *** ***');
    for (const thrown of [fault, other]) {
      expect(`${inspect(thrown)} ${JSON.stringify(thrown)} ${(thrown as Error).stack}`).not.toMatch(/hunter2|proxy-secret/);
    }
    expect(logger.lines.join('\n')).not.toMatch(/hunter2|proxy-secret/);
  });

  it('keeps the password and proxy credentials out of inspect() and JSON of the client itself', () => {
    const client = new OdooClient(settings);
    expect(inspect(client, { depth: 5 }) + JSON.stringify(client)).not.toMatch(/hunter2|proxy-secret|cHJveHk/);
  });
});
