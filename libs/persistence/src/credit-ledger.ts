import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';

/** A tenant's credits: `available` = `balance` - `reserved` (what running live executions hold). */
export interface CreditBalance {
  balance: number;
  reserved: number;
  available: number;
}

export type CreditTransactionKind = 'grant' | 'reserve' | 'charge' | 'release';

/** One ledger entry as the API shows it; `balance_after`/`reserved_after` are the account right after it. */
export interface CreditTransaction {
  transaction_id: string;
  kind: CreditTransactionKind;
  amount: number;
  balance_after: number;
  reserved_after: number;
  run_id: string | null;
  reason: string;
  details: Record<string, unknown>;
  created_at: string;
}

export interface CreditTransactionPage {
  transactions: CreditTransaction[];
  next_cursor: string | null;
}

export type ReserveOutcome = { reserved: true; balance: CreditBalance } | { reserved: false; balance: CreditBalance };

/** What a run was charged when it settled; null when it had reserved nothing or was settled before. */
export interface CreditSettlement {
  reserved: number;
  charged: number;
  released: number;
}

const CREATED_AT_TEXT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The credit ledger (seed 004). Every movement is a ledger row written in the
 * same transaction as the account row it changes, so the account can always be
 * recomputed from the ledger. Reservations use a conditional UPDATE: the row
 * lock it takes makes two concurrent executes of one tenant take turns, and the
 * second sees what the first reserved, so together they never overspend.
 */
export class CreditLedger {
  /** `initialCredits`: what a tenant's account starts with the first time it is used (TENANT_INITIAL_CREDITS). */
  constructor(private readonly initialCredits: number) {}

  async balance(manager: EntityManager, tenantId: string): Promise<CreditBalance> {
    await this.ensureAccount(manager, tenantId);
    const [row] = await manager.query('SELECT balance, reserved FROM credit_accounts WHERE tenant_id = $1', [tenantId]);
    return balanceOf(row);
  }

  /**
   * Holds `cost` (the sum of `stepPrices`, one entry per live step) for a run
   * about to start. Refused without writing anything when the available
   * balance is short; the caller's transaction decides whether the run exists.
   */
  async reserve(manager: EntityManager, tenantId: string, runId: string, stepPrices: Record<string, number>): Promise<ReserveOutcome> {
    const cost = Object.values(stepPrices).reduce((sum, price) => sum + price, 0);
    await this.ensureAccount(manager, tenantId);
    const [updated] = await updateReturning(
      manager,
      'UPDATE credit_accounts SET reserved = reserved + $2, updated_at = now() WHERE tenant_id = $1 AND balance - reserved >= $2 RETURNING balance, reserved',
      [tenantId, cost],
    );
    if (!updated) return { reserved: false, balance: await this.balance(manager, tenantId) };
    await appendEntry(manager, tenantId, 'reserve', cost, updated, runId, `reserved the estimated cost of ${Object.keys(stepPrices).length} live step(s)`, { step_prices: stepPrices });
    return { reserved: true, balance: balanceOf(updated) };
  }

  /**
   * An operator's grant (positive) or correction (negative). A correction may
   * not take the balance below what is reserved: null then, nothing written.
   */
  async grant(manager: EntityManager, tenantId: string, amount: number, reason: string, details: Record<string, unknown> = {}): Promise<CreditTransaction | null> {
    await this.ensureAccount(manager, tenantId);
    const [updated] = await updateReturning(
      manager,
      'UPDATE credit_accounts SET balance = balance + $2, updated_at = now() WHERE tenant_id = $1 AND balance + $2 >= reserved RETURNING balance, reserved',
      [tenantId, amount],
    );
    if (!updated) return null;
    return appendEntry(manager, tenantId, 'grant', amount, updated, null, reason, details);
  }

  /** The tenant's ledger, newest first; `beforeSeq` is the previous page's next_cursor. */
  async transactions(manager: EntityManager, tenantId: string, page: { limit: number; beforeSeq?: string }): Promise<CreditTransactionPage> {
    const rows: TransactionRow[] = await manager.query(
      `SELECT seq, id, kind, amount, balance_after, reserved_after, run_id, reason, details, ${CREATED_AT_TEXT} AS created_at
       FROM credit_transactions WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
       ORDER BY seq DESC LIMIT $3`,
      [tenantId, page.beforeSeq ?? null, page.limit + 1],
    );
    const shown = rows.slice(0, page.limit);
    return { transactions: shown.map(toTransaction), next_cursor: rows.length > page.limit ? String(shown[shown.length - 1].seq) : null };
  }

  /** Creates the tenant's account with its initial grant the first time it is needed; safe when two requests race. */
  private async ensureAccount(manager: EntityManager, tenantId: string): Promise<void> {
    const inserted = await manager.query(
      'INSERT INTO credit_accounts (tenant_id, balance) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING RETURNING balance, reserved',
      [tenantId, this.initialCredits],
    );
    if (inserted.length && this.initialCredits > 0) {
      await appendEntry(manager, tenantId, 'grant', this.initialCredits, inserted[0], null, 'initial grant (TENANT_INITIAL_CREDITS)', {});
    }
  }
}

/**
 * Settles a finished run: charges the prices of its steps that ran live and
 * completed (a completed step that was later rolled back did its work, so it
 * counts), and releases the rest of the reservation. Called when a run has ended
 * and nothing of it is in flight, possibly more than once (reports arrive at
 * least once): the account row lock and the charge's unique key make it settle once.
 */
export async function settleRunCredits(manager: EntityManager, run: { id: string; tenantId: string }): Promise<CreditSettlement | null> {
  const entries = (): Promise<{ kind: CreditTransactionKind; amount: string; details: Record<string, any> }[]> =>
    manager.query(`SELECT kind, amount, details FROM credit_transactions WHERE run_id = $1 AND kind IN ('reserve', 'charge')`, [run.id]);
  // Cheap answer first for the usual calls (a dry run, or a run settled before), without taking the account lock.
  const seen = await entries();
  if (!seen.some((entry) => entry.kind === 'reserve') || seen.some((entry) => entry.kind === 'charge')) return null;
  await manager.query('SELECT 1 FROM credit_accounts WHERE tenant_id = $1 FOR UPDATE', [run.tenantId]);
  const locked = await entries();
  if (locked.some((entry) => entry.kind === 'charge')) return null;
  const reserve = locked.find((entry) => entry.kind === 'reserve')!;
  const prices: Record<string, number> = reserve.details.step_prices ?? {};
  const ran: { step_id: string }[] = await manager.query(
    `SELECT step_id FROM step_runs WHERE run_id = $1 AND dry_run = false AND status IN ('completed', 'rolled_back')`,
    [run.id],
  );
  const chargedSteps = Object.fromEntries(ran.filter((row) => prices[row.step_id] !== undefined).map((row) => [row.step_id, prices[row.step_id]]));
  const held = Number(reserve.amount);
  const charge = Object.values(chargedSteps).reduce((sum, price) => sum + price, 0);
  const [account] = await updateReturning(
    manager,
    'UPDATE credit_accounts SET balance = balance - $2, reserved = reserved - $3, updated_at = now() WHERE tenant_id = $1 RETURNING balance, reserved',
    [run.tenantId, charge, held],
  );
  await appendEntry(manager, run.tenantId, 'charge', charge, account, run.id, `charged ${Object.keys(chargedSteps).length} completed live step(s)`, { step_prices: chargedSteps });
  if (held > charge) {
    await appendEntry(manager, run.tenantId, 'release', held - charge, account, run.id, 'released the reservation of the steps that did not complete live', {});
  }
  return { reserved: held, charged: charge, released: held - charge };
}

/** Per run: what it reserved and, once settled, what it was charged and each charged step's price. */
export interface RunCredits {
  reserved: number;
  charged: number | null;
  stepPrices: Record<string, number>;
  chargedSteps: Record<string, number>;
}

/** The credit entries of these runs (for execution history), by run id. */
export async function creditsOfRuns(manager: EntityManager, tenantId: string, runIds: string[]): Promise<Map<string, RunCredits>> {
  const out = new Map<string, RunCredits>();
  if (!runIds.length) return out;
  const rows: { run_id: string; kind: CreditTransactionKind; amount: string; details: Record<string, any> }[] = await manager.query(
    `SELECT run_id, kind, amount, details FROM credit_transactions WHERE tenant_id = $1 AND run_id = ANY($2::text[]) AND kind IN ('reserve', 'charge')`,
    [tenantId, runIds],
  );
  for (const row of rows) {
    const entry = out.get(row.run_id) ?? { reserved: 0, charged: null, stepPrices: {}, chargedSteps: {} };
    if (row.kind === 'reserve') Object.assign(entry, { reserved: Number(row.amount), stepPrices: row.details.step_prices ?? {} });
    else Object.assign(entry, { charged: Number(row.amount), chargedSteps: row.details.step_prices ?? {} });
    out.set(row.run_id, entry);
  }
  return out;
}

interface TransactionRow {
  seq: string;
  id: string;
  kind: CreditTransactionKind;
  amount: string;
  balance_after: string;
  reserved_after: string;
  run_id: string | null;
  reason: string;
  details: Record<string, unknown>;
  created_at: string;
}

async function appendEntry(
  manager: EntityManager,
  tenantId: string,
  kind: CreditTransactionKind,
  amount: number,
  account: { balance: string | number; reserved: string | number },
  runId: string | null,
  reason: string,
  details: Record<string, unknown>,
): Promise<CreditTransaction> {
  const [row]: TransactionRow[] = await manager.query(
    `INSERT INTO credit_transactions (id, tenant_id, kind, amount, balance_after, reserved_after, run_id, reason, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     RETURNING seq, id, kind, amount, balance_after, reserved_after, run_id, reason, details, ${CREATED_AT_TEXT} AS created_at`,
    [`ctx_${randomBytes(6).toString('hex')}`, tenantId, kind, amount, account.balance, account.reserved, runId, reason, details],
  );
  return toTransaction(row);
}

function toTransaction(row: TransactionRow): CreditTransaction {
  return {
    transaction_id: row.id,
    kind: row.kind,
    amount: Number(row.amount),
    balance_after: Number(row.balance_after),
    reserved_after: Number(row.reserved_after),
    run_id: row.run_id,
    reason: row.reason,
    details: row.details,
    created_at: row.created_at,
  };
}

function balanceOf(row: { balance: string | number; reserved: string | number }): CreditBalance {
  const balance = Number(row.balance);
  const reserved = Number(row.reserved);
  return { balance, reserved, available: balance - reserved };
}

/** TypeORM answers an UPDATE with `[rows, rowCount]`; this returns the rows. */
async function updateReturning(manager: EntityManager, sql: string, params: unknown[]): Promise<{ balance: string; reserved: string }[]> {
  const result = await manager.query(sql, params);
  return Array.isArray(result[0]) ? result[0] : result;
}
