import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and is independent of insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"e":2,"f":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('agrees with JSON.stringify on everything but key order', () => {
    const value = { s: 'ä"\n', n: -1.5e-7, t: true, z: null, u: undefined, arr: [undefined, () => 1, NaN, 'x'], d: new Date('2026-01-01T00:00:00Z'), nested: { empty: {}, list: [] } };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
