import { OdooApi } from '@bf/odoo';
import { PermanentStepError } from '@bf/step-sdk';

/** The company values the fiscal step sets, by their business keys (codes, not ids). */
export interface CompanySettings {
  name: string;
  currency: string;
  country: string | null;
  fiscalyear_last_day: number;
  fiscalyear_last_month: string;
}

export interface AdminLocale {
  lang: string | null;
  tz: string | null;
}

type Many2one = [number, string] | false;

/**
 * Reads and writes the settings configure_fiscal owns. Values travel as ISO
 * codes so results and exports are readable and comparable across databases.
 */
export class CompanySettingsStore {
  constructor(private readonly api: OdooApi) {}

  /** The connected admin user and the company it works in (the one the briefing describes). */
  async admin(): Promise<{ uid: number; companyId: number; locale: AdminLocale }> {
    const uid = await this.api.client.authenticate();
    const [user] = await this.api.read<{ id: number; company_id: Many2one; lang: string | false; tz: string | false }>('res.users', [uid], ['company_id', 'lang', 'tz']);
    return { uid, companyId: user?.company_id ? user.company_id[0] : 1, locale: { lang: user?.lang || null, tz: user?.tz || null } };
  }

  async company(id: number): Promise<CompanySettings> {
    const [company] = await this.api.read<{ id: number; name: string; currency_id: Many2one; country_id: Many2one; fiscalyear_last_day: number; fiscalyear_last_month: string }>('res.company', [id], [
      'name',
      'currency_id',
      'country_id',
      'fiscalyear_last_day',
      'fiscalyear_last_month',
    ]);
    if (!company) throw new PermanentStepError(`Odoo has no res.company ${id}`);
    const currency = company.currency_id ? await this.codeOf('res.currency', 'name', company.currency_id[0]) : '';
    const country = company.country_id ? await this.codeOf('res.country', 'code', company.country_id[0]) : null;
    return { name: company.name, currency, country, fiscalyear_last_day: company.fiscalyear_last_day, fiscalyear_last_month: String(company.fiscalyear_last_month) };
  }

  /** res.currency by ISO code, inactive ones included; activates it when needed. */
  async currencyId(code: string): Promise<{ id: number; activated: boolean }> {
    const [currency] = await this.api.searchRead<{ id: number; active: boolean }>('res.currency', [['name', '=', code]], ['active'], { limit: 1, context: { active_test: false } });
    if (!currency) throw new PermanentStepError(`Odoo has no currency '${code}'`);
    if (currency.active) return { id: currency.id, activated: false };
    await this.api.write('res.currency', [currency.id], { active: true });
    return { id: currency.id, activated: true };
  }

  async countryId(code: string): Promise<number> {
    const [id] = await this.api.search('res.country', [['code', '=', code]], { limit: 1 });
    if (id === undefined) throw new PermanentStepError(`Odoo has no country '${code}'`);
    return id;
  }

  /** Writes the given settings (currency excluded: it has its own refusal rules, see setCurrency). */
  async write(companyId: number, values: Partial<Omit<CompanySettings, 'currency'>>): Promise<void> {
    const vals: Record<string, unknown> = {};
    if (values.name !== undefined) vals.name = values.name;
    if (values.country !== undefined) vals.country_id = values.country ? await this.countryId(values.country) : false;
    if (values.fiscalyear_last_day !== undefined) vals.fiscalyear_last_day = values.fiscalyear_last_day;
    if (values.fiscalyear_last_month !== undefined) vals.fiscalyear_last_month = values.fiscalyear_last_month;
    if (Object.keys(vals).length) await this.api.write('res.company', [companyId], vals);
  }

  async setCurrency(companyId: number, currencyId: number): Promise<void> {
    await this.api.write('res.company', [companyId], { currency_id: currencyId });
  }

  async journalItemsExist(): Promise<boolean> {
    return (await this.api.searchCount('account.move.line', [])) > 0;
  }

  async setAdminLocale(uid: number, locale: Partial<AdminLocale>): Promise<void> {
    const vals = Object.fromEntries(Object.entries(locale).filter(([, value]) => value !== undefined).map(([key, value]) => [key, value ?? false]));
    if (Object.keys(vals).length) await this.api.write('res.users', [uid], vals);
  }

  private async codeOf(model: string, field: string, id: number): Promise<string> {
    const [record] = await this.api.read<{ id: number } & Record<string, unknown>>(model, [id], [field], { active_test: false });
    return String(record?.[field] ?? '');
  }
}
