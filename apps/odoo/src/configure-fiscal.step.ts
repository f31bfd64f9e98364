import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OdooApi, OdooUserError } from '@bf/odoo';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { AdminLocale, CompanySettings, CompanySettingsStore } from './erp/company-settings';
import { fiscalYearEnd } from './erp/fiscal-year';
import { FiscalRecord, FiscalRestorer } from './erp/fiscal-restorer';
import { ensureLanguage, requireTimezone } from './erp/locale-settings';
import { OdooChangeJournal } from './erp/odoo-change.journal';
import { jsonArtifact, odooCall, parseParameters } from './erp/step-io';
import { OdooConnection } from './odoo-connection';

/** Seed 000 step "Configure Fiscal Settings". Only partly reversible, as the plan says. */
@Injectable()
export class ConfigureFiscalStep implements StepExecutor {
  readonly action = 'odoo.configure_fiscal' as const;
  private readonly logger = new Logger(ConfigureFiscalStep.name);
  private readonly journal: OdooChangeJournal;

  constructor(
    private readonly connection: OdooConnection,
    dataSource: DataSource,
  ) {
    this.journal = new OdooChangeJournal(dataSource);
  }

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const { currency, fiscal_year_start: start, company_name: company } = context.parameters as Record<string, string>;
    const [month, day] = start.split('-').map(Number);
    return {
      result: {
        mode: 'dry_run',
        would: `set res.company '${company}' currency ${currency}, fiscal year starting ${start} (MM-DD)`,
        company: { name: company, currency, fiscalyear_start_month: month, fiscalyear_start_day: day },
      },
      outputs: { odoo_currency: currency },
    };
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    const parameters = parseParameters(this.action, context);
    const yearEnd = this.yearEnd(parameters.fiscal_year_start);
    const tz = parameters.timezone ? requireTimezone(parameters.timezone) : undefined;
    const api = await this.connection.forStep(context);
    const store = new CompanySettingsStore(api);
    const record = await odooCall(async () => {
      await this.requireAccounting(api);
      const admin = await store.admin();
      const previous = await this.firstSeen(context, admin.companyId, admin.uid, { ...(await store.company(admin.companyId)), ...admin.locale });
      const applied: FiscalRecord['applied'] = { name: parameters.company_name, country: parameters.country, currency: parameters.currency, ...yearEnd };
      // the language is made usable before anything is written, so a missing language fails the step with nothing changed
      const language = parameters.language ? await ensureLanguage(api, parameters.language) : null;
      const currency = await this.applyCurrency(store, admin.companyId, previous.currency, parameters.currency);
      await store.write(admin.companyId, applied);
      const locale: Partial<AdminLocale> = { ...(language ? { lang: language.code } : {}), ...(tz ? { tz } : {}) };
      await store.setAdminLocale(admin.uid, locale);
      const fiscal: FiscalRecord = {
        company_id: admin.companyId,
        admin_user_id: admin.uid,
        previous,
        applied: { ...applied, ...locale },
        currency_activated: currency.activated ? parameters.currency : null,
        language_activated: language?.activated ? language.code : null,
      };
      return fiscal;
    });
    const exported = await odooCall(async () => ({ company: { id: record.company_id, ...(await store.company(record.company_id)) }, admin_user: { id: record.admin_user_id, ...(await store.admin()).locale } }));
    this.logger.log(`company ${record.company_id}: ${parameters.currency}, fiscal year ends ${yearEnd.fiscalyear_last_day}/${yearEnd.fiscalyear_last_month}`);
    return {
      result: { mode: 'live', ...record, rollback: 'restores name, country, fiscal year end, language and time zone; the currency only while no journal items exist' },
      outputs: { odoo_currency: parameters.currency },
      artifacts: [jsonArtifact('odoo_config_export.json', exported)],
    };
  }

  /**
   * Restores what can safely be restored and lists the rest for a person
   * (seed 000: fiscal configuration needs manual restoration), never claiming
   * more than was done.
   */
  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'nothing automatically: fiscal settings need manual restoration');
    const record = previous.result as unknown as Partial<FiscalRecord>;
    if (typeof record.company_id !== 'number' || !record.previous || !record.applied) return { result: { mode: 'live', undone: 'nothing: the step recorded no company settings' } };
    const outcome = await odooCall(async () => new FiscalRestorer(new CompanySettingsStore(await this.connection.forStep(context))).restore(record as FiscalRecord));
    if (outcome.needs_manual_restoration.length) {
      // Seed 000: fiscal settings are only partly reversible. What was restored is said, and what wasn't makes this compensation fail, so the run ends partially rolled back instead of pretending.
      throw new PermanentStepError(`fiscal settings need manual restoration: ${outcome.needs_manual_restoration.join('; ')}${outcome.restored?.length ? ` (restored: ${outcome.restored.join('; ')})` : ''}`);
    }
    return {
      result: {
        mode: 'live',
        company_id: record.company_id,
        previous: record.previous,
        ...outcome,
        complete: outcome.needs_manual_restoration.length === 0 && outcome.left_alone.length === 0,
      },
    };
  }

  private yearEnd(start: string): ReturnType<typeof fiscalYearEnd> {
    try {
      return fiscalYearEnd(start);
    } catch (error) {
      throw new PermanentStepError((error as Error).message);
    }
  }

  /** The fiscal-year fields exist only with the account module; without it Odoo would reject them as unknown fields. */
  private async requireAccounting(api: OdooApi): Promise<void> {
    const account = await api.findModule('account');
    if (account?.state !== 'installed') {
      throw new PermanentStepError(`the fiscal year settings need the Odoo module 'account' (Invoicing), which is ${account?.state ?? 'missing'}: install invoicing/account first (odoo.install_modules with 'invoicing')`);
    }
  }

  /** The values before this step's first attempt: a redelivered attempt would otherwise read its own writes as "previous". */
  private async firstSeen(context: StepContext, companyId: number, uid: number, current: CompanySettings & AdminLocale): Promise<CompanySettings & AdminLocale> {
    const { lang, tz, ...company } = current;
    await this.journal.remember(context.tenantId, context.idempotencyKey, 'company', String(companyId), company);
    await this.journal.remember(context.tenantId, context.idempotencyKey, 'admin_user', String(uid), { lang, tz });
    const companyBefore = (await this.journal.recall<CompanySettings>(context.idempotencyKey, 'company')).get(String(companyId))!;
    const localeBefore = (await this.journal.recall<AdminLocale>(context.idempotencyKey, 'admin_user')).get(String(uid))!;
    return { ...companyBefore, ...localeBefore };
  }

  private async applyCurrency(store: CompanySettingsStore, companyId: number, was: string, wanted: string): Promise<{ activated: boolean }> {
    const currency = await store.currencyId(wanted);
    const current = (await store.company(companyId)).currency;
    if (current === wanted) return currency;
    try {
      await store.setCurrency(companyId, currency.id);
    } catch (error) {
      if (!(error instanceof OdooUserError)) throw error;
      throw new PermanentStepError(`Odoo refused to change the company currency from ${current} to ${wanted}: ${error.odooMessage}${was !== current ? ` (it was ${was} before this step)` : ''}`);
    }
    return currency;
  }
}
