import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { RunEntity, StepRunEntity } from '@bf/persistence';
import { RunAdvancer } from '../orchestrator/run-advancer';
import { RunFollowUp } from '../orchestrator/run-follow-up';

/** Seed 000 rollback response. */
export interface RollbackResponse {
  plan_id: string;
  run_id: string;
  success: boolean;
  status: 'rolled_back' | 'partially_rolled_back' | 'rolling_back';
  steps_rolled_back: number;
  errors: { step_id: string; error: string }[];
  timestamp: string;
}

/** Starts a rollback (or a cancel) and, for rollback, waits a bounded time for its outcome. */
@Injectable()
export class RollbackService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly advancer: RunAdvancer,
    private readonly followUp: RunFollowUp,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async rollback(tenantId: string, planId: string, toStep: number | null): Promise<RollbackResponse> {
    const advance = await this.advancer.requestRollback(tenantId, planId, toStep);
    await this.followUp.carryOut(advance);
    const deadline = Date.now() + this.config.planner.waitMs;
    for (;;) {
      const run = await this.dataSource.getRepository(RunEntity).findOneByOrFail({ id: advance.run.runId });
      if (run.rollbackStatus !== 'rolling_back' && run.rollbackStatus !== null) return this.outcome(planId, run);
      if (Date.now() > deadline) return this.outcome(planId, run);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async cancel(tenantId: string, planId: string, rollback: boolean) {
    const advance = await this.advancer.requestCancel(tenantId, planId, rollback);
    await this.followUp.carryOut(advance);
    return { plan_id: planId, run_id: advance.run.runId, status: advance.runStatus === 'cancelled' ? 'cancelled' : 'cancelling', rollback };
  }

  private async outcome(planId: string, run: RunEntity): Promise<RollbackResponse> {
    const stepRuns = await this.dataSource.getRepository(StepRunEntity).findBy({ runId: run.id });
    const errors = stepRuns.filter((s) => s.rollbackStatus === 'failed').map((s) => ({ step_id: s.stepId, error: s.rollbackError?.message ?? 'unknown' }));
    const status = (run.rollbackStatus ?? 'rolling_back') as RollbackResponse['status'];
    return {
      plan_id: planId,
      run_id: run.id,
      success: status === 'rolled_back',
      status,
      steps_rolled_back: stepRuns.filter((s) => s.rollbackStatus === 'rolled_back').length,
      errors,
      timestamp: new Date().toISOString(),
    };
  }
}
