import { TemplateVariable } from './manifest.schema';
import { resolveVariables } from './variable-validator';

const v = (name: string, type: TemplateVariable['type'], extra: Partial<TemplateVariable> = {}): TemplateVariable => ({ name, type, required: false, ...extra });

describe('resolveVariables', () => {
  it('applies defaults and keeps valid values', () => {
    const { values, errors } = resolveVariables([v('color', 'color', { default: '#000000' }), v('name', 'string', { required: true })], { name: 'Acme' });
    expect(errors).toEqual([]);
    expect(values).toEqual({ color: '#000000', name: 'Acme' });
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
