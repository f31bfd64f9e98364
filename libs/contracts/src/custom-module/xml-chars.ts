// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether XML 1.0 can carry the string at all. Spec validation refuses such
 * text up front so it is reported by path at planning time; the generator's
 * escapers call it again as a last line.
 */
export function isXmlSafe(value: string): boolean {
  return !XML_FORBIDDEN.test(value) && !LONE_SURROGATE.test(value);
}
