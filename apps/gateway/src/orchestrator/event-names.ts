import type { AuditEventType, PlanSource } from '@bf/contracts';

/** The moments of a run the engine records, whatever the plan came from. */
export type RunEventKind =
  | 'run_started'
  | 'run_completed'
  | 'run_failed'
  | 'run_cancelled'
  | 'step_started'
  | 'step_completed'
  | 'step_failed'
  | 'step_skipped'
  | 'rollback_started'
  | 'rollback_completed'
  | 'step_rollback_started'
  | 'step_rolled_back'
  | 'step_rollback_failed';

/**
 * One engine, two vocabularies: a planned briefing's run speaks seed 000
 * (`factory.*`), a seed 001 execution graph's run speaks seed 001
 * (`pipeline.*`). Null where a vocabulary has no such event: briefing plans
 * never skip a step, and seed 000 records no start of a single compensation.
 */
const EVENT_NAMES = {
  briefing: {
    run_started: 'factory.execution_started',
    run_completed: 'factory.execution_completed',
    run_failed: 'factory.execution_failed',
    run_cancelled: 'factory.execution_cancelled',
    step_started: 'factory.step_started',
    step_completed: 'factory.step_completed',
    step_failed: 'factory.step_failed',
    step_skipped: null,
    rollback_started: 'factory.rollback_started',
    rollback_completed: 'factory.rollback_completed',
    step_rollback_started: null,
    step_rolled_back: 'factory.step_rolled_back',
    step_rollback_failed: 'factory.step_rollback_failed',
  },
  graph: {
    run_started: 'pipeline.graph_started',
    run_completed: 'pipeline.graph_completed',
    run_failed: 'pipeline.graph_failed',
    run_cancelled: 'pipeline.graph_cancelled',
    step_started: 'pipeline.node_started',
    step_completed: 'pipeline.node_completed',
    step_failed: 'pipeline.node_failed',
    step_skipped: 'pipeline.node_skipped',
    rollback_started: 'pipeline.graph_rollback_started',
    rollback_completed: 'pipeline.graph_rollback_completed',
    step_rollback_started: 'pipeline.node_rollback_started',
    step_rolled_back: 'pipeline.node_rollback_completed',
    step_rollback_failed: 'pipeline.node_rollback_failed',
  },
} as const satisfies Record<PlanSource, Record<RunEventKind, AuditEventType | null>>;

type EventNameOf<K extends RunEventKind> = (typeof EVENT_NAMES)[PlanSource][K];

/** The audit event type of a run moment for a plan of this source (null where that vocabulary has none). */
export function eventType<K extends RunEventKind>(source: PlanSource, kind: K): EventNameOf<K> {
  // Anything but a graph speaks seed 000: rows written before plans had a source read as 'briefing'.
  return EVENT_NAMES[source === 'graph' ? 'graph' : 'briefing'][kind];
}

/**
 * Seed 001 brackets a dry run with `pipeline.dry_run_started` (after
 * graph_started) and `pipeline.dry_run_completed` (after the run's end event).
 * Briefing plans have no such events.
 */
export function dryRunEventType(source: PlanSource, dryRun: boolean, moment: 'started' | 'completed'): AuditEventType | null {
  if (source !== 'graph' || !dryRun) return null;
  return moment === 'started' ? 'pipeline.dry_run_started' : 'pipeline.dry_run_completed';
}
