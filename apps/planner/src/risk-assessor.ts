import { Briefing, estimateCredits, ExecutionStep, ODOO_MODULES, Risk, RiskAssessment, RiskLevel, sha256Hex, StepAction } from '@bf/contracts';

type RiskRule = Omit<Risk, 'risk_id'> & { code: string };

/** Minutes each kind of step usually takes; the estimate is their sum. */
const STEP_MINUTES: Record<StepAction, (step: ExecutionStep) => number> = {
  'website.generate': () => 2,
  'website.deploy': () => 3,
  'dns.configure': () => 5,
  'odoo.install_modules': (step) => 2 + (step.parameters.technical_names as string[]).length,
  'odoo.create_users': (step) => 1 + Math.ceil((step.parameters.users as unknown[]).length / 10),
  'odoo.configure_fiscal': () => 2,
  'odoo.install_custom_module': (step) => 5 + 2 * ((step.parameters.module as { models: unknown[] }).models.length),
  'integration.configure': () => 2,
  'validation.run': () => 2,
};

const MANY_USERS = 25;
/** Words in the industry or name that mark a compliance-sensitive business. */
const SENSITIVE_INDUSTRY = /\b(health\w*|medic\w*|clinic|pharma\w*|patient\w*|bank\w*|financ\w*|insuran\w*|invest\w*|legal|law|gesundheit\w*|medizin\w*|klinik\w*|praxis|versicherung\w*|finanz\w*|kanzlei)\b/i;
/** Top-level domains reserved by RFC 2606 / 6761: never resolvable on the public internet. */
const RESERVED_TLD = /\.(example|test|invalid|localhost)$/;

/**
 * Seed 000 RiskAssessor: risks with severity and mitigation, the overall level by
 * the seed's table, a duration estimate and recommendations. Deterministic: risk
 * ids derive from the rule, not from randomness, so the plan hash is stable.
 */
export class RiskAssessor {
  assess(briefing: Briefing, steps: ExecutionStep[]): RiskAssessment {
    const risks = this.rules(briefing, steps).map(({ code, ...risk }) => ({ risk_id: `risk_${sha256Hex(code).slice(0, 8)}`, ...risk }));
    return {
      overall_risk_level: overallLevel(risks),
      risks,
      estimated_duration_minutes: steps.reduce((sum, step) => sum + STEP_MINUTES[step.action](step), 0),
      estimated_cost_euros: 0,
      estimated_credits: estimateCredits(steps.map((step) => ({ action: step.action, dryRun: briefing.dry_run }))),
      recommendations: this.recommendations(briefing, risks),
    };
  }

  private rules(briefing: Briefing, steps: ExecutionStep[]): RiskRule[] {
    const risks: RiskRule[] = [];
    const has = (action: StepAction) => steps.some((step) => step.action === action);
    if (has('dns.configure')) {
      risks.push({
        code: 'dns_propagation',
        description: 'Domain may not be available or DNS propagation may delay',
        severity: 'medium',
        probability: 'medium',
        impact: 'Website deployment may fail or be delayed',
        mitigation: 'Verify domain availability before execution; DNS propagation can take up to 48h',
      });
    }
    if (has('odoo.install_modules')) {
      risks.push({
        code: 'odoo_reachability',
        description: 'Odoo instance must be accessible and properly configured',
        severity: 'high',
        probability: 'low',
        impact: 'ERP deployment will fail, requiring manual intervention',
        mitigation: 'Preflight check will verify Odoo connectivity',
      });
    }
    if (has('odoo.configure_fiscal')) {
      risks.push({
        code: 'fiscal_irreversible',
        description: 'Fiscal settings (currency, fiscal year) can only partly be rolled back',
        severity: 'medium',
        probability: 'low',
        impact: 'A rollback leaves the company currency and fiscal year as configured',
        mitigation: 'Review currency and fiscal year before execution; restore manually if needed',
      });
    }
    if (briefing.business_type === 'ecommerce') {
      risks.push({
        code: 'ecommerce_payments',
        description: 'E-commerce handles customer payments and personal data',
        severity: 'high',
        probability: 'medium',
        impact: 'Payment or data-protection failures have legal and financial consequences',
        mitigation: 'Use a PCI-DSS compliant payment provider; review terms, privacy policy and VAT settings',
      });
    }
    if ((briefing.erp_config?.users.length ?? 0) > MANY_USERS) {
      risks.push({
        code: 'many_users',
        description: `More than ${MANY_USERS} ERP users are created at once`,
        severity: 'medium',
        probability: 'medium',
        impact: 'Licence costs and access rights need review; mistakes affect many accounts',
        mitigation: 'Review the user list and roles; start with administrators and add others later',
      });
    }
    if (!briefing.contact_email) {
      risks.push({
        code: 'no_contact_email',
        description: 'The briefing gives no contact email',
        severity: 'low',
        probability: 'high',
        impact: 'The website shows no email address; contact-form notifications have no default recipient',
        mitigation: 'Add contact_email to the briefing',
      });
    }
    if (!briefing.contact_phone) {
      risks.push({
        code: 'no_contact_phone',
        description: 'The briefing gives no contact phone number',
        severity: 'low',
        probability: 'high',
        impact: 'The imprint may be incomplete where a phone number is expected',
        mitigation: 'Add contact_phone to the briefing',
      });
    }
    const sensitive = SENSITIVE_INDUSTRY.exec(`${briefing.industry ?? ''} ${briefing.business_name}`);
    if (sensitive) {
      risks.push({
        code: 'compliance_sensitive_industry',
        description: `Compliance-sensitive industry ('${sensitive[0]}'): regulated data and duties`,
        severity: 'high',
        probability: 'medium',
        impact: 'Health, financial or legal data needs stricter access control, retention and contracts (GDPR art. 9, sector rules)',
        mitigation: 'Review data protection (DPA, access rights, hosting location) with a compliance owner before going live',
      });
    }
    if (briefing.business_type === 'saas') {
      risks.push({
        code: 'saas_personal_data',
        description: 'A SaaS business processes customer data on behalf of its customers',
        severity: 'medium',
        probability: 'medium',
        impact: 'Data-processing agreements, privacy policy and availability promises are needed',
        mitigation: 'Prepare a DPA and privacy policy; define backup and uptime commitments',
      });
    }
    const custom = briefing.erp_config?.custom_modules ?? [];
    if (custom.length) {
      risks.push({
        code: 'custom_modules',
        description: `${custom.length} generated custom Odoo module(s) will be installed`,
        severity: 'medium',
        probability: 'medium',
        impact: 'Generated code changes the ERP database schema; uninstalling can leave data behind',
        mitigation: 'Review the generated module (npm run odoo:scaffold) and test it on a staging database first',
      });
    }
    // Specs cannot name a core model any other way (the validator keeps new models in the module's namespace), so extensions are exactly the core-model changes.
    const core = custom.flatMap((module) => module.models.filter((model) => model.extends).map((model) => `${model.name} (${module.module_name})`));
    if (core.length) {
      risks.push({
        code: 'custom_module_core_models',
        description: `Custom module(s) add fields to core Odoo model(s): ${core.join(', ')}`,
        severity: 'critical',
        probability: 'high',
        impact: 'The fields land in tables and forms every other module shares (partners, products, orders); uninstalling drops their data, and an upgrade of the core module can clash with them',
        mitigation: 'Prefer a new model (<company>.<name>) linked by a many2one; otherwise have an Odoo developer review the generated module and test it on a staging database, and acknowledge explicitly',
      });
    }
    const enterprise = (briefing.erp_config?.modules ?? []).filter((word) => ODOO_MODULES[word].enterprise);
    if (enterprise.length) {
      risks.push({
        code: 'enterprise_modules',
        description: `Module(s) ${enterprise.join(', ')} need Odoo Enterprise`,
        severity: 'high',
        probability: 'high',
        impact: 'Installation fails on Odoo Community',
        mitigation: 'Confirm the target Odoo is Enterprise, or remove these modules',
      });
    }
    if (!briefing.dry_run && briefing.website_config && RESERVED_TLD.test(briefing.website_config.domain)) {
      risks.push({
        code: 'reserved_domain_live',
        description: `${briefing.website_config.domain} uses a reserved top-level domain that no public DNS serves`,
        // Low: the built-in DNS server answers for it locally, which is what demos and tests want.
        severity: 'low',
        probability: 'high',
        impact: 'The site is reachable only through the configured (local) DNS server, not from the internet',
        mitigation: 'Use a registered domain when the site must be public',
      });
    }
    if (!briefing.auto_rollback && !briefing.dry_run) {
      risks.push({
        code: 'no_auto_rollback',
        description: 'auto_rollback is off: a failed run leaves its completed steps in place',
        severity: 'medium',
        probability: 'low',
        impact: 'Partial setups must be rolled back by hand',
        mitigation: 'Turn auto_rollback on, or be ready to call the rollback endpoint',
      });
    }
    return risks;
  }

  private recommendations(briefing: Briefing, risks: Risk[]): string[] {
    const out: string[] = [];
    const high = risks.filter((risk) => risk.severity === 'high' || risk.severity === 'critical').length;
    if (high) out.push(`⚠️  ${high} high-severity risk(s) identified. Review carefully before execution.`);
    if (briefing.website_config) out.push('⏰ DNS propagation can take 1-48 hours. Website may not be accessible immediately.');
    if (briefing.dry_run) out.push('ℹ️  dry_run is set: steps describe what they would do and change nothing.');
    return out;
  }
}

/** Seed 000 "Risk Levels" table. Four or more medium risks are treated as one high risk more. */
export function overallLevel(risks: Pick<Risk, 'severity'>[]): RiskLevel {
  const count = (level: RiskLevel) => risks.filter((risk) => risk.severity === level).length;
  const high = count('high') + (count('medium') >= 4 ? 1 : 0);
  if (count('critical') > 0) return 'critical';
  if (high >= 2) return 'high';
  if (high === 1 || count('medium') >= 2) return 'medium';
  return 'low';
}
