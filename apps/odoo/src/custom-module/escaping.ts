import { isXmlSafe } from '@bf/contracts';

/**
 * One escaper per target language of a generated Odoo module. Templates never
 * print a value bare (see template-check.ts): each output names the language
 * it lands in, because HTML escaping is wrong in all of them (`&#x27;` inside a
 * Python literal is four literal characters, not a quote).
 */

/** Python 3 string literal in single quotes (Odoo's style); exact for every well-formed string. */
export function pythonString(value: string): string {
  let out = "'";
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    // Controls, DEL, C1 and the Unicode line separators: legal inside a literal, but they make the source hard to read and diff.
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}'`;
}

const PYTHON_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Python identifier the generator derived; anything else is a generator bug, so it throws instead of escaping. */
export function pythonIdentifier(value: string): string {
  if (!PYTHON_IDENTIFIER.test(value)) throw new Error(`not a Python identifier: ${JSON.stringify(value)}`);
  return value;
}

const XML_ATTRIBUTE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * XML 1.0 attribute value (inside double or single quotes). Tab and newlines
 * become character references because a parser normalises literal ones to
 * spaces. Characters XML 1.0 cannot carry at all are refused by the spec
 * validator before rendering; here they throw, as a last line.
 */
export function xmlAttribute(value: string): string {
  assertXmlChars(value);
  return value.replace(/[&<>"'\t\n\r]/g, (c) => XML_ATTRIBUTE[c]);
}

/** XML 1.0 character data; `>` too, so `]]>` can never appear. */
export function xmlText(value: string): string {
  assertXmlChars(value);
  return value.replace(/[&<>]/g, (c) => XML_ATTRIBUTE[c]);
}

function assertXmlChars(value: string): void {
  if (!isXmlSafe(value)) throw new Error('value holds characters XML 1.0 cannot represent');
}

/** RFC 4180 field, as Odoo's CSV import (Python's csv module) reads it. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
