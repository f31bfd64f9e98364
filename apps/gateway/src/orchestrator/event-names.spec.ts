import { AuditEventTypeSchema } from '@bf/contracts';
import { dryRunEventType, eventType, RunEventKind } from './event-names';

const KINDS: RunEventKind[] = [
  'run_started', 'run_completed', 'run_failed', 'run_cancelled', 'step_started', 'step_completed', 'step_failed', 'step_skipped',
  'rollback_started', 'rollback_completed', 'step_rollback_started', 'step_rolled_back', 'step_rollback_failed',
];

describe('eventType', () => {
  it('keeps the seed 000 factory.* names for briefing plans', () => {
    expect(KINDS.map((kind) => eventType('briefing', kind))).toEqual([
      'factory.execution_started', 'factory.execution_completed', 'factory.execution_failed', 'factory.execution_cancelled',
      'factory.step_started', 'factory.step_completed', 'factory.step_failed', null,
      'factory.rollback_started', 'factory.rollback_completed', null, 'factory.step_rolled_back', 'factory.step_rollback_failed',
    ]);
  });

  it('speaks seed 001 pipeline.* for graph plans, with a name for every moment', () => {
    expect(KINDS.map((kind) => eventType('graph', kind))).toEqual([
      'pipeline.graph_started', 'pipeline.graph_completed', 'pipeline.graph_failed', 'pipeline.graph_cancelled',
      'pipeline.node_started', 'pipeline.node_completed', 'pipeline.node_failed', 'pipeline.node_skipped',
      'pipeline.graph_rollback_started', 'pipeline.graph_rollback_completed', 'pipeline.node_rollback_started', 'pipeline.node_rollback_completed', 'pipeline.node_rollback_failed',
    ]);
  });

  it('names only audit event types the contract knows', () => {
    for (const source of ['briefing', 'graph'] as const) {
      for (const kind of KINDS) {
        const type = eventType(source, kind);
        if (type !== null) expect(AuditEventTypeSchema.safeParse(type).success).toBe(true);
      }
    }
  });

  it('brackets only a graph dry run with dry_run_started / dry_run_completed', () => {
    expect(dryRunEventType('graph', true, 'started')).toBe('pipeline.dry_run_started');
    expect(dryRunEventType('graph', true, 'completed')).toBe('pipeline.dry_run_completed');
    expect(dryRunEventType('graph', false, 'completed')).toBeNull();
    expect(dryRunEventType('briefing', true, 'started')).toBeNull();
  });
});
