import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { ModuleInstaller, ModuleUndoAction } from './erp/module-installer';
import { OdooChangeJournal } from './erp/odoo-change.journal';
import { errorMessage, jsonArtifact, odooCall, parseParameters } from './erp/step-io';
import { asStepError, OdooConnection } from './odoo-connection';

/** One requested module as a live run leaves it; rollback works from these alone. */
export interface InstalledModule {
  name: string;
  previous_state: string;
  state: string;
  installed_by_us: boolean;
}

interface ModuleJournalEntry {
  previous_state: string;
}

/** Seed 000 step "Install Odoo Modules". */
@Injectable()
export class InstallModulesStep implements StepExecutor {
  readonly action = 'odoo.install_modules' as const;
  private readonly logger = new Logger(InstallModulesStep.name);
  private readonly journal: OdooChangeJournal;

  constructor(
    private readonly connection: OdooConnection,
    dataSource: DataSource,
  ) {
    this.journal = new OdooChangeJournal(dataSource);
  }

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const technical = context.parameters.technical_names as string[];
    const enterprise = context.parameters.enterprise_only as string[];
    return {
      result: {
        mode: 'dry_run',
        would: `install ${technical.join(', ')} with ir.module.module button_immediate_install`,
        modules: technical,
        ...(enterprise.length ? { warning: `${enterprise.join(', ')} need Odoo Enterprise` } : {}),
      },
      outputs: { odoo_modules: technical },
    };
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    const parameters = parseParameters(this.action, context);
    const installer = new ModuleInstaller(await this.connection.forStep(context));
    const modules: InstalledModule[] = [];
    let pulledIn = new Set<string>();
    try {
      pulledIn = new Set((await this.journal.recall(context.idempotencyKey, 'dependency')).keys());
      const firstSeen = await this.journal.recall<ModuleJournalEntry>(context.idempotencyKey, 'module');
      for (const name of parameters.technical_names) {
        modules.push(await this.installOne(context, installer, name, parameters.enterprise_only, firstSeen, pulledIn));
      }
    } catch (raw) {
      const error = asStepError(raw);
      if (error instanceof PermanentStepError || context.isLastAttempt) throw await this.undoAfterFailure(context, installer, error);
      throw error;
    }
    const result = { mode: 'live', modules, dependencies_installed: [...pulledIn].sort() };
    this.logger.log(`modules: ${modules.map((module) => `${module.name} ${module.installed_by_us ? 'installed' : 'already there'}`).join(', ')}`);
    return {
      result,
      outputs: { odoo_modules: parameters.technical_names },
      artifacts: [jsonArtifact('installed_modules.json', result)],
    };
  }

  /**
   * Uninstalls the requested modules this step installed, newest first; modules
   * that were there before are never touched. Dependencies pulled in alongside
   * stay: other apps may rely on them by now, so they are listed, not removed.
   */
  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'uninstall the modules this step installed (their data may remain)');
    const recorded = previous.result.modules as InstalledModule[] | undefined;
    if (!Array.isArray(recorded)) return { result: { mode: 'live', undone: 'nothing: the step recorded no modules' } };
    const ours = recorded.filter((module) => module.installed_by_us).map((module) => module.name);
    const actions = await odooCall(async () => new ModuleInstaller(await this.connection.forStep(context)).uninstallAll([...ours].reverse()));
    return { result: rollbackResult(actions, recorded, (previous.result.dependencies_installed as string[] | undefined) ?? []) };
  }

  private async installOne(context: StepContext, installer: ModuleInstaller, name: string, enterpriseOnly: string[], firstSeen: Map<string, ModuleJournalEntry>, pulledIn: Set<string>): Promise<InstalledModule> {
    const module = await installer.find(name);
    if (!module) throw new PermanentStepError(`Odoo has no module '${name}' (not on the server's addons path)`);
    const journaled = firstSeen.get(name);
    if (module.state === 'installed') {
      return { name, previous_state: journaled?.previous_state ?? 'installed', state: 'installed', installed_by_us: journaled !== undefined };
    }
    if (module.state === 'uninstallable') {
      const why = enterpriseOnly.includes(name) ? 'it is an Odoo Enterprise module and this server runs Community' : 'Odoo marks it uninstallable on this server';
      throw new PermanentStepError(`cannot install '${name}': ${why}`);
    }
    // Journaled before the call: an attempt that dies mid-install still leaves "ours" behind for the next one.
    await this.journal.remember(context.tenantId, context.idempotencyKey, 'module', name, { previous_state: module.state });
    firstSeen.set(name, { previous_state: module.state });
    const before = await installer.installedNames();
    const after = await installer.install(name);
    if (after.state !== 'installed') throw new Error(`Odoo left '${name}' in state '${after.state}' after the install; retrying`);
    for (const added of await installer.installedNames()) {
      if (before.has(added) || added === name) continue;
      await this.journal.remember(context.tenantId, context.idempotencyKey, 'dependency', added, { previous_state: 'uninstalled', needed_by: name });
      pulledIn.add(added);
    }
    return { name, previous_state: module.state, state: after.state, installed_by_us: true };
  }

  /** No rollback follows a failed step, so what this step installed is uninstalled now and the failure says so. */
  private async undoAfterFailure(context: StepContext, installer: ModuleInstaller, error: Error): Promise<Error> {
    const ours = [...(await this.journal.recall(context.idempotencyKey, 'module')).keys()].reverse();
    if (!ours.length) return error;
    let undo: string;
    try {
      const actions = await installer.uninstallAll(ours);
      undo = actions.map(describeUndo).join('; ');
    } catch (undoError) {
      undo = `undoing failed too (${errorMessage(undoError)}); modules this step installed may remain: ${ours.join(', ')}`;
    }
    this.logger.warn(`install failed, undone: ${undo}`);
    const message = `${error.message} (the step undid its installs: ${undo})`;
    return error instanceof PermanentStepError ? new PermanentStepError(message) : new Error(message);
  }
}

function describeUndo(action: ModuleUndoAction): string {
  if (action.action === 'uninstalled') return `uninstalled ${action.name}`;
  if (action.action === 'already_uninstalled') return `${action.name} was not installed`;
  return `Odoo refused to uninstall ${action.name}: ${action.message}`;
}

function rollbackResult(actions: ModuleUndoAction[], recorded: InstalledModule[], dependencies: string[]): Record<string, unknown> {
  const refused = actions.filter((action) => action.action === 'refused');
  return {
    mode: 'live',
    actions,
    left_alone: recorded.filter((module) => !module.installed_by_us).map((module) => `${module.name}: installed before this step, not ours to remove`),
    ...(dependencies.length ? { dependencies_left_installed: dependencies } : {}),
    ...(refused.length ? { not_undone: refused.map((action) => `${action.name}: ${action.message}`) } : {}),
    data: 'uninstalling a module drops its tables: records created in it are gone',
  };
}
