import { CustomModuleSpec, KNOWN_ODOO_MODULES, ODOO_MODULES } from '@bf/contracts';
import { keywordEntries } from './keyword-classifier';
import {
  ECOMMERCE_MODULES,
  MODULE_KEYWORD_RULES,
  MODULE_NEUTRAL_PHRASES,
  MODULES_BY_BUSINESS_KIND,
  MODULES_BY_INDUSTRY,
  MODULES_BY_MONETIZATION,
  ONLINE_SHOP_KEYWORDS,
  PHYSICAL_STORE_KEYWORDS,
  PHYSICAL_STORE_MODULES,
  SELLS_ONLINE_BY_DEFAULT,
} from './rules/module.rules';
import { NEUTRAL_PHRASES } from './rules/classification.rules';
import { BusinessKind, Industry, Monetization, Reason } from './rules/rule-types';
import { KeywordIndex } from './text/keyword-index';
import { Word } from './text/words';

export interface ModuleSelection {
  /** Briefing module words, in ODOO_MODULES order, each once. */
  modules: string[];
  /** Takes orders and payments on its website (an online shop). */
  sellsOnline: boolean;
  reason: Reason;
}

interface Source {
  label: string;
  modules: readonly string[];
  matched: string[];
}

type SalesChannel = 'online' | 'physical';

const POSITION = new Map(KNOWN_ODOO_MODULES.map((word, i) => [word, i]));
/** Odoo technical name → the first briefing word for it ("account" → "invoicing"). */
const WORD_BY_TECHNICAL = new Map<string, string>();
for (const [word, { technical }] of Object.entries(ODOO_MODULES)) if (!WORD_BY_TECHNICAL.has(technical)) WORD_BY_TECHNICAL.set(technical, word);

/** Seed 001 _determine_odoo_modules: the union of every rule in rules/module.rules.ts that applies. */
export class ModuleSelector {
  private readonly keywordRules = new KeywordIndex<number | null>([
    ...MODULE_KEYWORD_RULES.flatMap((rule, i) => keywordEntries(rule, () => i)),
    ...[NEUTRAL_PHRASES, MODULE_NEUTRAL_PHRASES].flatMap((phrases) => keywordEntries(phrases, () => null)),
  ]);
  // One index for both channels, so "online store" (online) beats "store" (physical) by the longest-match rule.
  private readonly channels = new KeywordIndex<SalesChannel | null>([
    ...keywordEntries(ONLINE_SHOP_KEYWORDS, () => 'online' as const),
    ...keywordEntries(PHYSICAL_STORE_KEYWORDS, () => 'physical' as const),
    ...keywordEntries(NEUTRAL_PHRASES, () => null),
  ]);

  constructor() {
    const tables = [
      ...Object.values(MODULES_BY_BUSINESS_KIND),
      ...Object.values(MODULES_BY_MONETIZATION),
      ...Object.values(MODULES_BY_INDUSTRY),
      ...MODULE_KEYWORD_RULES.map((rule) => rule.modules),
      ECOMMERCE_MODULES,
      PHYSICAL_STORE_MODULES,
    ];
    const unknown = [...new Set(tables.flat())].filter((word) => !POSITION.has(word));
    if (unknown.length) throw new Error(`module rules name unknown modules: ${unknown.join(', ')}; known: ${KNOWN_ODOO_MODULES.join(', ')}`);
  }

  select(words: readonly Word[], kind: BusinessKind, monetization: Monetization, industry: Industry, customModules: readonly CustomModuleSpec[]): ModuleSelection {
    const sources: Source[] = [
      { label: `business_type ${kind}`, modules: MODULES_BY_BUSINESS_KIND[kind], matched: [] },
      { label: `monetization ${monetization}`, modules: MODULES_BY_MONETIZATION[monetization], matched: [] },
      { label: `industry ${industry}`, modules: MODULES_BY_INDUSTRY[industry], matched: [] },
      ...this.keywordSources(words),
    ];
    const channel = this.channel(words, kind, monetization, industry);
    if (channel.online) sources.push({ label: channel.online, modules: ECOMMERCE_MODULES, matched: channel.onlineWords });
    if (channel.physicalWords.length) sources.push({ label: 'walk-in shop words', modules: PHYSICAL_STORE_MODULES, matched: channel.physicalWords });
    for (const spec of customModules) {
      const needed = spec.depends.flatMap((technical) => WORD_BY_TECHNICAL.get(technical) ?? []);
      sources.push({ label: `custom module ${spec.module_name} depends on`, modules: needed, matched: [] });
    }
    const used = sources.filter((s) => s.modules.length);
    const modules = [...new Set(used.flatMap((s) => s.modules))].sort((a, b) => POSITION.get(a)! - POSITION.get(b)!);
    return {
      modules,
      sellsOnline: Boolean(channel.online),
      reason: {
        value: modules.join(', '),
        rule: `modules: ${used.map((s) => `${s.label} → ${s.modules.join(', ')}`).join('; ')}`,
        matched: [...new Set(used.flatMap((s) => s.matched))],
      },
    };
  }

  private keywordSources(words: readonly Word[]): Source[] {
    const matchedByRule = new Map<number, Set<string>>();
    for (const { payload: rule, text } of this.keywordRules.match(words)) {
      if (rule === null) continue;
      if (!matchedByRule.has(rule)) matchedByRule.set(rule, new Set());
      matchedByRule.get(rule)!.add(text);
    }
    return [...matchedByRule]
      .sort(([a], [b]) => a - b)
      .map(([rule, texts]) => {
        const matched = [...texts];
        return { label: `words ${matched.join(', ')}`, modules: MODULE_KEYWORD_RULES[rule].modules, matched };
      });
  }

  /** An online shop when the idea says so, or by default (SELLS_ONLINE_BY_DEFAULT) when it names no walk-in shop. */
  private channel(words: readonly Word[], kind: BusinessKind, monetization: Monetization, industry: Industry) {
    const hits = this.channels.match(words);
    const onlineWords = [...new Set(hits.filter((h) => h.payload === 'online').map((h) => h.text))];
    const physicalWords = [...new Set(hits.filter((h) => h.payload === 'physical').map((h) => h.text))];
    const byDefault =
      !physicalWords.length &&
      SELLS_ONLINE_BY_DEFAULT.kinds.includes(kind) &&
      SELLS_ONLINE_BY_DEFAULT.monetization.includes(monetization) &&
      SELLS_ONLINE_BY_DEFAULT.industries.includes(industry);
    const online = onlineWords.length ? 'online shop words' : byDefault ? `${industry} ${kind} sold per ${monetization}, no walk-in shop named` : undefined;
    return { online, onlineWords, physicalWords };
  }
}
