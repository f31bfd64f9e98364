import { z } from 'zod';

/** PostgreSQL's bigint maximum: a larger sequence cursor cannot name a row, and the cast would fail. */
const BIGINT_MAX = BigInt('9223372036854775807');

/** A `next_cursor` that is an insertion sequence (bigint), as the audit events and the credit ledger page on. */
export function sequenceCursor() {
  // One refinement, not regex + refine: zod runs a refinement on a string that already failed its regex.
  return z.string().refine((cursor) => /^\d{1,19}$/.test(cursor) && BigInt(cursor) <= BIGINT_MAX, 'must be the next_cursor of a previous page');
}

/**
 * A point in time from a query string. JavaScript dates reach years PostgreSQL's
 * timestamptz refuses (or that node-postgres cannot write), so the years are 1..9999.
 */
export function queryDate() {
  return z.coerce
    .date()
    .refine((date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999, 'must be a date between the years 1 and 9999');
}
