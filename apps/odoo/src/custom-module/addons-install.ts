import { OdooApi } from '@bf/odoo';
import { PermanentStepError } from '@bf/step-sdk';
import { AddonsFolder, WriteAction } from './addons-folder';
import { GeneratedModule } from './custom-module.generator';

/** What an install through the addons folder did; stored in the step result, read back by rollback. */
export interface AddonsInstallRecord {
  module: string;
  folder: string;
  folder_action: WriteAction;
  /** This step (this run, this step id) wrote the folder now in place, on this attempt or an earlier one. */
  wrote_folder: boolean;
  /** The module was not installed before this step and this step installed it. */
  installed_by_us: boolean;
  upgraded: boolean;
  update_list: boolean;
  state_before: string | null;
  state_after: string;
}

export interface UndoAction {
  action: string;
  module: string;
  outcome: string;
}

/**
 * Copies a generated module into the Odoo server's addons folder and installs
 * it: write (atomic, ours only), update_list so Odoo sees it, install, read the
 * state back. Each effect is keyed on the step's idempotency key, so a
 * redelivered job recognises what an earlier attempt of its own already did.
 */
export class AddonsInstall {
  constructor(
    private readonly api: OdooApi,
    private readonly folder: AddonsFolder,
  ) {}

  async install(module: GeneratedModule, key: string): Promise<AddonsInstallRecord> {
    const name = module.module_name;
    const before = await this.api.findModule(name);
    const { action, marker } = await this.folder.write(module, key);
    const record: AddonsInstallRecord = {
      module: name,
      folder: this.folder.folderOf(name),
      folder_action: action,
      wrote_folder: marker.written_by === key,
      installed_by_us: marker.installed_by === key,
      upgraded: false,
      update_list: false,
      state_before: before?.state ?? null,
      state_after: before?.state ?? 'unknown',
    };
    if (action === 'unchanged' && before?.state === 'installed') return record;

    // Odoo only learns of a new folder, or a new version of one, from a rescan.
    if (action !== 'unchanged' || !before) {
      await this.api.updateModuleList();
      record.update_list = true;
    }
    const listed = await this.api.findModule(name);
    if (!listed) {
      throw new PermanentStepError(`wrote ${record.folder} but Odoo does not list module ${name} after update_list: ODOO_ADDONS_PATH must be a folder on the Odoo server's addons_path`);
    }
    if (listed.state === 'installed') {
      if (action === 'replaced') {
        // New content of an installed module only takes effect through an upgrade.
        await this.api.client.executeKw('ir.module.module', 'button_immediate_upgrade', [[listed.id]]);
        record.upgraded = true;
      }
      record.state_after = (await this.api.findModule(name))?.state ?? listed.state;
      return record;
    }
    const after = await this.api.installModule(name);
    record.state_after = after.state;
    if (after.state !== 'installed') throw new PermanentStepError(`Odoo left module ${name} in state '${after.state}' after the install`);
    await this.folder.markInstalled(name, key);
    record.installed_by_us = true;
    return record;
  }

  /** Uninstalls what we installed, then removes the folder we wrote. Safe to run twice. */
  async undo(record: AddonsInstallRecord): Promise<{ actions: UndoAction[]; not_undone: string[] }> {
    const actions: UndoAction[] = [];
    const notUndone: string[] = [];
    const name = record.module;
    if (record.installed_by_us) {
      const module = await this.api.findModule(name);
      if (!module || module.state === 'uninstalled') actions.push({ action: 'uninstall', module: name, outcome: `nothing to do: ${module ? 'already uninstalled' : 'Odoo no longer lists it'}` });
      else actions.push({ action: 'uninstall', module: name, outcome: `state ${(await this.api.uninstallModule(name)).state}` });
      notUndone.push(`records created in ${name}'s models were deleted with its tables by the uninstall; they cannot be restored`);
    } else if (record.state_before === 'installed') {
      notUndone.push(`${name} was installed before this step, so it was left installed`);
    }
    if (record.upgraded) notUndone.push(`${name} was upgraded in place; the previous version is not reinstalled`);
    if (record.wrote_folder) {
      const removed = await this.folder.remove(name);
      actions.push({ action: 'remove_folder', module: name, outcome: removed === 'foreign' ? `kept: ${record.folder} is no longer ours` : removed });
      if (record.folder_action === 'replaced') notUndone.push(`the earlier version of ${record.folder} that this step replaced is not restored`);
      // Odoo keeps a module's ir.module.module row when its folder goes; a later update_list does not delete it.
      notUndone.push(`Odoo keeps ${name} in its Apps list (uninstalled) after the folder is removed`);
    }
    return { actions, not_undone: notUndone };
  }
}
