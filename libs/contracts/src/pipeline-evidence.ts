import { z } from 'zod';
import { JsonNestingError, MAX_CANONICAL_DEPTH, sha256Hex } from './canonical-json';
import { ExecutionGraphSpec } from './graph.schema';
import { StepAction, StepStatus } from './plan.schema';

/** Where a graph run stands; the rollback states take over once a rollback has started. */
export type GraphRunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'rolling_back' | 'rolled_back' | 'partially_rolled_back';

/** One node's outcome in a seed 001 ExecutionGraphResult. */
export interface NodeResult {
  status: StepStatus;
  /** What the node did, or in a dry run would do (its step result). */
  result?: Record<string, unknown>;
  /** Why it failed, or why it was skipped. */
  error?: string;
  /** Worker time from start to outcome; null for a node that never ran. */
  duration_ms: number | null;
  /** Its compensation, when a rollback reached it. */
  rollback?: { status: 'pending' | 'dispatched' | 'rolled_back' | 'failed'; error?: string };
}

/** Seed 001 ExecutionGraphResult, plus the plan and run that carried it out. */
export interface ExecutionGraphResult {
  graph_id: string;
  plan_id: string;
  run_id: string;
  status: GraphRunStatus;
  /** Node ids in topological order (Kahn, ties in the order the graph lists them). */
  execution_order: string[];
  completed_nodes: string[];
  failed_nodes: string[];
  skipped_nodes: string[];
  node_results: Record<string, NodeResult>;
  /** Compensated nodes, in the order they were undone. */
  rolled_back_nodes: string[];
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  dry_run: boolean;
}

/** Seed 001 dry-run report: per node what it would change, and totals. */
export interface DryRunReport {
  graph_id: string;
  dry_run: true;
  nodes: { node_id: string; node_type: StepAction; status: StepStatus; would: string | null; result: Record<string, unknown> | null; error: string | null }[];
  totals: { nodes: number; completed: number; failed: number; skipped: number; would_change: number };
}

/** Seed 001 S8.6 PipelineEvidencePack. */
export interface PipelineEvidencePack {
  pack_id: string;
  generated_at: string;
  business_intent_id: string;
  business_intent: null;
  graph_id: string;
  graph_spec: ExecutionGraphSpec | null;
  execution_result: ExecutionGraphResult;
  summary: Record<string, string | number | boolean | null>;
  governance_decisions: Record<string, unknown>[];
  artifacts: string[];
  audit_events: Record<string, unknown>[];
  content_hash: string;
  is_dry_run: boolean;
}

/**
 * What `POST /api/pipeline/evidence/verify` accepts: a pack as the seed defines it.
 * Only the fields the content hash covers are checked closely; the rest pass through.
 */
export const PipelineEvidencePackSchema = z
  .object({
    pack_id: z.string(),
    generated_at: z.string(),
    business_intent_id: z.string(),
    business_intent: z.unknown().optional(),
    graph_id: z.string(),
    graph_spec: z.unknown().optional(),
    execution_result: z
      .object({ execution_order: z.array(z.string()), completed_nodes: z.array(z.string()), failed_nodes: z.array(z.string()) })
      .passthrough(),
    summary: z.record(z.unknown()),
    governance_decisions: z.array(z.unknown()).default([]),
    artifacts: z.array(z.string()),
    audit_events: z.array(z.unknown()).default([]),
    content_hash: z.string(),
    is_dry_run: z.boolean(),
  })
  .passthrough();
export type PipelineEvidencePackInput = z.infer<typeof PipelineEvidencePackSchema>;

type HashedFields = Pick<PipelineEvidencePackInput, 'business_intent_id' | 'graph_id' | 'is_dry_run' | 'summary' | 'artifacts'> & {
  execution_result: Pick<ExecutionGraphResult, 'execution_order' | 'completed_nodes' | 'failed_nodes'>;
};

/**
 * Seed 001 S8.6 `_compute_content_hash`, byte for byte: SHA-256 (hex) of Python's
 * `json.dumps(content, sort_keys=True)` over the pack's identity, summary,
 * execution order, sorted completed and failed nodes and sorted artifacts.
 * Timestamps are left out, so the same run always hashes the same.
 */
export function pipelineContentHash(pack: HashedFields): string {
  const content = {
    business_intent_id: pack.business_intent_id,
    graph_id: pack.graph_id,
    is_dry_run: pack.is_dry_run,
    summary: pack.summary,
    execution_order: pack.execution_result.execution_order,
    completed_nodes: [...pack.execution_result.completed_nodes].sort(compareCodePoints),
    failed_nodes: [...pack.execution_result.failed_nodes].sort(compareCodePoints),
    artifacts: [...pack.artifacts].sort(compareCodePoints),
  };
  return sha256Hex(pythonJsonDumps(content));
}

/**
 * Python's `json.dumps(value, sort_keys=True)` with its defaults: separators
 * `', '` and `': '`, `ensure_ascii=True` (every character outside space..tilde
 * escaped as `\uXXXX`, lowercase hex, UTF-16 units), keys sorted by code point.
 * JSON has one number type, so whole numbers are written as Python ints (`1`,
 * never `1.0`) and others as Python's float repr.
 */
export function pythonJsonDumps(value: unknown): string {
  return dump(value, 0) ?? 'null';
}

/** Bounded like canonicalJson: a pack nested to overflow the stack gets JsonNestingError, not a RangeError. */
function dump(value: unknown, depth: number): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return pythonNumber(value);
    case 'string':
      return pythonString(value);
    case 'object': {
      if (depth >= MAX_CANONICAL_DEPTH) throw new JsonNestingError();
      if (Array.isArray(value)) return `[${value.map((item) => dump(item, depth + 1) ?? 'null').join(', ')}]`;
      if (value instanceof Date) return pythonString(value.toISOString());
      const members = Object.keys(value as object)
        .sort(compareCodePoints)
        .flatMap((key) => {
          const member = dump((value as Record<string, unknown>)[key], depth + 1);
          return member === undefined ? [] : [`${pythonString(key)}: ${member}`];
        });
      return `{${members.join(', ')}}`;
    }
    default:
      return undefined;
  }
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n)) return BigInt(n).toString();
  // Python's float repr has JavaScript's shortest round-trip digits, but switches to
  // exponent notation below 1e-4 (JavaScript: 1e-7) and writes the exponent with two digits.
  const [mantissa, exponentText] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4) return `${mantissa}e-${String(-exponent).padStart(2, '0')}`;
  return String(n);
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function pythonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const code = text.charCodeAt(i);
    if (SHORT_ESCAPES[char]) out += SHORT_ESCAPES[char];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** Python's str ordering: by Unicode code point (JavaScript's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (difference) return difference;
  }
  return left.length - right.length;
}
