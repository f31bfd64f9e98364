import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { NginxSiteTarget, PublishOutcome, SiteHealthCheck, SiteHealthCheckResult, SiteReleaseStore } from './deploy';

/** How long the check after an nginx reload waits for the new workers to answer. */
const NGINX_RELOAD_WAIT_MS = 3000;

/** What a live deploy records in its result; the rollback works from it alone. */
interface DeployRecord {
  domain: string;
  target: 'builtin' | 'nginx';
  release: string;
  previous_release: string | null;
  release_created: boolean;
  unchanged: boolean;
}

/** Serves the generated site for its domain (seed 000 step "Deploy Website"). */
@Injectable()
export class DeployWebsiteStep implements StepExecutor {
  readonly action = 'website.deploy' as const;
  private readonly logger = new Logger(DeployWebsiteStep.name);
  private readonly releases: SiteReleaseStore;
  private readonly nginx: NginxSiteTarget;
  private readonly health = new SiteHealthCheck();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.releases = new SiteReleaseStore(config.storage.sitesDir, config.web.keepReleases);
    this.nginx = new NginxSiteTarget(config.web.nginx);
  }

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const domain = String(context.parameters.domain);
    if (context.runState.website_files === undefined) {
      throw new PermanentStepError('no generated website in the run state: the Generate Website step must run first');
    }
    return {
      result: {
        mode: 'dry_run',
        would: `publish ${context.runState.website_files} file(s) for ${domain} on the web host and check it answers HTTP 200`,
        domain,
      },
      outputs: { deployed_url: `https://${domain}`, deployed_domain: domain },
    };
  }

  /**
   * Publishes the staged site as a release (a no-op when the same content is
   * already current), points the web host at it, then GETs it back by Host header
   * and compares the served index with the generated one.
   */
  async execute(context: StepContext): Promise<StepOutcome> {
    const { domain } = STEP_PARAMETER_SCHEMAS['website.deploy'].parse(context.parameters);
    const stagingDir = context.runState.site_staging_dir;
    const contentHash = context.runState.site_content_hash;
    if (typeof stagingDir !== 'string' || typeof contentHash !== 'string') {
      throw new PermanentStepError('no generated site in the run state: the Generate Website step must run live first');
    }
    if (!(await stat(stagingDir).then((s) => s.isDirectory(), () => false))) {
      throw new PermanentStepError(`the generated site ${stagingDir} is gone (rolled back or cleaned up): generate it again`);
    }
    const started = performance.now();
    const published = await this.releases.publish(domain, stagingDir, contentHash, context.idempotencyKey);
    const target = this.config.web.target;
    const nginx = target === 'nginx' ? await this.applyNginx(domain, published, context.idempotencyKey) : null;
    const deployMs = Math.round(performance.now() - started);

    const expected = typeof context.runState.site_index_sha256 === 'string' ? context.runState.site_index_sha256 : await sha256Of(join(published.releaseDir, 'index.html'));
    const healthCheck = await this.checkServed(domain, expected);
    const record: DeployRecord = {
      domain,
      target,
      release: published.release,
      previous_release: published.previous,
      release_created: published.created,
      unchanged: published.unchanged,
    };
    const result = {
      mode: 'live',
      ...record,
      status: published.unchanged ? 'unchanged' : 'deployed',
      content_hash: contentHash,
      release_dir: published.releaseDir,
      pruned_releases: published.pruned,
      deploy_ms: deployMs,
      deployed_url: `http://${domain}/`,
      ...(nginx ? { nginx: { conf_path: nginx.conf_path, changed: nginx.changed, test_output: nginx.test_output }, server_block: nginx.server_block } : {}),
      health_check: healthCheck,
    };
    if (!healthCheck.matches) {
      // The release stays in place: a retry finds it current and checks again.
      throw new Error(`the deployed site ${domain} does not serve what was generated: ${JSON.stringify(healthCheck)}`);
    }
    this.logger.log(`${domain}: ${result.status} release ${published.release} on ${target} (${deployMs} ms)`);
    return { result, outputs: { deployed_url: `http://${domain}/`, deployed_domain: domain, deployed_release: published.release } };
  }

  /**
   * Switches `current` back to the release served before (or removes the site when
   * there was none), removes the release the deploy created and, on nginx, the
   * server block. A deploy that changed nothing has nothing to undo. Safe twice.
   */
  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'remove the web host configuration and delete the deployed files');
    const recorded = previous.result as Partial<DeployRecord>;
    if (typeof recorded.domain !== 'string' || typeof recorded.release !== 'string') {
      return { result: { mode: 'live', undone: 'nothing: the deploy recorded no release' } };
    }
    if (recorded.unchanged) {
      await this.releases.forget(recorded.domain, context.idempotencyKey);
      return { result: { mode: 'live', domain: recorded.domain, undone: `nothing: release ${recorded.release} was already current before this deploy` } };
    }
    const reverted = await this.releases.revert(recorded.domain, {
      release: recorded.release,
      previous: recorded.previous_release ?? null,
      created: recorded.release_created === true,
    });
    await this.releases.forget(recorded.domain, context.idempotencyKey);
    const actions = [...reverted.actions];
    if (recorded.target === 'nginx' && reverted.current === null) {
      const removed = await this.nginx.remove(recorded.domain);
      actions.push(removed.removed ? `removed the nginx server block ${removed.conf_path} and reloaded nginx` : `the nginx server block ${removed.conf_path} was already gone`);
    }
    return { result: { mode: 'live', domain: recorded.domain, target: recorded.target, current_release: reverted.current, removed_release: reverted.removedRelease, undone: actions } };
  }

  /**
   * Points nginx at the site. When nginx refuses the block (permanent), the release
   * switch is undone too: the step fails, so no rollback would ever undo it.
   */
  private async applyNginx(domain: string, published: PublishOutcome, deployKey: string) {
    try {
      return await this.nginx.apply(domain, published.currentLink);
    } catch (error) {
      if (error instanceof PermanentStepError && !published.unchanged) {
        await this.releases.revert(domain, published);
        await this.releases.forget(domain, deployKey);
      }
      throw error;
    }
  }

  private async checkServed(domain: string, expected: string): Promise<SiteHealthCheckResult | (SiteHealthCheckResult & { skipped: string })> {
    if (this.config.web.target === 'nginx') return this.health.checkUntilMatches(domain, { host: '127.0.0.1', port: this.config.web.nginx.listenPort }, expected, NGINX_RELOAD_WAIT_MS);
    const builtin = this.config.web.builtinHostUrl ? new URL(this.config.web.builtinHostUrl) : null;
    if (builtin) return this.health.check(domain, { host: builtin.hostname, port: Number(builtin.port || 80) }, expected);
    if (this.config.http.port === 0) {
      // PORT=0 lets the OS pick the gateway's port, which this worker cannot know.
      return { url: `http://${domain}/`, via: 'unknown', status: null, sha256: null, expected_sha256: expected, matches: true, ms: 0, skipped: 'PORT=0 and no BUILTIN_HOST_URL: the built-in host has no known address to check against' };
    }
    return this.health.check(domain, { host: '127.0.0.1', port: this.config.http.port }, expected);
  }
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
