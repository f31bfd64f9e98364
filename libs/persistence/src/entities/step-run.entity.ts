import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StepStatus } from '@bf/contracts';

@Entity({ name: 'step_runs' })
export class StepRunEntity {
  @PrimaryColumn('text', { name: 'run_id' }) runId!: string;
  @PrimaryColumn('text', { name: 'step_id' }) stepId!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') status!: StepStatus;
  @Column('int') attempt!: number;
  /** Set when the step's job is enqueued; a pending step with this set is waiting in its queue. */
  @Column('timestamptz', { name: 'dispatched_at', nullable: true }) dispatchedAt!: Date | null;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  /** The step's own mode, decided when the run is recorded: a live run may dry-run the steps that cannot run live. */
  @Column('boolean', { name: 'dry_run', nullable: true }) dryRun!: boolean | null;
  /** Why the step runs as a dry run; null for a live step. */
  @Column('text', { name: 'dry_run_reason', nullable: true }) dryRunReason!: string | null;
  @Column('jsonb', { nullable: true }) result!: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) error!: { message: string; permanent: boolean; attempts: number } | null;
  @Column('text', { nullable: true }) worker!: string | null;
  @Column('text', { name: 'rollback_status', nullable: true }) rollbackStatus!: 'pending' | 'dispatched' | 'rolled_back' | 'failed' | null;
  /** 1 = compensated first (the step that completed last). */
  @Column('int', { name: 'rollback_order', nullable: true }) rollbackOrder!: number | null;
  @Column('jsonb', { name: 'rollback_result', nullable: true }) rollbackResult!: Record<string, unknown> | null;
  @Column('jsonb', { name: 'rollback_error', nullable: true }) rollbackError!: { message: string } | null;
  @Column('timestamptz', { name: 'rolled_back_at', nullable: true }) rolledBackAt!: Date | null;
}
