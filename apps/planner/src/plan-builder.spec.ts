import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Briefing, BriefingSchema, ExecutionStep, PlanContent } from '@bf/contracts';
import { PlanBuilder } from './plan-builder';
import { planHash } from '@bf/contracts';
import { overallLevel } from './risk-assessor';

const completeExample = JSON.parse(readFileSync(join(__dirname, '../../../templates/briefings/acme-consulting.json'), 'utf8'));

/** Seed 000 Quick Start, verbatim. */
const quickStart = JSON.parse(readFileSync(join(__dirname, '../../../templates/briefings/acme-quick-start.json'), 'utf8'));

let counter = 0;
const sequentialIds = () => `step_${String(++counter).padStart(12, '0')}`;

function plan(input: unknown): PlanContent {
  return new PlanBuilder().build(BriefingSchema.parse(input) as Briefing, sequentialIds);
}

function byName(steps: ExecutionStep[]) {
  const names = new Map(steps.map((step) => [step.step_id, step.name]));
  return Object.fromEntries(steps.map((step) => [step.name, { executor: step.executor, depends_on: step.depends_on.map((id) => names.get(id)) }]));
}

describe(PlanBuilder.name, () => {
  it('plans the Quick Start briefing with the seed steps, executors and dependencies', () => {
    const content = plan(quickStart);
    expect(byName(content.steps)).toEqual({
      'Generate Website': { executor: 'webgen', depends_on: [] },
      'Deploy Website': { executor: 'webgen', depends_on: ['Generate Website'] },
      'Configure DNS': { executor: 'dns', depends_on: ['Deploy Website'] },
      'Install Odoo Modules': { executor: 'odoo', depends_on: [] },
      'Configure Fiscal Settings': { executor: 'odoo', depends_on: ['Install Odoo Modules'] },
      'Final Validation': {
        executor: 'validation',
        depends_on: ['Generate Website', 'Deploy Website', 'Configure DNS', 'Install Odoo Modules', 'Configure Fiscal Settings'],
      },
    });
    expect(content.steps.map((step) => step.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(content.steps.every((step) => step.status === 'pending')).toBe(true);
  });

  it('carries the briefing into step parameters as seed 000 shows them', () => {
    const [generate] = plan(quickStart).steps;
    expect(generate).toMatchObject({
      name: 'Generate Website',
      description: "Generate Acme Consulting GmbH website from template 'modern_landing_v1'",
      template_id: 'modern_landing_v1',
      parameters: { business_name: 'Acme Consulting GmbH', domain: 'acme.example', pages: ['home', 'services', 'contact'], primary_color: '#1e40af' },
      rollback_possible: true,
      rollback_steps: [{ action: 'delete_generated_files', reason: 'cleanup_on_failure' }],
    });
  });

  it('adds users and the integration for the Complete Example; the integration waits for the site and the CRM users', () => {
    const steps = byName(plan(completeExample).steps);
    expect(steps['Create Odoo Users']).toEqual({ executor: 'odoo', depends_on: ['Install Odoo Modules'] });
    expect(steps['Configure Integration: Contact Form to CRM']).toEqual({ executor: 'integration', depends_on: ['Deploy Website', 'Create Odoo Users'] });
    expect(Object.keys(steps)).toHaveLength(8);
  });

  it('maps module words to Odoo technical names', () => {
    const install = plan(completeExample).steps.find((step) => step.action === 'odoo.install_modules')!;
    expect(install.parameters.technical_names).toEqual(['crm', 'project', 'hr_timesheet', 'account']);
  });

  it('leaves out web and DNS steps without website_config, and Odoo steps without erp_config', () => {
    const erpOnly = plan({ ...quickStart, website_config: undefined });
    expect(erpOnly.steps.map((step) => step.executor)).toEqual(['odoo', 'odoo', 'validation']);
    const webOnly = plan({ ...quickStart, erp_config: undefined });
    expect(webOnly.steps.map((step) => step.executor)).toEqual(['webgen', 'webgen', 'dns', 'validation']);
  });

  it('marks fiscal settings as needing manual restoration', () => {
    const fiscal = plan(quickStart).steps.find((step) => step.action === 'odoo.configure_fiscal')!;
    expect(fiscal.rollback_possible).toBe(false);
    expect(fiscal.rollback_steps[0].action).toBe('manual_restoration_required');
  });

  it('rates the Quick Start medium risk (one high, as in the seed example) with DNS and Odoo risks', () => {
    const { risk_assessment: risk } = plan(quickStart);
    expect(risk.overall_risk_level).toBe('medium');
    expect(risk.risks.map((r) => r.description)).toEqual(
      expect.arrayContaining(['Domain may not be available or DNS propagation may delay', 'Odoo instance must be accessible and properly configured']),
    );
    expect(risk.recommendations[0]).toMatch(/1 high-severity risk/);
    expect(risk.estimated_duration_minutes).toBeGreaterThan(0);
  });

  it('gives the same hash for the same briefing, and a different one when content changes', () => {
    expect(planHash(plan(quickStart))).toBe(planHash(plan(quickStart)));
    expect(planHash(plan(quickStart))).not.toBe(planHash(plan({ ...quickStart, business_name: 'Other GmbH' })));
  });
});

describe('overallLevel', () => {
  it.each([
    [[], 'low'],
    [['medium'], 'low'],
    [['medium', 'medium'], 'medium'],
    [['high'], 'medium'],
    [['high', 'high'], 'high'],
    [['medium', 'medium', 'medium', 'medium', 'high'], 'high'],
    [['low', 'critical'], 'critical'],
  ] as const)('rates %j as %s (seed 000 Risk Levels table)', (severities, level) => {
    expect(overallLevel(severities.map((severity) => ({ severity })))).toBe(level);
  });
});
