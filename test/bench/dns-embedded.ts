import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import * as packet from 'dns-packet';
import type { RecordType } from 'dns-packet';
import { DataSource } from 'typeorm';
import { EmbeddedDnsProvider } from '@bf/dns';
import { createDataSource } from '@bf/persistence';
import { EmbeddedDnsServer, PgZoneLookup } from '../../apps/dns/src/embedded-server';
import { percentile, round2, round3 } from './stats';

export interface EmbeddedDnsBenchOptions {
  /** Queries to time (after a warm-up of 200). Default BENCH_DNS_QUERIES or 20000. */
  queries?: number;
  /** Queries in flight at once from the one client socket. Default 64. */
  concurrency?: number;
}

export interface EmbeddedDnsBenchResult {
  queries_per_second: number;
  p50_ms: number;
  p99_ms: number;
  queries: number;
  /** Queries without an answer within 2 s (UDP loss under load); excluded from the percentiles. */
  timeouts: number;
}

const TIMEOUT_MS = 2000;
const WARMUP = 200;

/**
 * UDP queries per second the embedded server answers from PostgreSQL, from one
 * client process with a window of queries in flight: the mix a resolver sends
 * a freshly configured business (apex A/AAAA/MX/TXT, www via CNAME, some misses).
 * Takes a DataSource (shared pool) or a database URL (its own pool of 10).
 */
export async function benchEmbeddedDns(source: DataSource | string, options: EmbeddedDnsBenchOptions = {}): Promise<EmbeddedDnsBenchResult> {
  const total = options.queries ?? Number(process.env.BENCH_DNS_QUERIES ?? 20_000);
  const concurrency = options.concurrency ?? 64;
  const owned = typeof source === 'string' ? createDataSource({ url: source, poolSize: 10 }) : null;
  const dataSource = owned ? await owned.initialize() : (source as DataSource);
  const zoneName = `bench-${randomBytes(4).toString('hex')}.example`;
  const provider = new EmbeddedDnsProvider(dataSource, { serverHost: '127.0.0.1', serverPort: 0 });
  const zone = await provider.createZone(zoneName);
  const server = new EmbeddedDnsServer(new PgZoneLookup(dataSource), { host: '127.0.0.1', port: 0 });
  try {
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'A', ttl: 300, values: ['203.0.113.10'] });
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'AAAA', ttl: 300, values: ['2001:db8::10'] });
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'MX', ttl: 300, values: [`10 mail.${zoneName}`] });
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'TXT', ttl: 300, values: ['v=spf1 -all'] });
    await provider.upsertRecordSet(zone, { name: `www.${zoneName}`, type: 'CNAME', ttl: 300, values: [zoneName] });
    for (let i = 0; i < 50; i++) await provider.upsertRecordSet(zone, { name: `host${i}.${zoneName}`, type: 'A', ttl: 300, values: [`192.0.2.${i + 1}`] });
    const { port } = await server.start();
    const mix: Array<[string, RecordType]> = [
      [zoneName, 'A'],
      [zoneName, 'AAAA'],
      [zoneName, 'MX'],
      [zoneName, 'TXT'],
      [`www.${zoneName}`, 'A'],
      [`host7.${zoneName}`, 'A'],
      [`host42.${zoneName}`, 'A'],
      [`missing.${zoneName}`, 'A'],
    ];
    const client = new UdpLoadClient(port);
    try {
      await client.run(WARMUP, concurrency, mix);
      const began = performance.now();
      const { latencies, timeouts } = await client.run(total, concurrency, mix);
      const seconds = (performance.now() - began) / 1000;
      return {
        queries_per_second: round2(latencies.length / seconds),
        p50_ms: round3(percentile(latencies, 50)),
        p99_ms: round3(percentile(latencies, 99)),
        queries: total,
        timeouts,
      };
    } finally {
      client.close();
    }
  } finally {
    await server.stop();
    await dataSource.query('DELETE FROM dns_zones WHERE id = $1', [zone.id]);
    await owned?.destroy();
  }
}

/** One UDP socket, answers matched to queries by id, a fixed window of queries outstanding. */
class UdpLoadClient {
  private readonly socket = createSocket('udp4');
  private readonly waiting = new Map<number, (reply: Buffer) => void>();
  private nextId = 0;

  constructor(private readonly port: number) {
    this.socket.on('message', (reply) => this.waiting.get(reply.readUInt16BE(0))?.(reply));
  }

  async run(total: number, concurrency: number, mix: Array<[string, RecordType]>): Promise<{ latencies: number[]; timeouts: number }> {
    const latencies: number[] = [];
    let started = 0;
    let timeouts = 0;
    const lane = async () => {
      while (started < total) {
        const [name, type] = mix[started++ % mix.length];
        const began = performance.now();
        if (await this.ask(name, type)) latencies.push(performance.now() - began);
        else timeouts++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
    return { latencies, timeouts };
  }

  close(): void {
    this.socket.close();
  }

  private ask(name: string, type: RecordType): Promise<boolean> {
    const id = (this.nextId = (this.nextId + 1) & 0xffff);
    const message = packet.encode({ type: 'query', id, questions: [{ name, type, class: 'IN' }] });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(false);
      }, TIMEOUT_MS);
      this.waiting.set(id, () => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(true);
      });
      this.socket.send(message, this.port, '127.0.0.1', (error) => error && this.waiting.get(id) && resolve(false));
    });
  }
}
