import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, assertProductionReady, ProductionSecret, redactUrl } from '@bf/config';
import { createDataSource, migrate } from '@bf/persistence';
import { JobProducer, ProgressPublisher } from '@bf/queue';
import { rootLogger } from '@bf/observability';
import { connectRedis, redisReady, within, withStartupRetry } from './connections';


/**
 * The secrets each process needs in production: the gateway authenticates API
 * keys (pepper) and reads tenant secrets (preflight); the odoo, dns and evidence
 * workers resolve `secret_ref`s. The others are not handed either.
 */
const PRODUCTION_SECRETS: Record<string, ProductionSecret[]> = {
  gateway: ['API_KEY_PEPPER', 'SECRETS_MASTER_KEYS'],
  all: ['API_KEY_PEPPER', 'SECRETS_MASTER_KEYS'],
  odoo: ['SECRETS_MASTER_KEYS'],
  dns: ['SECRETS_MASTER_KEYS'],
  evidence: ['SECRETS_MASTER_KEYS'],
};

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

  /**
   * Connects to Redis and PostgreSQL (migrating first if asked), retrying with
   * backoff for up to STARTUP_TIMEOUT_MS while either is not up yet.
   */
  static async start(config: AppConfig, options: { migrate: boolean; name: string }): Promise<Runtime> {
    // Every process (gateway, each worker, start:all) starts here: production refuses development fallbacks before connecting anywhere.
    assertProductionReady(config, PRODUCTION_SECRETS[options.name] ?? []);
    const log = rootLogger(config.log.level).child({ component: 'Runtime', app: options.name });
    const { startupTimeoutMs, connectRetryMaxMs } = config.lifecycle;
    const retry = { timeoutMs: startupTimeoutMs, capMs: connectRetryMaxMs, log };
    const redis = connectRedis(config.redis.url, `bf-${options.name}`, connectRetryMaxMs, log);
    try {
      // ioredis reconnects with backoff by itself; this only bounds how long the start waits for it.
      await within(redisReady(redis), Math.max(startupTimeoutMs, 5000), 'redis');
      if (options.migrate) {
        const applied = await withStartupRetry('postgres', () => migrate(config.database.url), retry);
        if (applied.length) log.info({ applied }, 'migrations applied');
      }
      const { max, idleMs, connectTimeoutMs } = config.database.pool;
      const dataSource = await withStartupRetry('postgres', () => createDataSource({ url: config.database.url, poolSize: max, idleMs, connectTimeoutMs }).initialize(), retry);
      log.info({ database: redactUrl(config.database.url), redis: redactUrl(config.redis.url), prefix: config.redis.queuePrefix, poolMax: max }, 'runtime ready');
      return new Runtime(
        config,
        dataSource,
        redis,
        new JobProducer(redis, config.redis.queuePrefix),
        new ProgressPublisher(redis, config.redis.queuePrefix),
      );
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  /** Closes the producer, the PostgreSQL pool and the Redis connection; each bounded, so a dead dependency cannot hold the exit. */
  async stop(): Promise<void> {
    await within(this.producer.close(), 3000, 'producer close').catch(() => undefined);
    if (this.dataSource.isInitialized) await within(this.dataSource.destroy(), 3000, 'postgres close').catch(() => undefined);
    await within(this.redis.quit(), 2000, 'redis quit').catch(() => this.redis.disconnect());
  }
}
