import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * The baseline the issue asks for: a chain of N BullMQ jobs over the same Redis,
 * each job enqueueing the next, with nothing else (no database, no audit, no
 * HTTP). What our pipeline costs on top of the queue itself is the ratio of the two.
 */
export class RawBullMqChain {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly connections: Redis[] = [];
  private readonly waiting = new Map<string, () => void>();
  private chains = 0;

  constructor(redisUrl: string, prefix: string, private readonly steps: number, concurrency: number) {
    const connection = () => {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
      this.connections.push(redis);
      return redis;
    };
    this.queue = new Queue('raw-chain', { connection: connection(), prefix });
    this.worker = new Worker(
      'raw-chain',
      async (job) => {
        const { chain, step } = job.data as { chain: string; step: number };
        if (step < this.steps) await this.queue.add('step', { chain, step: step + 1 }, { removeOnComplete: { age: 24 * 3600, count: 10_000 } });
        else this.waiting.get(chain)?.();
      },
      { connection: connection(), prefix, concurrency },
    );
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Runs one chain and resolves with its milliseconds. */
  run(): Promise<number> {
    const chain = `chain-${++this.chains}`;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.waiting.set(chain, () => {
        this.waiting.delete(chain);
        resolve(performance.now() - started);
      });
      this.queue.add('step', { chain, step: 1 }, { removeOnComplete: { age: 24 * 3600, count: 10_000 } }).catch(reject);
    });
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.obliterate({ force: true }).catch(() => undefined);
    await this.queue.close();
    await Promise.all(this.connections.map((redis) => redis.quit()));
  }
}
