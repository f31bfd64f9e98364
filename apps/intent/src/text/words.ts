/** One word of the input in the three forms the matchers need. */
export interface Word {
  /** As written, for case-sensitive acronyms like "IT". */
  original: string;
  /** Lowercase, for the reasons a classification gives. */
  lower: string;
  /** Lowercase with German letters transliterated and other accents removed: what keywords are matched against. */
  folded: string;
}

/** Hyphens split words too, so "IT-Beratung" gives "IT" and "Beratung". */
const WORD_SEPARATOR = /[^\p{L}\p{N}]+/u;
const GERMAN_LETTER = /[äöüß]/g;
const GERMAN_TRANSLITERATION: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING_MARK = /\p{M}+/gu;

/**
 * Folds a lowercase word so spellings meet: "münchen" and "muenchen" both give
 * "muenchen", "café" gives "cafe". German letters are transliterated rather than
 * stripped because that is how Germans write them without umlauts.
 */
export function foldWord(lower: string): string {
  if (!NON_ASCII.test(lower)) return lower;
  let folded = FOLDED.get(lower);
  if (folded === undefined) {
    folded = lower
      .replace(GERMAN_LETTER, (letter) => GERMAN_TRANSLITERATION[letter])
      .normalize('NFD')
      .replace(COMBINING_MARK, '');
    // Bounded: a long-running worker must not grow with every word it has ever seen.
    if (FOLDED.size >= FOLD_CACHE_LIMIT) FOLDED.clear();
    FOLDED.set(lower, folded);
  }
  return folded;
}

/** Unicode normalisation is the costliest part of tokenising; words repeat a lot, within a text and across texts. */
const FOLD_CACHE_LIMIT = 20_000;
const FOLDED = new Map<string, string>();

export function tokenize(text: string): Word[] {
  // NFC first: a decomposed "ü" would otherwise be split at its combining mark.
  return text
    .normalize('NFC')
    .split(WORD_SEPARATOR)
    .filter(Boolean)
    .map((original) => {
      const lower = original.toLowerCase();
      return { original, lower, folded: foldWord(lower) };
    });
}
