import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { JobResult, LeadDeliveryPayload } from '@bf/contracts';
import { OdooApi } from '@bf/odoo';
import { ContactSubmissionEntity } from '@bf/persistence';
import { PermanentStepError } from '@bf/step-sdk';
import { asStepError, OdooConnection } from '../odoo-connection';
import { CrmLeads, leadMarker, leadValues } from './crm-lead';
import { describeTarget, LeadRoute, LeadRouting, odooTarget } from './lead-routing';

export type LeadDeliveryResult = JobResult<'odoo', 'crm.deliver_lead'>;

/** Statuses a delivery may still act on; `delivered` is final. */
export const UNDELIVERED_STATUSES = ['received', 'failed', 'undelivered'] as const;

/**
 * Turns one stored submission into one crm.lead. The submission row is locked
 * for the whole delivery, so two workers (or the integration step and a queued
 * job) never create the lead twice; a crash between Odoo's create and our
 * update is covered by the marker search in CrmLeads.
 */
@Injectable()
export class LeadDelivery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: OdooConnection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `final`: no retry follows, so a failure is recorded as the submission's outcome. */
  async deliver({ tenantId, submissionId }: LeadDeliveryPayload, final: boolean): Promise<LeadDeliveryResult> {
    try {
      return await this.dataSource.transaction((manager) => this.deliverLocked(manager, tenantId, submissionId));
    } catch (error) {
      const failure = asStepError(error);
      const permanent = failure instanceof PermanentStepError;
      const message = this.scrub(failure.message);
      await this.recordFailure(tenantId, submissionId, message, permanent || final);
      // BullMQ keeps the thrown message as the job's failedReason: it gets the scrubbed one too.
      throw permanent ? new UnrecoverableError(message) : new Error(message);
    }
  }

  private async deliverLocked(manager: EntityManager, tenantId: string, submissionId: string): Promise<LeadDeliveryResult> {
    const rows = manager.getRepository(ContactSubmissionEntity);
    const row = await rows.findOne({ where: { id: submissionId, tenantId }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw new PermanentStepError(`contact submission ${submissionId} does not exist`);
    if (row.status === 'delivered' && row.leadId !== null) return { outcome: 'already_delivered', leadId: row.leadId };
    const route = await new LeadRouting(manager).find(tenantId, row.siteId);
    if (!route) {
      await rows.update({ id: row.id }, { status: 'undelivered' });
      return { outcome: 'not_routed', leadId: null };
    }
    const lead = await new CrmLeads(await this.odooOf(route, row.siteId)).createOnce(leadValues(row), leadMarker(row.id));
    await rows.update({ id: row.id }, { status: 'delivered', leadId: lead.id, deliveredAt: new Date(), deliveryError: null, deliveryAttempts: row.deliveryAttempts + 1 });
    return { outcome: 'delivered', leadId: lead.id };
  }

  /**
   * The Odoo the routing names: a tenant secret's, resolved now (the routing
   * holds only its name, so a replaced secret is used from then on), or the
   * configured one, which must still be the one the step routed to.
   */
  private async odooOf(route: LeadRoute, siteId: string): Promise<OdooApi> {
    if (route.secretRef) return this.connection.forSecret(route.tenantId, route.secretRef);
    const { url, db } = odooTarget(this.config);
    if (route.odooUrl !== url || route.odooDb !== db) {
      throw new PermanentStepError(`site ${siteId} delivers to ${describeTarget(route)}, but this worker is configured for ${url ?? 'none'} (${db ?? 'none'}): run the integration step again`);
    }
    return this.connection.api();
  }

  /** A retry leaves the status as it was (still on its way); only the last failure says `failed`. */
  private async recordFailure(tenantId: string, submissionId: string, message: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE contact_submissions
          SET delivery_error = $3, delivery_attempts = delivery_attempts + 1, status = CASE WHEN $4 THEN 'failed' ELSE status END
        WHERE id = $1 AND tenant_id = $2 AND status <> 'delivered'`,
      [submissionId, tenantId, message, final],
    );
  }

  /** The client scrubs Odoo's answers already; this also covers errors raised around it (a URL with credentials, a driver message). */
  private scrub(message: string): string {
    const { password } = this.config.odoo;
    return password ? message.split(password).join('***') : message;
  }

  /** Submissions of a site that have not reached the CRM yet, oldest first. */
  pending(tenantId: string, siteId: string): Promise<ContactSubmissionEntity[]> {
    return this.dataSource.getRepository(ContactSubmissionEntity).find({ where: { tenantId, siteId, status: In([...UNDELIVERED_STATUSES]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
