import { execFileSync } from 'node:child_process';
import { compareCodePoints, pipelineContentHash, pythonJsonDumps } from './pipeline-evidence';

/** A pack as the hash sees it, with everything Python's json.dumps treats specially. */
const TRICKY = {
  business_intent_id: 'intent_ünïcode-€-😀',
  graph_id: 'g-1',
  is_dry_run: true,
  summary: { status: 'completed', total_nodes: 3, ratio: 0.5, tiny: 1e-5, neg: -2, none: null, ctl: 'a\tb\n"q" \\ \u007f \u0001', Zeta: 1, alpha: [1, 2.25, { b: 1, a: 2 }] },
  execution_result: { execution_order: ['b', 'a', 'c'], completed_nodes: ['c', 'a', 'B'], failed_nodes: [] },
  artifacts: ['z/x.txt', 'a.txt', 'é.txt', 'Z.txt'],
};

function python3Available(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('pipelineContentHash (seed 001 S8.6 _compute_content_hash)', () => {
  it('writes what Python json.dumps(sort_keys=True) writes: separators, ensure_ascii escapes, code-point key order, float repr', () => {
    expect(pythonJsonDumps({ b: [1, 2.5, 1e-5, 0.0001, -0], a: 'é😀\u007f"\\\n', '\u00e9': null, Z: true })).toBe(
      '{"Z": true, "a": "\\u00e9\\ud83d\\ude00\\u007f\\"\\\\\\n", "b": [1, 2.5, 1e-05, 0.0001, 0], "\\u00e9": null}',
    );
    expect(pythonJsonDumps({})).toBe('{}');
    expect(pythonJsonDumps([])).toBe('[]');
  });

  it('matches fixed vectors computed with CPython 3.11 (json.dumps(content, sort_keys=True), sha256 hexdigest)', () => {
    expect(pipelineContentHash(TRICKY)).toBe('4affc7573fa2259462f64a5482142685a5e4233eb956de39a4438aa715e19f04');
    expect(
      pipelineContentHash({ business_intent_id: 'intent_1', graph_id: 'graph_1', is_dry_run: false, summary: {}, execution_result: { execution_order: [], completed_nodes: [], failed_nodes: [] }, artifacts: [] }),
    ).toBe('513a21f5f76b3da6ca6d0b776fc5b04b4813d28c98f21aaa156b0c42a30e861e');
  });

  (python3Available() ? it : it.skip)('matches the seed formula run by python3 on the same pack', () => {
    const pack = { ...TRICKY, summary: { ...TRICKY.summary, nested: { 'ü': ['x', 3, 0.1] }, big: 12345678901234 } };
    const script = [
      'import hashlib, json, sys',
      'p = json.load(sys.stdin)',
      'c = {"business_intent_id": p["business_intent_id"], "graph_id": p["graph_id"], "is_dry_run": p["is_dry_run"], "summary": p["summary"],',
      '     "execution_order": p["execution_result"]["execution_order"], "completed_nodes": sorted(p["execution_result"]["completed_nodes"]),',
      '     "failed_nodes": sorted(p["execution_result"]["failed_nodes"]), "artifacts": sorted(p["artifacts"])}',
      'print(hashlib.sha256(json.dumps(c, sort_keys=True).encode("utf-8")).hexdigest())',
    ].join('\n');
    const expected = execFileSync('python3', ['-c', script], { input: JSON.stringify(pack) }).toString().trim();
    expect(pipelineContentHash(pack)).toBe(expected);
  });

  it('ignores the order of completed nodes, failed nodes and artifacts, but not the execution order or any summary value', () => {
    const base = pipelineContentHash(TRICKY);
    expect(pipelineContentHash({ ...TRICKY, artifacts: [...TRICKY.artifacts].reverse() })).toBe(base);
    expect(pipelineContentHash({ ...TRICKY, execution_result: { ...TRICKY.execution_result, completed_nodes: ['B', 'c', 'a'] } })).toBe(base);
    expect(pipelineContentHash({ ...TRICKY, execution_result: { ...TRICKY.execution_result, execution_order: ['a', 'b', 'c'] } })).not.toBe(base);
    expect(pipelineContentHash({ ...TRICKY, summary: { ...TRICKY.summary, total_nodes: 4 } })).not.toBe(base);
  });

  it('orders strings by code point as Python does (not by UTF-16 unit)', () => {
    expect(['\uffff', '😀', 'a'].sort(compareCodePoints)).toEqual(['a', '\uffff', '😀']);
  });
});
