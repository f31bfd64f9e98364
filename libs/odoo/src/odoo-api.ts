import { OdooModuleUnavailableError, OdooNotFoundError } from './errors';
import { OdooClient } from './odoo-client';
import { UsersGroupsField, usersGroupsField } from './server-version';

/** An Odoo domain: leaves `[field, operator, value]` and prefix operators '&', '|', '!'. */
export type OdooDomain = Array<[string, string, unknown] | '&' | '|' | '!'>;
export type OdooContext = Record<string, unknown>;
export type OdooValues = Record<string, unknown>;
export interface OdooRecord {
  id: number;
  [field: string]: unknown;
}

export interface SearchOptions {
  offset?: number;
  limit?: number;
  order?: string;
  context?: OdooContext;
}

export type ModuleState = 'uninstallable' | 'uninstalled' | 'installed' | 'to upgrade' | 'to remove' | 'to install';

export interface OdooModuleInfo {
  id: number;
  name: string;
  state: ModuleState;
  shortdesc: string;
}

export interface OdooLanguage {
  id: number;
  code: string;
  name: string;
  active: boolean;
}

/**
 * Thin, correctly shaped wrappers over execute_kw: model methods take
 * positional args, record methods take the id list first.
 */
export class OdooApi {
  constructor(readonly client: OdooClient) {}

  search(model: string, domain: OdooDomain, options: SearchOptions = {}): Promise<number[]> {
    return this.client.executeKw(model, 'search', [domain], searchKwargs(options));
  }

  searchRead<T extends OdooRecord = OdooRecord>(model: string, domain: OdooDomain, fields: string[], options: SearchOptions = {}): Promise<T[]> {
    return this.client.executeKw(model, 'search_read', [domain], { fields, ...searchKwargs(options) });
  }

  searchCount(model: string, domain: OdooDomain, context?: OdooContext): Promise<number> {
    return this.client.executeKw(model, 'search_count', [domain], contextKwargs(context));
  }

  read<T extends OdooRecord = OdooRecord>(model: string, ids: number[], fields: string[], context?: OdooContext): Promise<T[]> {
    return this.client.executeKw(model, 'read', [ids], { fields, ...contextKwargs(context) });
  }

  /** One dict in, one id out (a list of dicts would return a list). */
  create(model: string, values: OdooValues, context?: OdooContext): Promise<number> {
    return this.client.executeKw(model, 'create', [values], contextKwargs(context));
  }

  write(model: string, ids: number[], values: OdooValues, context?: OdooContext): Promise<boolean> {
    return this.client.executeKw(model, 'write', [ids, values], contextKwargs(context));
  }

  unlink(model: string, ids: number[], context?: OdooContext): Promise<boolean> {
    return this.client.executeKw(model, 'unlink', [ids], contextKwargs(context));
  }

  /** 'base.group_user' → the record id, through ir.model.data. */
  async xmlIdToResId(xmlId: string): Promise<number> {
    const dot = xmlId.indexOf('.');
    if (dot <= 0) throw new OdooNotFoundError(`'${xmlId}' is not an XML id (expected module.name)`);
    const [found] = await this.searchRead<OdooRecord & { res_id: number }>('ir.model.data', [['module', '=', xmlId.slice(0, dot)], ['name', '=', xmlId.slice(dot + 1)]], ['res_id'], { limit: 1 });
    if (!found) throw new OdooNotFoundError(`Odoo has no record with XML id '${xmlId}' (is its module installed?)`);
    return found.res_id;
  }

  async usersGroupsField(): Promise<UsersGroupsField> {
    return usersGroupsField(await this.client.version());
  }

  /** undefined when the addon isn't known to Odoo (not on disk, or update_list not run since it was copied). */
  async findModule(name: string): Promise<OdooModuleInfo | undefined> {
    const [found] = await this.searchRead<OdooModuleInfo & OdooRecord>('ir.module.module', [['name', '=', name]], ['name', 'state', 'shortdesc'], { limit: 1 });
    return found;
  }

  /** Installs unless already installed; returns the module as Odoo reports it afterwards. */
  installModule(name: string): Promise<OdooModuleInfo> {
    return this.moduleOperation(name, 'button_immediate_install', 'installed');
  }

  uninstallModule(name: string): Promise<OdooModuleInfo> {
    return this.moduleOperation(name, 'button_immediate_uninstall', 'uninstalled');
  }

  /** Rescans the addons path so newly copied modules become visible. */
  async updateModuleList(): Promise<void> {
    await this.client.executeKw('ir.module.module', 'update_list', []);
  }

  /** res.lang by code, active or not (active_test off, inactive languages are hidden otherwise). */
  async findLanguage(code: string): Promise<OdooLanguage | undefined> {
    const [found] = await this.searchRead<OdooLanguage & OdooRecord>('res.lang', [['code', '=', code]], ['code', 'name', 'active'], { limit: 1, context: { active_test: false } });
    return found;
  }

  /** Activates a language and loads its translations through the base.language.install wizard. */
  async activateLanguage(code: string): Promise<OdooLanguage> {
    const language = await this.findLanguage(code);
    if (!language) throw new OdooNotFoundError(`Odoo has no language with code '${code}'`);
    if (language.active) return language;
    const wizard = await this.create('base.language.install', { lang_ids: [[6, 0, [language.id]]], overwrite: false });
    await this.client.executeKw('base.language.install', 'lang_install', [[wizard]]);
    return (await this.findLanguage(code)) ?? language;
  }

  private async moduleOperation(name: string, method: string, target: ModuleState): Promise<OdooModuleInfo> {
    const module = await this.findModule(name);
    if (!module) throw new OdooNotFoundError(`Odoo has no module '${name}' (run update_list after copying an addon)`);
    if (module.state === target) return module;
    if (module.state === 'uninstallable') throw new OdooModuleUnavailableError(name, module.state);
    await this.client.executeKw('ir.module.module', method, [[module.id]]);
    return (await this.findModule(name)) ?? module;
  }
}

function contextKwargs(context?: OdooContext): Record<string, unknown> {
  return context ? { context } : {};
}

function searchKwargs({ offset, limit, order, context }: SearchOptions): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ offset, limit, order, context }).filter(([, value]) => value !== undefined));
}
