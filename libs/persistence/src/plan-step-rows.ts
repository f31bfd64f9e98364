import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ExecutionStep } from '@bf/contracts';
import { PlanStepEntity } from './entities';

/** The plan_steps rows of a plan's steps: one mapping for every writer of plans (briefing planner, graph API). */
export function planStepRows(planId: string, tenantId: string, steps: ExecutionStep[]): QueryDeepPartialEntity<PlanStepEntity>[] {
  return steps.map((step) => ({
    stepId: step.step_id,
    planId,
    tenantId,
    sequence: step.sequence,
    name: step.name,
    description: step.description,
    executor: step.executor,
    action: step.action,
    templateId: step.template_id,
    parameters: step.parameters as never,
    dependsOn: step.depends_on,
    rollbackPossible: step.rollback_possible,
    rollbackSteps: step.rollback_steps,
  }));
}
