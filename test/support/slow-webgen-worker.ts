// The real webgen worker process (runWorkerProcess: its signal handling, its
// Runtime), with one controlled difference for the graceful-shutdown tests: the
// first call of SLOW_ACTION waits SLOW_MS before the real executor runs. Every
// executor call prints `BF-STEP started|finished <action> <stepId>` on stdout, so
// a test sees which process ran what, and how often. With STEP_MARKERS=<file>,
// each call also appends `<pid> start|tick|end <ms> <action> <stepId>` lines to
// that file (synchronously: they survive an abrupt exit), a `tick` every 10 ms
// while the slow wait lasts, as a handler still at work would: a test compares
// the time spans of two processes running the same step. SLOW_STOP_MS makes
// closing the process's connections (Runtime.stop) take that long first, as a
// Redis that is reconnecting or a pool waiting for a query does (each bounded
// by seconds in production).
// Run with: node -r ./test/support/ts-register.js test/support/slow-webgen-worker.ts
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { DynamicModule } from '@nestjs/common';
import { AppConfig } from '@bf/config';
import { Runtime, runWorkerProcess } from '@bf/runtime';
import { StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { WEBGEN_STEPS, WebgenModule } from '../../apps/webgen/src/webgen.module';

const slowAction = process.env.SLOW_ACTION ?? '';
let slowMs = Number(process.env.SLOW_MS ?? 0);
const markerFile = process.env.STEP_MARKERS;

function mark(event: 'start' | 'tick' | 'end', action: string, stepId: string): void {
  if (markerFile) appendFileSync(markerFile, `${process.pid} ${event} ${Date.now()} ${action} ${stepId}\n`);
}

function instrument(executor: StepExecutor): StepExecutor {
  const call = async (context: StepContext, real: () => Promise<StepOutcome>) => {
    process.stdout.write(`BF-STEP started ${executor.action} ${context.stepId}\n`);
    mark('start', executor.action, context.stepId);
    if (executor.action === slowAction && slowMs > 0) {
      const wait = slowMs;
      slowMs = 0;
      const ticker = setInterval(() => mark('tick', executor.action, context.stepId), 10);
      await new Promise((resolve) => setTimeout(resolve, wait));
      clearInterval(ticker);
    }
    const outcome = await real();
    mark('end', executor.action, context.stepId);
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
    const slowStopMs = Number(process.env.SLOW_STOP_MS ?? 0);
    if (slowStopMs > 0) {
      const stop = runtime.stop.bind(runtime);
      runtime.stop = async () => {
        await new Promise((resolve) => setTimeout(resolve, slowStopMs));
        await stop();
      };
    }
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
