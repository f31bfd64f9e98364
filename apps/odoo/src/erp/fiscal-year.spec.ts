import { fiscalYearEnd } from './fiscal-year';

describe('fiscalYearEnd', () => {
  it.each([
    ['01-01', 31, '12'],
    ['04-01', 31, '3'],
    ['07-01', 30, '6'],
    ['03-01', 28, '2'],
    ['10-15', 14, '10'],
    ['01-02', 1, '1'],
  ])('a year starting %s ends on day %i of month %s', (start, day, month) => {
    expect(fiscalYearEnd(start)).toEqual({ fiscalyear_last_day: day, fiscalyear_last_month: month });
  });

  it('refuses days that do not exist', () => {
    expect(() => fiscalYearEnd('02-30')).toThrow(/not a day of the year/);
    expect(() => fiscalYearEnd('2024-01-01')).toThrow(/MM-DD/);
  });
});
