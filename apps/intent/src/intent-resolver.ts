import { canonicalJson, ResolvedBusinessIntent, sha256Hex, ValidBusinessIntentInput } from '@bf/contracts';
import { BusinessClassifier } from './business-classifier';
import { BusinessNamer, toDomainSlug } from './business-namer';
import { CustomModulePlanner } from './custom-module-planner';
import { detectLanguage } from './language-detector';
import { ModuleSelector } from './module-selector';
import { RegionResolver } from './region-resolver';
import { RiskAssessor } from './risk-assessor';
import { COMPLEXITY_WEIGHTS } from './rules/risk.rules';
import { tokenize } from './text/words';

export { MissingRegionError, UnsupportedRegionError } from './region-resolver';

/**
 * Seed 001 S8.1 BusinessIntentResolver: decides what to build from a plain
 * idea by keyword rules (apps/intent/src/rules), with no model calls, clock or
 * randomness, so the same input always gives byte-identical output, the intent
 * id (a hash of the input) included. The rule tables are compiled once, when
 * the resolver is constructed.
 */
export class IntentResolver {
  private readonly classifier = new BusinessClassifier();
  private readonly regions = new RegionResolver();
  private readonly moduleSelector = new ModuleSelector();
  private readonly customModules = new CustomModulePlanner();
  private readonly riskAssessor = new RiskAssessor();
  private readonly namer = new BusinessNamer();

  /** @throws UnsupportedRegionError, MissingRegionError */
  resolve(input: ValidBusinessIntentInput): ResolvedBusinessIntent {
    const text = input.target_audience ? `${input.vision}\n${input.target_audience}` : input.vision;
    const words = tokenize(text);
    const language = detectLanguage(words, text);
    const { kind, monetization, industry } = this.classifier.classify(words, input.monetization_type);
    const region = this.regions.resolve(input.region, words);
    const custom = this.customModules.plan(words, kind.value, monetization.value, industry.value);
    const selection = this.moduleSelector.select(words, kind.value, monetization.value, industry.value, custom.specs);
    const risk = this.riskAssessor.assess(kind.value, monetization.value, input.compliance_sensitivity, industry.value, selection.sellsOnline);
    const name = this.namer.name(input.vision, language.value, industry.value, region.city);
    const customModels = custom.specs.reduce((sum, spec) => sum + spec.models.length, 0);
    return {
      intent_id: `intent_${sha256Hex(canonicalJson(input)).slice(0, 12)}`,
      vision: input.vision,
      language: language.value,
      business_type: kind.value,
      monetization_type: monetization.value,
      industry: industry.value,
      risk_level: risk.level,
      risk_factors: risk.factors,
      // Every business the factory sets up gets a website and an Odoo ERP (seed 000).
      needs_website: true,
      needs_erp: true,
      website_template: 'modern_landing_v1',
      odoo_modules_required: selection.modules,
      custom_modules_spec: custom.specs,
      estimated_complexity_score: complexity(selection.modules.length, customModels, risk.score),
      suggested_business_name: name,
      domain_slug: toDomainSlug(name),
      region: region.facts,
      reasons: {
        language,
        business_type: kind,
        monetization_type: monetization,
        industry,
        risk_level: risk.reason,
        region: region.reason,
        modules: selection.reason,
        custom_modules: custom.reason,
      },
    };
  }
}

/** Seed 001 _calculate_complexity_score, 1–100 (weights in rules/risk.rules.ts). */
function complexity(modules: number, customModels: number, riskScore: number): number {
  const { base, perModule, perCustomModel, perRiskPoint } = COMPLEXITY_WEIGHTS;
  return Math.max(1, Math.min(100, Math.round(base + modules * perModule + customModels * perCustomModel + riskScore * perRiskPoint)));
}
