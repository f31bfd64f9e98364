import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OdooApi } from '@bf/odoo';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { ensureLanguage, requireTimezone } from './erp/locale-settings';
import { OdooChangeJournal } from './erp/odoo-change.journal';
import { errorMessage, odooCall, parseParameters } from './erp/step-io';
import { UserGroupsResolver } from './erp/user-groups.resolver';
import { UserRemover } from './erp/user-remover';
import { asStepError, OdooConnection } from './odoo-connection';

/** One requested user as a live run leaves it; rollback works from these alone. */
export interface OdooUserOutcome {
  login: string;
  id: number;
  created_by_us: boolean;
  /** XML ids given to a user we created; null for a user that existed (left as it was) */
  groups: string[] | null;
}

type UserRequest = { name: string; email: string; role: 'admin' | 'manager' | 'user' };

/** Seed 000 step "Create Odoo Users". Users get no password: they set one through Odoo's invitation. */
@Injectable()
export class CreateUsersStep implements StepExecutor {
  readonly action = 'odoo.create_users' as const;
  private readonly logger = new Logger(CreateUsersStep.name);
  private readonly journal: OdooChangeJournal;

  constructor(
    private readonly connection: OdooConnection,
    dataSource: DataSource,
  ) {
    this.journal = new OdooChangeJournal(dataSource);
  }

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const users = context.parameters.users as { name: string; email: string; role: string }[];
    return {
      result: {
        mode: 'dry_run',
        would: `create ${users.length} res.users record(s)`,
        users: users.map(({ email, role }) => ({ login: email, role })),
      },
      outputs: { odoo_users: users.map((user) => user.email) },
    };
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    const parameters = parseParameters(this.action, context);
    const timezone = parameters.timezone ? requireTimezone(parameters.timezone) : null;
    const api = await this.connection.forStep(context);
    const users: OdooUserOutcome[] = [];
    let language: { code: string; activated: boolean } | null = null;
    try {
      const groupsField = await api.usersGroupsField();
      const resolver = new UserGroupsResolver(api);
      language = parameters.language ? await ensureLanguage(api, parameters.language) : null;
      const ours = await this.journal.recall(context.idempotencyKey, 'user');
      for (const user of parameters.users) {
        const settings = { groupsField, resolver, lang: language?.code ?? null, tz: timezone };
        users.push(await this.ensureUser(context, api, user, ours, settings));
      }
    } catch (raw) {
      const error = asStepError(raw);
      if (error instanceof PermanentStepError || context.isLastAttempt) throw await this.undoAfterFailure(context, api, error);
      throw error;
    }
    this.logger.log(`users: ${users.filter((user) => user.created_by_us).length} created, ${users.filter((user) => !user.created_by_us).length} already there`);
    return {
      result: { mode: 'live', users, ...(language ? { language } : {}), ...(timezone ? { timezone } : {}) },
      outputs: { odoo_users: parameters.users.map((user) => user.email) },
    };
  }

  /** Deletes the users this step created (archives those Odoo won't delete); users that existed are never touched. */
  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'delete (archive) the users this step created');
    const recorded = previous.result.users as OdooUserOutcome[] | undefined;
    if (!Array.isArray(recorded)) return { result: { mode: 'live', undone: 'nothing: the step recorded no users' } };
    const ours = recorded.filter((user) => user.created_by_us);
    const actions = await odooCall(async () => new UserRemover(await this.connection.forStep(context)).removeAll(ours));
    const archived = actions.filter((action) => action.action === 'archived');
    return {
      result: {
        mode: 'live',
        actions,
        left_alone: recorded.filter((user) => !user.created_by_us).map((user) => `${user.login}: existed before this step, not ours to remove`),
        ...(archived.length ? { not_deleted: archived.map((action) => `${action.login} was archived, not deleted: ${action.reason}`) } : {}),
      },
    };
  }

  private async ensureUser(
    context: StepContext,
    api: OdooApi,
    user: UserRequest,
    ours: Map<string, unknown>,
    settings: { groupsField: string; resolver: UserGroupsResolver; lang: string | null; tz: string | null },
  ): Promise<OdooUserOutcome> {
    const login = user.email;
    const groups = await settings.resolver.resolve(user.role);
    // archived users still hold their login, so they count as existing
    const [existing] = await api.search('res.users', [['login', '=', login]], { limit: 1, context: { active_test: false } });
    if (existing !== undefined) {
      const createdByUs = ours.has(login);
      return { login, id: existing, created_by_us: createdByUs, groups: createdByUs ? groups.xmlIds : null };
    }
    // Journaled before the create: an attempt that dies right after it still knows the user is ours.
    await this.journal.remember(context.tenantId, context.idempotencyKey, 'user', login, { existed: false });
    ours.set(login, { existed: false });
    const values: Record<string, unknown> = { name: user.name, login, email: user.email, [settings.groupsField]: [[6, 0, groups.ids]] };
    if (settings.lang) values.lang = settings.lang;
    if (settings.tz) values.tz = settings.tz;
    const id = await api.create('res.users', values);
    return { login, id, created_by_us: true, groups: groups.xmlIds };
  }

  /**
   * No rollback follows a failed step, so the users this step created are
   * removed now and the failure says so. The journal, not this attempt's list,
   * says which: a create that timed out may still have happened.
   */
  private async undoAfterFailure(context: StepContext, api: OdooApi, error: Error): Promise<Error> {
    const logins = [...(await this.journal.recall(context.idempotencyKey, 'user')).keys()];
    if (!logins.length) return error;
    let undo: string;
    try {
      const found = await api.searchRead<{ id: number; login: string }>('res.users', [['login', 'in', logins]], ['login'], { context: { active_test: false } });
      const ours = logins.flatMap((login) => found.filter((user) => user.login === login).map((user) => ({ login, id: user.id })));
      const actions = await new UserRemover(api).removeAll(ours);
      undo = actions.length ? actions.map((action) => `${action.action} ${action.login}`).join('; ') : 'none had been created';
    } catch (undoError) {
      undo = `undoing failed too (${errorMessage(undoError)}); users this step created may remain: ${logins.join(', ')}`;
    }
    this.logger.warn(`${context.stepId}: user creation failed, undone: ${undo}`);
    const message = `${error.message} (the step removed the users it had created: ${undo})`;
    return error instanceof PermanentStepError ? new PermanentStepError(message) : new Error(message);
  }
}
