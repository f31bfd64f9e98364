import { DataSource } from 'typeorm';
import { RecordSet } from '@bf/dns';

/**
 * The first-seen state of every record set a DNS step changes (see migration
 * CreateDnsChangeJournal). `remember` keeps the earliest value per key, so it
 * may be called on every attempt.
 */
export class DnsChangeJournal {
  constructor(private readonly dataSource: DataSource) {}

  async remember(tenantId: string, idempotencyKey: string, zone: string, entries: Array<{ name: string; type: string; previous: RecordSet | null }>): Promise<void> {
    if (!entries.length) return;
    await this.dataSource.query(
      `INSERT INTO dns_change_journal (idempotency_key, tenant_id, zone, name, type, previous)
       SELECT $1, $2, $3, e.name, e.type, e.previous FROM jsonb_to_recordset($4::jsonb) AS e(name text, type text, previous jsonb)
       ON CONFLICT (idempotency_key, name, type) DO NOTHING`,
      [idempotencyKey, tenantId, zone, JSON.stringify(entries)],
    );
  }

  /** name/TYPE → the value before the step's first attempt touched it (null: absent). */
  async recall(idempotencyKey: string): Promise<Map<string, RecordSet | null>> {
    const rows: Array<{ name: string; type: string; previous: RecordSet | null }> = await this.dataSource.query('SELECT name, type, previous FROM dns_change_journal WHERE idempotency_key = $1', [idempotencyKey]);
    return new Map(rows.map((row) => [`${row.name}/${row.type}`, row.previous]));
  }
}
