import { compareCodePoints, sha256Hex } from '@bf/contracts';
import { CheckList } from './check-list';
import { CHECKSUMS_FILE } from './pack-layout';
import { PackFiles } from './zip-entries';

const LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** The same sha256 the packs were written with. */
export const sha256 = sha256Hex;

interface ChecksumLine {
  sha256: string;
  path: string;
  lineNo: number;
}

/**
 * The `sha256sum -c` file must account for every other file exactly once.
 * Order matters for a byte-identical rebuild: lines follow the ZIP's entry
 * order or plain code-point path order, so a reshuffled file stands out.
 */
export function verifyChecksums(pack: PackFiles, checks: CheckList): void {
  const text = pack.files.get(CHECKSUMS_FILE);
  if (!text) return checks.fail('checksums', 'the pack has no checksum file', CHECKSUMS_FILE);
  const lines = parseLines(text.toString('utf8'), checks);
  if (!lines) return;
  const before = checks.all.filter((check) => !check.passed).length;
  const listed = new Map<string, ChecksumLine>();
  for (const line of lines) {
    if (line.path === CHECKSUMS_FILE) checks.fail('checksums', `line ${line.lineNo} lists the checksum file itself`, CHECKSUMS_FILE);
    else if (listed.has(line.path)) checks.fail('checksums', `line ${line.lineNo} lists ${line.path} a second time`, line.path);
    else listed.set(line.path, line);
  }
  for (const line of listed.values()) {
    const content = pack.files.get(line.path);
    if (!content) checks.fail('checksums', `listed on line ${line.lineNo} but not in the pack`, line.path);
    else if (sha256(content) !== line.sha256) checks.fail('checksums', `sha256 differs from line ${line.lineNo}: the file or its checksum was changed`, line.path);
  }
  for (const path of pack.order) {
    if (path !== CHECKSUMS_FILE && !listed.has(path)) checks.fail('checksums', 'in the pack but not listed in the checksum file', path);
  }
  checkOrder(pack, lines, checks);
  if (checks.all.filter((check) => !check.passed).length === before) checks.pass('checksums', `${lines.length} file(s) match ${CHECKSUMS_FILE}`, CHECKSUMS_FILE);
}

function parseLines(text: string, checks: CheckList): ChecksumLine[] | undefined {
  if (text.length === 0) return void checks.fail('checksums', 'the checksum file is empty', CHECKSUMS_FILE);
  if (!text.endsWith('\n')) return void checks.fail('checksums', 'the checksum file does not end with a newline', CHECKSUMS_FILE);
  const lines: ChecksumLine[] = [];
  const raw = text.slice(0, -1).split('\n');
  for (let i = 0; i < raw.length; i++) {
    const match = LINE.exec(raw[i]);
    if (!match) return void checks.fail('checksums', `line ${i + 1} is not "<sha256>  <path>": ${JSON.stringify(raw[i].slice(0, 120))}`, CHECKSUMS_FILE);
    lines.push({ sha256: match[1], path: match[2], lineNo: i + 1 });
  }
  return lines;
}

function checkOrder(pack: PackFiles, lines: ChecksumLine[], checks: CheckList): void {
  const paths = lines.map((line) => line.path);
  const zipOrder = pack.order.filter((path) => path !== CHECKSUMS_FILE);
  const sorted = [...paths].sort(compareCodePoints);
  const same = (other: string[]) => other.length === paths.length && other.every((path, i) => path === paths[i]);
  if (same(zipOrder) || same(sorted)) return;
  const firstOff = paths.findIndex((path, i) => path !== zipOrder[i] && path !== sorted[i]);
  // No position is off in both orders: the lines differ only in which files they list, reported above.
  if (firstOff < 0) return;
  checks.fail('checksums', `lines are out of order from line ${firstOff + 1} (${paths[firstOff]}): expected the ZIP's entry order or path order`, CHECKSUMS_FILE);
}
