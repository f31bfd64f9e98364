import Handlebars from 'handlebars';
import { OutputLanguage } from './module-template.schema';

/** The output helpers each language may call; the only way a template prints a value. */
export const OUTPUT_HELPERS: Record<OutputLanguage, readonly string[]> = {
  python: ['py', 'py_ident'],
  xml: ['xml_attr', 'xml_text'],
  csv: ['csv'],
};
const BLOCK_HELPERS = new Set(['if', 'unless', 'each']);

type Node = { type: string; loc?: { start: { line: number } } } & Record<string, unknown>;

/**
 * Problems in a module template's source, from its parsed AST. A bare
 * `{{name}}` would be HTML-escaped, which is wrong for Python, CSV and (for
 * quotes) attributes, and the triple-stash would not be escaped at all; so the
 * only outputs allowed are `{{helper path}}` with a helper of the file's
 * language, and the only blocks `#if`, `#unless` and `#each` on a path. No
 * partials, decorators or sub-expressions: nothing a template can call that
 * this list does not name.
 */
export function templateProblems(source: string, language: OutputLanguage): string[] {
  const problems: string[] = [];
  const allowed = new Set(OUTPUT_HELPERS[language]);
  const visit = (node: Node): void => {
    const at = `line ${node.loc?.start.line ?? '?'}`;
    switch (node.type) {
      case 'MustacheStatement': {
        const name = pathName(node.path);
        if (node.escaped !== true) problems.push(`${at}: unescaped output ({{{ }}} or {{& }}) is not allowed`);
        else if (!name || !allowed.has(name)) problems.push(`${at}: output must go through one of ${[...allowed].join(', ')} (found ${name ?? 'an expression'})`);
        else if (!singlePathParam(node)) problems.push(`${at}: ${name} takes exactly one variable`);
        break;
      }
      case 'BlockStatement': {
        const name = pathName(node.path);
        if (!name || !BLOCK_HELPERS.has(name)) problems.push(`${at}: block helper ${name ?? '?'} is not allowed (only if, unless, each)`);
        else if (!singlePathParam(node)) problems.push(`${at}: #${name} takes exactly one variable`);
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'Decorator':
      case 'DecoratorBlock':
        problems.push(`${at}: ${node.type} is not allowed`);
        return;
    }
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === 'object' && typeof (child as Node).type === 'string') visit(child as Node);
      }
    }
  };
  try {
    visit(Handlebars.parse(source) as unknown as Node);
  } catch (error) {
    problems.push((error as Error).message.split('\n')[0]);
  }
  return problems;
}

function pathName(path: unknown): string | undefined {
  const node = path as Node | undefined;
  return node?.type === 'PathExpression' ? String(node.original) : undefined;
}

function singlePathParam(node: Node): boolean {
  const params = node.params as Node[];
  return params.length === 1 && params[0].type === 'PathExpression' && !node.hash;
}
