import { ResolvedBusinessIntent, ValidBusinessIntentInput } from '@bf/contracts';

export type BusinessKind = ResolvedBusinessIntent['business_type'];
export type Monetization = ResolvedBusinessIntent['monetization_type'];
export type Industry = ResolvedBusinessIntent['industry'];
export type ComplianceSensitivity = ValidBusinessIntentInput['compliance_sensitivity'];
export type TextLanguage = ResolvedBusinessIntent['language'];

/**
 * Keywords per language, in the notation described in text/keyword-index.ts.
 * Both lists are matched against every text, whatever its language: German
 * ideas borrow English words ("Onlineshop", "SaaS", "Coaching") all the time.
 * The split records where a keyword comes from and is shown in the reasons.
 */
export interface Keywords {
  en: readonly string[];
  de: readonly string[];
}

/**
 * One vote in a classification: each distinct word of the text that matches one
 * of the keywords adds `weight` to `value`. Several rules may vote for the same
 * value (strong and weak words). On equal scores the value listed first wins.
 */
export interface KeywordRule<V extends string> extends Keywords {
  value: V;
  weight: number;
}

/** Why one classification came out as it did: the rule and the words of the idea that decided it. */
export type Reason = ResolvedBusinessIntent['reasons'][string];
