import Handlebars from 'handlebars';

const JS_UNSAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * The only helpers templates may call (besides Handlebars' built-in block
 * helpers). All but `js` return plain values, which Handlebars then
 * HTML-escapes. `js` is for JavaScript/TypeScript sources (the Next.js
 * template): it returns a JSON string literal with `<`, `>`, `&` and the line
 * separators escaped, which is inert in a script, a TSX file and an HTML page.
 */
export const TEMPLATE_HELPERS: Record<string, (...args: any[]) => unknown> = {
  /** `{{#if (eq a b)}}` */
  eq: (a, b) => a === b,
  /** `{{#if (includes pages "blog")}}` */
  includes: (list, item) => Array.isArray(list) && list.includes(item),
  /** A page slug as a heading: `about_us` → `About us`. */
  label: (slug) => (typeof slug === 'string' && slug.length ? slug.charAt(0).toUpperCase() + slug.slice(1).replace(/_/g, ' ') : ''),
  /** `{{or tagline description}}`: the first value that is set. */
  or: (...args) => args.slice(0, -1).find((value) => value !== null && value !== undefined && value !== '') ?? '',
  /** A phone number for a `tel:` link: digits and a leading +. */
  tel: (phone) => (typeof phone === 'string' ? phone.replace(/(?!^\+)[^0-9]/g, '') : ''),
  /** A JSON literal for code (strings, numbers, lists of strings); see above. */
  js: (value) =>
    new Handlebars.SafeString(JSON.stringify(value === undefined ? null : value).replace(/[<>&\u2028\u2029]/g, (c) => JS_UNSAFE[c])),
};

export function registerTemplateHelpers<H extends { registerHelper(name: string, fn: (...args: any[]) => unknown): void }>(handlebars: H): H {
  for (const [name, helper] of Object.entries(TEMPLATE_HELPERS)) handlebars.registerHelper(name, helper);
  return handlebars;
}
