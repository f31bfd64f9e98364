import { OdooUserError } from '@bf/odoo';
import { AdminLocale, CompanySettings, CompanySettingsStore } from './company-settings';
import { errorMessage } from './step-io';

/** What configure_fiscal records: the values before its first attempt and the values it set. */
export interface FiscalRecord {
  company_id: number;
  admin_user_id: number;
  previous: CompanySettings & AdminLocale;
  applied: Partial<CompanySettings & AdminLocale>;
  currency_activated?: string | null;
  language_activated?: string | null;
}

export interface FiscalRestoration {
  restored: string[];
  needs_manual_restoration: string[];
  left_alone: string[];
  stays: string[];
}

const COMPANY_FIELDS = ['name', 'country', 'fiscalyear_last_day', 'fiscalyear_last_month'] as const;
const LOCALE_FIELDS = ['lang', 'tz'] as const;

/**
 * Puts back what configure_fiscal changed, as far as that is safe: a value is
 * restored only while it still holds what the step wrote (a later change is
 * someone's decision), and the currency only while no journal items exist.
 * Everything else is listed for a person to restore.
 */
export class FiscalRestorer {
  constructor(private readonly store: CompanySettingsStore) {}

  async restore(record: FiscalRecord): Promise<FiscalRestoration> {
    const outcome: FiscalRestoration = { restored: [], needs_manual_restoration: [], left_alone: [], stays: [] };
    const company = await this.store.company(record.company_id);
    const { locale } = await this.store.admin();
    await this.restoreCompany(record, company, outcome);
    await this.restoreCurrency(record, company, outcome);
    await this.restoreLocale(record, locale, outcome);
    if (record.currency_activated) outcome.stays.push(`currency ${record.currency_activated} stays active (activating it changed nothing else)`);
    if (record.language_activated) outcome.stays.push(`language ${record.language_activated} stays installed (other users may use it)`);
    return outcome;
  }

  private async restoreCompany(record: FiscalRecord, current: CompanySettings, outcome: FiscalRestoration): Promise<void> {
    const back = this.revertible(COMPANY_FIELDS, record, current as unknown as Record<string, unknown>, outcome);
    if (!Object.keys(back).length) return;
    try {
      await this.store.write(record.company_id, back);
      outcome.restored.push(...Object.entries(back).map(([field, value]) => `company ${field} → ${JSON.stringify(value)}`));
    } catch (error) {
      if (!(error instanceof OdooUserError)) throw error;
      outcome.needs_manual_restoration.push(...Object.entries(back).map(([field, value]) => `company ${field}: set back to ${JSON.stringify(value)} by hand (Odoo refused: ${errorMessage(error)})`));
    }
  }

  private async restoreCurrency(record: FiscalRecord, current: CompanySettings, outcome: FiscalRestoration): Promise<void> {
    const { previous, applied } = record;
    if (applied.currency === undefined || applied.currency === previous.currency) return;
    if (current.currency !== applied.currency) return void outcome.left_alone.push(`company currency: now ${current.currency}, changed since this step set ${applied.currency}`);
    const manual = (why: string) => outcome.needs_manual_restoration.push(`company currency: was ${previous.currency}, is ${applied.currency}; ${why}`);
    if (await this.store.journalItemsExist()) return void manual('journal items exist now, so Odoo will not change it: restore by hand (accounting decision)');
    try {
      await this.store.setCurrency(record.company_id, (await this.store.currencyId(previous.currency)).id);
      outcome.restored.push(`company currency → ${previous.currency}`);
    } catch (error) {
      if (!(error instanceof OdooUserError)) throw error;
      manual(`Odoo refused the change back: ${errorMessage(error)}`);
    }
  }

  private async restoreLocale(record: FiscalRecord, current: AdminLocale, outcome: FiscalRestoration): Promise<void> {
    const back = this.revertible(LOCALE_FIELDS, record, current as unknown as Record<string, unknown>, outcome, 'admin user');
    if (!Object.keys(back).length) return;
    await this.store.setAdminLocale(record.admin_user_id, back);
    outcome.restored.push(...Object.entries(back).map(([field, value]) => `admin user ${field} → ${JSON.stringify(value)}`));
  }

  /** The fields the step changed that still hold its value, mapped to their previous value. */
  private revertible<F extends string>(fields: readonly F[], record: FiscalRecord, current: Record<string, unknown>, outcome: FiscalRestoration, owner = 'company'): Partial<CompanySettings & AdminLocale> {
    const back: Record<string, unknown> = {};
    const applied = record.applied as Record<string, unknown>;
    const previous = record.previous as unknown as Record<string, unknown>;
    for (const field of fields) {
      if (!(field in applied) || applied[field] === previous[field]) continue;
      if (current[field] !== applied[field]) outcome.left_alone.push(`${owner} ${field}: now ${JSON.stringify(current[field])}, changed since this step set ${JSON.stringify(applied[field])}`);
      else back[field] = previous[field];
    }
    return back as Partial<CompanySettings & AdminLocale>;
  }
}
