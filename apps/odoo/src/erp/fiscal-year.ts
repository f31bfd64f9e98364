/** Odoo keeps the fiscal year by its last day: `fiscalyear_last_day` (int) and `fiscalyear_last_month` ('1'..'12'). */
export interface FiscalYearEnd {
  fiscalyear_last_day: number;
  fiscalyear_last_month: string;
}

/**
 * The day before the briefing's fiscal_year_start ('MM-DD'), wrapping to the
 * previous year. The end of February is stored as the 28th: Odoo reads 28
 * February as the month's last day in leap years too.
 */
export function fiscalYearEnd(start: string): FiscalYearEnd {
  const match = /^(\d{2})-(\d{2})$/.exec(start);
  if (!match) throw new Error(`fiscal_year_start must be MM-DD, got '${start}'`);
  const [month, day] = [Number(match[1]), Number(match[2])];
  // a non-leap year, so a start of 1 March ends on 28 February
  const startDate = new Date(Date.UTC(2023, month - 1, day));
  if (startDate.getUTCMonth() !== month - 1) throw new Error(`fiscal_year_start '${start}' is not a day of the year`);
  const end = new Date(startDate.getTime() - 86_400_000);
  return { fiscalyear_last_day: end.getUTCDate(), fiscalyear_last_month: String(end.getUTCMonth() + 1) };
}
