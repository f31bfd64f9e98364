import { GeneratedPlugin } from './generator';
import { balanced, codeOnly, functionBody, stripPhpComments } from './php-source';

export const CONTRACT_SUITES = ['headers', 'readme', 'hooks', 'permissions', 'nonces', 'escaping', 'security'] as const;
export type ContractSuite = (typeof CONTRACT_SUITES)[number];

/** One rule's outcome, stored per package (plugin_contract_tests). `rule` = `<suite>.<name>`. */
export interface ContractTestResult {
  suite: ContractSuite;
  name: string;
  result: 'pass' | 'fail';
  details: string;
}

export function ruleId(result: Pick<ContractTestResult, 'suite' | 'name'>): string {
  return `${result.suite}.${result.name}`;
}

/** WordPress's required and expected main-file header fields (../shared/docs/integrations.md). */
const REQUIRED_HEADERS = ['Plugin Name', 'Version', 'Requires at least', 'Requires PHP', 'License', 'Text Domain'];
const README_FIELDS = ['Contributors', 'Tags', 'Requires at least', 'Tested up to', 'Stable tag', 'Requires PHP', 'License', 'License URI'];
const README_SECTIONS = ['Description', 'Installation', 'Changelog'];
const DANGEROUS_CALLS = ['eval', 'exec', 'system', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec', 'assert', 'create_function', 'base64_decode'];
const SECRET_PATTERNS: [string, RegExp][] = [
  ['a live or test API secret (sk_…)', /\b[sr]k_(live|test)_[A-Za-z0-9]{8,}/],
  ['an AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
  ['a private key', /-----BEGIN (RSA |EC |OPENSSH |)PRIVATE KEY-----/],
  ['a password, secret, token or key assigned a literal', /\$\w*(api_?key|secret|password|passwd|token)\w*\s*=\s*['"][^'"]{6,}['"]/i],
];

/** Reads `Field: value` lines of a PHP file's header comment. */
export function pluginHeaders(mainFile: string): Record<string, string> {
  const comment = /\/\*\*?([\s\S]*?)\*\//.exec(mainFile)?.[1] ?? '';
  const headers: Record<string, string> = {};
  for (const line of comment.split('\n')) {
    const match = /^\s*\*?\s*([A-Za-z][A-Za-z ]*[A-Za-z]):\s*(.+?)\s*$/.exec(line);
    if (match && !(match[1] in headers)) headers[match[1]] = match[2];
  }
  return headers;
}

interface Sources {
  /** path → source without comments */
  php: Map<string, string>;
  /** path → source without comments and with string contents blanked */
  code: Map<string, string>;
}

/**
 * Seed 002's contract tests, run on the generated sources. Every rule yields a
 * result, passing or not, so the stored table says what was checked.
 */
export function runContractTests(plugin: GeneratedPlugin): ContractTestResult[] {
  const text = (path: string) => plugin.files.find((file) => file.path === path)?.content.toString('utf8');
  const sources: Sources = { php: new Map(), code: new Map() };
  for (const file of plugin.files.filter((f) => f.path.endsWith('.php'))) {
    const source = file.content.toString('utf8');
    sources.php.set(file.path, stripPhpComments(source));
    sources.code.set(file.path, codeOnly(source));
  }
  const results: ContractTestResult[] = [];
  const check = (suite: ContractSuite, name: string, problems: string[], passDetails: string) =>
    results.push({ suite, name, result: problems.length ? 'fail' : 'pass', details: problems.length ? problems.join('; ') : passDetails });

  const main = text(plugin.mainFile) ?? '';
  const headers = pluginHeaders(main);
  check('headers', 'required-fields', REQUIRED_HEADERS.filter((field) => !headers[field]).map((field) => `header field "${field}" is missing`), `${REQUIRED_HEADERS.join(', ')} present`);
  check('headers', 'version-matches', headers.Version === plugin.version ? [] : [`Version header "${headers.Version ?? ''}" is not the package version ${plugin.version}`], `Version ${plugin.version}`);
  check('headers', 'text-domain-is-slug', headers['Text Domain'] === plugin.slug ? [] : [`Text Domain "${headers['Text Domain'] ?? ''}" is not the slug ${plugin.slug}`], `Text Domain ${plugin.slug}`);

  const readme = text('readme.txt');
  const readmeProblems = readme === undefined ? ['readme.txt is missing'] : readmeFormatProblems(readme, headers['Plugin Name'] ?? plugin.name);
  check('readme', 'format', readmeProblems, 'name line, fields, summary and Description, Installation, Changelog sections');
  const stableTag = readme && /^Stable tag:\s*(.+?)\s*$/m.exec(readme)?.[1];
  check('readme', 'stable-tag-is-version', stableTag === headers.Version ? [] : [`Stable tag "${stableTag ?? ''}" is not the Version header "${headers.Version ?? ''}"`], `Stable tag ${stableTag}`);

  const allPhp = [...sources.php.values()].join('\n');
  const registered = registeredHooks(allPhp);
  check('hooks', 'required-registered', plugin.requiredHooks.filter((hook) => !registered.has(hook)).map((hook) => `hook "${hook}" is not registered with add_action/add_filter`), `${plugin.requiredHooks.join(', ')} registered`);

  const php = [...sources.php.values()];
  const admin = adminCallbacks(allPhp, registered);
  check(
    'permissions',
    'capability-checks',
    admin.filter((cb) => !/\bcurrent_user_can\s*\(/.test(functionBody(php, cb.fn) ?? '')).map((cb) => `${cb.fn} (${cb.via}) does not check current_user_can`),
    admin.length ? `${admin.map((cb) => cb.fn).join(', ')} check a capability` : 'no admin actions of its own',
  );
  const posts = postHandlers(allPhp);
  const formProblems: string[] = [];
  for (const [path, source] of sources.php) {
    for (const match of source.matchAll(/<form\b[^>]*method=\\?["']post/gi)) {
      // The form and its nonce field are written by the same function: look from the form to the end of that function.
      const rest = source.slice(match.index!, source.indexOf('function', match.index!) < 0 ? undefined : source.indexOf('function', match.index!));
      if (!/\bwp_nonce_field\s*\(/.test(rest)) formProblems.push(`a POST form in ${path} has no wp_nonce_field`);
    }
  }
  for (const handler of posts) {
    if (!/\b(wp_verify_nonce|check_admin_referer|check_ajax_referer)\s*\(/.test(functionBody(php, handler) ?? '')) formProblems.push(`${handler} handles a POST without verifying a nonce`);
  }
  check('nonces', 'forms-and-handlers', formProblems, `forms carry nonces; ${posts.length} handler(s) verify them`);

  const escapingProblems: string[] = [];
  const inputProblems: string[] = [];
  for (const [path, source] of sources.php) {
    for (const statement of echoStatements(source)) {
      const rest = removeCalls(statement.replace(/^\s*(echo|print)\b/, ''), /\b(esc_html|esc_attr|esc_url|esc_textarea|esc_html__|esc_attr__|esc_js|wp_kses_post|wp_kses|absint|intval|get_admin_page_title)\s*\(/g);
      if (/\$/.test(codeOnly(`<?php ${rest}`))) escapingProblems.push(`${path}: unescaped output in "${statement.trim().slice(0, 80)}"`);
    }
    for (const match of source.matchAll(/\$_(GET|POST|REQUEST|COOKIE|SERVER)\s*\[/g)) {
      const before = source.slice(Math.max(0, match.index! - 40), match.index!);
      if (!/(isset|wp_unslash|empty)\s*\(\s*$/.test(before)) inputProblems.push(`${path}: $_${match[1]} read without isset/wp_unslash`);
    }
  }
  check('escaping', 'output-escaped', escapingProblems, 'every echo is escaped');
  check('escaping', 'input-unslashed', inputProblems, 'request input read through isset()/wp_unslash()');

  const secretProblems: string[] = [];
  const dangerProblems: string[] = [];
  const guardProblems: string[] = [];
  for (const file of plugin.files) {
    const raw = file.content.toString('utf8');
    for (const [what, pattern] of SECRET_PATTERNS) if (pattern.test(raw)) secretProblems.push(`${file.path} contains ${what}`);
  }
  for (const [path, source] of sources.php) {
    for (const field of secretSettingDefaults(source)) secretProblems.push(`${path}: setting "${field}" ships a default value`);
    const code = sources.code.get(path)!;
    for (const call of DANGEROUS_CALLS) {
      if (new RegExp(`(?<![>:$\\w])\\s*\\b${call}\\s*\\(`).test(code.replace(/function\s+\w+/g, ''))) dangerProblems.push(`${path} calls ${call}()`);
    }
    if (/`/.test(code)) dangerProblems.push(`${path} uses the backtick (shell) operator`);
    if (!/defined\s*\(\s*'(ABSPATH|WP_UNINSTALL_PLUGIN)'\s*\)/.test(source)) guardProblems.push(`${path} can be requested directly (no ABSPATH check)`);
  }
  check('security', 'no-hardcoded-secrets', secretProblems, 'no keys, passwords or tokens in the code');
  check('security', 'no-dangerous-functions', dangerProblems, `none of ${DANGEROUS_CALLS.join(', ')}`);
  check('security', 'direct-access-guard', guardProblems, 'every PHP file exits unless loaded by WordPress');
  return results;
}

function readmeFormatProblems(readme: string, pluginName: string): string[] {
  const problems: string[] = [];
  const lines = readme.split('\n');
  const title = /^=== (.+) ===$/.exec(lines[0] ?? '');
  if (!title) problems.push('readme.txt does not start with "=== Plugin Name ==="');
  else if (title[1] !== pluginName) problems.push(`readme.txt names "${title[1]}", the plugin header "${pluginName}"`);
  const headerBlock = lines.slice(1, lines.findIndex((line, i) => i > 0 && line.trim() === ''));
  for (const field of README_FIELDS) if (!headerBlock.some((line) => line.startsWith(`${field}:`))) problems.push(`readme.txt field "${field}" is missing`);
  const summaryIndex = lines.findIndex((line, i) => i > headerBlock.length && line.trim() !== '');
  const summary = lines[summaryIndex] ?? '';
  if (!summary || summary.startsWith('==')) problems.push('readme.txt has no one-line summary after its fields');
  else if (summary.length > 150) problems.push(`readme.txt summary is ${summary.length} characters (150 at most)`);
  let last = -1;
  for (const section of README_SECTIONS) {
    const at = lines.indexOf(`== ${section} ==`);
    if (at < 0) problems.push(`readme.txt section "== ${section} ==" is missing`);
    else if (at < last) problems.push(`readme.txt section "== ${section} ==" is out of order`);
    else last = at;
  }
  return problems;
}

/** Hook names registered with a literal name; `'prefix_' . $this->id` counts as `prefix_`. */
function registeredHooks(php: string): Set<string> {
  const hooks = new Set<string>();
  for (const match of php.matchAll(/\badd_(action|filter)\s*\(\s*'([^']+)'/g)) hooks.add(match[2]);
  return hooks;
}

/** Callbacks of admin-only actions: admin_post_X / wp_ajax_X without a nopriv twin, and settings pages. */
function adminCallbacks(php: string, hooks: Set<string>): { fn: string; via: string }[] {
  const found: { fn: string; via: string }[] = [];
  for (const match of php.matchAll(/\badd_action\s*\(\s*'((admin_post|wp_ajax)_([^']+))'\s*,/g)) {
    if (hooks.has(`${match[2]}_nopriv_${match[3]}`) || match[3].startsWith('nopriv_')) continue;
    const fn = callbackName(php, match.index! + match[0].length);
    if (fn) found.push({ fn, via: match[1] });
  }
  for (const match of php.matchAll(/\badd_(options|menu|submenu|management|theme)_page\s*\(/g)) {
    const args = balanced(php, match.index! + match[0].length - 1) ?? '';
    const last = /array\s*\(\s*[^,]+,\s*'(\w+)'\s*\)\s*$|'(\w+)'\s*$/.exec(args.trim());
    const fn = last?.[1] ?? last?.[2];
    if (fn) found.push({ fn, via: `add_${match[1]}_page` });
  }
  return found;
}

/** Functions that handle POSTed forms: every admin_post_* / wp_ajax_* callback. */
function postHandlers(php: string): string[] {
  const names = new Set<string>();
  for (const match of php.matchAll(/\badd_action\s*\(\s*'(admin_post|wp_ajax)_[^']+'\s*,/g)) {
    const fn = callbackName(php, match.index! + match[0].length);
    if (fn) names.add(fn);
  }
  return [...names];
}

function callbackName(php: string, from: number): string | undefined {
  const rest = php.slice(from, from + 200);
  const match = /^\s*(?:'(\w+)'|array\s*\(\s*(?:'\w+'|\$this)\s*,\s*'(\w+)'\s*\))/.exec(rest);
  return match?.[1] ?? match?.[2];
}

function echoStatements(php: string): string[] {
  return [...php.matchAll(/(?<![\w$>])(echo|print)\b[^;]*;/g)].map((match) => match[0]);
}

/** The statement with every call to one of `calls` (and its arguments) removed. */
function removeCalls(statement: string, calls: RegExp): string {
  let out = statement;
  for (;;) {
    calls.lastIndex = 0;
    const match = calls.exec(out);
    if (!match) return out;
    const open = match.index + match[0].length - 1;
    const inner = balanced(out, open);
    if (inner === undefined) return out;
    out = out.slice(0, match.index) + "''" + out.slice(open + inner.length + 2);
  }
}

/** Settings fields named like a secret whose 'default' is a non-empty literal. */
function secretSettingDefaults(php: string): string[] {
  const found: string[] = [];
  for (const match of php.matchAll(/'(\w*(?:key|secret|password|token)\w*)'\s*=>\s*array\s*\(/gi)) {
    const body = balanced(php, match.index! + match[0].length - 1) ?? '';
    if (/'default'\s*=>\s*'[^']+'/.test(body)) found.push(match[1]);
  }
  return found;
}
