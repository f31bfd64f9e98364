import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, redactUrl } from '@bf/config';
import { createDataSource, migrate } from '@bf/persistence';
import { createRedis, JobProducer, ProgressPublisher } from '@bf/queue';
import { rootLogger } from '@bf/observability';

/**
 * The process-wide resources every app needs: one PostgreSQL pool, one Redis
 * connection for producers, one job producer. In start:all the gateway and the
 * seven workers share a single Runtime; a separately started app makes its own.
 */
export class Runtime {
  private constructor(
    readonly config: AppConfig,
    readonly dataSource: DataSource,
    readonly redis: Redis,
    readonly producer: JobProducer,
    readonly progress: ProgressPublisher,
  ) {}

  static async start(config: AppConfig, options: { migrate: boolean; name: string }): Promise<Runtime> {
    const log = rootLogger(config.log.level).child({ component: 'Runtime', app: options.name });
    if (options.migrate) {
      const applied = await migrate(config.database.url);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
    const dataSource = createDataSource({ url: config.database.url });
    await dataSource.initialize();
    const redis = createRedis(config.redis.url, `bf-${options.name}`);
    log.info({ database: redactUrl(config.database.url), redis: redactUrl(config.redis.url), prefix: config.redis.queuePrefix }, 'runtime ready');
    return new Runtime(
      config,
      dataSource,
      redis,
      new JobProducer(redis, config.redis.queuePrefix),
      new ProgressPublisher(redis, config.redis.queuePrefix),
    );
  }

  async stop(): Promise<void> {
    await this.producer.close();
    await this.dataSource.destroy();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
