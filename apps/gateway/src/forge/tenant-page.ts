import { DataSource } from 'typeorm';

export interface TenantPageQuery {
  /** Column → value to match exactly; an undefined value does not filter. */
  filters: Record<string, unknown>;
  limit: number;
  offset: number;
}

/**
 * One page of a tenant's rows of `table`, newest first (id breaks ties so pages
 * never overlap), with the total the filters match. Table, columns and filter
 * names come from code, never from the request; values are bound parameters and
 * limit/offset are validated integers.
 */
export async function tenantPage<Row>(dataSource: DataSource, table: string, columns: string, tenantId: string, query: TenantPageQuery): Promise<{ total: number; rows: Row[] }> {
  const where = ['tenant_id = $1'];
  const values: unknown[] = [tenantId];
  for (const [column, value] of Object.entries(query.filters)) {
    if (value !== undefined) {
      values.push(value);
      where.push(`${column} = $${values.length}`);
    }
  }
  const [{ total }]: { total: number }[] = await dataSource.query(`SELECT count(*)::int AS total FROM ${table} WHERE ${where.join(' AND ')}`, values);
  const rows: Row[] = await dataSource.query(`SELECT ${columns} FROM ${table} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id LIMIT ${query.limit} OFFSET ${query.offset}`, values);
  return { total, rows };
}
