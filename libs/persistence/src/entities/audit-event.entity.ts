import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AuditEventType, AuditSeverity } from '@bf/contracts';

@Entity({ name: 'audit_events' })
@Index(['tenantId', 'eventType', 'seq'])
@Index(['planId', 'seq'])
export class AuditEventEntity {
  @PrimaryColumn('text') id!: string;
  /** Insertion order; the stable cursor for paging. */
  @Column({ type: 'bigint', insert: false, update: false }) seq!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'event_type' }) eventType!: AuditEventType;
  @Column('text') severity!: AuditSeverity;
  @Column('text') reason!: string;
  @Column('boolean') success!: boolean;
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId!: string | null;
  @Column('text', { name: 'plan_id', nullable: true }) planId!: string | null;
  @Column('text', { name: 'run_id', nullable: true }) runId!: string | null;
  @Column('jsonb') metadata!: Record<string, unknown>;
  /** Microsecond precision (timestamptz keeps microseconds); written as an ISO string with 6 decimals. */
  @Column('timestamptz', { name: 'occurred_at', default: () => 'clock_timestamp()' }) occurredAt!: Date;
  /** The tamper-evident chain this event belongs to (see audit-chain.ts). */
  @Column('text', { name: 'chain_key' }) chainKey!: string;
  @Column('text', { name: 'prev_hash' }) prevHash!: string;
  @Column('text') hash!: string;
}
