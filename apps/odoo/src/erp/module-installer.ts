import { OdooApi, OdooModuleInfo, OdooTimeoutError, OdooUserError } from '@bf/odoo';
import { errorMessage } from './step-io';

/** One undo action on a module, as the step's result records it. */
export interface ModuleUndoAction {
  name: string;
  action: 'uninstalled' | 'already_uninstalled' | 'refused';
  message?: string;
}

/**
 * Installs and uninstalls modules with Odoo's immediate buttons. Both rebuild
 * the registry and can outlast the client's deadline while the server carries
 * on, so a timeout is answered by reading the module again, not by assuming.
 */
export class ModuleInstaller {
  constructor(private readonly api: OdooApi) {}

  find(name: string): Promise<OdooModuleInfo | undefined> {
    return this.api.findModule(name);
  }

  async install(name: string): Promise<OdooModuleInfo> {
    try {
      return await this.api.installModule(name);
    } catch (error) {
      if (!(error instanceof OdooTimeoutError)) throw error;
      const now = await this.api.findModule(name);
      if (now?.state === 'installed') return now;
      throw error;
    }
  }

  /** Names of every installed module: the difference around an install shows the dependencies it pulled in. */
  async installedNames(): Promise<Set<string>> {
    const rows = await this.api.searchRead<{ id: number; name: string }>('ir.module.module', [['state', '=', 'installed']], ['name']);
    return new Set(rows.map((row) => row.name));
  }

  /**
   * Uninstalls the given modules newest first. A refusal (fault 2: e.g. another
   * module still needs it) is recorded with Odoo's words and the rest carry on;
   * network failures and timeouts propagate so the undo can be retried.
   */
  async uninstallAll(namesNewestFirst: string[]): Promise<ModuleUndoAction[]> {
    const actions: ModuleUndoAction[] = [];
    for (const name of namesNewestFirst) {
      const module = await this.api.findModule(name);
      if (!module || module.state !== 'installed') {
        actions.push({ name, action: 'already_uninstalled' });
        continue;
      }
      try {
        const after = await this.api.uninstallModule(name);
        actions.push(after.state === 'uninstalled' ? { name, action: 'uninstalled' } : { name, action: 'refused', message: `Odoo left it ${after.state}` });
      } catch (error) {
        if (!(error instanceof OdooUserError)) throw error;
        actions.push({ name, action: 'refused', message: errorMessage(error) });
      }
    }
    return actions;
  }
}
