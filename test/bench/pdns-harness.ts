import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { access, constants, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private PowerDNS Authoritative server (Debian's pdns-server + gsqlite3) for
 * integration tests and the bench. It lives here rather than in test/support
 * because the bench build (tsconfig.build.json) leaves test/support out;
 * test/support/pdns-server.ts re-exports it for the specs.
 */
export interface PowerDnsServer {
  apiUrl: string;
  apiKey: string;
  dnsHost: string;
  dnsPort: number;
  webPort: number;
  configDir: string;
  stop(): Promise<void>;
}

export interface StartPowerDnsOptions {
  /** Picks a free TCP port; the specs pass test/support/net.ts's. */
  freePort?: () => Promise<number>;
  binary?: string;
  startTimeoutMs?: number;
}

const PDNS_BINARY = '/usr/sbin/pdns_server';
const SQLITE_SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';
const SQLITE_BINARY = '/usr/bin/sqlite3';
const INSTALL_HINT = 'install the Debian packages pdns-server, pdns-backend-sqlite3 and sqlite3';

async function freeTcpPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** DNS listens on UDP as well as TCP, so a port free for TCP only is not enough. */
async function udpFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

async function freeDnsPort(pickTcp: () => Promise<number>): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = await pickTcp();
    if (await udpFree(port)) return port;
  }
  throw new Error('no port on 127.0.0.1 is free for both TCP and UDP');
}

async function mustExist(path: string, what: string, mode = constants.R_OK): Promise<void> {
  try {
    await access(path, mode);
  } catch {
    throw new Error(`${what} not found at ${path}: ${INSTALL_HINT}`);
  }
}

function run(file: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, (error, _stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`)) : resolve(),
    );
    child.stdin?.end(input);
  });
}

function pdnsConf(settings: Record<string, string | number>): string {
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** Keeps the end of the server's output for error messages without growing forever. */
class OutputTail {
  private text = '';
  append(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-8000);
  }
  toString(): string {
    return this.text.trim() || '(no output)';
  }
}

async function waitForApi(child: ChildProcess, output: OutputTail, apiUrl: string, apiKey: string, timeoutMs: number): Promise<void> {
  let exited: string | null = null;
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => (exited = `exited with ${signal ?? `code ${code}`}`);
  child.once('exit', onExit);
  child.once('error', (error) => (exited = `could not be started: ${error.message}`));
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (exited) throw new Error(`pdns_server ${exited}; its output:\n${output}`);
      try {
        const response = await fetch(`${apiUrl}/api/v1/servers/localhost`, { headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(1000) });
        await response.text();
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`pdns_server's API did not answer at ${apiUrl} within ${timeoutMs} ms; its output:\n${output}`);
  } finally {
    child.off('exit', onExit);
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startPowerDns(options: StartPowerDnsOptions = {}): Promise<PowerDnsServer> {
  const binary = options.binary ?? PDNS_BINARY;
  const pickTcp = options.freePort ?? freeTcpPort;
  await mustExist(binary, 'pdns_server', constants.X_OK);
  await mustExist(SQLITE_SCHEMA, 'the gsqlite3 schema');
  await mustExist(SQLITE_BINARY, 'sqlite3', constants.X_OK);

  const configDir = await mkdtemp(join(tmpdir(), 'bf-pdns-'));
  const cleanup = () => rm(configDir, { recursive: true, force: true });
  let child: ChildProcess | undefined;
  try {
    const database = join(configDir, 'pdns.sqlite3');
    await run(SQLITE_BINARY, [database], await readFile(SQLITE_SCHEMA, 'utf8'));
    const apiKey = randomBytes(18).toString('base64url');
    const webPort = await pickTcp();
    const dnsPort = await freeDnsPort(pickTcp);
    await writeFile(
      join(configDir, 'pdns.conf'),
      pdnsConf({
        api: 'yes',
        'api-key': apiKey,
        webserver: 'yes',
        'webserver-address': '127.0.0.1',
        'webserver-port': webPort,
        'webserver-allow-from': '127.0.0.1',
        'local-address': '127.0.0.1',
        'local-port': dnsPort,
        launch: 'gsqlite3',
        'gsqlite3-database': database,
        'socket-dir': configDir,
        daemon: 'no',
        guardian: 'no',
        'disable-syslog': 'yes',
        // 3 = errors only: the output is read only when startup fails.
        loglevel: 3,
      }),
      { mode: 0o600 },
    );

    const output = new OutputTail();
    child = spawn(binary, [`--config-dir=${configDir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => output.append(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.append(chunk));
    const apiUrl = `http://127.0.0.1:${webPort}`;
    await waitForApi(child, output, apiUrl, apiKey, options.startTimeoutMs ?? 15_000);

    const running = child;
    return {
      apiUrl,
      apiKey,
      dnsHost: '127.0.0.1',
      dnsPort,
      webPort,
      configDir,
      stop: async () => {
        await stopProcess(running);
        await cleanup();
      },
    };
  } catch (error) {
    if (child) await stopProcess(child);
    await cleanup();
    throw error;
  }
}
