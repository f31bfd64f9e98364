import { KeywordRule, Keywords, TextLanguage } from './rules/rule-types';
import { KeywordIndex } from './text/keyword-index';
import { Word } from './text/words';

export interface Score<V extends string> {
  value: V;
  score: number;
  /** Words of the text that voted, in text order. */
  matched: string[];
  /** The keywords that matched, with their language, for the reasons. */
  keywords: string[];
}

interface Vote<V extends string> {
  value: V;
  weight: number;
  language: TextLanguage;
}

/** Index entries for both languages of a keyword list. */
export function keywordEntries<T>(keywords: Keywords, payload: (language: TextLanguage) => T): { keyword: string; payload: T }[] {
  return [
    ...keywords.en.map((keyword) => ({ keyword, payload: payload('en') })),
    ...keywords.de.map((keyword) => ({ keyword, payload: payload('de') })),
  ];
}

/**
 * Scores the values of one keyword table (see rules/rule-types.ts KeywordRule):
 * each distinct matching word adds the highest weight it earns for a value.
 */
export class KeywordClassifier<V extends string> {
  private readonly index: KeywordIndex<Vote<V> | null>;
  /** Position of each value's first rule, which breaks ties. */
  private readonly rank = new Map<V, number>();

  /** `neutral` phrases claim their words without voting (see NEUTRAL_PHRASES). */
  constructor(rules: readonly KeywordRule<V>[], neutral: readonly Keywords[] = []) {
    rules.forEach((rule, position) => this.rank.has(rule.value) || this.rank.set(rule.value, position));
    this.index = new KeywordIndex<Vote<V> | null>([
      ...rules.flatMap((rule) => keywordEntries(rule, (language) => ({ value: rule.value, weight: rule.weight, language }))),
      ...neutral.flatMap((phrases) => keywordEntries(phrases, () => null)),
    ]);
  }

  /** Every value that scored, strongest first; equal scores in table order. */
  score(words: readonly Word[]): Score<V>[] {
    const tallies = new Map<V, { weightByWord: Map<string, number>; keywords: Set<string> }>();
    for (const { payload: vote, text, keyword } of this.index.match(words)) {
      if (!vote) continue;
      let tally = tallies.get(vote.value);
      if (!tally) tallies.set(vote.value, (tally = { weightByWord: new Map(), keywords: new Set() }));
      tally.weightByWord.set(text, Math.max(tally.weightByWord.get(text) ?? 0, vote.weight));
      tally.keywords.add(`${keyword} (${vote.language})`);
    }
    return [...tallies]
      .map(([value, tally]) => ({
        value,
        score: [...tally.weightByWord.values()].reduce((sum, weight) => sum + weight, 0),
        matched: [...tally.weightByWord.keys()],
        keywords: [...tally.keywords],
      }))
      .sort((a, b) => b.score - a.score || this.rank.get(a.value)! - this.rank.get(b.value)!);
  }
}

/** "CONSULTING scored 3 (*beratung* (de))", for a reason's rule text. */
export function describeScore(score: Score<string>): string {
  return `${score.value} scored ${score.score} (${score.keywords.join(', ')})`;
}
