import { ACTION_ROLLBACK, Briefing, ExecutionStep, ODOO_MODULES, PlanContent, STEP_PARAMETER_SCHEMAS, StepAction, describeIssues, topologicalOrder } from '@bf/contracts';
import { websiteVariables } from '@bf/templates';
import { RiskAssessor } from './risk-assessor';

/** A step before ids are given: dependencies name other drafts by their key. */
interface StepDraft {
  key: string;
  name: string;
  description: string;
  executor: ExecutionStep['executor'];
  action: StepAction;
  templateId: string | null;
  parameters: Record<string, unknown>;
  dependsOn: string[];
  rollback: Pick<ExecutionStep, 'rollback_possible' | 'rollback_steps'>;
}

/**
 * Turns a validated briefing into plan content (seed 000 BusinessPlanner). Pure
 * and deterministic: the same briefing always gives the same steps, parameters
 * and risks, so the plan hash is stable. Steps a briefing does not need are left
 * out, and dependencies are the real ones, so the website and ERP branches can
 * run in parallel.
 */
export class PlanBuilder {
  constructor(private readonly risks = new RiskAssessor()) {}

  build(briefing: Briefing, newStepId: () => string): PlanContent {
    const drafts = [...this.websiteSteps(briefing), ...this.erpSteps(briefing)];
    drafts.push(...this.integrationSteps(briefing, drafts));
    drafts.push(this.validationStep(briefing, drafts));
    const steps = this.assignIds(drafts, newStepId);
    assertValidPlan(steps);
    return {
      business_name: briefing.business_name,
      business_type: briefing.business_type,
      dry_run: briefing.dry_run,
      auto_rollback: briefing.auto_rollback,
      steps,
      risk_assessment: this.risks.assess(briefing, steps),
    };
  }

  private websiteSteps(briefing: Briefing): StepDraft[] {
    const site = briefing.website_config;
    if (!site) return [];
    const name = briefing.business_name;
    return [
      this.draft('generate_website', 'website.generate', 'webgen', {
        name: 'Generate Website',
        description: `Generate ${name} website from template '${site.template}'`,
        templateId: site.template,
        parameters: websiteVariables(briefing),
      }),
      this.draft('deploy_website', 'website.deploy', 'webgen', {
        name: 'Deploy Website',
        description: `Deploy the generated site and serve it for ${site.domain}`,
        parameters: { domain: site.domain },
        dependsOn: ['generate_website'],
      }),
      this.draft('configure_dns', 'dns.configure', 'dns', {
        name: 'Configure DNS',
        description: `Point ${site.domain} and www.${site.domain} at the web host`,
        parameters: { domain: site.domain, records: ['A', 'www CNAME'], ...secretRef(briefing.dns_config?.secret_ref) },
        dependsOn: ['deploy_website'],
      }),
    ];
  }

  private erpSteps(briefing: Briefing): StepDraft[] {
    const erp = briefing.erp_config;
    if (!erp) return [];
    const steps: StepDraft[] = [
      this.draft('install_odoo_modules', 'odoo.install_modules', 'odoo', {
        name: 'Install Odoo Modules',
        description: `Install ${erp.modules.join(', ')} in Odoo`,
        parameters: {
          modules: erp.modules,
          technical_names: [...new Set(erp.modules.map((word) => ODOO_MODULES[word].technical))],
          enterprise_only: erp.modules.filter((word) => ODOO_MODULES[word].enterprise),
          ...secretRef(erp.secret_ref),
        },
      }),
    ];
    if (erp.users.length) {
      steps.push(
        this.draft('create_odoo_users', 'odoo.create_users', 'odoo', {
          name: 'Create Odoo Users',
          description: `Create ${erp.users.length} Odoo user account(s)`,
          parameters: { users: erp.users, language: erp.language ?? null, timezone: erp.timezone ?? null, ...secretRef(erp.secret_ref) },
          dependsOn: ['install_odoo_modules'],
        }),
      );
    }
    steps.push(
      this.draft('configure_fiscal_settings', 'odoo.configure_fiscal', 'odoo', {
        name: 'Configure Fiscal Settings',
        description: `Set company currency ${erp.currency} and fiscal year start ${erp.fiscal_year_start}`,
        parameters: {
          company_name: briefing.business_name,
          country: briefing.country,
          currency: erp.currency,
          fiscal_year_start: erp.fiscal_year_start,
          language: erp.language ?? null,
          timezone: erp.timezone ?? null,
          ...secretRef(erp.secret_ref),
        },
        dependsOn: ['install_odoo_modules'],
      }),
    );
    erp.custom_modules.forEach((module, index) =>
      steps.push(
        this.draft(`install_custom_module_${index + 1}`, 'odoo.install_custom_module', 'odoo', {
          name: `Install Custom Module: ${module.title}`,
          description: `Generate the Odoo module '${module.module_name}' (${module.models.length} model(s)) from its spec and install it`,
          parameters: { module, ...secretRef(erp.secret_ref) },
          dependsOn: ['install_odoo_modules'],
        }),
      ),
    );
    return steps;
  }

  private integrationSteps(briefing: Briefing, earlier: StepDraft[]): StepDraft[] {
    const has = (key: string) => earlier.some((step) => step.key === key);
    // An integration needs the deployed site (its form) and the CRM (its target, with users to own leads).
    const prerequisites = ['deploy_website', has('create_odoo_users') ? 'create_odoo_users' : 'install_odoo_modules'].filter(has);
    return briefing.integrations
      .filter((integration) => integration.enabled)
      .map((integration, index) =>
        this.draft(`configure_integration_${index + 1}`, 'integration.configure', 'integration', {
          name: `Configure Integration: ${integration.name}`,
          description: `Connect ${integration.source} to ${integration.target} (${integration.type})`,
          // An Odoo-side integration uses the ERP steps' Odoo: the tenant secret they name, if any.
          parameters: { ...integration, ...(integration.source === 'odoo' || integration.target === 'odoo' ? secretRef(briefing.erp_config?.secret_ref) : {}) },
          dependsOn: prerequisites,
        }),
      );
  }

  private validationStep(briefing: Briefing, earlier: StepDraft[]): StepDraft {
    const checks = [
      ...(briefing.website_config ? ['website_http_200', 'dns_answer'] : []),
      ...(briefing.erp_config ? ['odoo_login'] : []),
      ...(earlier.some((step) => step.action === 'integration.configure') ? ['integration_roundtrip'] : []),
    ];
    return this.draft('final_validation', 'validation.run', 'validation', {
      name: 'Final Validation',
      description: `Check that everything the plan set up works: ${checks.join(', ') || 'plan consistency'}`,
      parameters: { checks, domain: briefing.website_config?.domain ?? null, ...(briefing.erp_config?.secret_ref ? { odoo_secret_ref: briefing.erp_config.secret_ref } : {}) },
      dependsOn: earlier.map((step) => step.key),
    });
  }

  private draft(
    key: string,
    action: StepAction,
    executor: ExecutionStep['executor'],
    fields: { name: string; description: string; parameters: Record<string, unknown>; dependsOn?: string[]; templateId?: string | null },
  ): StepDraft {
    return {
      key,
      action,
      executor,
      name: fields.name,
      description: fields.description,
      templateId: fields.templateId ?? null,
      parameters: fields.parameters,
      dependsOn: fields.dependsOn ?? [],
      rollback: ACTION_ROLLBACK[action],
    };
  }

  private assignIds(drafts: StepDraft[], newStepId: () => string): ExecutionStep[] {
    const ids = new Map(drafts.map((draft) => [draft.key, newStepId()]));
    return drafts.map((draft, index) => ({
      step_id: ids.get(draft.key)!,
      sequence: index + 1,
      name: draft.name,
      description: draft.description,
      executor: draft.executor,
      action: draft.action,
      template_id: draft.templateId,
      parameters: draft.parameters,
      depends_on: draft.dependsOn.map((key) => ids.get(key)!),
      status: 'pending',
      rollback_possible: draft.rollback.rollback_possible,
      rollback_steps: draft.rollback.rollback_steps,
    }));
  }
}

/** The planner checks its own output like any client graph: known parameters per action, no cycle, no dangling dependency. */
export class InvalidPlanError extends Error {}

function assertValidPlan(steps: ExecutionStep[]): void {
  for (const step of steps) {
    const parsed = STEP_PARAMETER_SCHEMAS[step.action].safeParse(step.parameters);
    if (!parsed.success) {
      const fields = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
      throw new InvalidPlanError(`step ${step.sequence} '${step.name}' has invalid parameters: ${fields.join('; ')}`);
    }
  }
  const outcome = topologicalOrder(steps.map((step) => ({ id: step.step_id, dependsOn: step.depends_on })));
  if (!outcome.ok) throw new InvalidPlanError(outcome.problems.map((problem) => problem.message).join('; '));
}

/** A step's secret_ref only when the briefing names one, so plans without secrets keep their parameters (and hashes). */
function secretRef(name: string | undefined): { secret_ref?: string } {
  return name ? { secret_ref: name } : {};
}
