import { describeScore, KeywordClassifier, Score } from './keyword-classifier';
import {
  BUSINESS_KIND_BY_INDUSTRY,
  BUSINESS_KIND_RULES,
  HYBRID_MIX,
  INDUSTRY_RULES,
  MONETIZATION_BY_BUSINESS_KIND,
  MONETIZATION_BY_INDUSTRY,
  MONETIZATION_NEUTRAL_PHRASES,
  MONETIZATION_RULES,
  NEUTRAL_PHRASES,
} from './rules/classification.rules';
import { BusinessKind, Industry, Monetization, Reason } from './rules/rule-types';
import { Word } from './text/words';

export interface Decision<V extends string> extends Reason {
  value: V;
}

export interface BusinessClassification {
  kind: Decision<BusinessKind>;
  monetization: Decision<Monetization>;
  industry: Decision<Industry>;
}

/**
 * Seed 001 _classify_business_type, _classify_monetization and
 * _classify_industry. Industry comes first because the other two fall back to
 * what is usual for it when the idea has no words for them.
 */
export class BusinessClassifier {
  private readonly kinds = new KeywordClassifier(BUSINESS_KIND_RULES, [NEUTRAL_PHRASES]);
  private readonly monetizations = new KeywordClassifier(MONETIZATION_RULES, [NEUTRAL_PHRASES, MONETIZATION_NEUTRAL_PHRASES]);
  private readonly industries = new KeywordClassifier(INDUSTRY_RULES, [NEUTRAL_PHRASES]);

  classify(words: readonly Word[], givenMonetization?: Monetization): BusinessClassification {
    const industry = this.industry(words);
    const kind = this.kind(words, industry.value);
    const monetization = givenMonetization
      ? { value: givenMonetization, rule: 'monetization_type: given in the input', matched: [] }
      : this.monetization(words, industry.value, kind.value);
    return { kind, monetization, industry };
  }

  private industry(words: readonly Word[]): Decision<Industry> {
    const [top, runnerUp] = this.industries.score(words);
    if (!top) return { value: 'OTHER', rule: 'industry: no industry keyword matched', matched: [] };
    return { value: top.value, rule: `industry: ${describeScore(top)}${aheadOf(runnerUp)}`, matched: top.matched };
  }

  private kind(words: readonly Word[], industry: Industry): Decision<BusinessKind> {
    const scores = this.kinds.score(words);
    const hybrid = scores.find((s) => s.value === 'HYBRID');
    if (hybrid) return { value: 'HYBRID', rule: `business_type: the idea says it is hybrid: ${describeScore(hybrid)}`, matched: hybrid.matched };
    const mix = this.mix(scores);
    if (mix) return mix;
    const [top, runnerUp] = scores;
    if (!top) return { value: BUSINESS_KIND_BY_INDUSTRY[industry], rule: `business_type: no kind keyword matched; usual kind for ${industry}`, matched: [] };
    return { value: top.value, rule: `business_type: ${describeScore(top)}${aheadOf(runnerUp)}`, matched: top.matched };
  }

  /** Goods and services in comparable measure (HYBRID_MIX). */
  private mix(scores: Score<BusinessKind>[]): Decision<BusinessKind> | undefined {
    const parts = scores.filter((s) => (HYBRID_MIX.kinds as readonly string[]).includes(s.value));
    if (parts.length < HYBRID_MIX.kinds.length) return undefined;
    const [stronger, weaker] = parts;
    if (weaker.score < stronger.score * HYBRID_MIX.minShareOfStronger) return undefined;
    return {
      value: 'HYBRID',
      rule: `business_type: sells goods and services: ${describeScore(stronger)} and ${describeScore(weaker)}, the weaker at least ${HYBRID_MIX.minShareOfStronger * 100}% of the stronger`,
      matched: [...stronger.matched, ...weaker.matched],
    };
  }

  private monetization(words: readonly Word[], industry: Industry, kind: BusinessKind): Decision<Monetization> {
    const [top, runnerUp] = this.monetizations.score(words);
    if (top) return { value: top.value, rule: `monetization_type: ${describeScore(top)}${aheadOf(runnerUp)}`, matched: top.matched };
    const usual = MONETIZATION_BY_INDUSTRY[industry];
    if (usual) return { value: usual, rule: `monetization_type: no monetization keyword matched; usual model for ${industry}`, matched: [] };
    return { value: MONETIZATION_BY_BUSINESS_KIND[kind], rule: `monetization_type: no monetization keyword matched; usual model for ${kind}`, matched: [] };
  }
}

function aheadOf(runnerUp: Score<string> | undefined): string {
  return runnerUp ? `, ahead of ${runnerUp.value} (${runnerUp.score})` : '';
}
