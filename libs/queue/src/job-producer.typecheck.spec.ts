import { JobProducer } from './job-producer';

/**
 * Compile-time checks: `npm test` runs `tsc --noEmit` first, and each
 * `@ts-expect-error` fails that step if the line below it ever compiles.
 */
function typeChecks(producer: JobProducer) {
  void producer.enqueue('planner', 'plan.build', { tenantId: 't', briefingId: 'b' });
  // @ts-expect-error a job name from another queue
  void producer.enqueue('planner', 'website.generate', { tenantId: 't', briefingId: 'b' });
  // @ts-expect-error a payload missing a field
  void producer.enqueue('planner', 'plan.build', { tenantId: 't' });
  // @ts-expect-error a payload field of the wrong type
  void producer.enqueue('dns', 'dns.configure', { tenantId: 't', planId: 'p', runId: 'r', stepId: 's', attempt: '1', dryRun: true });
  // @ts-expect-error a queue that does not exist
  void producer.enqueue('mailer', 'send', {});
}

describe('JobProducer types', () => {
  it('is checked by the compiler (see typeChecks above)', () => {
    expect(typeof typeChecks).toBe('function');
  });
});
