import { readFile } from 'node:fs/promises';
import { parseTrustedKeys } from './trusted-keys';
import { TrustedKey, VerifyResult } from './types';
import { verifyEvidencePack } from './verify-pack';

export const USAGE = 'usage: npm run verify -- <pack.zip> [--keys keys.json]\n  keys.json: the body of GET /api/v1/keys; without it the pack\'s own key is used and who signed is not established';

export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleOutput: CliOutput = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

/** Offline verifier: 0 valid, 1 invalid, 2 when it was not asked properly (or could not read its inputs). */
export async function main(argv: string[], io: CliOutput = consoleOutput): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    io.err(args.error);
    io.err(USAGE);
    return 2;
  }
  let zip: Buffer;
  let trustedKeys: TrustedKey[] | undefined;
  try {
    zip = await readFile(args.pack);
    trustedKeys = args.keys ? parseTrustedKeys(await readFile(args.keys, 'utf8')) : undefined;
  } catch (error) {
    io.err(`cannot read input: ${(error as Error).message}`);
    return 2;
  }
  const result = await verifyEvidencePack(zip, { trustedKeys });
  report(result, io);
  return result.valid ? 0 : 1;
}

function parseArgs(argv: string[]): { pack: string; keys?: string } | { error: string } {
  const positional: string[] = [];
  let keys: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--keys') {
      keys = argv[++i];
      if (!keys) return { error: '--keys needs a file' };
    } else if (argv[i] === '-h' || argv[i] === '--help') return { error: 'help' };
    else if (argv[i].startsWith('-')) return { error: `unknown option ${argv[i]}` };
    else positional.push(argv[i]);
  }
  if (positional.length !== 1) return { error: 'give exactly one pack' };
  return { pack: positional[0], keys };
}

function report(result: VerifyResult, io: CliOutput): void {
  for (const check of result.checks) {
    io.out(`${check.passed ? 'PASS' : 'FAIL'}  ${check.check}${check.file ? ` [${check.file}]` : ''}: ${check.detail}`);
  }
  io.out(`key: ${result.key_id ?? '-'} (envelope keyid hint: ${result.keyid_hint ?? '-'}); trust: ${result.key_trust}`);
  io.out(`statement sha256: signed ${result.expected_hash ?? '-'}, file ${result.computed_hash ?? '-'}`);
  io.out(result.valid ? 'VALID' : 'INVALID');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
