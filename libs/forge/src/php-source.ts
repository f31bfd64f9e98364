/**
 * Just enough PHP lexing for the contract tests: comments removed (so a word in
 * a comment is never taken for a call) and, separately, string literals blanked
 * (so a call inside a string is never taken for code either).
 */
export function stripPhpComments(source: string): string {
  return scan(source, { keepStrings: true });
}

export function codeOnly(source: string): string {
  return scan(source, { keepStrings: false });
}

function scan(source: string, options: { keepStrings: boolean }): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if ((c === '/' && next === '/') || (c === '#' && next !== '[')) {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      // `?>` ends a one-line comment too.
      const close = source.slice(i, stop).indexOf('?>');
      const cut = close < 0 ? stop : i + close;
      out += ' '.repeat(cut - i);
      i = cut;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      const literal = source.slice(i, j + 1);
      out += options.keepStrings ? literal : c + literal.slice(1, -1).replace(/[^\n]/g, ' ') + c;
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The text between the parenthesis (or brace) at `open` and its partner, or undefined. */
export function balanced(source: string, open: number): string | undefined {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const closer = pairs[source[open]];
  if (!closer) return undefined;
  let depth = 0;
  for (let i = open; i < source.length; i += 1) {
    const c = source[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === source[open]) depth += 1;
    else if (c === closer) {
      depth -= 1;
      if (depth === 0) return source.slice(open + 1, i);
    }
  }
  return undefined;
}

/** The body of `function <name>(…) {…}` in any of the sources, or undefined. */
export function functionBody(sources: readonly string[], name: string): string | undefined {
  const pattern = new RegExp(`function\\s+${name.replace(/[^A-Za-z0-9_]/g, '')}\\s*\\(`, 'g');
  for (const source of sources) {
    for (const match of source.matchAll(pattern)) {
      const brace = source.indexOf('{', match.index! + match[0].length);
      if (brace >= 0) return balanced(source, brace);
    }
  }
  return undefined;
}
