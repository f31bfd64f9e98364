import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { JobName, JobPayload, JobResult, QueueName } from '@bf/contracts';
import { JobContext } from './job-context';

export type JobHandlerFn<Q extends QueueName, J extends JobName<Q>> = (
  payload: JobPayload<Q, J>,
  context: JobContext,
) => Promise<JobResult<Q, J>>;

/**
 * Marks a controller method as the handler of one job of one queue. The method's
 * parameter and return types are checked against the job catalogue.
 */
export function JobHandler<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J) {
  return <F extends JobHandlerFn<Q, J>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>) => {
    MessagePattern(job, { queue })(target, key, descriptor);
    // Nest only passes the payload and context to handlers whose parameters say so.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}
