import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { newForgeId, updatedRows } from '@bf/forge';
import { forgeApprovalDuration } from '@bf/observability';
import { AuditLog } from '@bf/persistence';
import { actorMetadata, ForgeActor } from './forge-actor';
import { ForgePackagesService } from './forge-packages.service';
import { keysShareLineage } from '../tenancy/key-lineage';

const APPROVAL_ID = /^fappr_[0-9a-f]{12}$/;

interface RequestRow {
  id: string;
  tenant_id: string;
  plugin_package_id: string;
  requested_by: string;
  note: string | null;
  required_approvals: number;
  status: 'pending' | 'approved';
  created_at: Date;
  approved_at: Date | null;
}

/**
 * Multi-approver sign-off of a package (seed 002): one request per package, then
 * one approval per distinct approver key, never the key that requested the
 * approval or the job; the request is approved at FORGE_MIN_APPROVALS distinct
 * keys. Requests and approvals are audit events in the tenant's chain.
 */
@Injectable()
export class ForgeApprovalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly packages: ForgePackagesService,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `created` false: the package already had a request, which is returned. */
  async request(actor: ForgeActor, packageId: string, note: string | undefined) {
    const pkg = await this.packages.package(actor.tenantId, packageId);
    if (pkg.status !== 'signed' && pkg.status !== 'published') throw new ConflictException(`plugin package ${pkg.id} is ${pkg.status}: only a signed package can be submitted for approval`);
    const [owner]: { status: string }[] = await this.dataSource.query('SELECT status FROM forge_jobs WHERE id = $1 AND tenant_id = $2', [pkg.job_id, actor.tenantId]);
    if (owner?.status !== 'success') throw new ConflictException(`plugin package ${pkg.id}'s forge job ${pkg.job_id} is ${owner?.status ?? 'missing'}: only the package of a successful job can be submitted for approval`);
    const inserted: RequestRow[] = await this.dataSource.transaction(async (tx) => {
      const rows: RequestRow[] = await tx.query(
        `INSERT INTO forge_approval_requests (id, tenant_id, plugin_package_id, requested_by, note, required_approvals, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (plugin_package_id) DO NOTHING RETURNING *`,
        [newForgeId('fappr'), actor.tenantId, pkg.id, actor.id, note ?? null, this.config.forge.minApprovals],
      );
      if (rows[0]) {
        await this.audit.append(tx, {
          tenantId: actor.tenantId,
          eventType: 'forge.approval_requested',
          severity: 'info',
          reason: `Approval of plugin package ${pkg.slug} ${pkg.version} (${pkg.id}) requested by ${actor.name}; ${rows[0].required_approvals} distinct approver(s) needed`,
          success: true,
          metadata: { approval_id: rows[0].id, package_id: pkg.id, slug: pkg.slug, version: pkg.version, archive_sha256: pkg.archive_sha256, note: note ?? null, approvals_required: rows[0].required_approvals, ...actorMetadata(actor) },
        });
      }
      return rows;
    });
    const row = inserted[0] ?? (await this.dataSource.query('SELECT * FROM forge_approval_requests WHERE plugin_package_id = $1 AND tenant_id = $2', [pkg.id, actor.tenantId]))[0];
    return { created: inserted.length > 0, approval: await this.view(row) };
  }

  async approve(actor: ForgeActor, approvalId: string, note: string | undefined) {
    const request = await this.requestRow(actor.tenantId, approvalId);
    const [job]: { requested_by: string }[] = await this.dataSource.query(
      'SELECT j.requested_by FROM plugin_packages p JOIN forge_jobs j ON j.id = p.job_id AND j.tenant_id = p.tenant_id WHERE p.id = $1 AND p.tenant_id = $2',
      [request.plugin_package_id, actor.tenantId],
    );
    // Compared by API key id: a name in the body changes nothing.
    if (actor.id === request.requested_by) throw new ForbiddenException(`${actor.name} requested this approval and cannot approve it`);
    if (actor.id === job?.requested_by) throw new ForbiddenException(`${actor.name} requested the forge job of this package and cannot approve it`);
    // A key issued by the requester's key (or that issued it) is the same holder with another key.
    for (const [requester, what] of [[request.requested_by, 'this approval'], [job?.requested_by, 'the forge job of this package']] as const) {
      if (requester && (await keysShareLineage(this.dataSource.query.bind(this.dataSource), actor.tenantId, requester, actor.id))) {
        throw new ForbiddenException(`${actor.name}'s key was issued by the key that requested ${what}, or issued it, and cannot approve it`);
      }
    }
    const pkg = await this.packages.package(actor.tenantId, request.plugin_package_id);
    if (pkg.status === 'revoked') throw new ConflictException(`plugin package ${pkg.id} is revoked`);
    return this.dataSource.transaction(async (tx) => {
      // Serialises approvals of one request, so the count and the status change agree.
      await tx.query('SELECT id FROM forge_approval_requests WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [request.id, actor.tenantId]);
      const inserted = await tx.query(
        `INSERT INTO forge_approvals (id, tenant_id, request_id, plugin_package_id, approver_id, approver_role, approved, note)
         VALUES ($1, $2, $3, $4, $5, $6, true, $7) ON CONFLICT (plugin_package_id, approver_id) DO NOTHING RETURNING id`,
        [newForgeId('fvote'), actor.tenantId, request.id, request.plugin_package_id, actor.id, actor.role, note ?? null],
      );
      if (!inserted.length) throw new ConflictException(`${actor.name} has already approved plugin package ${request.plugin_package_id}; approvals must come from distinct approvers`);
      const [{ count }]: { count: number }[] = await tx.query('SELECT count(DISTINCT approver_id)::int AS count FROM forge_approvals WHERE request_id = $1 AND tenant_id = $2 AND approved', [request.id, actor.tenantId]);
      const required = Math.max(request.required_approvals, this.config.forge.minApprovals);
      let complete = false;
      if (count >= required) {
        const approved = updatedRows<{ approved_at: Date; created_at: Date }>(await tx.query(
          `UPDATE forge_approval_requests SET status = 'approved', approved_at = now() WHERE id = $1 AND tenant_id = $2 AND status = 'pending' RETURNING approved_at, created_at`,
          [request.id, actor.tenantId],
        ));
        complete = approved.length > 0;
        if (approved[0]) forgeApprovalDuration.observe((approved[0].approved_at.getTime() - approved[0].created_at.getTime()) / 1000);
      }
      await this.audit.append(tx, {
        tenantId: actor.tenantId,
        eventType: 'forge.approval_granted',
        severity: 'info',
        reason: `Plugin package ${pkg.slug} ${pkg.version} (${pkg.id}) approved by ${actor.name}: ${count} of ${required}${complete ? ', approval complete' : ''}`,
        success: true,
        metadata: { approval_id: request.id, package_id: pkg.id, approver_key_id: actor.id, note: note ?? null, approvals: count, approvals_required: required, approval_complete: count >= required, ...actorMetadata(actor) },
      });
      const [row]: RequestRow[] = await tx.query('SELECT * FROM forge_approval_requests WHERE id = $1 AND tenant_id = $2', [request.id, actor.tenantId]);
      return this.view(row, tx.query.bind(tx));
    });
  }

  async get(tenantId: string, approvalId: string) {
    return this.view(await this.requestRow(tenantId, approvalId));
  }

  private async requestRow(tenantId: string, approvalId: string): Promise<RequestRow> {
    const rows: RequestRow[] = APPROVAL_ID.test(approvalId) ? await this.dataSource.query('SELECT * FROM forge_approval_requests WHERE id = $1 AND tenant_id = $2', [approvalId, tenantId]) : [];
    if (!rows[0]) throw new NotFoundException(`approval ${approvalId} not found`);
    return rows[0];
  }

  private async view(row: RequestRow, query: (sql: string, params: unknown[]) => Promise<any> = this.dataSource.query.bind(this.dataSource)) {
    const approvals: { approver_id: string; approver_role: string; note: string | null; created_at: Date }[] = await query(
      'SELECT approver_id, approver_role, note, created_at FROM forge_approvals WHERE request_id = $1 AND tenant_id = $2 ORDER BY created_at, id',
      [row.id, row.tenant_id],
    );
    return {
      approval_id: row.id,
      package_id: row.plugin_package_id,
      status: row.status,
      requested_by: row.requested_by,
      note: row.note,
      required_approvals: Math.max(row.required_approvals, this.config.forge.minApprovals),
      approvals,
      created_at: row.created_at,
      approved_at: row.approved_at,
    };
  }
}
