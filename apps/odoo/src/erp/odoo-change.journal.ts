import { DataSource } from 'typeorm';

/** What a step journals about: modules it installs (and the dependencies they pulled in), logins it creates, records whose values it replaces. */
export type OdooChangeKind = 'module' | 'dependency' | 'user' | 'company' | 'admin_user';

/**
 * The first-seen state of everything an Odoo step changes (see migration
 * CreateOdooChangeJournal). Steps write an entry before the change, so an
 * attempt that dies between the change and its result still leaves the fact
 * "this was ours" behind; `remember` keeps the earliest entry per ref.
 */
export class OdooChangeJournal {
  constructor(private readonly dataSource: DataSource) {}

  async remember(tenantId: string, idempotencyKey: string, kind: OdooChangeKind, ref: string, before: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO odoo_change_journal (idempotency_key, tenant_id, kind, ref, before) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (idempotency_key, kind, ref) DO NOTHING`,
      [idempotencyKey, tenantId, kind, ref, JSON.stringify(before)],
    );
  }

  /** ref → what it was before the step's first attempt touched it, in the order the step touched them. */
  async recall<T = Record<string, unknown>>(idempotencyKey: string, kind: OdooChangeKind): Promise<Map<string, T>> {
    const rows: Array<{ ref: string; before: T }> = await this.dataSource.query('SELECT ref, before FROM odoo_change_journal WHERE idempotency_key = $1 AND kind = $2 ORDER BY seq', [idempotencyKey, kind]);
    return new Map(rows.map((row) => [row.ref, row.before]));
  }
}
