import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { AuditLog, SqlParams } from '@bf/persistence';

/**
 * Data-modifying statements held back so several go to PostgreSQL in one round
 * trip (as data-modifying CTEs of one statement), with the audit rows of the
 * transaction's open AuditLog batch. The statements of one flush run on one
 * snapshot in no set order, so each must touch rows no other one touches, and
 * nothing may read those rows in between: whoever is about to read or write
 * them flushes first.
 */
export class SqlBatch implements SqlParams {
  private statements: string[] = [];
  private values: unknown[] = [];

  param(value: unknown): string {
    return `$${this.values.push(value)}`;
  }

  /** A data-modifying statement whose placeholders come from `param`. */
  add(sql: string): void {
    this.statements.push(sql);
  }

  /** `UPDATE` of an entity's table: `changes` by property name, rows where every `where` column equals its value. */
  update<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, where: Partial<T>, changes: Partial<T>, extraCondition = ''): void {
    const meta = manager.connection.getMetadata(target);
    const column = (property: string) => {
      const found = meta.findColumnWithPropertyName(property);
      if (!found) throw new Error(`${meta.tableName} has no column for ${property}`);
      return found;
    };
    const value = (property: string, raw: unknown) => {
      const col = column(property);
      if (raw === null || raw === undefined) return 'NULL';
      return col.type === 'jsonb' ? `${this.param(JSON.stringify(raw))}::jsonb` : this.param(raw);
    };
    const sets = Object.entries(changes)
      .filter(([, raw]) => raw !== undefined)
      .map(([property, raw]) => `"${column(property).databaseName}" = ${value(property, raw)}`);
    if (!sets.length) return;
    const conditions = Object.entries(where).map(([property, raw]) => `"${column(property).databaseName}" = ${this.param(raw)}`);
    this.statements.push(`UPDATE "${meta.tableName}" SET ${sets.join(', ')} WHERE ${[...conditions, ...(extraCondition ? [extraCondition] : [])].join(' AND ')}`);
  }

  /** Runs the held statements, and the audit INSERT of the open batch when `audit` is given, in one statement. */
  async flush(manager: EntityManager, audit?: AuditLog): Promise<void> {
    const insert = audit?.drainInsert(manager, this);
    const statements = insert ? [...this.statements, insert] : this.statements;
    const values = this.values;
    this.statements = [];
    this.values = [];
    if (!statements.length) return;
    await manager.query(statements.length === 1 ? statements[0] : `WITH ${statements.map((sql, i) => `w${i} AS (${sql})`).join(', ')} SELECT 1`, values);
  }
}
