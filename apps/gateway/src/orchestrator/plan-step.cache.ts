import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PlanStepEntity } from '@bf/persistence';

/**
 * A plan's steps, read once per plan. Steps never change after planning (the
 * plan's hash covers them and execution refuses a plan whose content drifted),
 * so every report of every run of a plan can use the same list. Bounded: the
 * least recently used plan is forgotten first.
 */
@Injectable()
export class PlanStepCache {
  private readonly plans = new Map<string, PlanStepEntity[]>();
  private readonly capacity = 2_000;

  async of(manager: EntityManager, planId: string): Promise<PlanStepEntity[]> {
    const cached = this.plans.get(planId);
    if (cached) {
      // Re-inserting moves the plan to the back of the Map's order: most recently used.
      this.plans.delete(planId);
      this.plans.set(planId, cached);
      return cached;
    }
    const steps = await manager.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
    if (!steps.length) return steps; // not planned yet (or not this tenant's): never cache an absence
    this.plans.set(planId, steps);
    if (this.plans.size > this.capacity) this.plans.delete(this.plans.keys().next().value!);
    return steps;
  }
}
