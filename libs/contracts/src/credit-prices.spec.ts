import { CREDIT_PRICES, estimateCredits } from './credit-prices';
import { ACTION_EXECUTOR } from './step-actions';

describe('credit price table', () => {
  it('prices every step kind with a positive whole number of credits', () => {
    expect(Object.keys(CREDIT_PRICES).sort()).toEqual(Object.keys(ACTION_EXECUTOR).sort());
    for (const price of Object.values(CREDIT_PRICES)) expect(Number.isInteger(price) && price > 0).toBe(true);
  });

  it('estimates the live steps only: dry-run steps are free', () => {
    expect(estimateCredits([{ action: 'website.generate' }, { action: 'dns.configure' }])).toBe(CREDIT_PRICES['website.generate'] + CREDIT_PRICES['dns.configure']);
    expect(estimateCredits([{ action: 'website.generate', dryRun: true }, { action: 'validation.run', dryRun: false }])).toBe(CREDIT_PRICES['validation.run']);
    expect(estimateCredits([])).toBe(0);
  });
});
