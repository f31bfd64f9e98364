/**
 * Common words that tell German from English (none that both languages use, like "in", "an", "will"). The language with more of them in
 * the text wins; on a tie, German letters (ä ö ü ß) decide, and then English.
 * Matched as whole folded words (see text/words.ts): write "für" as "fuer".
 */
export const LANGUAGE_MARKERS = {
  de: [
    'ich', 'wir', 'mein', 'meine', 'unser', 'unsere', 'unseren', 'ein', 'eine', 'einen', 'einem', 'einer', 'der', 'die', 'das', 'den', 'dem',
    'des', 'und', 'oder', 'fuer', 'mit', 'von', 'vom', 'zu', 'zum', 'zur', 'auf', 'bei', 'nicht', 'moechte', 'moechten', 'wollen',
    'gruenden', 'eroeffnen', 'ist', 'sind', 'auch', 'als', 'sowie', 'ueber', 'im', 'kunden', 'unternehmen', 'nach', 'aus',
  ],
  en: [
    'i', 'we', 'my', 'our', 'a', 'the', 'and', 'or', 'for', 'with', 'of', 'to', 'on', 'at', 'is', 'are', 'that', 'which', 'who', 'want',
    'would', 'like', 'start', 'open', 'build', 'selling', 'offering', 'customers', 'business', 'company', 'from', 'by', 'its', 'their',
  ],
} as const;

export const GERMAN_LETTERS = /[äöüßÄÖÜ]/;
