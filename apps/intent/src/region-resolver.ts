import { ResolvedBusinessIntent } from '@bf/contracts';
import { CITIES, CityRule, COUNTRIES, CountryRule } from './rules/region.rules';
import { Reason } from './rules/rule-types';
import { KeywordHit, KeywordIndex } from './text/keyword-index';
import { tokenize, Word } from './text/words';

const SUPPORTED = COUNTRIES.map((c) => `${c.code} (${c.name})`).join(', ');

/**
 * The `region` given names no supported country or city. The gateway answers
 * 422 with this message, so it starts with "unsupported region" and says what
 * would have worked.
 */
export class UnsupportedRegionError extends Error {
  constructor(region: string) {
    super(`unsupported region '${region}': give a country code, country or city in one of the supported regions: ${SUPPORTED}`);
    this.name = 'UnsupportedRegionError';
  }
}

/** No `region` given and the idea names no place; the gateway answers 422 with this message. */
export class MissingRegionError extends Error {
  constructor() {
    super(`region is required: the idea names no supported country or city, so give "region" (for example "DE" or "Berlin"); supported regions: ${SUPPORTED}`);
    this.name = 'MissingRegionError';
  }
}

export interface ResolvedRegion {
  facts: ResolvedBusinessIntent['region'];
  country: CountryRule;
  /** Set when the region came from a city, or the idea names a city in the given country. */
  city?: CityRule;
  reason: Reason;
}

interface Place {
  country: CountryRule;
  city?: CityRule;
}

/**
 * Region facts (currency, Odoo language, timezone) from the `region` field or,
 * when it is absent, from a place the idea names. A city names its country and
 * may refine the timezone or language (San Francisco, Geneva).
 */
export class RegionResolver {
  /** Names in free text: no two-letter codes, they are ordinary words there. */
  private readonly inText: KeywordIndex<Place>;
  /** The `region` field: names and codes. */
  private readonly inField: KeywordIndex<Place>;

  constructor() {
    const byCode = new Map(COUNTRIES.map((country) => [country.code, country]));
    const names = [
      ...COUNTRIES.flatMap((country) => country.names.map((keyword) => ({ keyword, payload: { country } as Place }))),
      ...CITIES.flatMap((city) => {
        const country = byCode.get(city.country);
        if (!country) throw new Error(`city ${city.label.en}: unknown country ${city.country}`);
        return city.names.map((keyword) => ({ keyword, payload: { country, city } as Place }));
      }),
    ];
    this.inText = new KeywordIndex(names);
    this.inField = new KeywordIndex([...names, ...COUNTRIES.flatMap((country) => country.codes.map((keyword) => ({ keyword, payload: { country } as Place })))]);
  }

  resolve(region: string | undefined, ideaWords: readonly Word[]): ResolvedRegion {
    return region === undefined ? this.fromIdea(ideaWords) : this.fromField(region, ideaWords);
  }

  /** Every word of the field must be part of a name or code, and all must agree on one country ("Berlin, DE"). */
  private fromField(region: string, ideaWords: readonly Word[]): ResolvedRegion {
    const words = tokenize(region);
    const hits = this.inField.match(words);
    const covered = new Set(hits.flatMap((h) => range(h.start, h.end)));
    const countries = new Set(hits.map((h) => h.payload.country));
    if (!words.length || covered.size < words.length || countries.size !== 1) throw new UnsupportedRegionError(region);
    const [country] = countries;
    const city = hits.find((h) => h.payload.city)?.payload.city ?? this.firstCity(this.inText.match(ideaWords), country);
    const place = city ? `${city.label.en} in ${country.code}` : country.code;
    return this.resolved({ country, city }, { value: country.code, rule: `region: '${region}' names ${place}`, matched: hits.map((h) => h.text) });
  }

  /** The first city named wins over any country named: "a shop in Munich for all of Germany" is in Munich. */
  private fromIdea(ideaWords: readonly Word[]): ResolvedRegion {
    const hits = this.inText.match(ideaWords);
    const hit = hits.find((h) => h.payload.city) ?? hits[0];
    if (!hit) throw new MissingRegionError();
    const { country, city } = hit.payload;
    const place = city ? `${city.label.en} (${country.code})` : country.code;
    return this.resolved({ country, city }, { value: country.code, rule: `region: not given; the idea names ${place}`, matched: [hit.text] });
  }

  private firstCity(hits: KeywordHit<Place>[], country: CountryRule): CityRule | undefined {
    return hits.find((h) => h.payload.city && h.payload.country === country)?.payload.city;
  }

  private resolved({ country, city }: Place, reason: Reason): ResolvedRegion {
    return {
      facts: {
        country: country.code,
        currency: country.currency,
        language: city?.language ?? country.language,
        timezone: city?.timezone ?? country.timezone,
      },
      country,
      ...(city ? { city } : {}),
      reason,
    };
  }
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
