import { MigrationInterface, QueryRunner } from 'typeorm';

/** Zones and record sets of the embedded authoritative DNS server (DNS_PROVIDER=embedded). */
export class CreateDnsZoneTables1795831200014 implements MigrationInterface {
  name = 'CreateDnsZoneTables1795831200014';

  async up(q: QueryRunner): Promise<void> {
    // tenant_id is nullable: the DnsProvider interface creates zones without a tenant (a zone may serve several).
    await q.query(`CREATE TABLE dns_zones (
      id text PRIMARY KEY,
      name text NOT NULL UNIQUE,
      tenant_id text REFERENCES tenants(id),
      serial bigint NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE dns_record_sets (
      zone_id text NOT NULL REFERENCES dns_zones(id) ON DELETE CASCADE,
      name text NOT NULL,
      type text NOT NULL,
      ttl integer NOT NULL CHECK (ttl >= 0),
      values jsonb NOT NULL CHECK (jsonb_typeof(values) = 'array'),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (zone_id, name, type)
    )`);
    // The primary key serves "this name in this zone". This index serves the server's
    // "does anything exist below this name" probe (empty non-terminal → NODATA, not NXDOMAIN)
    // as a range over the reversed name; byte order (C) so the range works in a cached, generic plan.
    await q.query('CREATE INDEX dns_record_sets_reverse_name_idx ON dns_record_sets (zone_id, (reverse(name) COLLATE "C"))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dns_record_sets');
    await q.query('DROP TABLE dns_zones');
  }
}
