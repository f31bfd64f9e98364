import { OdooApi, OdooNotFoundError } from '@bf/odoo';
import { PermanentStepError } from '@bf/step-sdk';

/** Odoo's tz is a selection of tz-database names; the runtime's ICU list is the same database. */
export function requireTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone;
  } catch {
    throw new PermanentStepError(`'${timezone}' is not a tz-database time zone name (e.g. Europe/Berlin)`);
  }
}

/** Makes the language usable for users (Odoo rejects an inactive lang); says whether it had to be activated. */
export async function ensureLanguage(api: OdooApi, code: string): Promise<{ code: string; activated: boolean }> {
  const before = await api.findLanguage(code);
  if (!before) throw new PermanentStepError(`Odoo has no language '${code}'`);
  if (before.active) return { code, activated: false };
  try {
    await api.activateLanguage(code);
  } catch (error) {
    if (error instanceof OdooNotFoundError) throw new PermanentStepError(error.message);
    throw error;
  }
  return { code, activated: true };
}
