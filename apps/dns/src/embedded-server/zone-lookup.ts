import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface ZoneRecordSet {
  name: string;
  type: string;
  ttl: number;
  /** Canonical presentation values (see libs/dns/src/dns-provider.ts). */
  values: string[];
}

/** What the server needs to answer for one name: the closest enclosing zone and that zone's data at the name. */
export interface ZoneMatch {
  /** Canonical name of the longest zone that contains the queried name. */
  zone: string;
  /** The zone's SOA set, for the authority section of negative answers. */
  soa: ZoneRecordSet | null;
  /** Every record set at exactly the queried name. */
  recordSets: ZoneRecordSet[];
  /** True when the name owns record sets or has descendants (an empty non-terminal): NODATA rather than NXDOMAIN. */
  nameExists: boolean;
}

/**
 * Where the server's answers come from. An interface so the server can be fed
 * from something other than PostgreSQL (a fixed zone in a test, a cache).
 */
export interface ZoneLookup {
  /** `name` is canonical (lower case, no trailing dot); null when no zone contains it. */
  find(name: string): Promise<ZoneMatch | null>;
}

interface LookupRow {
  zone: string;
  name: string | null;
  type: string | null;
  ttl: number | null;
  values: string[] | null;
  below: boolean;
}

/** `a.b.example` → [`a.b.example`, `b.example`, `example`]: every zone that could contain it. */
export function enclosingNames(name: string): string[] {
  const labels = name.split('.').filter(Boolean);
  return labels.map((_, index) => labels.slice(index).join('.'));
}

/**
 * The tables of migration CreateDnsZoneTables, read in one indexed statement per
 * lookup and no cache: a change the provider commits is served by the next query,
 * which the dns step's verification relies on. The statement is named, so each
 * pooled connection plans it once: planning cost more than running it.
 */
export class PgZoneLookup implements ZoneLookup {
  constructor(private readonly dataSource: DataSource) {}

  async find(name: string): Promise<ZoneMatch | null> {
    const candidates = enclosingNames(name);
    if (candidates.length === 0) return null;
    // Descendants of `b.example` are the reversed names in [`elpmaxe.b.`, `elpmaxe.b/`): '/' follows '.' in byte order.
    const reversed = [...name].reverse().join('');
    const rows = await this.query([candidates, name, `${reversed}.`, `${reversed}/`]);
    if (rows.length === 0) return null;
    const sets = rows.filter((row) => row.name !== null).map((row) => ({ name: row.name!, type: row.type!, ttl: Number(row.ttl), values: row.values! }));
    const zone = rows[0].zone;
    const recordSets = sets.filter((set) => set.name === name);
    return {
      zone,
      soa: sets.find((set) => set.name === zone && set.type === 'SOA') ?? null,
      recordSets,
      nameExists: recordSets.length > 0 || rows[0].below,
    };
  }

  private async query(values: unknown[]): Promise<LookupRow[]> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const result = await pool.query<LookupRow>({ name: 'bf_dns_zone_lookup', text: LOOKUP_SQL, values });
    return result.rows;
  }
}

// Every part is an index probe (primary key or the reversed-name index), also in the generic plan of the named statement.
const LOOKUP_SQL = `
  SELECT z.name AS zone, b.below, r.name, r.type, r.ttl, r.values
    FROM (SELECT id, name FROM dns_zones WHERE name = ANY($1::text[]) ORDER BY length(name) DESC LIMIT 1) z
   CROSS JOIN LATERAL (
         SELECT EXISTS (SELECT 1 FROM dns_record_sets d
                         WHERE d.zone_id = z.id AND reverse(d.name) COLLATE "C" >= $3 AND reverse(d.name) COLLATE "C" < $4) AS below) b
    LEFT JOIN LATERAL (
         SELECT s.name, s.type, s.ttl, s.values FROM dns_record_sets s WHERE s.zone_id = z.id AND s.name = $2
         UNION ALL
         SELECT s.name, s.type, s.ttl, s.values FROM dns_record_sets s WHERE s.zone_id = z.id AND s.name = z.name AND s.type = 'SOA' AND z.name <> $2) r ON true`;
