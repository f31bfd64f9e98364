import { CustomModuleSpec, CustomModuleSpecSchema } from '@bf/contracts';
import { keywordEntries } from './keyword-classifier';
import { CUSTOM_MODULE_RULES } from './rules/custom-module.rules';
import { BusinessKind, Industry, Monetization, Reason } from './rules/rule-types';
import { KeywordIndex } from './text/keyword-index';
import { Word } from './text/words';

/** Seed 001 _generate_custom_module_specs: the specs of rules/custom-module.rules.ts whose conditions hold. */
export class CustomModulePlanner {
  private readonly specs: CustomModuleSpec[];
  /** Rule position → matched words, for the rules that have keyword conditions. */
  private readonly keywords = new KeywordIndex<number>(
    CUSTOM_MODULE_RULES.flatMap((rule, i) => (rule.when.keywords ? keywordEntries(rule.when.keywords, () => i) : [])),
  );

  constructor() {
    // A malformed spec in the rules fails when the worker starts, not in the Odoo step much later.
    this.specs = CUSTOM_MODULE_RULES.map((rule) => CustomModuleSpecSchema.parse(rule.spec));
  }

  plan(words: readonly Word[], kind: BusinessKind, monetization: Monetization, industry: Industry): { specs: CustomModuleSpec[]; reason: Reason } {
    const matched = new Map<number, Set<string>>();
    for (const { payload: rule, text } of this.keywords.match(words)) {
      if (!matched.has(rule)) matched.set(rule, new Set());
      matched.get(rule)!.add(text);
    }
    const chosen = CUSTOM_MODULE_RULES.flatMap((rule, i) => {
      const { industries, kinds, monetization: monetizations, keywords } = rule.when;
      if (industries && !industries.includes(industry)) return [];
      if (kinds && !kinds.includes(kind)) return [];
      if (monetizations && !monetizations.includes(monetization)) return [];
      if (keywords && !matched.has(i)) return [];
      return [i];
    });
    const specs = chosen.map((i) => this.specs[i]);
    return {
      specs,
      reason: {
        value: specs.map((s) => s.module_name).join(', '),
        rule: specs.length
          ? `custom_modules: ${chosen.map((i) => `${this.specs[i].module_name} for ${describeWhen(i)}`).join('; ')}`
          : `custom_modules: no custom module rule applies to ${kind} / ${monetization} / ${industry}`,
        matched: [...new Set(chosen.flatMap((i) => [...(matched.get(i) ?? [])]))],
      },
    };
  }
}

function describeWhen(rule: number): string {
  const { industries, kinds, monetization, keywords } = CUSTOM_MODULE_RULES[rule].when;
  return [industries?.join('/'), kinds?.join('/'), monetization?.join('/'), keywords && 'matching words'].filter(Boolean).join(' + ');
}
