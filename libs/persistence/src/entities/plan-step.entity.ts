import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Executor, RollbackStep, StepAction } from '@bf/contracts';

@Entity({ name: 'plan_steps' })
@Index(['planId', 'sequence'], { unique: true })
export class PlanStepEntity {
  @PrimaryColumn('text', { name: 'step_id' }) stepId!: string;
  @Column('text', { name: 'plan_id' }) planId!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('int') sequence!: number;
  @Column('text') name!: string;
  @Column('text') description!: string;
  @Column('text') executor!: Executor;
  @Column('text') action!: StepAction;
  @Column('text', { name: 'template_id', nullable: true }) templateId!: string | null;
  @Column('jsonb') parameters!: Record<string, unknown>;
  @Column('text', { name: 'depends_on', array: true }) dependsOn!: string[];
  @Column('boolean', { name: 'rollback_possible' }) rollbackPossible!: boolean;
  @Column('jsonb', { name: 'rollback_steps' }) rollbackSteps!: RollbackStep[];
}
