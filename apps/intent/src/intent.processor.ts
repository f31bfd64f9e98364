import { Controller } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { JobPayload, JobResult } from '@bf/contracts';
import { JobHandler } from '@bf/queue';
import { BriefingComposer } from './briefing-composer';
import { IntentResolver, MissingRegionError, UnsupportedRegionError } from './intent-resolver';

@Controller()
export class IntentProcessor {
  private readonly resolver = new IntentResolver();
  private readonly composer = new BriefingComposer();

  /** Pure and deterministic, so a redelivered job simply computes the same answer again. */
  @JobHandler('intent', 'intent.resolve')
  async resolveIntent(payload: JobPayload<'intent', 'intent.resolve'>): Promise<JobResult<'intent', 'intent.resolve'>> {
    try {
      const intent = this.resolver.resolve(payload.input);
      return { intent, briefing: this.composer.compose(payload.input, intent) };
    } catch (error) {
      // The user has to change the input; a retry would fail the same way. The
      // gateway turns the message ("unsupported region …", "region is required …") into a 422.
      if (error instanceof UnsupportedRegionError || error instanceof MissingRegionError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
