// The real webgen worker process (runWorkerProcess: its signal handling, its
// Runtime), with one controlled difference for the graceful-shutdown tests: the
// first call of SLOW_ACTION waits SLOW_MS before the real executor runs. Every
// executor call prints `BF-STEP started|finished <action> <stepId>` on stdout, so
// a test sees which process ran what, and how often.
// Run with: node -r ./test/support/ts-register.js test/support/slow-webgen-worker.ts
import 'reflect-metadata';
import { DynamicModule } from '@nestjs/common';
import { AppConfig } from '@bf/config';
import { Runtime, runWorkerProcess } from '@bf/runtime';
import { StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { WEBGEN_STEPS, WebgenModule } from '../../apps/webgen/src/webgen.module';

const slowAction = process.env.SLOW_ACTION ?? '';
let slowMs = Number(process.env.SLOW_MS ?? 0);

function instrument(executor: StepExecutor): StepExecutor {
  const call = async (context: StepContext, real: () => Promise<StepOutcome>) => {
    process.stdout.write(`BF-STEP started ${executor.action} ${context.stepId}\n`);
    if (executor.action === slowAction && slowMs > 0) {
      const wait = slowMs;
      slowMs = 0;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const outcome = await real();
    process.stdout.write(`BF-STEP finished ${executor.action} ${context.stepId}\n`);
    return outcome;
  };
  return {
    action: executor.action,
    dryRun: (context) => call(context, () => executor.dryRun(context)),
    execute: (context) => call(context, () => executor.execute(context)),
    rollback: (context, previous) => executor.rollback(context, previous),
  };
}

const SlowWebgen = {
  forRuntime(runtime: Runtime): DynamicModule {
    const base = WebgenModule.forRuntime(runtime);
    const wrapped = WEBGEN_STEPS.map((type) => ({
      provide: type,
      useFactory: () => instrument(new (type as unknown as new (config: AppConfig) => StepExecutor)(runtime.config)),
    }));
    return { ...base, providers: [...(base.providers ?? []).filter((p) => !(WEBGEN_STEPS as unknown[]).includes(p)), ...wrapped] };
  },
};

runWorkerProcess('webgen', SlowWebgen).catch((error: Error) => {
  console.error(`slow webgen failed to start: ${error.message}`);
  process.exit(1);
});
