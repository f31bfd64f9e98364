import { isXmlSafe } from '@bf/contracts';
import { csvField, pythonIdentifier, pythonString, xmlAttribute, xmlText } from './escaping';

describe('per-language escaping', () => {
  const label = `O'Brien "quoted" <b>`;

  it('writes Python literals, not HTML entities', () => {
    expect(pythonString(label)).toBe(`'O\\'Brien "quoted" <b>'`);
    expect(pythonString('a\\b\nc\td')).toBe(`'a\\\\b\\nc\\td'`);
    expect(pythonString('\u0000\u007f\u2028')).toBe(`'\\x00\\x7f\\u2028'`);
    expect(pythonString('Area (m²) ✓ 😀')).toBe(`'Area (m²) ✓ 😀'`);
  });

  it('refuses to print anything but an identifier where Python expects a name', () => {
    expect(pythonIdentifier('XClinicPatient')).toBe('XClinicPatient');
    for (const bad of ['', '1abc', 'a.b', 'a b', 'a;import os', "a'"]) expect(() => pythonIdentifier(bad)).toThrow(/not a Python identifier/);
  });

  it('escapes XML attributes (both quote styles, whitespace kept) and text', () => {
    expect(xmlAttribute(label)).toBe('O&apos;Brien &quot;quoted&quot; &lt;b&gt;');
    expect(xmlAttribute('a&b\tc\nd')).toBe('a&amp;b&#9;c&#10;d');
    expect(xmlText(`${label} ]]> &`)).toBe(`O'Brien "quoted" &lt;b&gt; ]]&gt; &amp;`);
  });

  it('refuses characters XML 1.0 cannot carry', () => {
    expect(isXmlSafe('tab\tnewline\n')).toBe(true);
    for (const bad of ['\u0000', '\u0008', '\ufffe', '\ud800', 'a\udc00']) {
      expect(isXmlSafe(bad)).toBe(false);
      expect(() => xmlAttribute(bad)).toThrow();
      expect(() => xmlText(bad)).toThrow();
    }
  });

  it('quotes CSV fields only when needed, RFC 4180 style', () => {
    expect(csvField('model_x_a_b')).toBe('model_x_a_b');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
  });
});
