import { Controller } from '@nestjs/common';
import { JobPayload, JobResult } from '@bf/contracts';
import { JobContext, JobHandler } from '@bf/queue';
import { ForgeStepRunner } from './forge-step.runner';

/** The forge's step jobs on the forge-sign queue; each runs its step and chains the next. */
@Controller()
export class ForgeStepProcessor {
  constructor(private readonly runner: ForgeStepRunner) {}

  @JobHandler('forge-sign', 'forge.generate')
  generate(payload: JobPayload<'forge-sign', 'forge.generate'>, context: JobContext): Promise<JobResult<'forge-sign', 'forge.generate'>> {
    return this.runner.run('generate', payload, context);
  }

  @JobHandler('forge-sign', 'forge.build')
  build(payload: JobPayload<'forge-sign', 'forge.build'>, context: JobContext): Promise<JobResult<'forge-sign', 'forge.build'>> {
    return this.runner.run('build', payload, context);
  }

  @JobHandler('forge-sign', 'forge.test')
  test(payload: JobPayload<'forge-sign', 'forge.test'>, context: JobContext): Promise<JobResult<'forge-sign', 'forge.test'>> {
    return this.runner.run('test', payload, context);
  }

  @JobHandler('forge-sign', 'forge.sandbox')
  sandbox(payload: JobPayload<'forge-sign', 'forge.sandbox'>, context: JobContext): Promise<JobResult<'forge-sign', 'forge.sandbox'>> {
    return this.runner.run('sandbox', payload, context);
  }

  @JobHandler('forge-sign', 'forge.package')
  package(payload: JobPayload<'forge-sign', 'forge.package'>, context: JobContext): Promise<JobResult<'forge-sign', 'forge.package'>> {
    return this.runner.run('package', payload, context);
  }

  @JobHandler('forge-sign', 'forge.sign')
  sign(payload: JobPayload<'forge-sign', 'forge.sign'>, context: JobContext): Promise<JobResult<'forge-sign', 'forge.sign'>> {
    return this.runner.run('sign', payload, context);
  }
}
