import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { PlanSource } from '@bf/contracts';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type RollbackStatus = 'rolling_back' | 'rolled_back' | 'partially_rolled_back';
export type RunStatus = (typeof RUN_STATUSES)[number];

@Entity({ name: 'runs' })
@Index(['tenantId', 'planId'])
export class RunEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plan_id' }) planId!: string;
  @Column('text') status!: RunStatus;
  @Column('boolean', { name: 'dry_run' }) dryRun!: boolean;
  /** The plan's source, copied at start: it picks the run's audit event names (factory.* or pipeline.*) and failure policy. */
  @Column('text', { default: 'briefing' }) source!: PlanSource;
  /** State carried from step to step (e.g. the deployed URL), merged from step outputs. */
  @Column('jsonb') context!: Record<string, unknown>;
  @Column('jsonb', { nullable: true }) error!: { stepId: string; message: string } | null;
  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  /** Cancel asked for: nothing more is dispatched; the run ends cancelled once no step is in flight. */
  @Column('boolean', { name: 'cancel_requested', default: false }) cancelRequested!: boolean;
  /** Compensation asked for (rollback, auto_rollback, cancel with rollback): it starts once no step is in flight. */
  @Column('boolean', { name: 'rollback_requested', default: false }) rollbackRequested!: boolean;
  @Column('text', { name: 'rollback_status', nullable: true }) rollbackStatus!: RollbackStatus | null;
  /** Compensate only steps with a higher sequence (seed 000 `?to_step=N`); null for all. */
  @Column('int', { name: 'rollback_to_step', nullable: true }) rollbackToStep!: number | null;
  @Column('timestamptz', { name: 'rollback_finished_at', nullable: true }) rollbackFinishedAt!: Date | null;
  /** The correlation id of the request that started the run: every event of the run carries it (null for runs from before it was kept). */
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId!: string | null;
}
