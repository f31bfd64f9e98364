import { DoubleRecord, RecordStore } from './record-store';

export interface FieldDef {
  type: 'char' | 'text' | 'html' | 'integer' | 'boolean' | 'selection' | 'many2one' | 'many2many';
  string?: string;
  required?: boolean;
  relation?: string;
  selection?: string[];
  /** the field exists only while this module is installed */
  module?: string;
  default?: unknown;
  /** stored but read back as '' (res.users.password) */
  writeOnly?: boolean;
}

/** What a model's method sees: the caller, the state and the server's configuration. */
export interface CallEnv {
  uid: number;
  store: RecordStore;
  context: Record<string, unknown>;
  isAdmin(): boolean;
  isInstalled(module: string): boolean;
  /** 18.1 renamed res.users.groups_id to group_ids */
  groupsField: 'groups_id' | 'group_ids';
  models: ModelRegistry;
  /** consumes an injected "scheduled action in progress" fault, if any */
  takeScheduledActionBusy(): boolean;
  /** lists addons copied since the last scan; returns [updated, added] like Odoo */
  updateModuleList(): [number, number];
}

export type MethodImpl = (env: CallEnv, args: unknown[], kwargs: Record<string, unknown>) => unknown;

export interface ModelDef {
  name: string;
  description: string;
  /** the model exists only while this module is installed */
  module?: string;
  fields: (env: CallEnv) => Record<string, FieldDef>;
  /** record-level checks after create/write (constraints) */
  validate?: (env: CallEnv, record: DoubleRecord, previous?: DoubleRecord) => void;
  beforeUnlink?: (env: CallEnv, record: DoubleRecord) => void;
  methods?: Record<string, MethodImpl>;
  displayName?: (record: DoubleRecord) => string;
}

export class ModelRegistry {
  private readonly models = new Map<string, ModelDef>();

  register(...models: ModelDef[]): this {
    for (const model of models) this.models.set(model.name, model);
    return this;
  }

  /** undefined when unknown or its module isn't installed: Odoo's registry wouldn't have it either */
  get(name: string, env: CallEnv): ModelDef | undefined {
    const model = this.models.get(name);
    return model && (!model.module || env.isInstalled(model.module)) ? model : undefined;
  }

  fieldsOf(model: ModelDef, env: CallEnv): Record<string, FieldDef> {
    return Object.fromEntries(Object.entries(model.fields(env)).filter(([, field]) => !field.module || env.isInstalled(field.module)));
  }
}
