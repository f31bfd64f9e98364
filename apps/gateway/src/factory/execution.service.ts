import { ConflictException, Inject, Injectable, NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { DataSource, EntityManager } from 'typeorm';
import { newId } from '@bf/contracts';
import { currentCorrelationId, rootLogger } from '@bf/observability';
import { APPROVAL_RISK_LEVELS, AuditEntry, AuditLog, PlanEntity, PlanStepEntity, PlanViewReader, RunEntity, StepRunEntity, currentContentHash } from '@bf/persistence';
import { dryRunEventType, eventType } from '../orchestrator/event-names';
import { RunRef, StepDispatcher } from '../orchestrator/step-dispatcher';
import { failedReasons, PreflightReport, PreflightResult, PreflightService, PreflightSubject } from './preflight';
import { StepMode, StepModePolicy } from './step-modes';
import { CreditsService } from '../credits/credits.service';
import { DOMAIN_OWNING_ACTIONS, DomainClaims, domainsOfSteps } from '../domains/domain-claims';

export interface ExecutionStarted {
  plan_id: string;
  run_id: string;
  status: 'executing';
  dry_run: boolean;
  /** The steps of a live run that run as dry runs (`dry_run_unavailable=true`), and why; every step of a dry run. */
  dry_run_steps: DryRunStep[];
  steps_total: number;
  steps_dispatched: string[];
  /** Set when the run was recorded but its first jobs could not be queued (Redis unreachable): the run reconciler queues them. */
  dispatch_deferred?: string;
  preflight: { passed: true; checks: PreflightResult[] };
}

export interface DryRunStep {
  step_id: string;
  name: string;
  reason: string;
}

export interface StartOptions {
  /** A preflight the caller already ran on exactly these steps (the graph API checks a graph before storing it), so the probes are not run twice. */
  checked?: PreflightReport;
  /** Run live what can run live here and the other steps as dry runs, instead of refusing the run. */
  dryRunUnavailable?: boolean;
}

/** Starts a run of a plan: checks it can run (preflight), records the run, then enqueues every step without prerequisites. */
@Injectable()
export class ExecutionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly dispatcher: StepDispatcher,
    private readonly preflight: PreflightService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly modes: StepModePolicy,
    private readonly credits: CreditsService,
    private readonly claims: DomainClaims,
  ) {}

  async start(tenantId: string, planId: string, options: StartOptions = {}): Promise<ExecutionStarted> {
    const dryRunUnavailable = options.dryRunUnavailable ?? false;
    // Preflight first, outside the transaction: its probes of DNS and Odoo may take
    // seconds, and no plan row lock should be held while they wait.
    const { subject, odooSecrets } = await this.preflightSubject(tenantId, planId, dryRunUnavailable);
    const preflight = options.checked ?? (await this.preflight.run(subject));
    const { run, roots, steps, modes, dryRunSteps } = await this.dataSource.transaction(async (manager) => {
      // Locking the plan row makes a concurrent second execute wait here and then see the first run.
      const plan = await manager.getRepository(PlanEntity).findOne({ where: { id: planId, tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!plan) throw new NotFoundException(`plan ${planId} not found`);
      // With the tenant (a run's is always its plan's), so the lookup uses the (tenant_id, plan_id) index instead of scanning it whole.
      const active = await manager.getRepository(RunEntity).findOne({ where: [{ tenantId, planId, status: 'running' }, { tenantId, planId, rollbackStatus: 'rolling_back' }] });
      if (active) throw new ConflictException({ message: `plan ${planId} is already ${active.status === 'running' ? 'executing' : 'rolling back'} in run ${active.id}`, details: { active_run_id: active.id } });
      // Read once under the plan lock: the hash check covers exactly the steps this run records and dispatches.
      const steps = await manager.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
      await this.assertReviewed(manager, plan, steps);
      await this.assertDomainFree(manager, plan, steps);
      // Again under the locks, and claimed for this tenant if nobody holds it (a plan from before it was released).
      await this.claims.claim(tenantId, domainsOfSteps(steps), { planId }, manager);
      // After the 404/409 checks, so a running or changed plan still answers as it always did.
      if (!preflight.passed) throw preflightFailed(preflight, !dryRunUnavailable && !plan.dryRun);
      // Decided again on the locked rows (cheap and deterministic), so the modes match the steps recorded.
      const modes = this.modes.modesOf({ planDryRun: plan.dryRun, source: plan.source, dryRunUnavailable, odooSecrets }, steps);
      const dryRunSteps = dryRunStepsOf(steps, modes);
      // The request's correlation id stays with the run, so its later events (from the orchestrator) carry it too.
      const run = { id: newId('run'), tenantId, planId, status: 'running' as const, dryRun: plan.dryRun, source: plan.source, correlationId: currentCorrelationId() ?? null };
      // Last check before anything is written: a 402 leaves no run and no audit event behind.
      await this.credits.reserveForRun(manager, tenantId, run.id, steps.map((step) => ({ stepId: step.stepId, action: step.action, dryRun: modes.get(step.stepId)!.dryRun })));
      await manager.insert(RunEntity, run);
      const now = new Date();
      const roots = steps.filter((step) => step.dependsOn.length === 0);
      const rootIds = new Set(roots.map((step) => step.stepId));
      await manager.insert(
        StepRunEntity,
        steps.map((step) => {
          const mode = modes.get(step.stepId)!;
          return { runId: run.id, stepId: step.stepId, tenantId, status: 'pending' as const, attempt: 1, dispatchedAt: rootIds.has(step.stepId) ? now : null, dryRun: mode.dryRun, dryRunReason: mode.reason };
        }),
      );
      await manager.update(PlanEntity, { id: planId }, { status: 'executing' });
      const ref = { tenantId, planId, runId: run.id };
      const graph = plan.source === 'graph';
      const events: AuditEntry[] = [
        {
          ...ref,
          eventType: eventType(plan.source, 'run_started'),
          severity: 'info',
          reason: plan.dryRun
            ? 'Execution started as a dry run: steps describe their changes and make none'
            : dryRunSteps.length
              ? `Execution started live, except ${dryRunSteps.length} step(s) that run as dry runs and change nothing (dry_run_unavailable=true): ${dryRunSteps.map((step) => step.name).join(', ')}`
              : 'Execution started',
          success: true,
          // A graph has no plan_generated event: its start records what was checked and run.
          metadata: {
            dry_run: plan.dryRun,
            steps_total: steps.length,
            plan_hash: plan.planHash,
            ...(!plan.dryRun && dryRunSteps.length ? { dry_run_unavailable: true, dry_run_steps: dryRunSteps } : {}),
            ...(graph ? { graph_id: plan.businessName, stop_on_first_error: plan.stopOnFirstError, auto_rollback: plan.autoRollback, preflight: preflight.checks } : {}),
          },
        },
      ];
      const dryRunStart = dryRunEventType(plan.source, plan.dryRun, 'started');
      if (dryRunStart) events.push({ ...ref, eventType: dryRunStart, severity: 'info', reason: 'Dry run started: every node describes its change and makes none', success: true, metadata: { dry_run: true } });
      await this.audit.appendAll(manager, events);
      return { run, roots, steps, modes, dryRunSteps };
    });
    const ref: RunRef = { tenantId, planId, runId: run.id, dryRun: run.dryRun };
    const dispatchDeferred = await this.dispatchRoots(ref, roots, modes, dryRunSteps);
    return {
      plan_id: planId,
      run_id: run.id,
      status: 'executing',
      dry_run: run.dryRun,
      dry_run_steps: dryRunSteps,
      steps_total: steps.length,
      steps_dispatched: dispatchDeferred ? [] : roots.map((step) => step.stepId),
      ...(dispatchDeferred ? { dispatch_deferred: dispatchDeferred } : {}),
      preflight: { passed: true, checks: preflight.checks },
    };
  }

  /**
   * Queues the run's first steps. The run is already committed, so a queue that is
   * unreachable now must not turn into an error answer for a run that exists: the
   * run reconciler queues the same jobs (same ids) once the grace period has passed.
   */
  private async dispatchRoots(ref: RunRef, roots: PlanStepEntity[], modes: Map<string, StepMode>, dryRunSteps: DryRunStep[]): Promise<string | undefined> {
    try {
      await this.dispatcher.dispatch(ref, roots.map((step) => ({ stepId: step.stepId, action: step.action, attempt: 1, dryRun: modes.get(step.stepId)!.dryRun })));
      await this.dispatcher.announce(ref, 'run', 'running', null, !ref.dryRun && dryRunSteps.length ? { detail: `live, except dry runs of: ${dryRunSteps.map((step) => step.name).join(', ')}` } : {});
      return undefined;
    } catch (error) {
      rootLogger().warn({ component: 'ExecutionService', runId: ref.runId, err: (error as Error).message }, 'run recorded but its first steps could not be queued: the reconciler will queue them');
      return `the run is recorded but its first steps could not be queued (${(error as Error).message}); they are queued again automatically within RECONCILE_GRACE_MS + RECONCILE_INTERVAL_MS`;
    }
  }

  /** The plan and steps the preflight looks at, read without a lock; SAFE_MODE refuses a live plan before any probe. */
  private async preflightSubject(tenantId: string, planId: string, dryRunUnavailable: boolean): Promise<{ subject: PreflightSubject; odooSecrets?: Map<string, string | null> }> {
    const plan = await this.dataSource.getRepository(PlanEntity).findOne({ where: { id: planId, tenantId } });
    if (!plan) throw new NotFoundException(`plan ${planId} not found`);
    if (this.config.safeMode && !plan.dryRun) {
      throw new ServiceUnavailableException('live execution is blocked: the system is in SAFE_MODE; planning and dry runs keep working');
    }
    const steps = await this.dataSource.getRepository(PlanStepEntity).find({ where: { planId, tenantId }, order: { sequence: 'ASC' } });
    // Another tenant's domain is refused before the preflight probes its DNS zone (a plan may predate the other tenant's claim).
    await this.claims.assertNotTaken(tenantId, domainsOfSteps(steps));
    // Only the opt-in asks whether a step's Odoo secret resolves; the same answer decides the modes in the transaction, so the preflight and the run agree.
    const odooSecrets = dryRunUnavailable && !plan.dryRun ? await this.modes.odooSecretsOf(tenantId, steps) : undefined;
    const modes = this.modes.modesOf({ planDryRun: plan.dryRun, source: plan.source, dryRunUnavailable, odooSecrets }, steps);
    return {
      odooSecrets,
      subject: { planId, tenantId, dryRun: plan.dryRun, steps: steps.map((step) => ({ stepId: step.stepId, name: step.name, action: step.action, templateId: step.templateId, parameters: step.parameters, dryRunReason: modes.get(step.stepId)!.reason })) },
    };
  }

  /**
   * Review binds to execution: the stored content must still hash to the plan's
   * hash, and a HIGH or CRITICAL plan needs an approval of exactly that hash.
   */
  private async assertReviewed(manager: EntityManager, plan: PlanEntity, steps: PlanStepEntity[]): Promise<void> {
    const view = await new PlanViewReader(this.dataSource).viewOf(manager, plan, steps);
    const hash = currentContentHash(view);
    if (hash !== plan.planHash) {
      throw new ConflictException({ message: `plan ${plan.id} was changed after it was planned (content hash ${hash}, planned ${plan.planHash}); refusing to execute`, details: { planned_hash: plan.planHash, content_hash: hash } });
    }
    const level = plan.riskAssessment.overall_risk_level;
    if (!APPROVAL_RISK_LEVELS.has(level)) return;
    // Distinct approver keys of exactly this content (an approval from before keys existed counts once).
    const [{ approvals }] = (await manager.query('SELECT count(DISTINCT COALESCE(approver_key_id, id))::int AS approvals FROM plan_approvals WHERE plan_id = $1 AND plan_hash = $2', [plan.id, plan.planHash])) as { approvals: number }[];
    const required = this.config.tenancy.planMinApprovals;
    if (approvals < required) {
      throw new ConflictException({
        message: `plan ${plan.id} is ${level} risk and needs approvals from ${required} distinct key(s) first (has ${approvals}): POST /api/v1/plans/${plan.id}/approve`,
        details: { required: 'approval', risk_level: level, approvals, approvals_required: required },
      });
    }
  }

  /**
   * One active run per domain across plans (and tenants: a domain is global): two
   * plans changing the same site and DNS records at once would undo each other.
   * The advisory lock makes two concurrent executes for one domain take turns.
   */
  private async assertDomainFree(manager: EntityManager, plan: PlanEntity, steps: PlanStepEntity[]): Promise<void> {
    // The same normalized names and lock keys as DomainClaims.release, so a release and an execute take turns too.
    for (const domain of domainsOfSteps(steps)) {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`domain:${domain}`]);
      const [other] = await manager.query(
        `SELECT r.id, r.plan_id FROM runs r JOIN plan_steps s ON s.plan_id = r.plan_id
         WHERE (r.status = 'running' OR r.rollback_status = 'rolling_back') AND r.plan_id <> $1
           AND s.action = ANY($3) AND rtrim(lower(s.parameters->>'domain'), '.') = $2
         LIMIT 1`,
        [plan.id, domain, DOMAIN_OWNING_ACTIONS],
      );
      if (other) {
        throw new ConflictException({ message: `domain ${domain} is being changed by run ${other.id} of plan ${other.plan_id}; wait for it to finish`, details: { active_run_id: other.id, active_plan_id: other.plan_id, domain } });
      }
    }
  }
}

/** Steps that run as dry runs, in plan order, as the API and the run's start event list them. */
function dryRunStepsOf(steps: PlanStepEntity[], modes: Map<string, StepMode>): DryRunStep[] {
  return steps.filter((step) => modes.get(step.stepId)!.dryRun).map((step) => ({ step_id: step.stepId, name: step.name, reason: modes.get(step.stepId)!.reason! }));
}

/**
 * The 422 of a failed preflight: every failed check's reason in the message, every check in the details.
 * `offerMixed`: a live briefing run that was not asked to dry-run what cannot run live is told it may.
 */
export function preflightFailed(preflight: PreflightReport, offerMixed = false): UnprocessableEntityException {
  // Only what a dry run can stand in for: a step without a live mode, or an Odoo that isn't configured.
  const hint = offerMixed && preflight.checks.some((check) => !check.passed && (check.check.startsWith('live:') || (check.check === 'odoo' && /not configured/.test(check.detail))))
    ? ' (to run the other steps live and these as dry runs, execute with dry_run_unavailable=true)'
    : '';
  return new UnprocessableEntityException({
    message: `preflight failed: ${failedReasons(preflight).join('; ')}${hint}`,
    details: { preflight: { passed: false, checks: preflight.checks } },
  });
}
