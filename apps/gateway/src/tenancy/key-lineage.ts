/** Runs one parameterised query: a DataSource's, an EntityManager's or a transaction's `query`. */
type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

/** Deeper than any real chain of keys issuing keys; bounds the walk should the data ever loop. */
const MAX_LINEAGE_DEPTH = 32;

/**
 * Whether one of two keys issued the other, directly or through keys it issued
 * (`api_keys.created_by`). Such keys act for one holder: an admin who creates a
 * plan with one key and mints an approver key with it must not approve with that
 * second key, which would be approving its own plan. Siblings (two keys issued
 * by the same admin for two people) are independent.
 */
export async function keysShareLineage(query: Query, tenantId: string, keyA: string, keyB: string): Promise<boolean> {
  if (keyA === keyB) return true;
  const rows = (await query(
    `WITH RECURSIVE ancestors(start_id, id, depth) AS (
       SELECT k.id, k.created_by, 1 FROM api_keys k WHERE k.tenant_id = $1 AND k.id IN ($2, $3) AND k.created_by IS NOT NULL
       UNION ALL
       SELECT a.start_id, k.created_by, a.depth + 1 FROM ancestors a JOIN api_keys k ON k.id = a.id AND k.tenant_id = $1
        WHERE k.created_by IS NOT NULL AND a.depth < $4
     )
     SELECT EXISTS (SELECT 1 FROM ancestors WHERE (start_id = $2 AND id = $3) OR (start_id = $3 AND id = $2)) AS related`,
    [tenantId, keyA, keyB, MAX_LINEAGE_DEPTH],
  )) as { related: boolean }[];
  return rows[0]?.related === true;
}
