import { Redis } from 'ioredis';
import { JobProducer, jobOptions } from './job-producer';
import { JOB_CATALOGUE } from '@bf/contracts';

describe(JobProducer.name, () => {
  it('validates the payload at run time before anything reaches Redis', async () => {
    const redis = { duplicate: jest.fn() } as unknown as Redis;
    const producer = new JobProducer(redis, 'unit');
    await expect(producer.enqueue('planner', 'plan.build', { tenantId: '', briefingId: 'b' })).rejects.toThrow(/tenantId/);
  });

  it('derives attempts and jittered exponential backoff from the catalogue', () => {
    const options = jobOptions(JOB_CATALOGUE.webgen['website.generate'], 'run.step.a1');
    expect(options).toMatchObject({ jobId: 'run.step.a1', attempts: 3, backoff: { type: 'exponential', delay: 500, jitter: 0.5 } });
  });
});
