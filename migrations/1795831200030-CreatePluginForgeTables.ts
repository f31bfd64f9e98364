import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 002's plugin forge tables: jobs and their per-step runs, the packages they
 * produce (ZIP and DSSE envelope kept in the row, so any gateway replica can
 * serve a download without shared disk), contract test results, compatibility,
 * the generation audit, approvals, marketplace connectors and publications. Every
 * row belongs to a tenant (tenant_id NOT NULL); a run's or compatibility row's
 * tenant is its job's or package's (composite foreign keys). Marketplace
 * credentials are tenant secrets (tenant_secrets) named by a connector's
 * secret_ref: one secrets store, so seed 002's forge_secrets is not created.
 * Immutability rules are in the next migration.
 */
export class CreatePluginForgeTables1795831200030 implements MigrationInterface {
  name = 'CreatePluginForgeTables1795831200030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE forge_jobs (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      template text NOT NULL,
      params jsonb NOT NULL,
      params_sha256 text NOT NULL CHECK (params_sha256 ~ '^[0-9a-f]{64}$'),
      status text NOT NULL CHECK (status IN ('queued', 'running', 'success', 'failed', 'cancelled')),
      idempotency_key text,
      requested_by text NOT NULL,
      plugin_package_id text,
      retry_of text REFERENCES forge_jobs(id),
      current_step text,
      failed_step text,
      failure_reason text,
      cancelled_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      duration_ms integer,
      CHECK ((status = 'failed') = (failure_reason IS NOT NULL)),
      UNIQUE (tenant_id, idempotency_key),
      -- the target of the tenant-carrying foreign keys below
      UNIQUE (tenant_id, id)
    )`);
    await q.query('CREATE INDEX forge_jobs_tenant_status ON forge_jobs (tenant_id, status, created_at DESC)');
    await q.query('CREATE INDEX forge_jobs_created ON forge_jobs (created_at)');

    await q.query(`CREATE TABLE plugin_packages (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      job_id text NOT NULL UNIQUE REFERENCES forge_jobs(id),
      name text NOT NULL,
      slug text NOT NULL,
      version text NOT NULL,
      cms text NOT NULL CHECK (cms IN ('wordpress', 'woocommerce')),
      template text NOT NULL,
      template_version text NOT NULL,
      manifest jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('draft', 'built', 'signed', 'published', 'revoked', 'failed')),
      sandbox_status text CHECK (sandbox_status IN ('passed', 'skipped')),
      sandbox_reason text,
      archive_name text,
      archive bytea,
      archive_sha256 text CHECK (archive_sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes integer,
      statement_sha256 text,
      signature jsonb,
      key_id text REFERENCES signing_keys(key_id),
      created_at timestamptz NOT NULL DEFAULT now(),
      signed_at timestamptz,
      published_at timestamptz,
      revoked_at timestamptz,
      revoked_by text,
      revocation_reason text,
      CHECK ((status = 'revoked') = (revoked_at IS NOT NULL AND revoked_by IS NOT NULL AND revocation_reason IS NOT NULL)),
      CHECK (status NOT IN ('signed', 'published') OR (signature IS NOT NULL AND archive IS NOT NULL)),
      UNIQUE (tenant_id, id)
    )`);
    await q.query('CREATE INDEX plugin_packages_tenant_cms_status ON plugin_packages (tenant_id, cms, status)');
    await q.query('CREATE INDEX plugin_packages_slug_version ON plugin_packages (slug, version)');
    await q.query('ALTER TABLE forge_jobs ADD CONSTRAINT forge_jobs_package_fk FOREIGN KEY (plugin_package_id) REFERENCES plugin_packages(id)');

    await q.query(`CREATE TABLE forge_runs (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      job_id text NOT NULL REFERENCES forge_jobs(id),
      step text NOT NULL CHECK (step IN ('generate', 'build', 'test', 'sandbox', 'package', 'sign')),
      status text NOT NULL CHECK (status IN ('running', 'success', 'failed', 'skipped', 'cancelled')),
      attempt integer NOT NULL DEFAULT 1,
      logs text NOT NULL DEFAULT '',
      artifacts jsonb NOT NULL DEFAULT '{}',
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      duration_ms integer,
      UNIQUE (job_id, step),
      FOREIGN KEY (tenant_id, job_id) REFERENCES forge_jobs(tenant_id, id)
    )`);
    await q.query('CREATE INDEX forge_runs_started ON forge_runs (started_at)');

    await q.query(`CREATE TABLE plugin_contract_tests (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plugin_package_id text NOT NULL REFERENCES plugin_packages(id),
      job_id text NOT NULL REFERENCES forge_jobs(id),
      test_suite text NOT NULL,
      test_name text NOT NULL,
      result text NOT NULL CHECK (result IN ('pass', 'fail')),
      details text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (plugin_package_id, test_suite, test_name)
    )`);

    await q.query(`CREATE TABLE plugin_compatibilities (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plugin_package_id text NOT NULL REFERENCES plugin_packages(id),
      cms text NOT NULL,
      cms_version text NOT NULL,
      php_version text,
      tested boolean NOT NULL,
      test_result text NOT NULL CHECK (test_result IN ('passed', 'skipped', 'declared')),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (plugin_package_id, cms, cms_version),
      FOREIGN KEY (tenant_id, plugin_package_id) REFERENCES plugin_packages(tenant_id, id)
    )`);

    // Seed 002's sira_generation_audit, without a model: the generator is a template engine.
    await q.query(`CREATE TABLE forge_generation_audit (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      job_id text NOT NULL UNIQUE REFERENCES forge_jobs(id),
      plugin_package_id text NOT NULL REFERENCES plugin_packages(id),
      template text NOT NULL,
      template_version text NOT NULL,
      generator_version text NOT NULL,
      params_sha256 text NOT NULL CHECK (params_sha256 ~ '^[0-9a-f]{64}$'),
      output_sha256 text NOT NULL CHECK (output_sha256 ~ '^[0-9a-f]{64}$'),
      files jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE forge_approval_requests (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plugin_package_id text NOT NULL UNIQUE REFERENCES plugin_packages(id),
      requested_by text NOT NULL,
      note text,
      required_approvals integer NOT NULL CHECK (required_approvals >= 1),
      status text NOT NULL CHECK (status IN ('pending', 'approved')),
      created_at timestamptz NOT NULL DEFAULT now(),
      approved_at timestamptz,
      CHECK ((status = 'approved') = (approved_at IS NOT NULL))
    )`);
    // One row per approver (seed 002 forge_approvals): the same approver never counts twice.
    await q.query(`CREATE TABLE forge_approvals (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      request_id text NOT NULL REFERENCES forge_approval_requests(id),
      plugin_package_id text NOT NULL REFERENCES plugin_packages(id),
      approver_id text NOT NULL,
      approver_role text NOT NULL,
      approved boolean NOT NULL DEFAULT true,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (plugin_package_id, approver_id)
    )`);

    // Per tenant: each tenant points its connectors at its own credentials. secret_ref names a
    // tenant secret (tenant_secrets, PUT /api/v1/secrets/{name}); no value is ever stored here.
    // Seeded here for the tenants that exist (the default tenant); a later tenant's rows are created
    // on its first use of the forge (ForgePackagesService.ensureConnectors, same list: @bf/forge MARKETPLACE_CONNECTORS).
    await q.query(`CREATE TABLE marketplace_connectors (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('internal', 'external')),
      cms text[] NOT NULL,
      secret_ref text CHECK (secret_ref ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      CHECK (kind = 'external' OR secret_ref IS NULL)
    )`);
    await q.query(`INSERT INTO marketplace_connectors (tenant_id, id, name, kind, cms)
      SELECT t.id, c.id, c.name, c.kind, c.cms FROM tenants t CROSS JOIN (VALUES
        ('internal', 'Business Factory internal marketplace', 'internal', ARRAY['wordpress', 'woocommerce']),
        ('wordpress_org', 'WordPress.org plugin directory', 'external', ARRAY['wordpress', 'woocommerce']),
        ('shopify', 'Shopify App Store', 'external', ARRAY['shopify']),
        ('prestashop', 'PrestaShop Addons', 'external', ARRAY['prestashop'])) AS c (id, name, kind, cms)`);

    await q.query(`CREATE TABLE plugin_publications (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plugin_package_id text NOT NULL REFERENCES plugin_packages(id),
      connector_id text NOT NULL,
      slug text NOT NULL,
      version text NOT NULL,
      publication_status text NOT NULL CHECK (publication_status = 'published'),
      external_id text,
      published_by text NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, connector_id, slug, version),
      FOREIGN KEY (tenant_id, connector_id) REFERENCES marketplace_connectors(tenant_id, id),
      FOREIGN KEY (tenant_id, plugin_package_id) REFERENCES plugin_packages(tenant_id, id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['plugin_publications', 'marketplace_connectors', 'forge_approvals', 'forge_approval_requests', 'forge_generation_audit', 'plugin_compatibilities', 'plugin_contract_tests', 'forge_runs']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query('ALTER TABLE forge_jobs DROP CONSTRAINT forge_jobs_package_fk');
    await q.query('DROP TABLE plugin_packages');
    await q.query('DROP TABLE forge_jobs');
  }
}
