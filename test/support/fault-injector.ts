import { DynamicModule } from '@nestjs/common';
import { AppConfig } from '@bf/config';
import { StepAction, WorkerQueue } from '@bf/contracts';
import { Runtime, WorkerModuleFactory } from '@bf/runtime';
import { PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { WORKERS } from '../../apps/gateway/src/start-all';
import { ODOO_STEPS } from '../../apps/odoo/src/odoo.module';
import { WEBGEN_STEPS } from '../../apps/webgen/src/webgen.module';

/** What one attempt of a step does before (or instead of) the real executor. */
export type Fault = { delayMs?: number; fail?: 'transient' | 'permanent' };

export interface Call {
  action: StepAction;
  stepId: string;
  startedAt: number;
  finishedAt: number;
  outcome: 'ok' | 'transient' | 'permanent';
}

/**
 * Wraps the real webgen and odoo executors so an engine test can make an
 * attempt slow or fail it, transiently or permanently, and see every call.
 * The rest is the real system: queues, orchestrator, PostgreSQL, the executors'
 * own dry runs. Faults are consumed per (action) in attempt order.
 */
export class FaultInjector {
  readonly calls: Call[] = [];
  private readonly planned = new Map<StepAction, Fault[]>();

  plan(action: StepAction, ...faults: Fault[]): void {
    this.planned.set(action, faults);
  }

  reset(): void {
    this.planned.clear();
    this.calls.length = 0;
  }

  callsOf(action: StepAction): Call[] {
    return this.calls.filter((call) => call.action === action);
  }

  wrap(executor: StepExecutor): StepExecutor {
    const attempt = async (context: StepContext, real: () => Promise<StepOutcome>): Promise<StepOutcome> => {
      const fault = this.planned.get(executor.action)?.shift() ?? {};
      const call: Call = { action: executor.action, stepId: context.stepId, startedAt: Date.now(), finishedAt: 0, outcome: 'ok' };
      this.calls.push(call);
      try {
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.fail === 'transient') throw new Error(`injected transient fault in ${executor.action}: connection reset`);
        if (fault.fail === 'permanent') throw new PermanentStepError(`injected permanent fault in ${executor.action}: 403 forbidden`);
        return await real();
      } catch (error) {
        call.outcome = error instanceof PermanentStepError ? 'permanent' : 'transient';
        throw error;
      } finally {
        call.finishedAt = Date.now();
      }
    };
    return {
      action: executor.action,
      dryRun: (context) => attempt(context, () => executor.dryRun(context)),
      execute: (context) => attempt(context, () => executor.execute(context)),
      rollback: (context, previous) => executor.rollback(context, previous),
    };
  }

  /** The seven workers, with webgen's and odoo's executors wrapped. */
  workers(): [WorkerQueue, WorkerModuleFactory][] {
    return WORKERS.map(([queue, module]) => {
      const steps = queue === 'webgen' ? WEBGEN_STEPS : queue === 'odoo' ? ODOO_STEPS : undefined;
      if (!steps) return [queue, module];
      const instrumented: WorkerModuleFactory = {
        forRuntime: (runtime: Runtime) => {
          const base = module.forRuntime(runtime) as DynamicModule;
          const wrapped = steps.map((type) => ({
            provide: type,
            useFactory: () => this.wrap(new (type as new (config: AppConfig) => StepExecutor)(runtime.config)),
          }));
          return { ...base, providers: [...(base.providers ?? []).filter((p) => !(steps as unknown[]).includes(p)), ...wrapped] };
        },
      };
      return [queue, instrumented];
    });
  }
}
