import { canonicalJson, JsonNestingError, MAX_CANONICAL_DEPTH } from './canonical-json';
import { pythonJsonDumps } from './pipeline-evidence';

/** A value built to overflow recursive code (an uploaded evidence pack, say) gets a clear error, not a RangeError. */
describe('canonicalJson nesting bound', () => {
  const nested = (depth: number, arrays: boolean): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  };

  it('writes values up to the bound', () => {
    expect(canonicalJson(nested(MAX_CANONICAL_DEPTH, false))).toBe(`${'{"a":'.repeat(MAX_CANONICAL_DEPTH)}1${'}'.repeat(MAX_CANONICAL_DEPTH)}`);
    expect(canonicalJson(nested(MAX_CANONICAL_DEPTH, true))).toBe(`${'['.repeat(MAX_CANONICAL_DEPTH)}1${']'.repeat(MAX_CANONICAL_DEPTH)}`);
  });

  it.each([MAX_CANONICAL_DEPTH + 1, 100_000])('refuses %i levels with JsonNestingError', (depth) => {
    for (const arrays of [true, false]) {
      expect(() => canonicalJson(nested(depth, arrays))).toThrow(JsonNestingError);
      expect(() => canonicalJson(nested(depth, arrays))).toThrow(`JSON nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
    }
  });
});

describe('pythonJsonDumps nesting bound (the seed 001 content hash)', () => {
  it('refuses a value nested past the bound with JsonNestingError', () => {
    let value: unknown = 1;
    for (let i = 0; i < 50_000; i++) value = [value];
    expect(() => pythonJsonDumps(value)).toThrow(JsonNestingError);
    expect(pythonJsonDumps([[1], { a: [2] }])).toBe('[[1], {"a": [2]}]');
  });
});
