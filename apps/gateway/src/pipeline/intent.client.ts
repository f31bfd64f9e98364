import { BadRequestException, GatewayTimeoutException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { JobResult, ValidBusinessIntentInput } from '@bf/contracts';
import { JobProducer } from '@bf/queue';
import { QueueEventsRegistry } from '../queue-events.registry';

/** Asks the intent worker to resolve an idea and waits (bounded) for the answer. */
@Injectable()
export class IntentClient {
  constructor(
    private readonly producer: JobProducer,
    private readonly events: QueueEventsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resolve(tenantId: string, input: ValidBusinessIntentInput): Promise<JobResult<'intent', 'intent.resolve'>> {
    await this.events.forQueue('intent'); // listening before the job exists, so its completion cannot be missed
    const job = await this.producer.enqueue('intent', 'intent.resolve', { tenantId, input });
    try {
      const outcome = await this.events.waitFor<JobResult<'intent', 'intent.resolve'>>('intent', job, this.config.planner.waitMs);
      if (!outcome.finished) throw new GatewayTimeoutException('the intent worker did not answer in time');
      return outcome.result;
    } catch (error) {
      const message = (error as Error).message;
      // The worker's permanent failures are the user's input problems; say which.
      if (message.startsWith('unsupported region')) throw new UnprocessableEntityException({ message, details: [{ path: 'region', message }] });
      if (message.startsWith('region is required')) throw new BadRequestException({ message, details: [{ path: 'region', message }] });
      throw error;
    }
  }
}
