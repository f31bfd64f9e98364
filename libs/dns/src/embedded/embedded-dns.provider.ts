import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  absoluteName,
  AuthoritativeServer,
  canonicalName,
  canonicalRecordSet,
  DnsProvider,
  DnsProviderError,
  DnsZone,
  RecordSet,
} from '../dns-provider';
import { toWireData } from './wire-values';

export interface EmbeddedDnsOptions {
  /** Where the embedded server answers (127.0.0.1 and DNS_SERVER_PORT on one machine). */
  serverHost: string;
  serverPort: number;
  /** The zones' NS and SOA MNAME; default `ns1.<zone>`. */
  nameserver?: string;
  /** The SOA RNAME, as a name or a mail address; default `hostmaster.<zone>`. */
  hostmaster?: string;
}

/** Types this provider changes; SOA and apex NS are the zone's own and only ever listed. */
const CHANGEABLE_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS']);
const DEFAULT_TTL = 3600;
// refresh retry expire minimum: RIPE-203's recommendations, with a short negative TTL (minimum) so a
// name a run has just created is not cached as absent for long by resolvers that asked too early.
const SOA_TIMERS = '3600 600 1209600 300';
// Postgres errors a later attempt may not see again: connection (08), serialization/deadlock (40), resources (53), shutdown (57).
const RETRYABLE_SQLSTATE = /^(08|40|53|57)/;

interface RecordSetRow {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

/**
 * The DnsProvider over PostgreSQL that the embedded authoritative server
 * (apps/dns/src/embedded-server) answers from. Every change bumps the zone's
 * serial and its SOA in the same transaction, under the zone row's lock, so
 * concurrent changes to one zone serialise and each one is a new serial.
 */
export class EmbeddedDnsProvider implements DnsProvider {
  readonly name = 'embedded' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: EmbeddedDnsOptions,
  ) {}

  async findZone(zoneName: string): Promise<DnsZone | null> {
    const rows: DnsZone[] = await this.guard(() => this.dataSource.query('SELECT id, name FROM dns_zones WHERE name = $1', [canonicalName(zoneName)]));
    return rows[0] ?? null;
  }

  async createZone(zoneName: string): Promise<DnsZone> {
    const zone = canonicalName(zoneName);
    this.check(() => toWireData('NS', zone), 'invalid_zone');
    const nameserver = absoluteName(this.options.nameserver ?? `ns1.${zone}`);
    const hostmaster = absoluteName((this.options.hostmaster ?? `hostmaster.${zone}`).replace('@', '.'));
    // One statement: a zone row never exists without its SOA and NS, even if the process dies midway.
    await this.guard(() =>
      this.dataSource.query(
        `WITH zone AS (
           INSERT INTO dns_zones (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id, serial
         )
         INSERT INTO dns_record_sets (zone_id, name, type, ttl, values)
         SELECT id, $2::text, 'SOA', $3::int, jsonb_build_array($4::text || ' ' || serial || ' ' || $5::text) FROM zone
         UNION ALL
         SELECT id, $2::text, 'NS', $3::int, jsonb_build_array($6::text) FROM zone`,
        [`dnsz_${randomBytes(6).toString('hex')}`, zone, DEFAULT_TTL, `${nameserver} ${hostmaster}`, SOA_TIMERS, nameserver],
      ),
    );
    const created = await this.findZone(zone);
    if (!created) throw new DnsProviderError('embedded', `zone ${zone} vanished right after it was created`, { retryable: true });
    return created;
  }

  async listRecordSets(zone: DnsZone): Promise<RecordSet[]> {
    const rows: RecordSetRow[] = await this.guard(() =>
      this.dataSource.query('SELECT name, type, ttl, values FROM dns_record_sets WHERE zone_id = $1 ORDER BY name, type', [zone.id]),
    );
    return rows.map(toRecordSet);
  }

  async getRecordSet(zone: DnsZone, name: string, type: string): Promise<RecordSet | null> {
    const rows: RecordSetRow[] = await this.guard(() =>
      this.dataSource.query('SELECT name, type, ttl, values FROM dns_record_sets WHERE zone_id = $1 AND name = $2 AND type = $3', [
        zone.id,
        canonicalName(name),
        type.toUpperCase(),
      ]),
    );
    return rows[0] ? toRecordSet(rows[0]) : null;
  }

  async upsertRecordSet(zone: DnsZone, recordSet: RecordSet): Promise<void> {
    const wanted = canonicalRecordSet(recordSet);
    // "Exactly these values": none at all is the absence of the set.
    if (wanted.values.length === 0) return this.deleteRecordSet(zone, wanted.name, wanted.type);
    this.checkChangeable(zone, wanted.name, wanted.type);
    if (!Number.isInteger(wanted.ttl) || wanted.ttl < 0 || wanted.ttl > 0x7fffffff) this.refuse(`TTL ${wanted.ttl} is not a 31-bit integer`, 'invalid_ttl');
    if (wanted.type === 'CNAME' && wanted.values.length > 1) this.refuse(`a CNAME set holds one value, got ${wanted.values.length}`, 'invalid_value');
    for (const value of wanted.values) this.check(() => toWireData(wanted.type, value), 'invalid_value');

    await this.inZoneTransaction(zone, async (manager) => {
      const present: RecordSetRow[] = await manager.query('SELECT name, type, ttl, values FROM dns_record_sets WHERE zone_id = $1 AND name = $2', [
        zone.id,
        wanted.name,
      ]);
      const same = present.find((row) => row.type === wanted.type);
      // Unchanged: no write and no new serial, so re-running a step does not churn the zone.
      if (same && same.ttl === wanted.ttl && JSON.stringify([...same.values].sort()) === JSON.stringify(wanted.values)) return;
      // RFC 1034 §3.6.2: a CNAME owner holds nothing else. Refused like PowerDNS does, not silently replaced.
      const conflict = present.find((row) => row.type !== wanted.type && (row.type === 'CNAME' || wanted.type === 'CNAME'));
      if (conflict) this.refuse(`${wanted.name} already has a ${conflict.type} set, which cannot coexist with ${wanted.type}`, 'cname_conflict', 409);
      await manager.query(
        `INSERT INTO dns_record_sets (zone_id, name, type, ttl, values) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (zone_id, name, type) DO UPDATE SET ttl = EXCLUDED.ttl, values = EXCLUDED.values, updated_at = now()`,
        [zone.id, wanted.name, wanted.type, wanted.ttl, JSON.stringify(wanted.values)],
      );
      await bumpSerial(manager, zone.id);
    });
  }

  async deleteRecordSet(zone: DnsZone, name: string, type: string): Promise<void> {
    const owner = canonicalName(name);
    const rrtype = type.toUpperCase();
    this.checkChangeable(zone, owner, rrtype);
    await this.inZoneTransaction(zone, async (manager) => {
      // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare DELETE, rows for a SELECT.
      const [{ deleted }]: Array<{ deleted: number }> = await manager.query(
        'WITH gone AS (DELETE FROM dns_record_sets WHERE zone_id = $1 AND name = $2 AND type = $3 RETURNING 1) SELECT count(*)::int AS deleted FROM gone',
        [zone.id, owner, rrtype],
      );
      if (deleted > 0) await bumpSerial(manager, zone.id);
    });
  }

  async authoritativeServer(): Promise<AuthoritativeServer> {
    return { host: this.options.serverHost, port: this.options.serverPort };
  }

  /** Runs `work` holding the zone row's lock; a zone deleted meanwhile is a clear, final error. */
  private inZoneTransaction(zone: DnsZone, work: (manager: EntityManager) => Promise<void>): Promise<void> {
    return this.guard(() =>
      this.dataSource.transaction(async (manager) => {
        const locked: unknown[] = await manager.query('SELECT 1 FROM dns_zones WHERE id = $1 FOR UPDATE', [zone.id]);
        if (locked.length === 0) this.refuse(`zone ${zone.name} (${zone.id}) does not exist`, 'zone_not_found', 404);
        await work(manager);
      }),
    );
  }

  private checkChangeable(zone: DnsZone, name: string, type: string): void {
    if (name !== zone.name && !name.endsWith(`.${zone.name}`)) this.refuse(`${name} is not inside zone ${zone.name}`, 'out_of_zone');
    if (!CHANGEABLE_TYPES.has(type)) this.refuse(`record type ${type} cannot be changed through the embedded provider`, 'unsupported_type');
    if (type === 'NS' && name === zone.name) this.refuse(`the apex NS set of ${zone.name} belongs to the zone and is not changed`, 'unsupported_type');
  }

  private check(validate: () => unknown, code: string): void {
    try {
      validate();
    } catch (error) {
      this.refuse((error as Error).message, code);
    }
  }

  private refuse(message: string, code: string, status = 422): never {
    throw new DnsProviderError('embedded', message, { status, code, retryable: false });
  }

  /** Our own refusals pass through; database failures become provider errors, retryable when a later attempt may succeed. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DnsProviderError) throw error;
      const code = (error as { code?: string }).code;
      const retryable = !code || !/^[0-9A-Z]{5}$/.test(code) || RETRYABLE_SQLSTATE.test(code);
      throw new DnsProviderError('embedded', `database: ${(error as Error).message}`, { code, retryable });
    }
  }
}

/** New serial for the zone and the same serial in its SOA; called inside the change's transaction. */
async function bumpSerial(manager: EntityManager, zoneId: string): Promise<void> {
  await manager.query(
    `WITH bumped AS (UPDATE dns_zones SET serial = serial + 1 WHERE id = $1 RETURNING id, serial)
     UPDATE dns_record_sets r
        SET values = jsonb_build_array(regexp_replace(r.values->>0, '^(\\S+\\s+\\S+\\s+)\\d+', '\\1' || bumped.serial)), updated_at = now()
       FROM bumped
      WHERE r.zone_id = bumped.id AND r.type = 'SOA'`,
    [zoneId],
  );
}

function toRecordSet(row: RecordSetRow): RecordSet {
  return { name: row.name, type: row.type, ttl: Number(row.ttl), values: row.values };
}
