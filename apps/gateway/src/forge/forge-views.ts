/** Row → API shapes (snake_case, seed 002 field names). Archives and key material never appear here. */

export interface JobRow {
  id: string;
  tenant_id: string;
  template: string;
  params: Record<string, unknown>;
  params_sha256: string;
  status: string;
  idempotency_key: string | null;
  requested_by: string;
  plugin_package_id: string | null;
  retry_of: string | null;
  current_step: string | null;
  failed_step: string | null;
  failure_reason: string | null;
  cancelled_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
}

export interface RunRow {
  id: string;
  job_id: string;
  step: string;
  status: string;
  attempt: number;
  logs: string;
  artifacts: Record<string, unknown>;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}

export const JOB_COLUMNS = 'id, tenant_id, template, params, params_sha256, status, idempotency_key, requested_by, plugin_package_id, retry_of, current_step, failed_step, failure_reason, cancelled_by, created_at, started_at, finished_at, duration_ms';

export function jobView(job: JobRow, runs?: RunRow[]) {
  return {
    job_id: job.id,
    status: job.status,
    template: job.template,
    parameters: job.params,
    params_sha256: job.params_sha256,
    idempotency_key: job.idempotency_key,
    requested_by: job.requested_by,
    plugin_package_id: job.plugin_package_id,
    retry_of: job.retry_of,
    current_step: job.current_step,
    failed_step: job.failed_step,
    failure_reason: job.failure_reason,
    cancelled_by: job.cancelled_by,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
    duration_ms: job.duration_ms,
    ...(runs ? { runs: runs.map(runView) } : {}),
  };
}

export function runView(run: RunRow) {
  return { run_id: run.id, step: run.step, status: run.status, attempt: run.attempt, error: run.error, artifacts: run.artifacts, started_at: run.started_at, finished_at: run.finished_at, duration_ms: run.duration_ms };
}

export const PACKAGE_COLUMNS =
  'id, tenant_id, job_id, name, slug, version, cms, template, template_version, manifest, status, sandbox_status, sandbox_reason, archive_name, archive_sha256, size_bytes, statement_sha256, key_id, created_at, signed_at, published_at, revoked_at, revoked_by, revocation_reason';

export interface PackageRow {
  id: string;
  tenant_id: string;
  job_id: string;
  name: string;
  slug: string;
  version: string;
  cms: string;
  template: string;
  template_version: string;
  manifest: Record<string, unknown>;
  status: string;
  sandbox_status: string | null;
  sandbox_reason: string | null;
  archive_name: string | null;
  archive_sha256: string | null;
  size_bytes: number | null;
  statement_sha256: string | null;
  key_id: string | null;
  created_at: Date;
  signed_at: Date | null;
  published_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export function packageView(pkg: PackageRow) {
  return {
    package_id: pkg.id,
    job_id: pkg.job_id,
    name: pkg.name,
    slug: pkg.slug,
    version: pkg.version,
    cms: pkg.cms,
    template: pkg.template,
    template_version: pkg.template_version,
    status: pkg.status,
    manifest: pkg.manifest,
    sandbox: { status: pkg.sandbox_status, reason: pkg.sandbox_reason },
    archive: pkg.archive_sha256 ? { file: pkg.archive_name, sha256: pkg.archive_sha256, bytes: pkg.size_bytes } : null,
    signature: pkg.key_id ? { key_id: pkg.key_id, statement_sha256: pkg.statement_sha256, signed_at: pkg.signed_at } : null,
    created_at: pkg.created_at,
    published_at: pkg.published_at,
    revocation: pkg.revoked_at ? { revoked_at: pkg.revoked_at, revoked_by: pkg.revoked_by, reason: pkg.revocation_reason } : null,
  };
}
