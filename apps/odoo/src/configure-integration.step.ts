import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { Integration } from '@bf/contracts';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { LeadDelivery } from './crm/lead-delivery';
import { LeadRoute, LeadRouting, odooTarget } from './crm/lead-routing';
import { liveCompleted, runStepModes } from './crm/run-steps';
import { asStepError, OdooConnection } from './odoo-connection';

const LEADS_STAY = 'crm.lead records already created in Odoo stay: they are the business’s data now';

/** Seed 000 step "Configure Integration": the website's contact form creates CRM leads. */
@Injectable()
export class ConfigureIntegrationStep implements StepExecutor {
  readonly action = 'integration.configure' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: OdooConnection,
    private readonly delivery: LeadDelivery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const { type, name } = context.parameters as { type: string; name: string };
    const site = context.runState.deployed_domain;
    const modules = (context.runState.odoo_modules as string[] | undefined) ?? [];
    if (type === 'contact_form' && !modules.includes('crm')) {
      throw new PermanentStepError(`integration '${name}' creates CRM leads, but the plan does not install crm`);
    }
    return {
      result: {
        mode: 'dry_run',
        would: `route ${String(site ?? 'the site')}'s contact form submissions to Odoo as crm.lead records, delivering those already stored`,
        integration: name,
      },
      outputs: { [`integration_${context.stepId}`]: 'configured' },
    };
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    const integration = context.parameters as Integration & { secret_ref?: string };
    if (integration.type !== 'contact_form' || integration.source !== 'website' || integration.target !== 'odoo') {
      throw new PermanentStepError(`integration '${integration.name}': only website → odoo contact_form integrations run live (got ${integration.source} → ${integration.target} ${integration.type})`);
    }
    const site = await this.liveSite(context);
    await this.requireCrm(context);
    // Through a tenant secret the routing records its name only: the delivery job resolves it when a form is posted.
    const secretRef = integration.secret_ref ?? null;
    const { url, db } = secretRef ? { url: null, db: null } : odooTarget(this.config);
    const { route, previous } = await new LeadRouting(this.dataSource).activate({
      tenantId: context.tenantId,
      siteId: site,
      target: 'odoo.crm_lead',
      odooUrl: url,
      odooDb: db,
      secretRef,
      runId: context.runId,
      stepId: context.stepId,
    });
    const backlog = await this.deliverBacklog(context.tenantId, site);
    return {
      result: {
        mode: 'live',
        integration: integration.name,
        site,
        target: { model: 'crm.lead', ...targetOf(route) },
        active_from: route.activeFrom.toISOString(),
        ...(previous ? { superseded: { run_id: previous.runId, step_id: previous.stepId, ...targetOf(previous) } } : {}),
        backlog,
      },
      outputs: { [`integration_${context.stepId}`]: 'configured' },
    };
  }

  /**
   * Removes the routing; submissions keep being stored and are marked
   * undelivered. Leads are never deleted: salespeople may already be working them.
   */
  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'stop routing the contact form to the CRM');
    const site = previous.result.site as string | undefined;
    if (!site) return { result: { mode: 'live', undone: 'nothing: the step recorded no site', kept: LEADS_STAY } };
    const removed = await new LeadRouting(this.dataSource).remove(context.tenantId, site, context.runId, context.stepId);
    const marked: [unknown, number] = await this.dataSource.query(`UPDATE contact_submissions SET status = 'undelivered' WHERE tenant_id = $1 AND site_id = $2 AND status = 'received'`, [context.tenantId, site]);
    const [{ count: delivered }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM contact_submissions WHERE tenant_id = $1 AND site_id = $2 AND status = 'delivered'`, [context.tenantId, site]);
    return {
      result: {
        mode: 'live',
        site,
        undone: removed
          ? `${site}'s contact form no longer creates crm.lead records; new submissions are stored and marked undelivered`
          : `nothing: ${site}'s routing was already removed or now belongs to a later run`,
        submissions_marked_undelivered: Number(marked[1] ?? 0),
        kept: LEADS_STAY,
        leads_kept: delivered,
      },
    };
  }

  /** The site must be the one this run deployed for real: a dry-run deploy serves no form. */
  private async liveSite(context: StepContext): Promise<string> {
    const site = context.runState.deployed_domain;
    if (typeof site !== 'string' || !site) throw new PermanentStepError('no deployed site in this run: the website.deploy step must run first');
    const deploys = liveCompleted(await runStepModes(this.dataSource, context.tenantId, context.runId), 'website.deploy');
    if (!deploys.some((step) => step.parameters.domain === site)) {
      throw new PermanentStepError(`${site} was not deployed live by this run, so its contact form does not exist to be routed`);
    }
    return site;
  }

  private async requireCrm(context: StepContext): Promise<void> {
    try {
      const crm = await (await this.connection.forStep(context)).findModule('crm');
      if (crm?.state !== 'installed') throw new PermanentStepError(`Odoo's crm module is ${crm?.state ?? 'unknown to the server'}, not installed: install it before routing leads to it`);
    } catch (error) {
      throw asStepError(error);
    }
  }

  /** Submissions stored before the routing existed go out now; one that fails is recorded on its row and listed, not fatal. */
  private async deliverBacklog(tenantId: string, site: string): Promise<{ delivered: number; failed: Array<{ submission_id: string; error: string }> }> {
    const failed: Array<{ submission_id: string; error: string }> = [];
    let delivered = 0;
    for (const submission of await this.delivery.pending(tenantId, site)) {
      try {
        const outcome = await this.delivery.deliver({ tenantId, submissionId: submission.id }, true);
        if (outcome.outcome !== 'not_routed') delivered++;
      } catch (error) {
        failed.push({ submission_id: submission.id, error: (error as Error).message });
      }
    }
    return { delivered, failed };
  }
}

/** Where a routing delivers, as results and evidence show it: the secret's name, or the configured Odoo's masked URL and database. */
function targetOf(route: Pick<LeadRoute, 'odooUrl' | 'odooDb' | 'secretRef'>): Record<string, string | null> {
  return route.secretRef ? { secret_ref: route.secretRef } : { odoo_url: route.odooUrl, odoo_db: route.odooDb };
}
