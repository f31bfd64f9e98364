import { foldWord, Word } from './words';

/**
 * Keywords in the rule tables are written in a small glob notation, so a table
 * says how each keyword may match without a flag per entry:
 *
 *   `app`          the whole word only ("app", not "apple", "happy")
 *   `consult*`     words starting with it ("consulting", "consultant")
 *   `*shop`        words ending with it ("onlineshop", "webshop"): German compounds put the head noun last
 *   `*beratung*`   anywhere inside a word ("unternehmensberatung", "beratungsfirma")
 *   `real estate`  consecutive words; only the last may carry a trailing `*` ("free tier*")
 *   `IT`           any uppercase letter makes it a case-sensitive whole word: "IT" but not "it" or "with"
 *
 * Keywords are folded like the text (see foldWord), so `münchen` also matches "Muenchen".
 * Single-word stems must be long enough to mean something: 3 letters for `x*` and `*x`, 4 for `*x*`.
 *
 * When several keywords of one index match the same word, only the longest
 * counts: "workshop" claims the word for `workshop` and keeps `*shop` out, and
 * "steuerberatung" is `*steuerberat*` (tax) rather than `*beratung*` (consulting).
 */
export type MatchMode = 'whole' | 'prefix' | 'suffix' | 'part';

const MIN_STEM = { whole: 1, prefix: 3, suffix: 3, part: 4 } as const;
const FOLDED_WORD = /^[a-z0-9]+$/;
const ACRONYM = /^[A-Za-z0-9]+$/;

interface Keyword<T> {
  source: string;
  /** Folded words; one unless the keyword is a phrase. An acronym keeps its case. */
  words: string[];
  /** How the last (or only) word matches; earlier words of a phrase match whole. */
  mode: MatchMode;
  caseSensitive: boolean;
  /** Letters covered, for the longest-match rule. */
  length: number;
  payload: T;
}

export interface KeywordHit<T> {
  payload: T;
  /** The keyword as written in the rules. */
  keyword: string;
  /** The matched words of the text, lowercase, space-joined. */
  text: string;
  /** Word positions [start, end) in the text. */
  start: number;
  end: number;
}

interface Span<T> {
  keyword: Keyword<T>;
  start: number;
  end: number;
}

interface TrieNode<T> {
  next: Map<string, TrieNode<T>>;
  ends: Keyword<T>[];
}

/**
 * A keyword table compiled once into a character trie, so matching a text costs
 * about one short trie walk per word position; no pattern or table is built per call.
 */
export class KeywordIndex<T> {
  private readonly root: TrieNode<T> = { next: new Map(), ends: [] };
  private readonly acronyms = new Map<string, Keyword<T>[]>();
  private readonly phrasesByFirstWord = new Map<string, Keyword<T>[]>();
  /** Whether any keyword can match inside a word; if not, only word starts are walked. */
  private matchesInside = false;

  constructor(entries: Iterable<{ keyword: string; payload: T }>) {
    for (const { keyword, payload } of entries) this.add(parseKeyword(keyword, payload));
  }

  /** Every hit in the words, after the longest-match rule. */
  match(words: readonly Word[]): KeywordHit<T>[] {
    const spans: Span<T>[] = [];
    const singleWordMatches = new Map<string, Keyword<T>[]>();
    words.forEach((word, start) => {
      let found = singleWordMatches.get(word.folded);
      if (!found) singleWordMatches.set(word.folded, (found = this.walk(word.folded)));
      for (const keyword of found) spans.push({ keyword, start, end: start + 1 });
      for (const keyword of this.acronyms.get(word.original) ?? []) spans.push({ keyword, start, end: start + 1 });
      for (const keyword of this.phrasesByFirstWord.get(word.folded) ?? []) {
        if (phraseMatchesAt(keyword, words, start)) spans.push({ keyword, start, end: start + keyword.words.length });
      }
    });
    return longestOnly(spans).map(({ keyword, start, end }) => ({
      payload: keyword.payload,
      keyword: keyword.source,
      text: end - start === 1 ? words[start].lower : words.slice(start, end).map((w) => w.lower).join(' '),
      start,
      end,
    }));
  }

  private add(keyword: Keyword<T>): void {
    if (keyword.caseSensitive) return push(this.acronyms, keyword.words[0], keyword);
    if (keyword.words.length > 1) return push(this.phrasesByFirstWord, keyword.words[0], keyword);
    if (keyword.mode === 'suffix' || keyword.mode === 'part') this.matchesInside = true;
    let node = this.root;
    for (const letter of keyword.words[0]) {
      let child = node.next.get(letter);
      if (!child) node.next.set(letter, (child = { next: new Map(), ends: [] }));
      node = child;
    }
    node.ends.push(keyword);
  }

  /** The single-word keywords that match one folded word. */
  private walk(word: string): Keyword<T>[] {
    const found = new Set<Keyword<T>>();
    const lastStart = this.matchesInside ? word.length - 1 : 0;
    for (let start = 0; start <= lastStart; start++) {
      let node: TrieNode<T> | undefined = this.root;
      for (let end = start; end < word.length; end++) {
        node = node.next.get(word[end]);
        if (!node) break;
        for (const keyword of node.ends) {
          if (accepts(keyword.mode, start === 0, end === word.length - 1)) found.add(keyword);
        }
      }
    }
    return [...found];
  }
}

function accepts(mode: MatchMode, atStart: boolean, atEnd: boolean): boolean {
  switch (mode) {
    case 'whole':
      return atStart && atEnd;
    case 'prefix':
      return atStart;
    case 'suffix':
      return atEnd;
    case 'part':
      return true;
  }
}

function phraseMatchesAt<T>(keyword: Keyword<T>, words: readonly Word[], position: number): boolean {
  const last = keyword.words.length - 1;
  if (position + last >= words.length) return false;
  for (let i = 1; i < last; i++) if (words[position + i].folded !== keyword.words[i]) return false;
  const word = words[position + last].folded;
  const wanted = keyword.words[last];
  return keyword.mode === 'prefix' ? word.startsWith(wanted) : word === wanted;
}

/** Drops every span that a longer keyword beats on one of its words. */
function longestOnly<T>(spans: Span<T>[]): Span<T>[] {
  if (spans.length < 2) return spans;
  const longest = new Map<number, number>();
  for (const { keyword, start, end } of spans) {
    for (let p = start; p < end; p++) longest.set(p, Math.max(longest.get(p) ?? 0, keyword.length));
  }
  return spans.filter(({ keyword, start, end }) => {
    for (let p = start; p < end; p++) if (keyword.length < (longest.get(p) ?? 0)) return false;
    return true;
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Parses one keyword of the notation above; a malformed keyword fails at startup, not silently at match time. */
function parseKeyword<T>(source: string, payload: T): Keyword<T> {
  const leading = source.startsWith('*');
  const trailing = source.endsWith('*');
  const core = source.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  const mode: MatchMode = leading && trailing ? 'part' : leading ? 'suffix' : trailing ? 'prefix' : 'whole';
  const rawWords = core.split(' ');
  const caseSensitive = core !== core.toLowerCase();
  const fail = (why: string) => new Error(`keyword '${source}': ${why}`);
  if (caseSensitive && (rawWords.length > 1 || mode !== 'whole')) throw fail('an acronym (uppercase) must be one whole word');
  if (rawWords.length > 1 && leading) throw fail('a phrase cannot start with *');
  const words = caseSensitive ? rawWords : rawWords.map((w) => foldWord(w.toLowerCase()));
  for (const word of words) {
    if (!(caseSensitive ? ACRONYM : FOLDED_WORD).test(word)) throw fail('use letters and digits only; write "e-commerce" as "e commerce"');
  }
  // A phrase is anchored by its other words, so only single words need a minimum stem.
  if (words.length === 1 && words[0].length < MIN_STEM[mode]) throw fail(`a ${mode} stem needs at least ${MIN_STEM[mode]} letters`);
  return { source, words, mode, caseSensitive, length: core.length, payload };
}
