import { ForgeStep } from '@bf/forge';

/**
 * Called before each forge step does its work, and again (`beforeCommit`) by the
 * package and sign steps just before they commit their result to the package. The
 * product's gate does nothing; an end-to-end test passes its own (through
 * ForgeSignModule.forRuntime) to hold a step while it cancels the job, the way the
 * engine tests slow executors down.
 */
export interface ForgeStepGate {
  beforeStep(step: ForgeStep, forgeJobId: string): Promise<void>;
  beforeCommit?(step: ForgeStep, forgeJobId: string): Promise<void>;
}

export const FORGE_STEP_GATE = Symbol('FORGE_STEP_GATE');

export const OPEN_GATE: ForgeStepGate = { beforeStep: async () => undefined };
