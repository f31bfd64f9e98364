import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The plugin forge's tables (seed 002; migrations 1795831200030-031). Status
 * vocabularies live in @bf/forge; here they are plain text so persistence does
 * not depend on the forge library.
 */

/** One request to generate a plugin: queued → running → success | failed | cancelled. */
@Entity({ name: 'forge_jobs' })
export class ForgeJobEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') template!: string;
  @Column('jsonb') params!: Record<string, unknown>;
  @Column('text', { name: 'params_sha256' }) paramsSha256!: string;
  @Column('text') status!: string;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('text', { name: 'plugin_package_id', nullable: true }) pluginPackageId!: string | null;
  /** The failed (or cancelled) job this one retries. */
  @Column('text', { name: 'retry_of', nullable: true }) retryOf!: string | null;
  @Column('text', { name: 'current_step', nullable: true }) currentStep!: string | null;
  @Column('text', { name: 'failed_step', nullable: true }) failedStep!: string | null;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason!: string | null;
  @Column('text', { name: 'cancelled_by', nullable: true }) cancelledBy!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('integer', { name: 'duration_ms', nullable: true }) durationMs!: number | null;
}

/** One step of a job (generate, build, test, sandbox, package, sign): its status, log, artifacts and duration. */
@Entity({ name: 'forge_runs' })
export class ForgeRunEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('text') step!: string;
  @Column('text') status!: string;
  @Column('integer') attempt!: number;
  @Column('text') logs!: string;
  @Column('jsonb') artifacts!: Record<string, unknown>;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('integer', { name: 'duration_ms', nullable: true }) durationMs!: number | null;
}

/** A generated plugin: its ZIP and DSSE envelope once packaged and signed; revocation is final. */
@Entity({ name: 'plugin_packages' })
export class PluginPackageEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('text') name!: string;
  @Column('text') slug!: string;
  @Column('text') version!: string;
  @Column('text') cms!: string;
  @Column('text') template!: string;
  @Column('text', { name: 'template_version' }) templateVersion!: string;
  @Column('jsonb') manifest!: Record<string, unknown>;
  @Column('text') status!: string;
  @Column('text', { name: 'sandbox_status', nullable: true }) sandboxStatus!: string | null;
  @Column('text', { name: 'sandbox_reason', nullable: true }) sandboxReason!: string | null;
  @Column('text', { name: 'archive_name', nullable: true }) archiveName!: string | null;
  @Column('bytea', { nullable: true, select: false }) archive!: Buffer | null;
  @Column('text', { name: 'archive_sha256', nullable: true }) archiveSha256!: string | null;
  @Column('integer', { name: 'size_bytes', nullable: true }) sizeBytes!: number | null;
  @Column('text', { name: 'statement_sha256', nullable: true }) statementSha256!: string | null;
  @Column('jsonb', { nullable: true }) signature!: Record<string, unknown> | null;
  @Column('text', { name: 'key_id', nullable: true }) keyId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'signed_at', nullable: true }) signedAt!: Date | null;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('text', { name: 'revoked_by', nullable: true }) revokedBy!: string | null;
  @Column('text', { name: 'revocation_reason', nullable: true }) revocationReason!: string | null;
}

@Entity({ name: 'plugin_contract_tests' })
export class PluginContractTestEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plugin_package_id' }) pluginPackageId!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('text', { name: 'test_suite' }) testSuite!: string;
  @Column('text', { name: 'test_name' }) testName!: string;
  @Column('text') result!: 'pass' | 'fail';
  @Column('text') details!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity({ name: 'plugin_compatibilities' })
export class PluginCompatibilityEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plugin_package_id' }) pluginPackageId!: string;
  @Column('text') cms!: string;
  @Column('text', { name: 'cms_version' }) cmsVersion!: string;
  @Column('text', { name: 'php_version', nullable: true }) phpVersion!: string | null;
  @Column('boolean') tested!: boolean;
  @Column('text', { name: 'test_result' }) testResult!: 'passed' | 'skipped' | 'declared';
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** Write-once: which template, parameters (by hash) and generator produced which files. */
@Entity({ name: 'forge_generation_audit' })
export class ForgeGenerationAuditEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('text', { name: 'plugin_package_id' }) pluginPackageId!: string;
  @Column('text') template!: string;
  @Column('text', { name: 'template_version' }) templateVersion!: string;
  @Column('text', { name: 'generator_version' }) generatorVersion!: string;
  @Column('text', { name: 'params_sha256' }) paramsSha256!: string;
  @Column('text', { name: 'output_sha256' }) outputSha256!: string;
  @Column('jsonb') files!: { path: string; sha256: string; bytes: number }[];
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A request to approve a package for publication; approved once enough distinct approvers agree. */
@Entity({ name: 'forge_approval_requests' })
export class ForgeApprovalRequestEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plugin_package_id' }) pluginPackageId!: string;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('integer', { name: 'required_approvals' }) requiredApprovals!: number;
  @Column('text') status!: 'pending' | 'approved';
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'approved_at', nullable: true }) approvedAt!: Date | null;
}

/** One approver's approval of a package (seed 002 forge_approvals): unique per (package, approver). */
@Entity({ name: 'forge_approvals' })
export class ForgeApprovalEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'request_id' }) requestId!: string;
  @Column('text', { name: 'plugin_package_id' }) pluginPackageId!: string;
  @Column('text', { name: 'approver_id' }) approverId!: string;
  @Column('text', { name: 'approver_role' }) approverRole!: string;
  @Column('boolean') approved!: boolean;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/**
 * Where a tenant's packages can be published: the internal marketplace, and
 * external ones whose credentials are a tenant secret named by `secretRef`
 * (tenant_secrets; the forge keeps no secret of its own).
 */
@Entity({ name: 'marketplace_connectors' })
export class MarketplaceConnectorEntity {
  @PrimaryColumn('text', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text') kind!: 'internal' | 'external';
  @Column('text', { array: true }) cms!: string[];
  @Column('text', { name: 'secret_ref', nullable: true }) secretRef!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** Write-once: a package published to a marketplace under its slug and version. */
@Entity({ name: 'plugin_publications' })
export class PluginPublicationEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plugin_package_id' }) pluginPackageId!: string;
  @Column('text', { name: 'connector_id' }) connectorId!: string;
  @Column('text') slug!: string;
  @Column('text') version!: string;
  @Column('text', { name: 'publication_status' }) publicationStatus!: 'published';
  @Column('text', { name: 'external_id', nullable: true }) externalId!: string | null;
  @Column('text', { name: 'published_by' }) publishedBy!: string;
  @Column('timestamptz', { name: 'published_at' }) publishedAt!: Date;
}

export const FORGE_ENTITIES = [
  ForgeJobEntity,
  ForgeRunEntity,
  PluginPackageEntity,
  PluginContractTestEntity,
  PluginCompatibilityEntity,
  ForgeGenerationAuditEntity,
  ForgeApprovalRequestEntity,
  ForgeApprovalEntity,
  MarketplaceConnectorEntity,
  PluginPublicationEntity,
];
