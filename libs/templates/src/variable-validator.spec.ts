import { TemplateVariable } from './manifest.schema';
import { resolveVariables } from './variable-validator';

const v = (name: string, type: TemplateVariable['type'], extra: Partial<TemplateVariable> = {}): TemplateVariable => ({ name, type, required: false, ...extra });

describe('resolveVariables', () => {
  it('applies defaults and keeps valid values', () => {
    const { values, errors } = resolveVariables([v('color', 'color', { default: '#000000' }), v('name', 'string', { required: true })], { name: 'Acme' });
    expect(errors).toEqual([]);
    expect(values).toEqual({ color: '#000000', name: 'Acme' });
  });

  it('gives an optional variable without value or default null, so strict templates can test it', () => {
    expect(resolveVariables([v('tagline', 'string')], {}).values).toEqual({ tagline: null });
  });

  it.each([
    ['string', 'x', 1],
    ['integer', 3, 3.5],
    ['float', 3.5, Number.NaN],
    ['boolean', false, 'false'],
    ['color', '#A1b2C3', '#abc'],
    ['email', 'a@b.example', 'a@b'],
    ['url', 'https://acme.example/logo.png', 'javascript:alert(1)'],
    ['url', 'http://acme.example', 'ftp://acme.example/x'],
    ['url', 'https://acme.example', 'https://acme.example/a b'],
    ['list', ['a'], 'a'],
    ['dict', { a: 1 }, ['a']],
  ] as const)('accepts a valid %s and rejects an invalid one', (type, good, bad) => {
    expect(resolveVariables([v('x', type)], { x: good }).errors).toEqual([]);
    expect(resolveVariables([v('x', type)], { x: bad }).errors).toEqual([{ path: 'x', message: `must be of type ${type}` }]);
  });

  it('checks min/max length of lists and strings (in characters, any script), min/max of numbers and enum of list items', () => {
    const { errors } = resolveVariables(
      [
        v('pages', 'list', { validation: { max_length: 2, enum: ['home', 'about', 'contact'] } }),
        v('name', 'string', { validation: { max_length: 3 } }),
        v('ratio', 'float', { validation: { min: 0.5 } }),
      ],
      { pages: ['home', 'blog', 'shop'], name: '极客咨', ratio: 0.1 },
    );
    expect(errors).toEqual([
      { path: 'pages', message: 'must have at most 2 items' },
      { path: 'pages', message: 'items blog, shop must each be one of home, about, contact' },
      { path: 'ratio', message: 'must be at least 0.5' },
    ]);
  });

  it('reports every problem at once, each by variable name', () => {
    const { errors } = resolveVariables(
      [
        v('name', 'string', { required: true }),
        v('color', 'color'),
        v('site', 'url'),
        v('mail', 'email'),
        v('count', 'integer', { validation: { min: 1, max: 5 } }),
        v('title', 'string', { validation: { min_length: 3, pattern: '^[A-Z]' } }),
        v('plan', 'string', { validation: { enum: ['basic', 'pro'] } }),
      ],
      { color: 'blue', site: 'javascript:alert(1)', mail: 'nope', count: 9, title: 'ab', plan: 'gold' },
    );
    expect(errors).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'color', message: 'must be of type color' },
      { path: 'site', message: 'must be of type url' },
      { path: 'mail', message: 'must be of type email' },
      { path: 'count', message: 'must be at most 5' },
      { path: 'title', message: 'must have at least 3 characters' },
      { path: 'title', message: 'must match ^[A-Z]' },
      { path: 'plan', message: 'must be one of basic, pro' },
    ]);
  });
});
