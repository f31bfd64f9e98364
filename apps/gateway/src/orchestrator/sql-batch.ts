import { escapeLiteral } from 'pg';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { AuditLog, SqlParams } from '@bf/persistence';

// node-postgres's own conversion of a bind parameter to the text it sends (not in its type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

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
    const taken = this.take(manager, audit);
    if (taken) await manager.query(taken.sql, taken.values);
  }

  /**
   * Like `flush`, but returns the statement with its values written in as
   * literals (null when there is nothing to run), for the caller to send with
   * other statements in one simple query: the orchestrator sends it with its COMMIT.
   */
  takeInline(manager: EntityManager, audit?: AuditLog): string | null {
    const taken = this.take(manager, audit);
    return taken && inlineParameters(taken.sql, taken.values);
  }

  private take(manager: EntityManager, audit?: AuditLog): { sql: string; values: unknown[] } | null {
    const insert = audit?.drainInsert(manager, this);
    const statements = insert ? [...this.statements, insert] : this.statements;
    const values = this.values;
    this.statements = [];
    this.values = [];
    if (!statements.length) return null;
    return { sql: statements.length === 1 ? statements[0] : `WITH ${statements.map((sql, i) => `w${i} AS (${sql})`).join(', ')} SELECT 1`, values };
  }
}

/**
 * `sql` with each `$n` replaced by its value as a quoted literal: the same text
 * node-postgres would send as that bind parameter (`prepareValue`: dates with
 * their offset, arrays as array literals, objects as JSON), escaped by its own
 * `escapeLiteral`, and like a parameter of unspecified type, typed by its
 * context. Only for statements built here, whose text holds no quoted strings.
 */
export function inlineParameters(sql: string, values: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, index: string) => {
    const position = Number(index) - 1;
    if (position < 0 || position >= values.length) throw new Error(`no value for parameter $${index}`);
    const text = prepareValue(values[position]);
    if (text === null || text === undefined) return 'NULL';
    if (typeof text !== 'string') throw new Error(`parameter $${index} cannot be written as a literal`);
    return escapeLiteral(text);
  });
}
