import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { CustomModuleSpecError, STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import { dryRunCompensation, PermanentStepError, StepArtifact, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { AddonsFolder, ForeignAddonError, moduleContentHash } from './custom-module/addons-folder';
import { AddonsInstall, AddonsInstallRecord } from './custom-module/addons-install';
import { CustomModuleGenerator, GeneratedModule } from './custom-module/custom-module.generator';
import { asStepError, OdooConnection } from './odoo-connection';

export const ZIP_ONLY_NOTE =
  'delivered as a zip only, not installed: ODOO_ADDONS_PATH is not set. To install it, unzip the artifact into a folder on the Odoo server\'s addons_path, then Apps > Update Apps List and install it; or set ODOO_ADDONS_PATH to such a folder, writable by this worker, and run the step again';

/**
 * Seed 001 S8.5: generates a custom Odoo module from its spec and delivers it:
 * always as a zip artifact, and, when the Odoo server's addons folder is
 * shared with this worker (ODOO_ADDONS_PATH), also copied there and installed.
 */
@Injectable()
export class InstallCustomModuleStep implements StepExecutor {
  readonly action = 'odoo.install_custom_module' as const;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connection: OdooConnection,
    private readonly generator: CustomModuleGenerator,
  ) {}

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const module = await this.generate(context);
    const addonsPath = this.config.odoo.addonsPath;
    const files = module.files.map((file) => file.path);
    return {
      result: {
        mode: 'dry_run',
        would: addonsPath
          ? `generate module ${module.module_name} (${files.length} files), deliver it as ${module.module_name}.zip, write it to ${new AddonsFolder(addonsPath).folderOf(module.module_name)}, update Odoo's module list and install it`
          : `generate module ${module.module_name} (${files.length} files) and deliver it as ${module.module_name}.zip only (ODOO_ADDONS_PATH is not set, so it would not be installed)`,
        module: module.module_name,
        files,
        zip_sha256: module.zip_sha256,
      },
      outputs: { [outputKey(module.module_name)]: 'planned' },
    };
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    const module = await this.generate(context);
    const artifacts = deliverables(module);
    const delivered = { module: module.module_name, zip: `${module.module_name}.zip`, zip_sha256: module.zip_sha256 };
    const addonsPath = this.config.odoo.addonsPath;
    if (!addonsPath) {
      return { result: { mode: 'live', ...delivered, installed: false, note: ZIP_ONLY_NOTE }, outputs: { [outputKey(module.module_name)]: 'delivered_zip' }, artifacts };
    }
    const folder = new AddonsFolder(addonsPath);
    let install: AddonsInstall | undefined;
    try {
      install = new AddonsInstall(await this.connection.forStep(context), folder);
      const record = await install.install(module, context.idempotencyKey);
      const summary = record.folder_action === 'unchanged' && !record.update_list ? 'already installed with this content: nothing to do' : `installed (folder ${record.folder_action})`;
      return { result: { mode: 'live', ...delivered, installed: true, summary, install: record }, outputs: { [outputKey(module.module_name)]: 'installed' }, artifacts };
    } catch (error) {
      const failure = error instanceof ForeignAddonError ? new PermanentStepError(error.message) : asStepError(error);
      if (install && (failure instanceof PermanentStepError || context.isLastAttempt)) await this.undoHalfInstall(folder, module, context.idempotencyKey);
      throw failure;
    }
  }

  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'uninstall the custom module and remove it from the addons path (its data may remain)');
    const record = previous.result.install as AddonsInstallRecord | undefined;
    if (!record) {
      return { result: { mode: 'live', actions: [], not_undone: [], note: 'the module was delivered as a zip only: nothing was installed, so nothing to undo' } };
    }
    try {
      // The folder recorded at install time, even if ODOO_ADDONS_PATH changed since: that is where our copy is.
      const undone = await new AddonsInstall(await this.connection.forStep(context), new AddonsFolder(dirname(record.folder))).undo(record);
      return { result: { mode: 'live', module: record.module, ...undone } };
    } catch (error) {
      throw asStepError(error);
    }
  }

  private async generate(context: StepContext): Promise<GeneratedModule> {
    const parsed = STEP_PARAMETER_SCHEMAS[this.action].safeParse(context.parameters);
    if (!parsed.success) throw new PermanentStepError(`invalid custom module spec: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    try {
      return await this.generator.generate(parsed.data.module);
    } catch (error) {
      if (error instanceof CustomModuleSpecError) throw new PermanentStepError(error.message);
      throw error;
    }
  }

  /** No retry and no rollback will follow a failed attempt, so a folder this attempt left behind goes now. */
  private async undoHalfInstall(folder: AddonsFolder, module: GeneratedModule, key: string): Promise<void> {
    const state = await folder.inspect(module.module_name).catch(() => undefined);
    if (state?.kind === 'ours' && state.marker.written_by === key && !state.marker.installed_by) await folder.remove(module.module_name).catch(() => undefined);
  }
}

const outputKey = (moduleName: string) => `custom_module_${moduleName}`;

function deliverables(module: GeneratedModule): StepArtifact[] {
  const listing = {
    module: module.module_name,
    zip_sha256: module.zip_sha256,
    content_sha256: moduleContentHash(module),
    files: module.files.map((file) => ({ path: file.path, size: file.content.length, sha256: file.sha256 })),
  };
  return [
    { name: `${module.module_name}.zip`, content: module.zip, mediaType: 'application/zip' },
    { name: 'module_files.json', content: `${JSON.stringify(listing, null, 2)}\n`, mediaType: 'application/json' },
  ];
}
