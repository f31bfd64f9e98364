import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

/** The key lives this many intervals: one or two late beats (a GC pause, a slow Redis) do not make a worker look gone. */
const TTL_INTERVALS = 3;

/** What a worker instance writes at each beat. */
export interface HeartbeatRecord {
  queue: string;
  /** hostname:pid — in start:all the seven workers share it, their queues tell them apart. */
  instance: string;
  version: string;
  started_at: string;
  /** The beat interval: with the key's remaining TTL it gives the time since the last beat. */
  interval_ms: number;
}

/** A live instance as the gateway sees it: its record and how long ago it last beat (by Redis's clock, not the reader's). */
export interface LiveInstance extends HeartbeatRecord {
  last_beat_ms: number;
}

/** `<prefix>:heartbeat:<queue>` is the set of instances that beat on a queue; `…:<queue>:<instance>` the beat itself (with TTL). */
const indexKey = (prefix: string, queue: string) => `${prefix}:heartbeat:${queue}`;
const beatKey = (prefix: string, queue: string, instance: string) => `${indexKey(prefix, queue)}:${instance}`;

export const processInstance = (): string => `${hostname()}:${process.pid}`;

/**
 * A worker's sign of life in Redis: every `intervalMs` it rewrites its key
 * with a TTL of three intervals, so a worker that dies (SIGKILL, lost host)
 * disappears on its own within that time; one that stops deletes its key at once.
 * The gateway reads them (liveWorkers) for its readiness and /api/healthz.
 */
export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly record: HeartbeatRecord;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    queue: string,
    private readonly intervalMs: number,
    version: string,
    instance = processInstance(),
  ) {
    this.record = { queue, instance, version, started_at: new Date().toISOString(), interval_ms: intervalMs };
  }

  /** Beats now and then every interval. */
  start(): this {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  async beat(): Promise<void> {
    // A disconnected client would queue the write until Redis is back: skip the beat instead (the key lapses, which is the truth).
    if (this.stopped || this.redis.status !== 'ready') return;
    const { queue, instance } = this.record;
    await this.redis
      .multi()
      .set(beatKey(this.prefix, queue, instance), JSON.stringify(this.record), 'PX', this.intervalMs * TTL_INTERVALS)
      .sadd(indexKey(this.prefix, queue), instance)
      .exec()
      .catch(() => undefined);
  }

  /** Stops beating and deletes the key: the gateway sees the worker gone at once, not after the TTL. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.redis.status !== 'ready') return;
    const { queue, instance } = this.record;
    await this.redis
      .multi()
      .del(beatKey(this.prefix, queue, instance))
      .srem(indexKey(this.prefix, queue), instance)
      .exec()
      .catch(() => undefined);
  }
}

/**
 * The live instances of each queue: members of the queue's index whose beat key
 * has not expired. Members whose key lapsed (a worker that died without
 * stopping) are dropped from the index on the way.
 */
export async function liveWorkers(redis: Redis, prefix: string, queues: readonly string[]): Promise<Record<string, LiveInstance[]>> {
  const members = await Promise.all(queues.map((queue) => redis.smembers(indexKey(prefix, queue))));
  const read = redis.multi();
  queues.forEach((queue, i) => members[i].forEach((instance) => read.get(beatKey(prefix, queue, instance)).pttl(beatKey(prefix, queue, instance))));
  const replies = (await read.exec()) ?? [];
  const live: Record<string, LiveInstance[]> = {};
  let reply = 0;
  const lapsed: Array<[string, string]> = [];
  queues.forEach((queue, i) => {
    live[queue] = [];
    for (const instance of members[i]) {
      const raw = replies[reply++]?.[1] as string | null;
      const pttl = replies[reply++]?.[1] as number;
      if (!raw || pttl < 0) {
        lapsed.push([queue, instance]);
        continue;
      }
      const record = JSON.parse(raw) as HeartbeatRecord;
      live[queue].push({ ...record, last_beat_ms: Math.max(0, record.interval_ms * TTL_INTERVALS - pttl) });
    }
    live[queue].sort((a, b) => a.instance.localeCompare(b.instance));
  });
  if (lapsed.length) await Promise.all(lapsed.map(([queue, instance]) => redis.srem(indexKey(prefix, queue), instance))).catch(() => undefined);
  return live;
}
