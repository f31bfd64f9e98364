import { join } from 'node:path';
import { buildPlugin, ForgeStepFailure, packagePlugin, phpVersion, PluginGenerator, PluginParameterError, runContractTests, ruleId, sandboxPlugin, withPluginWorkspace } from './index';

const templates = join(__dirname, '../../../templates');
const CONTACT = { plugin_name: 'Acme Contact', slug: 'acme-contact', version: '1.2.0', gateway_url: 'https://factory.example', site_domain: 'acme.example' };
const GATEWAY = { plugin_name: 'Acme Pay', slug: 'acme-pay', version: '0.1.0', gateway_id: 'acme_pay', method_title: 'Acme Pay' };

/** The forge's steps on the real templates with the real php (the e2e suite runs them through the queues). */
describe('plugin forge steps', () => {
  const generator = new PluginGenerator(templates);
  let php: string | undefined;
  beforeAll(async () => {
    php = await phpVersion('php');
  });

  it.each([
    ['wp-contact-form', CONTACT],
    ['wc-payment-gateway', GATEWAY],
  ])('%s: generates, lints, passes every contract test and loads in the sandbox', async (template, parameters) => {
    const plugin = await generator.generate(template, parameters);
    expect(plugin.files.map((f) => f.path)).toContain(`${parameters.slug}.php`);
    expect(plugin.files.map((f) => f.path)).toContain('readme.txt');
    const lines: string[] = [];
    const build = await withPluginWorkspace(plugin.slug, plugin.files, (dir) => buildPlugin(dir, plugin.files, 'php', php!, (line) => lines.push(line)));
    expect(build.linted.length).toBeGreaterThanOrEqual(2);
    const failures = runContractTests(plugin).filter((r) => r.result === 'fail');
    expect(failures).toEqual([]);
    const sandbox = await sandboxPlugin(plugin, 'php', php, (line) => lines.push(line));
    expect(sandbox.status).toBe('passed');
    expect(sandbox.hooks).toEqual(expect.arrayContaining(plugin.requiredHooks));
  });

  it('is deterministic: same parameters, same hashes and byte-identical ZIP; other parameters, other ZIP', async () => {
    const [a, b, c] = await Promise.all([generator.generate('wp-contact-form', CONTACT), generator.generate('wp-contact-form', { ...CONTACT }), generator.generate('wp-contact-form', { ...CONTACT, version: '1.2.1' })]);
    expect(a.parametersSha256).toBe(b.parametersSha256);
    expect(a.outputSha256).toBe(b.outputSha256);
    const [za, zb, zc] = await Promise.all([packagePlugin(a.slug, a.version, a.files), packagePlugin(b.slug, b.version, b.files), packagePlugin(c.slug, c.version, c.files)]);
    expect(za.bytes.equals(zb.bytes)).toBe(true);
    expect(za.sha256).not.toBe(zc.sha256);
  });

  it('accepts its own resolved parameters again (defaults pass their patterns): later steps regenerate from them', async () => {
    for (const [template, parameters] of [['wp-contact-form', CONTACT], ['wc-payment-gateway', GATEWAY]] as const) {
      const first = await generator.generate(template, parameters);
      const again = await generator.generate(template, first.parameters);
      expect(again.outputSha256).toBe(first.outputSha256);
    }
  });

  it('refuses bad parameters by path', async () => {
    await expect(generator.generate('wp-contact-form', { ...CONTACT, slug: 'Bad Slug', extra: 1, version: undefined })).rejects.toThrow(PluginParameterError);
    const error = await generator.generate('wp-contact-form', { ...CONTACT, slug: 'Bad Slug', extra: 1, version: undefined }).catch((e: PluginParameterError) => e);
    expect((error as PluginParameterError).errors.map((e) => e.path).sort()).toEqual(['parameters.extra', 'parameters.slug', 'parameters.version']);
  });

  it('fails the build with php -l message when a parameter makes the PHP invalid', async () => {
    const plugin = await generator.generate('wp-contact-form', { ...CONTACT, function_prefix: 'acme-contact' });
    const error = await withPluginWorkspace(plugin.slug, plugin.files, (dir) => buildPlugin(dir, plugin.files, 'php', php!, () => undefined)).catch((e) => e);
    expect(error).toBeInstanceOf(ForgeStepFailure);
    expect(error.message).toMatch(/php -l acme-contact\.php failed: (PHP )?Parse error: +syntax error, unexpected token "-"/);
  });

  it('names the rule a violating plugin breaks: a shipped API key default', async () => {
    const plugin = await generator.generate('wc-payment-gateway', { ...GATEWAY, default_api_key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' });
    const failed = runContractTests(plugin).filter((r) => r.result === 'fail');
    expect(failed.map(ruleId)).toEqual(['security.no-hardcoded-secrets']);
    expect(failed[0].details).toMatch(/setting "api_key" ships a default value/);
  });

  it('catches unescaped output, missing nonces and capability checks, and dangerous calls', () => {
    const main = `<?php
/**
 * Plugin Name: Bad
 * Version: 1.0.0
 * Requires at least: 6.0
 * Requires PHP: 7.4
 * License: GPL-2.0-or-later
 * Text Domain: bad
 */
add_action( 'admin_post_bad_save', 'bad_save' );
function bad_save() { update_option( 'x', $_POST['x'] ); echo $_GET['y']; echo '<form method="post"></form>'; eval( 'return 1;' ); }
// exec( 'comment only' );
$this->exec( 'a method named exec is fine' );
`;
    const plugin = { templateId: 't', templateVersion: '1.0.0', cms: 'wordpress' as const, name: 'Bad', slug: 'bad', version: '1.0.0', mainFile: 'bad.php', requiredHooks: ['init'], parameters: {}, parametersSha256: '', outputSha256: '', files: [{ path: 'bad.php', content: Buffer.from(main) }] };
    const failed = runContractTests(plugin).filter((r) => r.result === 'fail').map((r) => `${ruleId(r)}: ${r.details}`);
    expect(failed).toEqual([
      expect.stringMatching(/^readme\.format: readme\.txt is missing/),
      expect.stringMatching(/^readme\.stable-tag-is-version/),
      'hooks.required-registered: hook "init" is not registered with add_action/add_filter',
      'permissions.capability-checks: bad_save (admin_post_bad_save) does not check current_user_can',
      expect.stringMatching(/^nonces\.forms-and-handlers: a POST form in bad\.php has no wp_nonce_field; bad_save handles a POST without verifying a nonce/),
      expect.stringMatching(/^escaping\.output-escaped: bad\.php: unescaped output/),
      expect.stringMatching(/^escaping\.input-unslashed: bad\.php: \$_POST read without/),
      'security.no-dangerous-functions: bad.php calls eval()',
      'security.direct-access-guard: bad.php can be requested directly (no ABSPATH check)',
    ]);
  });
});
