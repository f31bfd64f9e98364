import { BriefingSchema, BUSINESS_TYPES, newId, planHash } from '@bf/contracts';
import { BRIEFING_CORPUS } from './briefing-corpus';
import { PlanBuilder } from './plan-builder';

const builder = new PlanBuilder();
const plan = (input: unknown) => builder.build(BriefingSchema.parse(input), () => newId('step'));

describe('planning the briefing corpus', () => {
  it('covers all six business types, with and without website, ERP and integrations', () => {
    const briefings = BRIEFING_CORPUS.map((c) => c.briefing);
    expect(new Set(briefings.map((b) => b.business_type))).toEqual(new Set(BUSINESS_TYPES));
    expect(briefings.some((b) => b.website_config && !b.erp_config)).toBe(true);
    expect(briefings.some((b) => !b.website_config && b.erp_config)).toBe(true);
    expect(briefings.some((b) => (b.integrations ?? []).length)).toBe(true);
    expect(BRIEFING_CORPUS.length).toBeGreaterThanOrEqual(12);
  });

  it.each(BRIEFING_CORPUS.map((c) => [c.name, c] as const))('%s: steps, dependencies and risk level', (_name, c) => {
    const content = plan(c.briefing);
    const names = new Map(content.steps.map((step) => [step.step_id, step.name]));
    const actual = Object.fromEntries(content.steps.map((step) => [step.name, step.depends_on.map((id) => names.get(id))]));
    expect(actual).toEqual(c.steps);
    expect(content.risk_assessment.overall_risk_level).toBe(c.risk);
  });

  it.each(BRIEFING_CORPUS.map((c) => [c.name, c] as const))('%s: the same briefing always hashes the same', (_name, c) => {
    expect(planHash(plan(c.briefing))).toBe(planHash(plan(c.briefing)));
  });

  it('gives every corpus briefing a different hash', () => {
    const hashes = BRIEFING_CORPUS.map((c) => planHash(plan(c.briefing)));
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
