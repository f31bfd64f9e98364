import { Controller, DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { JobPayload, JobResult } from '@bf/contracts';
import { BullMqTransport, createRedis, JobHandler } from '@bf/queue';
import { currentTestEnv } from '../support/test-env';

@Controller()
class HalfPlannerProcessor {
  @JobHandler('planner', 'plan.build')
  async build(payload: JobPayload<'planner', 'plan.build'>): Promise<JobResult<'planner', 'plan.build'>> {
    return { planId: payload.briefingId, created: false };
  }
}

@Module({ controllers: [HalfPlannerProcessor] })
class HalfPlannerModule {}

@Module({})
class NoHandlersModule {
  static create(): DynamicModule {
    return { module: NoHandlersModule };
  }
}

describe('worker boot against the job catalogue', () => {
  const env = currentTestEnv();
  let redis: Redis;
  beforeAll(() => {
    redis = createRedis(env.redisUrl, 'boot-test');
  });
  afterAll(() => redis.quit());

  async function boot(queue: 'planner' | 'webgen', module: object) {
    const app = await NestFactory.createMicroservice(module as never, {
      strategy: new BullMqTransport({ queue, connection: redis, prefix: `${env.queuePrefix}_boot`, concurrency: 1 }),
      logger: false,
    });
    try {
      await app.listen();
    } finally {
      await app.close();
    }
  }

  it('starts when every job of the queue has exactly its handler', async () => {
    await expect(boot('planner', HalfPlannerModule)).resolves.toBeUndefined();
  });

  it('refuses to start when a job of its queue has no handler', async () => {
    await expect(boot('webgen', NoHandlersModule.create())).rejects.toThrow('queue webgen: no handler for job(s) website.generate, website.deploy');
  });

  it('refuses to start with a handler for a job that is not on its queue', async () => {
    await expect(boot('webgen', HalfPlannerModule)).rejects.toThrow(/handler\(s\) for job\(s\) not in the catalogue: plan\.build/);
  });
});
