import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GeneratedPlugin } from './generator';
import { runProcess } from './php';
import { SANDBOX_REPORT_MARKER, SANDBOX_SHIM_PHP } from './sandbox-shim';
import { ForgeStepFailure } from './steps';
import { withPluginWorkspace } from './workspace';

export interface SandboxLimits {
  cpuSeconds: number;
  memoryMb: number;
  wallClockMs: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { cpuSeconds: 5, memoryMb: 64, wallClockMs: 15_000 };

/**
 * Everything that could reach the network, start a process or loosen the limits.
 * error_log is among them because error_log($m, 1, …) mails through sendmail_path
 * (a shell) even with mail() disabled; the shim defines a harmless error_log in its
 * place (PHP 8 lets a disabled function be redefined), so plugins that log still load.
 */
export const DISABLED_FUNCTIONS = [
  'exec', 'shell_exec', 'system', 'passthru', 'proc_open', 'proc_close', 'proc_get_status', 'proc_terminate', 'proc_nice', 'popen',
  'pcntl_exec', 'pcntl_fork', 'pcntl_rfork', 'pcntl_unshare', 'pcntl_signal', 'pcntl_alarm', 'pcntl_async_signals',
  'dl', 'putenv', 'mail', 'mb_send_mail', 'error_log', 'set_time_limit', 'ini_set', 'ini_alter',
  'curl_init', 'curl_exec', 'curl_multi_exec', 'fsockopen', 'pfsockopen', 'stream_socket_client', 'stream_socket_server', 'socket_create', 'socket_connect',
  'gethostbyname', 'dns_get_record', 'symlink', 'link',
];

export interface SandboxReport {
  status: 'passed' | 'skipped';
  reason?: string;
  phpVersion?: string;
  limits: SandboxLimits & { prlimit: boolean };
  hooks?: string[];
  runtime?: Record<string, unknown>;
  warnings?: string[];
}

/**
 * Loads the plugin's main file under php in a child process: no php.ini (-n,
 * so no socket/curl extensions are even loaded), network and process functions
 * disabled (error_log too: its mail mode runs sendmail through a shell), sendmail_path
 * pointed at nothing useful, allow_url_fopen off, open_basedir fenced to a throwaway directory
 * that is also its cwd, memory_limit and max_execution_time set, and with
 * prlimit (when installed) hard CPU-time, address-space, file-size and
 * open-file limits, plus a wall-clock kill. A fatal error, a non-zero exit or a
 * required hook missing at run time fails the step with php's message.
 */
export async function sandboxPlugin(plugin: GeneratedPlugin, phpBin: string, phpVersion: string | undefined, log: (line: string) => void, limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS): Promise<SandboxReport> {
  const prlimit = await access('/usr/bin/prlimit').then(() => true, () => false);
  if (!phpVersion) {
    log('skipped: php not installed');
    return { status: 'skipped', reason: 'php not installed', limits: { ...limits, prlimit } };
  }
  return withPluginWorkspace(plugin.slug, plugin.files, async (pluginDir, workspace) => {
    const shim = join(workspace, 'forge-sandbox.php');
    await writeFile(shim, SANDBOX_SHIM_PHP);
    const phpArgs = [
      '-n',
      '-d', `memory_limit=${limits.memoryMb}M`,
      '-d', `max_execution_time=${limits.cpuSeconds}`,
      '-d', `disable_functions=${DISABLED_FUNCTIONS.join(',')}`,
      // Defence in depth behind the disabled error_log/mail: nothing to run, nothing logged about mail.
      '-d', 'sendmail_path=/bin/false',
      '-d', 'mail.add_x_header=0',
      '-d', 'mail.log=',
      '-d', 'allow_url_fopen=0',
      '-d', 'allow_url_include=0',
      '-d', `open_basedir=${workspace}`,
      '-d', 'display_errors=stderr',
      '-d', 'log_errors=0',
      '-d', 'error_reporting=E_ALL',
      shim,
      join(pluginDir, plugin.mainFile),
    ];
    const [file, args] = prlimit
      ? ['/usr/bin/prlimit', [`--cpu=${limits.cpuSeconds}`, `--as=${(limits.memoryMb + 448) * 1024 * 1024}`, '--fsize=10485760', '--nofile=64', '--', phpBin, ...phpArgs]]
      : [phpBin, phpArgs];
    log(`running ${plugin.mainFile} under php ${phpVersion} with the WordPress shim (cpu ${limits.cpuSeconds}s, memory ${limits.memoryMb}M, ${prlimit ? 'prlimit' : 'no prlimit: CPU bounded by max_execution_time and the wall-clock kill'}, no network)`);
    const outcome = await runProcess(file, args, { cwd: workspace, env: { PATH: '/usr/bin:/bin' }, timeoutMs: limits.wallClockMs, maxOutputBytes: 2 * 1024 * 1024 });
    const clean = (text: string) => text.split(workspace + '/').join('').trim();
    const stderr = clean(outcome.stderr);
    const markerAt = outcome.stdout.lastIndexOf(SANDBOX_REPORT_MARKER);
    if (outcome.timedOut) throw new ForgeStepFailure(`sandbox: the plugin did not finish loading within ${limits.wallClockMs} ms`);
    if (outcome.code !== 0 || markerAt < 0 || /(Fatal|Parse) error/.test(stderr)) {
      const message = stderr || clean(outcome.stdout).slice(-2000) || `php exited with ${outcome.code ?? outcome.signal}`;
      log(`sandbox failed: ${message}`);
      throw new ForgeStepFailure(`sandbox: ${plugin.mainFile} did not load: ${message}`, { exit_code: outcome.code, signal: outcome.signal });
    }
    const runtime = JSON.parse(outcome.stdout.slice(markerAt + SANDBOX_REPORT_MARKER.length).trim()) as { hooks: string[]; gateways: { extends_wc_payment_gateway: boolean; process_payment: { result?: string; redirect?: string } }[]; features: Record<string, boolean> };
    const warnings = stderr ? stderr.split('\n').filter(Boolean) : [];
    for (const warning of warnings) log(`php: ${warning}`);
    const missing = plugin.requiredHooks.filter((hook) => !runtime.hooks.includes(hook));
    if (missing.length) throw new ForgeStepFailure(`sandbox: hook(s) ${missing.join(', ')} not registered when the plugin loads`);
    if (plugin.cms === 'woocommerce') {
      if (!runtime.gateways.length || !runtime.gateways.every((g) => g.extends_wc_payment_gateway)) throw new ForgeStepFailure('sandbox: no WC_Payment_Gateway subclass registered with woocommerce_payment_gateways');
      if (!runtime.gateways.every((g) => g.process_payment?.result === 'success' && typeof g.process_payment.redirect === 'string')) throw new ForgeStepFailure("sandbox: process_payment did not return ['result' => 'success', 'redirect' => …]");
      if (runtime.features.custom_order_tables !== true) throw new ForgeStepFailure('sandbox: HPOS compatibility (custom_order_tables) was not declared on before_woocommerce_init');
    }
    log(`loaded without errors; hooks: ${runtime.hooks.join(', ')}`);
    return { status: 'passed', phpVersion, limits: { ...limits, prlimit }, hooks: runtime.hooks, runtime: runtime as unknown as Record<string, unknown>, warnings };
  });
}
