import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDIT_PRICES, StepAction } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, otherTenantHeaders, testKeys } from '../support/auth';
import { FaultInjector } from '../support/fault-injector';
import { freePort } from '../support/net';
import { eventually, startTestSystem } from '../support/system';

const SAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));
/** A website-only briefing: every step (generate, deploy, DNS, validation) runs live on this system, no Odoo needed. */
const LIVE_ACTIONS: StepAction[] = ['website.generate', 'website.deploy', 'dns.configure', 'validation.run'];
const LIVE_COST = LIVE_ACTIONS.reduce((sum, action) => sum + CREDIT_PRICES[action], 0);

/**
 * Seed 004 credits against the real system: a live execution reserves its
 * estimate in the execute transaction, settles to the completed live steps'
 * prices when it ends and releases the rest; dry runs are free; a short balance
 * answers 402 and records nothing; concurrent executes never overspend; the
 * ledger is append-only. The suite moves the default tenant's available balance
 * with operator corrections and gives it back at the end.
 */
describe('credits: reserve, settle, release and 402 (gateway + workers, real Redis and PostgreSQL)', () => {
  const faults = new FaultInjector();
  let system: RunningSystem;
  let domains = 0;
  let originalAvailable = 0;
  const call = async (method: string, path: string, body?: unknown, role: 'viewer' | 'operator' | 'admin' = 'admin') => {
    const headers: Record<string, string> = { ...authHeaders(system, role), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${system.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const briefing = (extra: object = {}) => {
    const domain = `credits-${++domains}.example`;
    const { erp_config: _erp, ...rest } = SAMPLE;
    return { ...rest, business_name: `Credits ${domains} GmbH`, integrations: [], website_config: { ...SAMPLE.website_config, domain }, dry_run: false, ...extra };
  };
  const plan = async (extra: object = {}) => {
    const planned = await call('POST', '/api/factory/plan', briefing(extra), 'operator');
    expect(planned.status).toBe(201);
    return planned.body;
  };
  const execute = (planId: string) => call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`, undefined, 'operator');
  const ended = (planId: string, statuses = ['completed']) =>
    eventually(async () => {
      const { body } = await call('GET', `/api/factory/${planId}`);
      return statuses.includes(body.status) && body.run?.status !== 'running' ? body : undefined;
    }, 60_000);
  const credits = async () => (await call('GET', '/api/v1/credits', undefined, 'viewer')).body;
  /** Ledger entries of one run, oldest first. */
  const entriesOf = async (runId: string) => {
    const { body } = await call('GET', '/api/v1/credits/transactions?limit=100', undefined, 'viewer');
    return (body.transactions as any[]).filter((entry) => entry.run_id === runId).reverse();
  };
  /** Waits until the run has settled its credits (the charge is written when nothing of it is in flight). */
  const settledEntries = (runId: string) => eventually(async () => {
    const entries = await entriesOf(runId);
    return entries.some((entry) => entry.kind === 'charge') ? entries : undefined;
  }, 60_000);
  /** An operator correction so that exactly `target` credits are available. */
  const setAvailable = async (target: number) => {
    const { available } = await credits();
    if (available === target) return;
    const granted = await call('POST', '/api/v1/credits/grants', { amount: target - available, reason: 'credits e2e: set the available balance' }, 'admin');
    expect(granted.status).toBe(201);
    expect((await credits()).available).toBe(target);
  };

  beforeAll(async () => {
    // The deploy checks the site through the gateway's own port, so it must be known before boot.
    system = await startTestSystem('credits', { PORT: String(await freePort()), DNS_WEB_IPV4: '203.0.113.20', SITE_SCREENSHOT: 'off' }, faults.workers());
    originalAvailable = (await credits()).available;
  });
  afterAll(async () => {
    if (system) await setAvailable(originalAvailable).catch(() => undefined);
    await system?.stop();
  });
  beforeEach(() => faults.reset());

  it('shows the balance, what is reserved and available, and the price table', async () => {
    const body = await credits();
    expect(body).toMatchObject({ balance: expect.any(Number), reserved: expect.any(Number), unit: 'credits', prices: CREDIT_PRICES });
    expect(body.available).toBe(body.balance - body.reserved);
    expect(body.available).toBeGreaterThan(LIVE_COST * 4);
  });

  it('opens a new tenant`s account with TENANT_INITIAL_CREDITS; only platform admins grant, to any tenant', async () => {
    const other = otherTenantHeaders(system, 'admin');
    const asOther = async (path: string): Promise<any> => (await fetch(`${system.url}${path}`, { headers: other })).json();
    const opened = await asOther('/api/v1/credits');
    expect(opened).toMatchObject({ balance: system.runtime.config.credits.tenantInitialCredits, reserved: 0, available: system.runtime.config.credits.tenantInitialCredits });
    const ledger = await asOther('/api/v1/credits/transactions');
    expect(ledger.transactions).toEqual([expect.objectContaining({ kind: 'grant', amount: opened.balance, balance_after: opened.balance, reason: expect.stringContaining('TENANT_INITIAL_CREDITS') })]);
    // A tenant's own admin cannot grant itself credits.
    const selfGrant = await fetch(`${system.url}/api/v1/credits/grants`, { method: 'POST', headers: { ...other, 'content-type': 'application/json' }, body: JSON.stringify({ amount: 5, reason: 'free money' }) });
    expect(selfGrant.status).toBe(403);
    expect((await call('POST', '/api/v1/credits/grants', { amount: 5, reason: 'x' }, 'operator')).status).toBe(403);
    const tenantId = testKeys(system).otherTenant.tenantId;
    const granted = await call('POST', '/api/v1/credits/grants', { amount: 5, reason: 'platform grant', tenant_id: tenantId }, 'admin');
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ kind: 'grant', amount: 5, balance_after: opened.balance + 5 });
    expect((await asOther('/api/v1/credits')).balance).toBe(opened.balance + 5);
    expect((await call('POST', '/api/v1/credits/grants', { amount: 5, reason: 'nobody', tenant_id: 'tenant_nobody' }, 'admin')).status).toBe(404);
  });

  it('estimates a live plan from the price table and a dry-run plan as free', async () => {
    const live = await plan();
    expect(live.steps.map((step: any) => step.action)).toEqual(LIVE_ACTIONS);
    expect(live.risk_assessment.estimated_credits).toBe(LIVE_COST);
    const dry = await plan({ dry_run: true });
    expect(dry.risk_assessment.estimated_credits).toBe(0);
  });

  it('reserves the estimate on execute and charges exactly the completed live steps when the run completes', async () => {
    const p = await plan();
    const before = await credits();
    const started = await execute(p.plan_id);
    expect(started.status).toBe(202);
    const end = await ended(p.plan_id);
    expect(end.run.status).toBe('completed');
    const entries = await settledEntries(started.body.run_id);
    expect(entries.map((entry) => [entry.kind, entry.amount])).toEqual([
      ['reserve', p.risk_assessment.estimated_credits],
      ['charge', LIVE_COST],
    ]);
    expect(Object.keys(entries[0].details.step_prices).sort()).toEqual(p.steps.map((step: any) => step.step_id).sort());
    const after = await credits();
    expect(after.balance).toBe(before.balance - LIVE_COST);
    expect(after.reserved).toBe(before.reserved);

    const history = (await call('GET', `/api/v1/runs/${started.body.run_id}`, undefined, 'viewer')).body;
    expect(history.metadata).toMatchObject({ credits_reserved: LIVE_COST, credits_consumed: LIVE_COST, steps_executed: 4, steps_completed: 4 });
    expect(history.steps.map((step: any) => step.cost)).toEqual(LIVE_ACTIONS.map((action) => CREDIT_PRICES[action]));

    // A rollback later compensates the changes; the work was done, so the charge stands and nothing is settled twice.
    expect((await call('POST', `/api/factory/${p.plan_id}/rollback`, undefined, 'operator')).status).toBe(200);
    expect((await entriesOf(started.body.run_id)).map((entry) => entry.kind)).toEqual(['reserve', 'charge']);
    expect((await credits()).balance).toBe(after.balance);
  });

  it('on a failed run charges only what completed live and releases the rest, also when auto_rollback undoes it', async () => {
    faults.plan('website.deploy', { fail: 'permanent' });
    const p = await plan();
    const before = await credits();
    const started = await execute(p.plan_id);
    expect(started.status).toBe(202);
    const end = await ended(p.plan_id, ['rolled_back', 'partially_rolled_back']);
    expect(end.run.status).toBe('failed');
    const entries = await settledEntries(started.body.run_id);
    const charged = CREDIT_PRICES['website.generate'];
    expect(entries.map((entry) => [entry.kind, entry.amount])).toEqual([
      ['reserve', LIVE_COST],
      ['charge', charged],
      ['release', LIVE_COST - charged],
    ]);
    const after = await credits();
    expect(after.balance).toBe(before.balance - charged);
    expect(after.reserved).toBe(before.reserved);
    const history = (await call('GET', `/api/v1/runs/${started.body.run_id}`, undefined, 'viewer')).body;
    expect(history).toMatchObject({ status: 'failed', rollback_status: 'rolled_back', metadata: { credits_consumed: charged, steps_failed: 1 } });
    expect(history.steps.find((step: any) => step.action === 'website.deploy')).toMatchObject({ status: 'failed', cost: 0, attempts: 1 });
  });

  it('runs dry runs for free: no reservation, no charge', async () => {
    const p = await plan({ dry_run: true });
    const before = await credits();
    const started = await execute(p.plan_id);
    expect(started.status).toBe(202);
    await ended(p.plan_id);
    expect(await entriesOf(started.body.run_id)).toEqual([]);
    expect(await credits()).toEqual(before);
    expect((await call('GET', `/api/v1/runs/${started.body.run_id}`, undefined, 'viewer')).body.metadata).toMatchObject({ credits_reserved: 0, credits_consumed: 0 });
  });

  it('charges nothing for the steps a live run runs as dry runs (dry_run_unavailable=true)', async () => {
    const domain = `credits-${++domains}.example`;
    const planned = await call('POST', '/api/factory/plan', { ...SAMPLE, business_name: 'Credits Mixed GmbH', website_config: { ...SAMPLE.website_config, domain }, dry_run: false }, 'operator');
    expect(planned.status).toBe(201);
    const all = planned.body.steps.reduce((sum: number, step: any) => sum + CREDIT_PRICES[step.action as StepAction], 0);
    expect(planned.body.risk_assessment.estimated_credits).toBe(all);
    const started = await call('POST', `/api/factory/execute?plan_id=${planned.body.plan_id}&confirm=true&dry_run_unavailable=true`, undefined, 'operator');
    expect(started.status).toBe(202);
    expect(started.body.dry_run_steps.length).toBeGreaterThan(0);
    await ended(planned.body.plan_id);
    const entries = await settledEntries(started.body.run_id);
    expect(entries.map((entry) => [entry.kind, entry.amount])).toEqual([
      ['reserve', LIVE_COST],
      ['charge', LIVE_COST],
    ]);
    expect(all).toBeGreaterThan(LIVE_COST);
  });

  it('answers 402 with the balance and the cost when credit is short, and records nothing', async () => {
    const p = await plan();
    await setAvailable(LIVE_COST - 1);
    const refused = await execute(p.plan_id);
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual({ statusCode: 402, error: 'Payment Required', message: expect.stringContaining('not enough credits'), details: { balance: LIVE_COST - 1, cost: LIVE_COST } });
    expect((await call('GET', `/api/factory/${p.plan_id}`)).body).toMatchObject({ status: 'draft', run: null });
    expect((await call('GET', `/api/v1/runs?plan_id=${p.plan_id}`, undefined, 'viewer')).body.runs).toEqual([]);
    const audit = (await call('GET', `/api/sovereign/audit/events?plan_id=${p.plan_id}&limit=100`)).body.events.map((event: any) => event.event_type);
    expect(audit).not.toContain('factory.execution_started');
    expect((await credits()).available).toBe(LIVE_COST - 1);
    // A dry run still runs on a short balance.
    const dry = await plan({ dry_run: true });
    expect((await execute(dry.plan_id)).status).toBe(202);
    await ended(dry.plan_id);
  });

  it('lets exactly one of two concurrent executes through when together they exceed the balance', async () => {
    const [a, b] = [await plan(), await plan()];
    await setAvailable(LIVE_COST + LIVE_COST - 1);
    const answers = await Promise.all([execute(a.plan_id), execute(b.plan_id)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 402]);
    const winner = answers.find((answer) => answer.status === 202)!;
    const loser = answers.find((answer) => answer.status === 402)!;
    expect(loser.body.details).toEqual({ balance: LIVE_COST - 1, cost: LIVE_COST });
    expect((await credits()).available).toBeGreaterThanOrEqual(0);
    await ended(winner.body.plan_id);
    await settledEntries(winner.body.run_id);
    expect((await credits()).available).toBe(LIVE_COST - 1);
  });

  it('keeps the ledger append-only: the database refuses UPDATE and DELETE', async () => {
    const db = system.runtime.dataSource;
    const [row] = await db.query('SELECT id FROM credit_transactions ORDER BY seq DESC LIMIT 1');
    await expect(db.query('UPDATE credit_transactions SET amount = 0 WHERE id = $1', [row.id])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM credit_transactions WHERE id = $1', [row.id])).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE credit_transactions')).rejects.toThrow(/append-only/);
  });

  it('pages the ledger newest first with a stable cursor, and rejects bad queries and grants with 400', async () => {
    const first = (await call('GET', '/api/v1/credits/transactions?limit=2', undefined, 'viewer')).body;
    expect(first.transactions).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await call('GET', `/api/v1/credits/transactions?limit=2&cursor=${first.next_cursor}`, undefined, 'viewer')).body;
    const ids = [...first.transactions, ...second.transactions].map((entry: any) => entry.transaction_id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = (await call('GET', '/api/v1/credits/transactions?limit=4', undefined, 'viewer')).body.transactions.map((entry: any) => entry.transaction_id);
    expect(ids).toEqual(all.slice(0, ids.length));

    const bad = await call('GET', '/api/v1/credits/transactions?limit=0&cursor=abc&extra=1', undefined, 'viewer');
    expect(bad.status).toBe(400);
    expect(bad.body.details.some((detail: any) => detail.path === 'limit')).toBe(true);
    expect(bad.body.details.some((detail: any) => detail.path === 'cursor')).toBe(true);
    const badGrant = await call('POST', '/api/v1/credits/grants', { amount: 0, reason: '' }, 'admin');
    expect(badGrant.status).toBe(400);
    expect(badGrant.body.details.map((detail: any) => detail.path).sort()).toEqual(['amount', 'reason']);
    // A correction may not take the balance below what is reserved.
    const { balance, reserved } = await credits();
    expect((await call('POST', '/api/v1/credits/grants', { amount: -(balance - reserved) - 1, reason: 'too much' }, 'admin')).status).toBe(409);
  });
});
