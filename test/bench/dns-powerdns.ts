import { queryDns } from '../../libs/dns/src/dns-client';
import { PowerDnsProvider } from '../../libs/dns/src/powerdns/powerdns.provider';
import { startPowerDns } from './pdns-harness';
import { percentile, round2 } from './stats';

/**
 * Time from "upsert this A record" to "the authoritative server answers it over
 * UDP", against a real pdns_server: the DNS step's apply-and-verify path.
 * Run after `npm run build` as part of test/bench/run.ts.
 */
export async function benchPowerDnsUpsertVerify(iterations: number): Promise<{ p50_ms: number; p99_ms: number; iterations: number }> {
  const server = await startPowerDns();
  const ask = async (name: string) => (await queryDns({ host: server.dnsHost, port: server.dnsPort, name, type: 'A', timeoutMs: 2000 })).answers.map((answer) => answer.value);
  try {
    const provider = new PowerDnsProvider({ apiUrl: server.apiUrl, apiKey: server.apiKey, dnsHost: server.dnsHost, dnsPort: server.dnsPort });
    const zone = await provider.createZone('bench.example');
    const name = 'www.bench.example';
    const once = async (i: number) => {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const began = performance.now();
      await provider.upsertRecordSet(zone, { name, type: 'A', ttl: 60, values: [address] });
      // The API purges pdns's caches on change, so the first answer should already be new; a few tries guard against a stale one.
      for (let tries = 0; !(await ask(name)).includes(address); tries++) {
        if (tries >= 50) throw new Error(`pdns_server never answered ${address} for ${name}`);
      }
      return performance.now() - began;
    };
    for (let i = 0; i < Math.min(5, iterations); i++) await once(1_000_000 + i); // warm-up: connections, caches, sqlite pages
    const durations: number[] = [];
    for (let i = 0; i < iterations; i++) durations.push(await once(i + 1));
    return { p50_ms: round2(percentile(durations, 50)), p99_ms: round2(percentile(durations, 99)), iterations };
  } finally {
    await server.stop();
  }
}
