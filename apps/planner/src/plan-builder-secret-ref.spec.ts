import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Briefing, BriefingSchema, planHash, STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import { PlanBuilder } from './plan-builder';

/** The seed's complete example: website, ERP and a website → odoo contact form integration. */
const completeExample = JSON.parse(readFileSync(join(__dirname, '../../../templates/briefings/acme-consulting.json'), 'utf8'));

let counter = 0;
const ids = () => `step_${String(++counter).padStart(12, '0')}`;
const plan = (input: unknown) => new PlanBuilder().build(BriefingSchema.parse(input) as Briefing, ids);

describe('PlanBuilder: the ERP secret_ref reaches the CRM integration', () => {
  it('gives an Odoo-side integration.configure step erp_config.secret_ref, valid for its parameter schema', () => {
    const content = plan({ ...completeExample, erp_config: { ...completeExample.erp_config, secret_ref: 'odoo-prod' } });
    const integrations = content.steps.filter((step) => step.action === 'integration.configure');
    expect(integrations.length).toBeGreaterThan(0);
    for (const step of integrations) {
      expect(step.parameters.secret_ref).toBe('odoo-prod');
      expect(STEP_PARAMETER_SCHEMAS['integration.configure'].safeParse(step.parameters).success).toBe(true);
    }
    expect(STEP_PARAMETER_SCHEMAS['integration.configure'].safeParse({ ...integrations[0].parameters, secret_ref: 'Not A Name' }).success).toBe(false);
  });

  it('leaves a briefing without secret_ref with the parameters (and hash) it always had', () => {
    const content = plan(completeExample);
    const enabled = BriefingSchema.parse(completeExample).integrations.filter((integration) => integration.enabled);
    expect(content.steps.filter((candidate) => candidate.action === 'integration.configure').map((step) => step.parameters)).toEqual(enabled.map((integration) => ({ ...integration })));
    // A DNS-only secret does not leak into the Odoo integration either.
    const dnsOnly = plan({ ...completeExample, dns_config: { secret_ref: 'dns-token' } });
    for (const step of dnsOnly.steps.filter((candidate) => candidate.action === 'integration.configure')) expect(step.parameters).not.toHaveProperty('secret_ref');
    expect(planHash(dnsOnly)).not.toBe(planHash(content));
  });
});
