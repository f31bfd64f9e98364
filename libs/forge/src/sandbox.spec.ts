import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeneratedPlugin, phpVersion, PluginGenerator, sandboxPlugin } from './index';

const templates = join(__dirname, '../../../templates');
const CONTACT = { plugin_name: 'Mailer Contact', slug: 'mailer-contact', version: '1.0.0', gateway_url: 'https://factory.example', site_domain: 'acme.example' };

/** The plugin's main file with `php` appended (runs when the sandbox loads it). */
function withCode(plugin: GeneratedPlugin, php: string): GeneratedPlugin {
  return {
    ...plugin,
    files: plugin.files.map((file) => (file.path === plugin.mainFile ? { ...file, content: Buffer.concat([file.content, Buffer.from(`\n${php}\n`)]) } : file)),
  };
}

/**
 * The sandbox starts no process on the plugin's behalf. error_log($m, 1, …) mails
 * through sendmail_path with a shell even when mail() is disabled: here php is
 * run through a wrapper that points sendmail_path at a script writing a marker
 * file (whatever the sandbox set), so a spawned "sendmail" would leave the marker.
 */
describe('forge sandbox: no process spawned by plugin code', () => {
  const work = mkdtempSync(join(tmpdir(), 'bf-sandbox-spawn-'));
  const marker = join(work, 'sendmail-ran');
  const sendmail = join(work, 'sendmail.sh');
  const phpWrapper = join(work, 'php');
  let php: string | undefined;

  beforeAll(async () => {
    php = await phpVersion('php');
    writeFileSync(sendmail, `#!/bin/sh\necho spawned >> ${marker}\n`);
    // Drops the sandbox's own sendmail_path and puts the marker script first; every other argument is passed on.
    writeFileSync(
      phpWrapper,
      `#!/bin/bash\nargs=()\nwhile [ $# -gt 0 ]; do\n  if [ "$1" = "-d" ] && [[ "$2" == sendmail_path=* ]]; then shift 2; continue; fi\n  args+=("$1"); shift\ndone\nexec /usr/bin/php -d sendmail_path=${sendmail} "\${args[@]}"\n`,
    );
    chmodSync(sendmail, 0o755);
    chmodSync(phpWrapper, 0o755);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the marker script is what a spawned sendmail runs (the check can fail)', async () => {
    rmSync(marker, { force: true });
    const { execFileSync } = await import('node:child_process');
    execFileSync(phpWrapper, ['-n', '-r', 'error_log("probe", 1, "ops@example.com");']);
    expect(existsSync(marker)).toBe(true);
  });

  it('loads a plugin that calls error_log(…, 1, …) and mail() without running sendmail', async () => {
    rmSync(marker, { force: true });
    const plugin = withCode(
      await new PluginGenerator(templates).generate('wp-contact-form', CONTACT),
      `error_log('forge sandbox probe', 1, 'ops@example.com');\nerror_log('forge sandbox note');\nif ( function_exists( 'mail' ) ) { mail( 'ops@example.com', 's', 'b' ); }`,
    );
    const lines: string[] = [];
    const report = await sandboxPlugin(plugin, phpWrapper, php, (line) => lines.push(line));
    expect(report.status).toBe('passed');
    expect(report.warnings?.join('\n')).toMatch(/error_log: forge sandbox probe/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a plugin that calls a process function (disabled, so loading fails)', async () => {
    const plugin = withCode(await new PluginGenerator(templates).generate('wp-contact-form', CONTACT), `proc_open( 'id', array(), $pipes );`);
    await expect(sandboxPlugin(plugin, phpWrapper, php, () => undefined)).rejects.toThrow(/proc_open/);
    expect(existsSync(marker)).toBe(false);
  });
});
