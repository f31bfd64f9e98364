import { CityRule } from './rules/region.rules';
import {
  CITY_FIRST,
  FALLBACK_NAMES,
  FALLBACK_SLUG,
  GENERIC_NAME_WORDS,
  MAX_NAME_LENGTH,
  MAX_NAME_WORDS,
  MAX_OBJECT_WORDS,
  NAME_SKIP_WORDS,
  OBJECT_CONNECTORS,
  OBJECT_LOOKAHEAD,
} from './rules/naming.rules';
import { Industry, TextLanguage } from './rules/rule-types';
import { foldWord } from './text/words';

/** A whitespace-separated word of the vision as written, hyphens and capitals kept ("IT-Beratung"). */
interface NameWord {
  text: string;
  /** Folded lowercase, for the word lists. */
  key: string;
  /** Punctuation before it starts a new clause: "(", a quote. */
  breaksBefore: boolean;
  /** Punctuation after it ends the clause: "," "." ";" … */
  breaksAfter: boolean;
}

const SKIP = new Set(NAME_SKIP_WORDS);
const GENERIC = new Set(GENERIC_NAME_WORDS);
const WHITESPACE = /\s+/u;
const LEADING_PUNCTUATION = /^[^\p{L}\p{N}]+/u;
const TRAILING_PUNCTUATION = /[^\p{L}\p{N}]+$/u;
const POSSESSIVE = /['’]s$/u;
const OPENS_CLAUSE = /[(["“„«]/u;
const CLOSES_CLAUSE = /[,.;:!?)\]"”“«»]/u;
const ACRONYM = /^[\p{Lu}\p{N}]{2,}$/u;
const NOT_ALPHANUMERIC = /[^\p{L}\p{N}]+/u;
const INNER_CAPITAL = /^.+\p{Lu}/u;
const NOT_DNS = /[^a-z0-9]+/g;
const EDGE_HYPHENS = /^-+|-+$/g;

/**
 * seed 001 gives no naming rule; this one takes the first noun phrase of the
 * vision as the user wrote it, because the user's own words ("IT-Beratung")
 * make a better name than anything rebuilt from keywords ("It Beratung").
 * The rules are in rules/naming.rules.ts.
 */
export class BusinessNamer {
  name(vision: string, language: TextLanguage, industry: Industry, city?: CityRule): string {
    const words = splitNameWords(vision);
    const phrase = leadingPhrase(words);
    const spelled = this.spell([...phrase.words, ...objectOf(words, phrase, language)], language);
    const core = spelled.length >= 2 ? spelled : FALLBACK_NAMES[language][industry];
    const name = city && !foldWord(core.toLowerCase()).includes(foldWord(city.label[language].toLowerCase())) ? withCity(core, city.label[language], language) : core;
    return fitLength(name, core);
  }

  /** German keeps its own capitals (nouns yes, adjectives no); English is title-cased. */
  private spell(words: string[], language: TextLanguage): string {
    const spelled = words.map((word, i) => {
      if (language === 'de' || INNER_CAPITAL.test(word) || (i > 0 && OBJECT_CONNECTOR_SPELLINGS.has(word))) return word;
      return word.split('-').map(capitalize).join('-');
    });
    return capitalize(spelled.join(' '));
  }
}

const DEFAULT_CONNECTOR = OBJECT_CONNECTORS.for;
const OBJECT_CONNECTOR_SPELLINGS = new Set(Object.values(OBJECT_CONNECTORS).flatMap((spelling) => Object.values(spelling)));

/** A DNS label from a name: lowercase a-z, 0-9 and hyphens, German letters transliterated, at most 63 characters. */
export function toDomainSlug(name: string): string {
  const slug = foldWord(name.toLowerCase()).replace(NOT_DNS, '-').replace(EDGE_HYPHENS, '').slice(0, 63).replace(EDGE_HYPHENS, '');
  return slug || FALLBACK_SLUG;
}

function splitNameWords(vision: string): NameWord[] {
  return vision
    .normalize('NFC')
    .split(WHITESPACE)
    .map((chunk) => {
      const text = chunk.replace(LEADING_PUNCTUATION, '').replace(TRAILING_PUNCTUATION, '').replace(POSSESSIVE, '');
      return {
        text,
        key: foldWord(text.toLowerCase()),
        breaksBefore: OPENS_CLAUSE.test(chunk.match(LEADING_PUNCTUATION)?.[0] ?? ''),
        breaksAfter: !text || CLOSES_CLAUSE.test(chunk.match(TRAILING_PUNCTUATION)?.[0] ?? ''),
      };
    });
}

function isSkipped(word: NameWord): boolean {
  return !word.text || (SKIP.has(word.key) && !ACRONYM.test(word.text));
}

/** The first run of words that are not skipped, up to MAX_NAME_WORDS and the end of the clause. */
function leadingPhrase(words: NameWord[]): { words: string[]; end: number; closed: boolean } {
  const taken: string[] = [];
  let index = 0;
  while (index < words.length && isSkipped(words[index])) index++;
  for (; index < words.length && taken.length < MAX_NAME_WORDS; index++) {
    const word = words[index];
    if (isSkipped(word) || (taken.length && word.breaksBefore)) return { words: taken, end: index, closed: false };
    taken.push(word.text);
    if (word.breaksAfter) return { words: taken, end: index + 1, closed: true };
  }
  return { words: taken, end: index, closed: false };
}

/**
 * "for Handmade Furniture" after a name made only of generic words ("Online
 * Shop selling handmade furniture"). Without a connector right after the name,
 * the next words that are not skipped within OBJECT_LOOKAHEAD words are the
 * object: "Eine Plattform, die Handwerker … verbindet" → "Plattform für Handwerker".
 */
function objectOf(words: NameWord[], phrase: ReturnType<typeof leadingPhrase>, language: TextLanguage): string[] {
  const generic = phrase.words.length > 0 && phrase.words.every((word) => word.toLowerCase().split(NOT_ALPHANUMERIC).every((part) => GENERIC.has(foldWord(part))));
  if (!generic) return [];
  const next = words[phrase.end];
  const connector = !phrase.closed && next && OBJECT_CONNECTORS[next.key] ? OBJECT_CONNECTORS[next.key] : DEFAULT_CONNECTOR;
  let start = phrase.end;
  while (start < words.length && start < phrase.end + OBJECT_LOOKAHEAD && isSkipped(words[start])) start++;
  const object: string[] = [];
  for (let i = start; i < words.length && object.length < MAX_OBJECT_WORDS && !isSkipped(words[i]); i++) {
    if (object.length && words[i].breaksBefore) break;
    object.push(words[i].text);
    if (words[i].breaksAfter) break;
  }
  return object.length ? [connector[language], ...object] : [];
}

function withCity(core: string, city: string, language: TextLanguage): string {
  return CITY_FIRST[language] ? `${city} ${core}` : `${core} ${city}`;
}

/** Drops the city, then trailing words, until the name fits. */
function fitLength(name: string, core: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  const words = core.split(' ');
  while (words.length > 1 && words.join(' ').length > MAX_NAME_LENGTH) words.pop();
  return words.join(' ').slice(0, MAX_NAME_LENGTH).trim();
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
