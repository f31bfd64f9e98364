import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Deserializer from 'xmlrpc/lib/deserializer';
import { serializeFault, serializeMethodResponse } from 'xmlrpc/lib/serializer';
import { DoubleHandler, HttpDouble, RecordedRequest, sendText, startHttpDouble } from './http-double';
import { AddonSpec, groupId, MODELS, ModuleState, seed } from './odoo/catalogue';
import { CallEnv, ModelRegistry } from './odoo/model-registry';
import { OdooFault } from './odoo/odoo-fault';
import { Orm } from './odoo/orm';
import { DoubleRecord, RecordStore } from './odoo/record-store';

export { OdooFault } from './odoo/odoo-fault';
export type { DoubleRecord } from './odoo/record-store';

export interface OdooDoubleOptions {
  db?: string;
  login?: string;
  password?: string;
  /** '17.0', '18.0', '18.1', 'saas~18.1', '19.0'… */
  version?: string;
  /** overrides server_version_info as sent (to test other shapes) */
  versionInfo?: unknown[];
  edition?: 'community' | 'enterprise';
  /** modules installed at start besides base */
  installed?: string[];
  latencyMs?: number;
  /** A folder standing for the server's addons_path: update_list also lists the module folders found there. */
  addonsPath?: string;
}

/** One XML-RPC call as the double understood it. */
export interface OdooDoubleCall {
  service: string;
  method: string;
  model?: string;
  modelMethod?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  uid?: number;
  /** the fault code answered, if any */
  fault?: number;
}

/**
 * A test tool: an Odoo 17/18/19 speaking real XML-RPC over real HTTP, with
 * records in memory and Odoo's fault semantics (see ./odoo/). Not for the product.
 */
export class OdooDouble {
  readonly db: string;
  readonly version: string;
  readonly groupsField: 'groups_id' | 'group_ids';
  readonly store = new RecordStore();
  readonly calls: OdooDoubleCall[] = [];
  /** delay before every answer */
  latencyMs: number;
  /** extra delay after a module install/uninstall is done, before answering: the server finishes work a client may stop waiting for */
  moduleOperationDelayMs = 0;
  private http?: HttpDouble;
  private scheduledActionBusy = 0;
  private readonly pendingAddons: AddonSpec[] = [];
  private readonly models = new ModelRegistry().register(...MODELS);
  private readonly versionInfo: unknown[];
  private readonly addonsPath?: string;

  private constructor(options: OdooDoubleOptions) {
    this.db = options.db ?? 'odoo';
    this.version = options.version ?? '17.0';
    this.latencyMs = options.latencyMs ?? 0;
    this.addonsPath = options.addonsPath;
    const match = /^(saas~)?(\d+)\.(\d+)$/.exec(this.version);
    if (!match) throw new Error(`unsupported version ${this.version}`);
    const [major, minor] = [Number(match[2]), Number(match[3])];
    this.groupsField = major > 18 || (major === 18 && minor >= 1) ? 'group_ids' : 'groups_id';
    // SaaS builds put 'saas~<major>' first and the minor second
    this.versionInfo = options.versionInfo ?? [match[1] ? `saas~${major}` : major, minor, 0, 'final', 0, ''];
    seed(this.store, {
      edition: options.edition ?? 'community',
      adminLogin: options.login ?? 'admin',
      adminPassword: options.password ?? 'admin',
      groupsField: this.groupsField,
      installed: options.installed ?? [],
    });
  }

  static async start(options: OdooDoubleOptions = {}): Promise<OdooDouble> {
    const double = new OdooDouble(options);
    double.http = await startHttpDouble((request, response) => void double.handle(request).then(({ status, body }) => sendXml(response, status, body)));
    return double;
  }

  get url(): string {
    return this.http!.url;
  }

  get requests(): RecordedRequest[] {
    return this.http!.requests;
  }

  close(): Promise<void> {
    return this.http!.close();
  }

  /** The next `times` module operations fail as if a cron held ir_cron's lock. */
  injectScheduledActionBusy(times = 1): void {
    this.scheduledActionBusy += times;
  }

  /** Simulates copying an addon into the addons path: visible after update_list. */
  addAddon(spec: AddonSpec): void {
    this.pendingAddons.push(spec);
  }

  records(model: string): DoubleRecord[] {
    return this.store.all(model);
  }

  moduleState(name: string): ModuleState | undefined {
    return this.store.find('ir.module.module', (module) => module.name === name)?.state as ModuleState | undefined;
  }

  user(login: string): DoubleRecord | undefined {
    return this.store.find('res.users', (user) => user.login === login);
  }

  language(code: string): DoubleRecord | undefined {
    return this.store.find('res.lang', (lang) => lang.code === code);
  }

  /** res_id of an XML id such as 'base.group_user' (throws if absent). */
  xmlId(xmlId: string): number {
    return groupId(this.store, xmlId);
  }

  /** Adds a user; `groups` are XML ids. */
  addUser(login: string, password: string, groups: string[] = ['base.group_user']): number {
    return this.store.insert('res.users', { name: login, login, password, active: true, lang: 'en_US', company_id: 1, [this.groupsField]: groups.map((xmlId) => this.xmlId(xmlId)) }).id;
  }

  /** A posted journal item, optionally created by `login`: the company currency is then locked and that user can't be deleted. */
  addJournalItem(login?: string): number {
    const author = login ? this.user(login) : undefined;
    if (login && !author) throw new Error(`the double has no user ${login}`);
    return this.store.insert('account.move.line', { name: 'INV/2026/0001', create_uid: author?.id ?? 2 }).id;
  }

  private async handle(request: RecordedRequest): Promise<{ status: number; body: string }> {
    if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const service = /^\/xmlrpc\/2\/(common|object)$/.exec(request.path)?.[1];
    if (!service) return { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>' };
    if (request.method !== 'POST') return { status: 405, body: '<html><body><h1>405 Method Not Allowed</h1></body></html>' };
    const call: OdooDoubleCall = { service, method: '' };
    this.calls.push(call);
    try {
      const [method, params] = await decodeCall(request.body);
      call.method = method;
      const result = service === 'common' ? this.common(method, params) : this.object(method, params, call);
      // xmlrpc.client.dumps(allow_none=False) can't marshal None
      if (result === undefined || result === null) throw OdooFault.python('TypeError', 'cannot marshal None unless allow_none is enabled', 'xmlrpc/client.py", line 535, in dump_nil');
      if (this.moduleOperationDelayMs && /^button_immediate_(un)?install$/.test(call.modelMethod ?? '')) await new Promise((resolve) => setTimeout(resolve, this.moduleOperationDelayMs));
      return { status: 200, body: serializeMethodResponse(result) };
    } catch (error) {
      const fault = error instanceof OdooFault ? error : OdooFault.python(error instanceof Error ? error.constructor.name : 'Exception', error instanceof Error ? error.message : String(error));
      call.fault = fault.code;
      return { status: 200, body: serializeFault({ faultCode: fault.code, faultString: fault.faultString }) };
    }
  }

  private common(method: string, params: unknown[]): unknown {
    if (method === 'version') return { server_version: this.version, server_version_info: this.versionInfo, server_serie: this.version, protocol_version: 1 };
    if (method === 'authenticate') {
      const [db, login, password] = params;
      this.checkDb(db);
      const user = this.store.find('res.users', (record) => record.login === login && record.active !== false);
      // Odoo turns AccessDenied into False here, not a fault
      return user && user.password === password ? user.id : false;
    }
    throw OdooFault.python('NameError', `Method not available ${method}`, 'odoo/service/common.py", line 61, in dispatch');
  }

  private object(method: string, params: unknown[], call: OdooDoubleCall): unknown {
    if (method !== 'execute_kw') throw OdooFault.python('NameError', `Method not available ${method}`, 'odoo/service/model.py", line 38, in dispatch');
    const [db, uid, password, model, modelMethod, args = [], kwargs = {}] = params as [string, number, string, string, string, unknown[], Record<string, unknown>];
    Object.assign(call, { model, modelMethod, args, kwargs, uid });
    this.checkDb(db);
    const user = this.store.get('res.users', Number(uid));
    if (!user || user.active === false || user.password !== password) throw OdooFault.accessDenied();
    if (modelMethod.startsWith('_')) throw OdooFault.accessError(`Private methods (such as ${modelMethod}) cannot be called remotely.`);
    const env = this.env(user, (kwargs.context as Record<string, unknown>) ?? {});
    const definition = this.models.get(model, env);
    if (!definition) throw OdooFault.user(`Object ${model} doesn't exist`);
    const custom = definition.methods?.[modelMethod];
    if (custom) return custom(env, args, kwargs);
    const orm = new Orm(env, definition);
    if (!orm.has(modelMethod)) throw OdooFault.python('AttributeError', `The method '${modelMethod}' does not exist on the model '${model}'`, 'odoo/api.py", line 461, in call_kw');
    return orm.call(modelMethod, args, kwargs);
  }

  private env(user: DoubleRecord, context: Record<string, unknown>): CallEnv {
    const groups = (user[this.groupsField] as number[]) ?? [];
    return {
      uid: user.id,
      store: this.store,
      context,
      groupsField: this.groupsField,
      models: this.models,
      isAdmin: () => groups.includes(this.xmlId('base.group_erp_manager')),
      isInstalled: (module) => this.moduleState(module) === 'installed',
      takeScheduledActionBusy: () => this.scheduledActionBusy > 0 && this.scheduledActionBusy-- > 0,
      updateModuleList: () => {
        const onDisk = this.addonsPath ? scanAddonsFolder(this.addonsPath).filter((addon) => !this.store.find('ir.module.module', (module) => module.name === addon.name)) : [];
        const added = [...this.pendingAddons.splice(0), ...onDisk];
        for (const addon of added) this.store.insert('ir.module.module', { name: addon.name, shortdesc: addon.shortdesc, state: 'uninstalled', depends: addon.depends ?? ['base'] });
        return [0, added.length];
      },
    };
  }

  private checkDb(db: unknown): void {
    if (db !== this.db) {
      throw OdooFault.python('psycopg2.OperationalError', `connection to server failed: FATAL:  database "${String(db)}" does not exist`, 'odoo/sql_db.py", line 638, in borrow');
    }
  }
}

/**
 * Module folders as Odoo's get_modules sees them: a folder with a
 * __manifest__.py. The manifest is read with patterns good enough for
 * generated ones (a name string, a depends list of strings), not Python.
 */
function scanAddonsFolder(root: string): AddonSpec[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, '__manifest__.py')))
    .map((entry) => {
      const manifest = readFileSync(join(root, entry.name, '__manifest__.py'), 'utf8');
      const name = /['"]name['"]\s*:\s*(['"])((?:\\.|(?!\1).)*)\1/.exec(manifest)?.[2] ?? entry.name;
      const dependsList = /['"]depends['"]\s*:\s*\[([^\]]*)\]/.exec(manifest)?.[1] ?? '';
      const depends = [...dependsList.matchAll(/['"]([\w.]+)['"]/g)].map((match) => match[1]);
      return { name: entry.name, shortdesc: name, depends: depends.length ? depends : ['base'] };
    });
}

function decodeCall(xml: string): Promise<[string, unknown[]]> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    new Deserializer().deserializeMethodCall(stream, (error, method, params) => (error ? reject(OdooFault.python('xml.parsers.expat.ExpatError', error.message, 'xmlrpc/client.py", line 1026, in loads')) : resolve([method as string, params as unknown[]])));
    stream.end(Buffer.from(xml, 'utf8'));
  });
}

function sendXml(response: import('node:http').ServerResponse, status: number, body: string): void {
  if (response.destroyed) return; // the client gave up (timeout tests)
  if (status !== 200) return sendText(response, status, body);
  response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
}

/**
 * Odoo 17's `/xmlrpc/2/common` service as far as a preflight uses it:
 * `version()` and `authenticate(db, login, password, user_agent_env)`. As in
 * Odoo, bad credentials make `authenticate` return false (no fault), an unknown
 * database is fault 1 with a traceback, and an unknown method is fault 1 too.
 */
export function odooXmlRpcDouble(options: { db: string; login: string; password: string; uid?: number }): DoubleHandler {
  return (request, response) => {
    if (request.method !== 'POST' || request.path !== '/xmlrpc/2/common') {
      return void response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
    }
    const method = /<methodName>([^<]*)<\/methodName>/.exec(request.body)?.[1];
    const strings = [...request.body.matchAll(/<value><string>([^<]*)<\/string><\/value>/g)].map((match) => unescape(match[1]));
    const xml = (inner: string) => sendText(response, 200, `<?xml version='1.0'?>\n<methodResponse>\n${inner}\n</methodResponse>\n`);
    const value = (inner: string) => xml(`<params>\n<param>\n<value>${inner}</value>\n</param>\n</params>`);
    const fault = (code: number, text: string) =>
      xml(`<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>${code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${escape(text)}</string></value>\n</member>\n</struct></value>\n</fault>`);
    if (method === 'version') {
      return value(
        '<struct>\n<member>\n<name>server_version</name>\n<value><string>17.0</string></value>\n</member>\n' +
          '<member>\n<name>server_version_info</name>\n<value><array><data>\n<value><int>17</int></value>\n<value><int>0</int></value>\n<value><int>0</int></value>\n<value><string>final</string></value>\n<value><int>0</int></value>\n<value><string></string></value>\n</data></array></value>\n</member>\n' +
          '<member>\n<name>server_serie</name>\n<value><string>17.0</string></value>\n</member>\n<member>\n<name>protocol_version</name>\n<value><int>1</int></value>\n</member>\n</struct>',
      );
    }
    if (method === 'authenticate') {
      const [db, login, password] = strings;
      if (db !== options.db) {
        return fault(1, `Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/odoo/sql_db.py", line 638, in borrow\npsycopg2.OperationalError: connection to server failed: FATAL:  database "${db}" does not exist\n`);
      }
      return value(login === options.login && password === options.password ? `<int>${options.uid ?? 2}</int>` : '<boolean>0</boolean>');
    }
    return fault(1, `Traceback (most recent call last):\nKeyError: '${method}'\n`);
  };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
