/**
 * The rows of an `UPDATE … RETURNING`: TypeORM's query() answers those with
 * `[rows, affectedCount]` (an INSERT … RETURNING with the rows alone).
 */
export function updatedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
