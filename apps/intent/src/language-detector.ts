import { GERMAN_LETTERS, LANGUAGE_MARKERS } from './rules/language.rules';
import { Reason, TextLanguage } from './rules/rule-types';
import { Word } from './text/words';

const MARKERS = { de: new Set<string>(LANGUAGE_MARKERS.de), en: new Set<string>(LANGUAGE_MARKERS.en) };

/** English or German, by the common words of each (rules/language.rules.ts). */
export function detectLanguage(words: readonly Word[], text: string): Reason & { value: TextLanguage } {
  const german = words.filter((w) => MARKERS.de.has(w.folded)).map((w) => w.lower);
  const english = words.filter((w) => MARKERS.en.has(w.folded)).map((w) => w.lower);
  if (german.length !== english.length) {
    const value = german.length > english.length ? 'de' : 'en';
    const matched = [...new Set(value === 'de' ? german : english)];
    return { value, rule: `language: ${german.length} German and ${english.length} English marker words`, matched };
  }
  if (GERMAN_LETTERS.test(text)) return { value: 'de', rule: 'language: as many German as English marker words, and German letters', matched: [...new Set(german)] };
  return { value: 'en', rule: 'language: as many German as English marker words; English by default', matched: [...new Set(english)] };
}
