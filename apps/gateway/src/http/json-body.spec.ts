import { JSON_MAX_DEPTH, refuseDeepNesting } from './json-body';

describe('refuseDeepNesting (the JSON body depth cap, on raw bytes before parsing)', () => {
  const check = (text: string) => () => refuseDeepNesting(undefined, undefined, Buffer.from(text, 'utf8'));

  it('lets bodies up to the cap through, brackets inside strings not counted', () => {
    expect(check(`${'['.repeat(JSON_MAX_DEPTH)}${']'.repeat(JSON_MAX_DEPTH)}`)).not.toThrow();
    expect(check(`{"a":"${'['.repeat(10_000)}","b":"\\"{{{{"}`)).not.toThrow();
    expect(check('{"a":[1,{"b":[]}],"c":{}}')).not.toThrow();
  });

  it('refuses one level more, objects and arrays alike, with a 400 the error handler recognises', () => {
    for (const text of [`${'['.repeat(JSON_MAX_DEPTH + 1)}${']'.repeat(JSON_MAX_DEPTH + 1)}`, `${'{"a":'.repeat(JSON_MAX_DEPTH + 1)}1${'}'.repeat(JSON_MAX_DEPTH + 1)}`, '['.repeat(100_000)]) {
      expect(check(text)).toThrow(expect.objectContaining({ type: 'entity.too.deep', status: 400, message: `JSON body nests deeper than ${JSON_MAX_DEPTH} levels` }));
    }
  });
});
