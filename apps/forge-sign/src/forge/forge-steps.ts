import { sign } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { canonicalJson, DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, pae, sha256Hex } from '@bf/contracts';
import {
  buildPlugin,
  ForgeStep,
  ForgeStepFailure,
  GENERATOR_VERSION,
  GeneratedPlugin,
  newForgeId,
  packagePlugin,
  phpVersion,
  PluginGenerator,
  PluginParameterError,
  pluginHeaders,
  pluginStatement,
  ruleId,
  runContractTests,
  sandboxPlugin,
  UnknownPluginTemplateError,
  updatedRows,
  withPluginWorkspace,
} from '@bf/forge';
import { forgePackagesTotal, forgeSignatures } from '@bf/observability';
import { SigningKeyStore } from '../signing-key.store';
import { ForgeJobRow } from './forge-job.store';

export interface StepContext {
  job: ForgeJobRow;
  log(line: string): Promise<void>;
  /** Called just before a step commits what ends up on the package (tests hold a step there; see forge-step.gate.ts). */
  checkpoint(): Promise<void>;
}

/**
 * The job stopped running (cancelled, or failed by the runner) before the step
 * could commit its result: the step's work is discarded, not an error of the step.
 */
export class ForgeJobNotRunningError extends Error {
  constructor(readonly jobId: string, readonly status: string) {
    super(`forge job ${jobId} is ${status}: the step's result is discarded`);
  }
}

/** What a step reports: `skipped` (php absent) is not a failure, but keeps the package from publication. */
export interface StepOutcome {
  status: 'success' | 'skipped';
  artifacts: Record<string, unknown>;
}

interface PackageRow {
  id: string;
  cms: string;
  slug: string;
  version: string;
  template: string;
  template_version: string;
  archive: Buffer | null;
  archive_name: string | null;
  archive_sha256: string | null;
  signature: DsseEnvelope | null;
  key_id: string | null;
}

/**
 * The work of each forge step. Every step after generate regenerates the plugin
 * from the job's recorded parameters (generation is deterministic and cheap) and
 * checks it against the output hash recorded by generate: no step depends on
 * another's disk, so steps may run on different forge-sign hosts.
 */
export class ForgeSteps {
  private readonly generator: PluginGenerator;
  private php?: Promise<string | undefined>;

  constructor(
    private readonly dataSource: DataSource,
    templatesDir: string,
    private readonly phpBin: string,
    private readonly keys: SigningKeyStore,
  ) {
    this.generator = new PluginGenerator(templatesDir);
  }

  run(step: ForgeStep, ctx: StepContext): Promise<StepOutcome> {
    switch (step) {
      case 'generate':
        return this.generate(ctx);
      case 'build':
        return this.build(ctx);
      case 'test':
        return this.test(ctx);
      case 'sandbox':
        return this.sandbox(ctx);
      case 'package':
        return this.package(ctx);
      case 'sign':
        return this.sign(ctx);
    }
  }

  /** php's version, asked once per process; undefined when php is not installed. */
  private phpVersion(): Promise<string | undefined> {
    this.php ??= phpVersion(this.phpBin);
    return this.php;
  }

  private async render(job: ForgeJobRow): Promise<GeneratedPlugin> {
    try {
      return await this.generator.generate(job.template, job.params);
    } catch (error) {
      if (error instanceof PluginParameterError || error instanceof UnknownPluginTemplateError) throw new ForgeStepFailure(error.message);
      throw error;
    }
  }

  /** The plugin again, refused if it no longer matches what generate recorded (the template changed underneath the job). */
  private async regenerate(job: ForgeJobRow): Promise<GeneratedPlugin> {
    const plugin = await this.render(job);
    const rows: { output_sha256: string }[] = await this.dataSource.query('SELECT output_sha256 FROM forge_generation_audit WHERE job_id = $1', [job.id]);
    if (!rows[0]) throw new Error(`forge job ${job.id} has no generation record`);
    if (rows[0].output_sha256 !== plugin.outputSha256) throw new ForgeStepFailure(`template ${job.template} changed since generation (output ${plugin.outputSha256}, generated ${rows[0].output_sha256}); retry the job`);
    return plugin;
  }

  /**
   * Runs `work` in one transaction holding the job row (FOR UPDATE) while the job
   * is `running`: a cancellation (which updates that row) waits for it or wins
   * before it, so a package is never built or signed for a job that has stopped.
   */
  private whileRunning<T>(jobId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      const [row]: { status: string }[] = await tx.query('SELECT status FROM forge_jobs WHERE id = $1 FOR UPDATE', [jobId]);
      if (row?.status !== 'running') throw new ForgeJobNotRunningError(jobId, row?.status ?? 'missing');
      return work(tx);
    });
  }

  private packageId(job: ForgeJobRow): string {
    if (!job.plugin_package_id) throw new Error(`forge job ${job.id} has no package yet`);
    return job.plugin_package_id;
  }

  private async generate({ job, log }: StepContext): Promise<StepOutcome> {
    const plugin = await this.render(job);
    const files = plugin.files.map((file) => ({ path: file.path, sha256: sha256Hex(file.content), bytes: file.content.length }));
    const main = plugin.files.find((file) => file.path === plugin.mainFile)!.content.toString('utf8');
    const manifest = { main_file: plugin.mainFile, required_hooks: plugin.requiredHooks, headers: pluginHeaders(main), files };
    const packageId = await this.dataSource.transaction(async (tx) => {
      // A redelivered generate finds the package it made before (one per job).
      await tx.query(
        `INSERT INTO plugin_packages (id, tenant_id, job_id, name, slug, version, cms, template, template_version, manifest, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft') ON CONFLICT (job_id) DO NOTHING`,
        [newForgeId('pkg'), job.tenant_id, job.id, plugin.name, plugin.slug, plugin.version, plugin.cms, plugin.templateId, plugin.templateVersion, JSON.stringify(manifest)],
      );
      const [row]: { id: string }[] = await tx.query('SELECT id FROM plugin_packages WHERE job_id = $1', [job.id]);
      await tx.query('UPDATE forge_jobs SET plugin_package_id = $2 WHERE id = $1', [job.id, row.id]);
      await tx.query(
        `INSERT INTO forge_generation_audit (id, tenant_id, job_id, plugin_package_id, template, template_version, generator_version, params_sha256, output_sha256, files)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (job_id) DO NOTHING`,
        [newForgeId('fgen'), job.tenant_id, job.id, row.id, plugin.templateId, plugin.templateVersion, GENERATOR_VERSION, plugin.parametersSha256, plugin.outputSha256, JSON.stringify(files)],
      );
      return row.id;
    });
    job.plugin_package_id = packageId;
    for (const file of files) await log(`generated ${file.path} (${file.bytes} bytes, sha256 ${file.sha256})`);
    await log(`parameters sha256 ${plugin.parametersSha256}, output sha256 ${plugin.outputSha256}`);
    return { status: 'success', artifacts: { package_id: packageId, template: plugin.templateId, template_version: plugin.templateVersion, parameters_sha256: plugin.parametersSha256, output_sha256: plugin.outputSha256, files } };
  }

  private async build({ job, log }: StepContext): Promise<StepOutcome> {
    const plugin = await this.regenerate(job);
    const php = await this.phpVersion();
    if (!php) {
      await log('skipped: php not installed (the package cannot be published)');
      return { status: 'skipped', artifacts: { reason: 'php not installed' } };
    }
    const report = await withPluginWorkspace(plugin.slug, plugin.files, (dir) => buildPlugin(dir, plugin.files, this.phpBin, php, (line) => void log(line)));
    return { status: 'success', artifacts: { php_version: report.phpVersion, linted: report.linted, composer: report.composer } };
  }

  private async test({ job, log }: StepContext): Promise<StepOutcome> {
    const plugin = await this.regenerate(job);
    const packageId = this.packageId(job);
    const results = runContractTests(plugin);
    await this.dataSource.transaction(async (tx) => {
      for (const result of results) {
        await tx.query(
          `INSERT INTO plugin_contract_tests (id, tenant_id, plugin_package_id, job_id, test_suite, test_name, result, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (plugin_package_id, test_suite, test_name) DO UPDATE SET result = EXCLUDED.result, details = EXCLUDED.details, created_at = now()`,
          [newForgeId('fct'), job.tenant_id, packageId, job.id, result.suite, result.name, result.result, result.details],
        );
      }
    });
    for (const result of results) await log(`${result.result === 'pass' ? 'PASS' : 'FAIL'} ${ruleId(result)}: ${result.details}`);
    const failed = results.filter((result) => result.result === 'fail');
    const summary = { passed: results.length - failed.length, failed: failed.map(ruleId) };
    if (failed.length) throw new ForgeStepFailure(`contract test(s) failed: ${failed.map((r) => `${ruleId(r)} (${r.details})`).join('; ')}`, summary);
    return { status: 'success', artifacts: summary };
  }

  private async sandbox({ job, log }: StepContext): Promise<StepOutcome> {
    const plugin = await this.regenerate(job);
    const packageId = this.packageId(job);
    const php = await this.phpVersion();
    const report = await sandboxPlugin(plugin, this.phpBin, php, (line) => void log(line));
    await this.dataSource.transaction(async (tx) => {
      await tx.query('UPDATE plugin_packages SET sandbox_status = $2, sandbox_reason = $3 WHERE id = $1', [packageId, report.status, report.reason ?? null]);
      const compat = (cms: string, version: string, tested: boolean, result: string) =>
        tx.query(
          `INSERT INTO plugin_compatibilities (id, tenant_id, plugin_package_id, cms, cms_version, php_version, tested, test_result) VALUES ($1, $8, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (plugin_package_id, cms, cms_version) DO UPDATE SET php_version = EXCLUDED.php_version, tested = EXCLUDED.tested, test_result = EXCLUDED.test_result`,
          [newForgeId('fct'), packageId, cms, version, php ?? null, tested, result, job.tenant_id],
        );
      // What was run (php, with a WordPress shim) versus what the headers only declare (no real WordPress here).
      await compat('php', php ?? plugin.parameters.requires_php, report.status === 'passed', report.status === 'passed' ? 'passed' : 'skipped');
      await compat('wordpress', plugin.parameters.requires_wp, false, 'declared');
      if (plugin.cms === 'woocommerce') await compat('woocommerce', plugin.parameters.wc_requires_at_least, false, 'declared');
    });
    return { status: report.status === 'passed' ? 'success' : 'skipped', artifacts: { ...report } };
  }

  private async package({ job, log, checkpoint }: StepContext): Promise<StepOutcome> {
    const plugin = await this.regenerate(job);
    const packageId = this.packageId(job);
    const archive = await packagePlugin(plugin.slug, plugin.version, plugin.files);
    await checkpoint();
    // Once signed, the archive is fixed (a trigger enforces it): a redelivered package step leaves it alone.
    // Only a draft or built package of a running job: a failed one (its job cancelled or failed) stays failed.
    await this.whileRunning(job.id, (tx) =>
      tx.query(
        `UPDATE plugin_packages SET archive = $2, archive_sha256 = $3, archive_name = $4, size_bytes = $5, status = 'built' WHERE id = $1 AND signature IS NULL AND status IN ('draft', 'built')`,
        [packageId, archive.bytes, archive.sha256, archive.fileName, archive.bytes.length],
      ),
    );
    await log(`packaged ${archive.fileName}: ${archive.bytes.length} bytes, sha256 ${archive.sha256}`);
    return { status: 'success', artifacts: { file: archive.fileName, sha256: archive.sha256, bytes: archive.bytes.length } };
  }

  /** The same keys and format as evidence packs: a DSSE envelope over an in-toto statement whose subject is the ZIP. */
  private async sign({ job, log, checkpoint }: StepContext): Promise<StepOutcome> {
    const packageId = this.packageId(job);
    const [pkg]: PackageRow[] = await this.dataSource.query(
      'SELECT id, cms, slug, version, template, template_version, archive, archive_name, archive_sha256, signature, key_id FROM plugin_packages WHERE id = $1',
      [packageId],
    );
    if (!pkg?.archive || !pkg.archive_sha256 || !pkg.archive_name) throw new ForgeStepFailure(`package ${packageId} has no archive to sign`);
    if (pkg.signature) {
      await log(`already signed with key ${pkg.key_id}`);
      return { status: 'success', artifacts: { key_id: pkg.key_id, already_signed: true } };
    }
    if (sha256Hex(pkg.archive) !== pkg.archive_sha256) throw new ForgeStepFailure(`package ${packageId}'s archive does not match its recorded sha256`);
    try {
      const [audit]: { params_sha256: string; output_sha256: string }[] = await this.dataSource.query('SELECT params_sha256, output_sha256 FROM forge_generation_audit WHERE job_id = $1', [job.id]);
      const statement = pluginStatement({
        zipName: pkg.archive_name,
        zipSha256: pkg.archive_sha256,
        tenantId: job.tenant_id,
        forgeJobId: job.id,
        packageId,
        templateId: pkg.template,
        templateVersion: pkg.template_version,
        generatorVersion: GENERATOR_VERSION,
        parametersSha256: audit.params_sha256,
        outputSha256: audit.output_sha256,
        cms: pkg.cms,
        slug: pkg.slug,
        version: pkg.version,
      });
      const body = Buffer.from(canonicalJson(statement), 'utf8');
      const key = await this.keys.active();
      const sig = sign(null, pae(IN_TOTO_PAYLOAD_TYPE, body), key.privateKey);
      const envelope: DsseEnvelope = { payload: body.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ keyid: key.keyId, sig: sig.toString('base64') }] };
      await checkpoint();
      // Signed only while the job runs and the package is built: never a cancelled or failed job's package.
      const updated = await this.whileRunning(job.id, async (tx) =>
        updatedRows(await tx.query(
          `UPDATE plugin_packages SET signature = $2, key_id = $3, statement_sha256 = $4, signed_at = now(), status = 'signed' WHERE id = $1 AND signature IS NULL AND status = 'built' RETURNING id`,
          [packageId, JSON.stringify(envelope), key.keyId, sha256Hex(body)],
        )),
      );
      if (!updated.length) {
        const [now]: { status: string; key_id: string | null }[] = await this.dataSource.query('SELECT status, key_id FROM plugin_packages WHERE id = $1', [packageId]);
        if (now?.status !== 'signed') throw new ForgeStepFailure(`package ${packageId} is ${now?.status ?? 'missing'}: only a built package can be signed`);
        await log(`already signed with key ${now.key_id}`);
        return { status: 'success', artifacts: { key_id: now.key_id, already_signed: true } };
      }
      forgeSignatures.inc({ outcome: 'success' });
      if (updated.length) forgePackagesTotal.inc({ cms: pkg.cms });
      await log(`signed ${pkg.archive_name} (DSSE, in-toto statement sha256 ${sha256Hex(body)}) with key ${key.keyId}`);
      return { status: 'success', artifacts: { key_id: key.keyId, statement_sha256: sha256Hex(body), payload_type: IN_TOTO_PAYLOAD_TYPE } };
    } catch (error) {
      if (!(error instanceof ForgeJobNotRunningError)) forgeSignatures.inc({ outcome: 'failed' });
      throw error;
    }
  }
}
