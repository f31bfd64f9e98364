import { ConflictException, GoneException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { DsseEnvelope } from '@bf/contracts';
import { MARKETPLACE_CONNECTORS, newForgeId, PackageListQuerySchema, PublishBodySchema, updatedRows } from '@bf/forge';
import { AuditLog } from '@bf/persistence';
import { TenantSecrets } from '@bf/tenancy';
import { actorMetadata, ForgeActor } from './forge-actor';
import { PACKAGE_COLUMNS, PackageRow, packageView } from './forge-views';
import { tenantPage } from './tenant-page';

export const PACKAGE_ID = /^pkg_[0-9a-f]{12}$/;

interface ConnectorRow {
  id: string;
  name: string;
  kind: 'internal' | 'external';
  cms: string[];
  secret_ref: string | null;
}

export interface SignedArchive {
  fileName: string;
  bytes: Buffer;
  sha256: string;
  envelope: DsseEnvelope;
  keyId: string;
  publicKeyPem: string;
}

/** Packages: listing, details, the signed download, publication and revocation. */
@Injectable()
export class ForgePackagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly secrets: TenantSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(tenantId: string, query: z.infer<typeof PackageListQuerySchema>) {
    const filters = { status: query.status, cms: query.cms, slug: query.slug };
    const { total, rows } = await tenantPage<PackageRow>(this.dataSource, 'plugin_packages', PACKAGE_COLUMNS, tenantId, { filters, limit: query.limit, offset: query.offset });
    return { total, limit: query.limit, offset: query.offset, packages: rows.map(packageView) };
  }

  async package(tenantId: string, packageId: string): Promise<PackageRow> {
    const rows: PackageRow[] = PACKAGE_ID.test(packageId) ? await this.dataSource.query(`SELECT ${PACKAGE_COLUMNS} FROM plugin_packages WHERE id = $1 AND tenant_id = $2`, [packageId, tenantId]) : [];
    if (!rows[0]) throw new NotFoundException(`plugin package ${packageId} not found`);
    return rows[0];
  }

  async view(tenantId: string, packageId: string) {
    const pkg = await this.package(tenantId, packageId);
    const scope = [pkg.id, tenantId];
    const [tests, compat, audit, approvals, publications] = await Promise.all([
      this.dataSource.query('SELECT test_suite AS suite, test_name AS name, result, details FROM plugin_contract_tests WHERE plugin_package_id = $1 AND tenant_id = $2 ORDER BY test_suite, test_name', scope),
      this.dataSource.query('SELECT cms, cms_version, php_version, tested, test_result FROM plugin_compatibilities WHERE plugin_package_id = $1 AND tenant_id = $2 ORDER BY cms, cms_version', scope),
      this.dataSource.query('SELECT template, template_version, generator_version, params_sha256, output_sha256, files, created_at FROM forge_generation_audit WHERE plugin_package_id = $1 AND tenant_id = $2', scope),
      this.dataSource.query('SELECT id FROM forge_approval_requests WHERE plugin_package_id = $1 AND tenant_id = $2', scope),
      this.dataSource.query('SELECT id AS publication_id, connector_id AS connector, slug, version, publication_status AS status, published_by, published_at FROM plugin_publications WHERE plugin_package_id = $1 AND tenant_id = $2 ORDER BY published_at', scope),
    ]);
    return { ...packageView(pkg), contract_tests: tests, compatibilities: compat, generation: audit[0] ?? null, approval_id: approvals[0]?.id ?? null, publications };
  }

  /** The ZIP and its DSSE envelope; 410 once revoked, 409 before it is signed. */
  async signedArchive(tenantId: string, packageId: string): Promise<SignedArchive> {
    const pkg = await this.package(tenantId, packageId);
    if (pkg.status === 'revoked') throw new GoneException(`plugin package ${pkg.id} was revoked on ${pkg.revoked_at?.toISOString()} by ${pkg.revoked_by}: ${pkg.revocation_reason}`);
    if (pkg.status !== 'signed' && pkg.status !== 'published') throw new ConflictException(`plugin package ${pkg.id} is ${pkg.status}: only a signed package can be downloaded`);
    const [row]: { archive: Buffer; signature: DsseEnvelope; public_key_pem: string }[] = await this.dataSource.query(
      'SELECT p.archive, p.signature, k.public_key_pem FROM plugin_packages p JOIN signing_keys k ON k.key_id = p.key_id WHERE p.id = $1 AND p.tenant_id = $2',
      [pkg.id, tenantId],
    );
    return { fileName: pkg.archive_name!, bytes: row.archive, sha256: pkg.archive_sha256!, envelope: row.signature, keyId: pkg.key_id!, publicKeyPem: row.public_key_pem };
  }

  /** Seed 002's revoke_package: who, when and why; irreversible (a trigger refuses any later change). */
  async revoke(actor: ForgeActor, packageId: string, reason: string) {
    const pkg = await this.package(actor.tenantId, packageId);
    if (pkg.status === 'revoked') throw new ConflictException(`plugin package ${pkg.id} is already revoked (on ${pkg.revoked_at?.toISOString()} by ${pkg.revoked_by}); revocation is irreversible`);
    const rows = await this.dataSource.transaction(async (tx) => {
      const updated = updatedRows<PackageRow>(await tx.query(
        `UPDATE plugin_packages SET status = 'revoked', revoked_at = now(), revoked_by = $3, revocation_reason = $4
          WHERE id = $1 AND tenant_id = $2 AND status IN ('signed', 'published') RETURNING ${PACKAGE_COLUMNS}`,
        [pkg.id, actor.tenantId, actor.id, reason],
      ));
      if (updated[0]) {
        // Who (key), when, why: the row says it too, but the chain is what an auditor verifies.
        await this.audit.append(tx, {
          tenantId: actor.tenantId,
          eventType: 'forge.package_revoked',
          severity: 'warning',
          reason: `Plugin package ${pkg.slug} ${pkg.version} (${pkg.id}) revoked by ${actor.name}: ${reason}`,
          success: true,
          metadata: { package_id: pkg.id, slug: pkg.slug, version: pkg.version, archive_sha256: pkg.archive_sha256, previous_status: pkg.status, revocation_reason: reason, revoked_at: updated[0].revoked_at, ...actorMetadata(actor) },
        });
      }
      return updated;
    });
    if (!rows[0]) throw new ConflictException(`plugin package ${pkg.id} is ${pkg.status}: only a signed or published package can be revoked`);
    return packageView(rows[0]);
  }

  /**
   * Publishes a signed package whose sandbox ran and whose approvals are complete:
   * to the internal marketplace (a write-once row per slug and version), or to an
   * external connector, which answers "not configured" until it has credentials.
   */
  async publish(actor: ForgeActor, packageId: string, request: z.infer<typeof PublishBodySchema>) {
    const pkg = await this.package(actor.tenantId, packageId);
    // Checked first on a plain read (the usual answers, in their order), then again under the package's row lock.
    await this.publishable(this.dataSource.manager, pkg);
    const connector = (await this.tenantConnectors(actor.tenantId)).find((candidate) => candidate.id === request.connector);
    if (!connector) throw new NotFoundException(`marketplace connector ${request.connector} not found`);
    if (!connector.cms.includes(pkg.cms)) throw new UnprocessableEntityException(`marketplace connector ${connector.id} does not take ${pkg.cms} plugins`);
    if (connector.kind === 'external') throw new UnprocessableEntityException(`marketplace connector ${connector.id} is not configured: ${await this.externalState(actor.tenantId, connector)}; nothing was published`);
    return this.dataSource.transaction(async (tx) => {
      // A revocation (or a cancellation) that committed since the read above is seen here; one that comes later waits for this transaction.
      const [locked]: PackageRow[] = await tx.query(`SELECT ${PACKAGE_COLUMNS} FROM plugin_packages WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [pkg.id, actor.tenantId]);
      const { approval, required } = await this.publishable(tx, locked);
      const inserted: { id: string; published_at: Date }[] = await tx.query(
        `INSERT INTO plugin_publications (id, tenant_id, plugin_package_id, connector_id, slug, version, publication_status, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'published', $7) ON CONFLICT (tenant_id, connector_id, slug, version) DO NOTHING RETURNING id, published_at`,
        [newForgeId('pub'), actor.tenantId, pkg.id, connector.id, pkg.slug, pkg.version, actor.id],
      );
      if (!inserted[0]) throw new ConflictException(`${pkg.slug} ${pkg.version} is already published on ${connector.id}; publications are immutable: publish a new version`);
      const updated = updatedRows(await tx.query(`UPDATE plugin_packages SET status = 'published', published_at = COALESCE(published_at, now()) WHERE id = $1 AND tenant_id = $2 AND status IN ('signed', 'published') RETURNING id`, [pkg.id, actor.tenantId]));
      if (!updated.length) throw new ConflictException(`plugin package ${pkg.id} changed while it was being published; nothing was published`);
      await this.audit.append(tx, {
        tenantId: actor.tenantId,
        eventType: 'forge.package_published',
        severity: 'info',
        reason: `Plugin package ${pkg.slug} ${pkg.version} (${pkg.id}) published to ${connector.id} by ${actor.name} (${approval.approvals} of ${required} approvals)`,
        success: true,
        metadata: { package_id: pkg.id, publication_id: inserted[0].id, connector: connector.id, slug: pkg.slug, version: pkg.version, archive_sha256: pkg.archive_sha256, approval_id: approval.id, approvals: approval.approvals, approvals_required: required, ...actorMetadata(actor) },
      });
      return { publication_id: inserted[0].id, package_id: pkg.id, connector: connector.id, slug: pkg.slug, version: pkg.version, status: 'published', published_by: actor.id, published_at: inserted[0].published_at };
    });
  }

  /**
   * Whether `pkg` may be published, read through `manager` (inside publish's
   * transaction, after the row lock): signed or published, its job a success, its
   * sandbox passed, its approvals complete. Throws the answer otherwise.
   */
  private async publishable(manager: EntityManager, pkg: PackageRow) {
    if (pkg.status === 'revoked') throw new GoneException(`plugin package ${pkg.id} is revoked: it cannot be published`);
    if (pkg.status !== 'signed' && pkg.status !== 'published') throw new ConflictException(`plugin package ${pkg.id} is ${pkg.status}: only a signed package can be published`);
    const [owner]: { status: string }[] = await manager.query('SELECT status FROM forge_jobs WHERE id = $1 AND tenant_id = $2', [pkg.job_id, pkg.tenant_id]);
    if (owner?.status !== 'success') throw new ConflictException(`plugin package ${pkg.id} cannot be published: its forge job ${pkg.job_id} is ${owner?.status ?? 'missing'}`);
    if (pkg.sandbox_status !== 'passed') throw new ConflictException(`plugin package ${pkg.id} cannot be published: its sandbox step was ${pkg.sandbox_status ?? 'not run'}${pkg.sandbox_reason ? ` (${pkg.sandbox_reason})` : ''}`);
    const [approval]: { id: string; status: string; required_approvals: number; approvals: number }[] = await manager.query(
      `SELECT r.id, r.status, r.required_approvals, (SELECT count(DISTINCT approver_id)::int FROM forge_approvals a WHERE a.request_id = r.id AND a.tenant_id = r.tenant_id AND a.approved) AS approvals
         FROM forge_approval_requests r WHERE r.plugin_package_id = $1 AND r.tenant_id = $2`,
      [pkg.id, pkg.tenant_id],
    );
    // has_minimum_approvals: the configured minimum now, or the one recorded with the request, whichever is higher.
    const required = Math.max(this.config.forge.minApprovals, approval?.required_approvals ?? 0);
    if (!approval || approval.approvals < required) {
      throw new ConflictException(`plugin package ${pkg.id} needs ${required} approvals by distinct approvers before publication; it has ${approval?.approvals ?? 0}${approval ? '' : ' (request them with POST /api/v1/forge/approvals)'}`);
    }
    return { approval, required };
  }

  /** The tenant's connectors, without any secret: `configured` says whether an external one's secret_ref names an existing tenant secret. */
  async connectors(tenantId: string) {
    const rows = await this.tenantConnectors(tenantId);
    const missing = new Set(await this.secrets.missing(tenantId, rows.flatMap((row) => (row.secret_ref ? [row.secret_ref] : []))));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      kind: row.kind,
      cms: row.cms,
      secret_ref: row.secret_ref,
      credentials: row.kind === 'internal' ? 'not needed' : !row.secret_ref ? 'none' : missing.has(row.secret_ref) ? 'missing' : 'stored',
      // Honest: no external publisher exists in this version, whatever the credentials.
      publishable: row.kind === 'internal',
    }));
  }

  /** Points an external connector at a tenant secret by name (or at none): the secret must exist; its value is never read here. */
  async configureConnector(actor: ForgeActor, connectorId: string, secretRef: string | null) {
    const connector = (await this.tenantConnectors(actor.tenantId)).find((candidate) => candidate.id === connectorId);
    if (!connector) throw new NotFoundException(`marketplace connector ${connectorId} not found`);
    if (connector.kind === 'internal') throw new UnprocessableEntityException(`marketplace connector ${connector.id} is internal: it needs no credentials`);
    if (secretRef && (await this.secrets.missing(actor.tenantId, [secretRef])).length) {
      throw new UnprocessableEntityException(`secret_ref '${secretRef}' names no secret of this tenant: store it first with PUT /api/v1/secrets/${secretRef}`);
    }
    await this.dataSource.transaction(async (tx) => {
      await tx.query('UPDATE marketplace_connectors SET secret_ref = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2', [actor.tenantId, connector.id, secretRef]);
      await this.audit.append(tx, {
        tenantId: actor.tenantId,
        eventType: 'forge.connector_configured',
        severity: 'info',
        reason: `Marketplace connector ${connector.id} ${secretRef ? `now uses the tenant secret '${secretRef}'` : 'has no credentials any more'} (set by ${actor.name})`,
        success: true,
        metadata: { connector: connector.id, secret_ref: secretRef, previous_secret_ref: connector.secret_ref, ...actorMetadata(actor) },
      });
    });
    return (await this.connectors(actor.tenantId)).find((candidate) => candidate.id === connector.id)!;
  }

  /** Why an external connector cannot publish: no reference, a reference to nothing, or (credentials present) no publisher in this version. */
  private async externalState(tenantId: string, connector: ConnectorRow): Promise<string> {
    if (!connector.secret_ref) return `it has no credentials (set a secret_ref with PUT /api/v1/forge/connectors/${connector.id})`;
    if ((await this.secrets.missing(tenantId, [connector.secret_ref])).length) return `its secret_ref '${connector.secret_ref}' names no secret of this tenant`;
    return `no publisher for ${connector.id} in this version (its credentials, secret '${connector.secret_ref}', are stored)`;
  }

  /** The tenant's connector rows, created from MARKETPLACE_CONNECTORS on the tenant's first use (the migration seeded the tenants that existed then). */
  private async tenantConnectors(tenantId: string): Promise<ConnectorRow[]> {
    const read = (): Promise<ConnectorRow[]> => this.dataSource.query('SELECT id, name, kind, cms, secret_ref FROM marketplace_connectors WHERE tenant_id = $1 ORDER BY kind DESC, id', [tenantId]);
    const rows = await read();
    if (rows.length >= MARKETPLACE_CONNECTORS.length) return rows;
    for (const connector of MARKETPLACE_CONNECTORS) {
      await this.dataSource.query('INSERT INTO marketplace_connectors (tenant_id, id, name, kind, cms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, id) DO NOTHING', [tenantId, connector.id, connector.name, connector.kind, [...connector.cms]]);
    }
    return read();
  }
}
