import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { z } from 'zod';
import { AppConfig, loadConfig, redactUrl } from '@bf/config';
import { parseWith } from '@bf/contracts';
import { createDataSource, migrate } from '@bf/persistence';
import { TenantSecrets } from '@bf/tenancy';
import { Onboarding } from '../onboarding/onboarding';
import { defaultsAsEnv, OnboardingRequest, OnboardingRequestSchema } from '../onboarding/onboarding.schema';
import { generatedSecrets, readEnvFile, writeEnvFile } from './env-file';

export const USAGE = [
  'usage: npm run factory -- <command>',
  '  init [--config setup.json] [--env-file .env] [--force] [--new-admin-key] [--json]',
  '      checks Redis and PostgreSQL, applies migrations, sets up the first tenant and prints its admin key (once),',
  '      and writes .env (mode 0600; an existing one only with --force). Without --config it asks interactively.',
  '      setup.json: {"organization": {"name"}, "security": {"admin_key_name"}, "defaults": {"dns_provider", "web_target", "port"},',
  '                   "database_url"?, "redis_url"?}',
  '  rotate-secrets   re-encrypts every tenant secret under the active master key (the first of SECRETS_MASTER_KEYS)',
].join('\n');

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks a question (interactive init); null when there is no terminal to ask. */
  ask: ((question: string) => Promise<string>) | null;
}

/** The --config file: the setup route's body, plus where PostgreSQL and Redis are. */
const InitConfigSchema = OnboardingRequestSchema.extend({ database_url: z.string().url().optional(), redis_url: z.string().url().optional() });

interface InitOptions {
  configFile: string | null;
  envFile: string;
  force: boolean;
  newAdminKey: boolean;
  json: boolean;
}

/** `npm run factory -- …`; returns the exit code. */
export async function main(argv: string[], io: CliIo = consoleIo(), env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'init') return await init(parseInitOptions(rest, cwd), io, env);
    if (command === 'rotate-secrets') return await rotateSecrets(io, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(error.message);
    return 2;
  }
  io.err(USAGE);
  return command === undefined || command === '--help' ? 0 : 2;
}

function parseInitOptions(args: string[], cwd: string): InitOptions {
  const options: InitOptions = { configFile: null, envFile: resolve(cwd, '.env'), force: false, newAdminKey: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--config') options.configFile = resolve(cwd, required(args[++i], arg));
    else if (arg === '--env-file') options.envFile = resolve(cwd, required(args[++i], arg));
    else if (arg === '--force') options.force = true;
    else if (arg === '--new-admin-key') options.newAdminKey = true;
    else if (arg === '--json') options.json = true;
    else throw new UsageError(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

class UsageError extends Error {}

function required(value: string | undefined, option: string): string {
  if (!value) throw new UsageError(`${option} needs a value`);
  return value;
}

async function init(options: InitOptions, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const say = (line: string) => (options.json ? undefined : io.out(line));
  const answers = options.configFile ? await fromConfigFile(options.configFile, io) : await interactively(io, env);
  if (!answers) return 2;
  const { request, databaseUrl, redisUrl } = answers;

  // What the deployment runs with: the process environment, over an existing .env, over what this setup chose.
  const existingFile = await readEnvFile(options.envFile);
  const chosen: Record<string, string> = {
    ...defaultsAsEnv(request.defaults),
    ...(request.organization.tenant_id ? { PLATFORM_TENANT_ID: request.organization.tenant_id } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  const effective: Record<string, string | undefined> = { ...chosen, ...(existingFile ?? {}), ...pick(env, Object.keys(chosen)), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
  for (const name of ['EVIDENCE_MASTER_KEY', 'SECRETS_MASTER_KEYS', 'SECRETS_MASTER_KEY', 'API_KEY_PEPPER']) effective[name] ??= env[name];
  const writeEnv = existingFile === null || options.force;
  // Generated keys are used only if they are written down: a key issued under a pepper nobody kept would never authenticate.
  const generated = writeEnv ? generatedSecrets(effective) : {};
  Object.assign(effective, generated);

  let config: AppConfig;
  try {
    config = loadConfig({ ...env, ...effective });
  } catch (error) {
    io.err((error as Error).message);
    return 1;
  }

  if (!(await checkServices(config, io, say))) return 1;
  const applied = await migrate(config.database.url);
  say(applied.length ? `migrations: applied ${applied.length}` : 'migrations: up to date');

  if (writeEnv) {
    const managed = ['PORT', 'DATABASE_URL', 'REDIS_URL', 'DNS_PROVIDER', 'WEB_TARGET', 'SAFE_MODE', 'PLATFORM_TENANT_ID', 'EVIDENCE_MASTER_KEY', 'SECRETS_MASTER_KEYS', 'SECRETS_MASTER_KEY', 'API_KEY_PEPPER'];
    const values = Object.fromEntries(managed.filter((name) => effective[name]).map((name) => [name, effective[name]!]));
    await writeEnvFile(options.envFile, values, options.force);
    say(`${options.envFile}: written (mode 0600)${Object.keys(generated).length ? `, with generated ${Object.keys(generated).join(', ')}` : ''}`);
  } else {
    say(`${options.envFile}: exists, left unchanged (--force to overwrite)`);
  }

  const dataSource = createDataSource({ url: config.database.url, poolSize: 2 });
  await dataSource.initialize();
  try {
    const outcome = await new Onboarding(dataSource, config).setUpPlatform(request, { addAdminKey: options.newAdminKey, via: 'factory init' });
    if (options.json) {
      io.out(JSON.stringify({ ...outcome, env_file: options.envFile, env_written: writeEnv, database: redactUrl(config.database.url) }));
      return 0;
    }
    if (outcome.status === 'already_set_up') {
      say(`tenant ${outcome.tenant.tenant_id} ('${outcome.tenant.name}') is already set up with ${outcome.admin_keys} admin key(s): no key created (--new-admin-key issues another)`);
      return 0;
    }
    say(`tenant ${outcome.tenant.tenant_id} ('${outcome.tenant.name}'): ${outcome.status === 'created' ? 'set up' : 'another admin key issued'}`);
    say(`admin key ${outcome.admin_key!.api_key.prefix} ('${outcome.admin_key!.api_key.name}'), shown this once, store it now:`);
    io.out(`  ${outcome.admin_key!.key}`);
    say('use it as: Authorization: Bearer <key>; start the system with the .env applied (docker compose reads it; or `set -a; . ./.env; set +a; npm run start:all`)');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

async function fromConfigFile(path: string, io: CliIo): Promise<{ request: OnboardingRequest; databaseUrl?: string; redisUrl?: string } | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    io.err(`${path}: ${(error as Error).message}`);
    return null;
  }
  const parsed = parseWith(InitConfigSchema, raw);
  if (!parsed.ok) {
    io.err(`${path}: invalid setup: ${parsed.errors.map((error) => `${error.path || '(root)'}: ${error.message}`).join('; ')}`);
    return null;
  }
  const { database_url: databaseUrl, redis_url: redisUrl, ...request } = parsed.value;
  return { request, databaseUrl, redisUrl };
}

async function interactively(io: CliIo, env: NodeJS.ProcessEnv): Promise<{ request: OnboardingRequest; databaseUrl?: string; redisUrl?: string } | null> {
  if (!io.ask) {
    io.err('no terminal to ask: pass --config setup.json for an unattended setup');
    return null;
  }
  const ask = async (question: string, fallback: string) => (await io.ask!(`${question} [${fallback}]: `)).trim() || fallback;
  const name = await ask('Organization name', 'My Organization');
  const adminKeyName = await ask('Name of the first admin key', 'first admin');
  const dnsProvider = await ask('DNS provider (embedded, powerdns, hetzner)', 'embedded');
  const webTarget = await ask('Web target (builtin, nginx)', 'builtin');
  const databaseUrl = await ask('PostgreSQL URL', env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/business_factory');
  const redisUrl = await ask('Redis URL', env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const parsed = parseWith(OnboardingRequestSchema, { organization: { name }, security: { admin_key_name: adminKeyName }, defaults: { dns_provider: dnsProvider, web_target: webTarget } });
  if (!parsed.ok) {
    io.err(`invalid answer: ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
    return null;
  }
  return { request: parsed.value, databaseUrl, redisUrl };
}

/** PostgreSQL and Redis must answer before anything is written; each failure is named with its (password-free) address. */
async function checkServices(config: AppConfig, io: CliIo, say: (line: string) => void): Promise<boolean> {
  const [postgres, redis] = await Promise.all([checkPostgres(config.database.url), checkRedis(config.redis.url)]);
  for (const [name, url, problem] of [['PostgreSQL', config.database.url, postgres], ['Redis', config.redis.url, redis]] as const) {
    if (problem) io.err(`${name} at ${redactUrl(url)} does not answer: ${problem}`);
    else say(`${name} at ${redactUrl(url)}: answers`);
  }
  return !postgres && !redis;
}

async function checkPostgres(url: string): Promise<string | null> {
  // The maintenance database: the target one may not exist yet (migrate creates it).
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(url: string): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined); // reported through the promise below
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? null : 'PING got no PONG';
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    redis.disconnect();
  }
}

async function rotateSecrets(io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env);
  const dataSource = createDataSource({ url: config.database.url, poolSize: 2 });
  await dataSource.initialize();
  try {
    const report = await new TenantSecrets(dataSource, config).rotate('factory rotate-secrets');
    io.out(JSON.stringify(report));
    if (report.unreadable.length) io.err(`${report.unreadable.length} secret(s) could not be opened with any configured master key: ${report.unreadable.map((entry) => `${entry.tenant_id}/${entry.name} (${entry.key_id})`).join(', ')}`);
    return report.unreadable.length ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => env[name]).map((name) => [name, env[name]!]));
}

function consoleIo(): CliIo {
  const terminal = process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stdout }) : null;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ask: terminal ? (question) => terminal.question(question) : null,
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      process.stdin.destroy(); // the prompt interface would otherwise keep the process alive
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
      process.stdin.destroy();
    },
  );
}
