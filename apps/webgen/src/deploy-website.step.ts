import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { prettyCanonicalJson, STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import { dryRunCompensation, PermanentStepError, StepArtifact, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { DeployTarget, healthCheckKind, measureDeploy, screenshotKind } from './deploy/deploy-metrics';
import { NginxSiteTarget, PublishOutcome, releaseIdOf, ScreenshotResult, SiteHealthCheck, SiteHealthCheckResult, SiteReleaseStore, SiteScreenshotter } from './deploy';

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
export class DeployWebsiteStep implements StepExecutor, OnModuleDestroy {
  readonly action = 'website.deploy' as const;
  private readonly logger = new Logger(DeployWebsiteStep.name);
  private readonly releases: SiteReleaseStore;
  private readonly nginx: NginxSiteTarget;
  private readonly health = new SiteHealthCheck();
  private readonly screenshotter: SiteScreenshotter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.releases = new SiteReleaseStore(config.storage.sitesDir, config.web.keepReleases);
    this.nginx = new NginxSiteTarget(config.web.nginx);
    this.screenshotter = new SiteScreenshotter({ chromiumPath: config.site.chromiumPath, timeoutMs: config.site.screenshotTimeoutMs });
  }

  async onModuleDestroy(): Promise<void> {
    await this.screenshotter.close();
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
    if (!(await isDirectory(stagingDir)) && !(await isDirectory(this.releases.releaseDir(domain, releaseIdOf(contentHash))))) {
      // A staging folder removed after a successful publish is fine as long as its release is still there:
      // publish then only switches to it (or finds it current) and never reads the staging folder.
      throw new PermanentStepError(`the generated site ${stagingDir} is gone (rolled back or cleaned up): generate it again`);
    }
    const started = performance.now();
    const target = this.config.web.target;
    const published = await measureDeploy(target, 'release_switch', () => this.releases.publish(domain, stagingDir, contentHash, context.idempotencyKey));
    const nginx = target === 'nginx' ? await this.applyNginx(domain, published, context.idempotencyKey) : null;
    const deployMs = Math.round(performance.now() - started);

    const expected = typeof context.runState.site_index_sha256 === 'string' ? context.runState.site_index_sha256 : await sha256Of(join(published.releaseDir, 'index.html'));
    const healthCheck = await this.checkServed(domain, expected);
    if (!healthCheck.matches) {
      // Before the last attempt the release stays: a retry finds it current and only checks again
      // (a host still reloading is the usual cause), without flapping the site back and forth.
      // After the last one no retry and no rollback will come (the step failed), so the switch is
      // undone here and the site keeps serving what it served before.
      const kept = context.isLastAttempt ? await this.revertUnverified(domain, published, target, context.idempotencyKey) : 'left current for the retry';
      throw new Error(`the deployed site ${domain} does not serve what was generated (${kept}): ${JSON.stringify(healthCheck)}`);
    }
    const screenshot = await this.screenshot(domain);
    // The release holds its own copy now; the staging folder would only pile up under DATA_DIR.
    const stagingRemoved = this.isStagingFolder(stagingDir) && (await rm(stagingDir, { recursive: true, force: true }).then(() => true, () => false));
    const record: DeployRecord = {
      domain,
      target,
      release: published.release,
      previous_release: published.previous,
      release_created: published.created,
      unchanged: published.unchanged,
    };
    const { png, ...screenshotSummary } = screenshot.taken ? screenshot : { ...screenshot, png: null };
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
      screenshot: screenshotSummary,
      staging_removed: stagingRemoved ? stagingDir : null,
    };
    const artifacts: StepArtifact[] = [{ name: 'health_check_result.json', content: prettyCanonicalJson(healthCheck), mediaType: 'application/json' }];
    if (nginx) artifacts.push({ name: 'nginx_config.conf', content: nginx.server_block, mediaType: 'text/plain' });
    if (png) artifacts.push({ name: '/screenshots/website_homepage.png', content: png, mediaType: 'image/png' });
    this.logger.log(`${domain}: ${result.status} release ${published.release} on ${target} (${deployMs} ms)`);
    return { result, outputs: { deployed_url: `http://${domain}/`, deployed_domain: domain, deployed_release: published.release }, artifacts };
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
    const reverted = await this.revertRelease(recorded.target === 'nginx' ? 'nginx' : 'builtin', recorded.domain, {
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
        await this.revertRelease('nginx', domain, published);
        await this.releases.forget(domain, deployKey);
      }
      throw error;
    }
  }

  /**
   * Undoes a publish whose health check failed, like a permanent nginx failure does.
   * A release that was already current before this deploy stays: it is not this deploy's to remove.
   */
  private async revertUnverified(domain: string, published: PublishOutcome, target: 'builtin' | 'nginx', deployKey: string): Promise<string> {
    if (published.unchanged) return `release ${published.release} was already current before this deploy: left in place`;
    const reverted = await this.revertRelease(target, domain, published);
    await this.releases.forget(domain, deployKey);
    const actions = [...reverted.actions];
    if (target === 'nginx' && reverted.current === null) {
      const removed = await this.nginx.remove(domain);
      if (removed.removed) actions.push(`removed the nginx server block ${removed.conf_path}`);
    }
    return actions.join('; ');
  }

  /** Points the site back at the release before (measured as deploy release_revert). */
  private revertRelease(target: DeployTarget, domain: string, published: { release: string; previous: string | null; created: boolean }) {
    return measureDeploy(target, 'release_revert', () => this.releases.revert(domain, published));
  }

  /** Only a folder under DATA_DIR/staging is ever removed, whatever the run state says. */
  private isStagingFolder(path: string): boolean {
    const rel = relative(join(this.config.storage.dataDir, 'staging'), path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.includes('/');
  }

  /** Where this worker reaches the web host serving the site, or why it cannot. */
  private webOrigin(): { host: string; port: number } | { unknown: string } {
    if (this.config.web.target === 'nginx') return { host: '127.0.0.1', port: this.config.web.nginx.listenPort };
    const builtin = this.config.web.builtinHostUrl ? new URL(this.config.web.builtinHostUrl) : null;
    if (builtin) return { host: builtin.hostname, port: Number(builtin.port || 80) };
    // PORT=0 lets the OS pick the gateway's port, which this worker cannot know.
    if (this.config.http.port === 0) return { unknown: 'PORT=0 and no BUILTIN_HOST_URL: the built-in host has no known address to check against' };
    return { host: '127.0.0.1', port: this.config.http.port };
  }

  /** Best effort: a missing or broken browser is reported in the result, never a failed deploy. */
  private async screenshot(domain: string): Promise<ScreenshotResult> {
    if (this.config.site.screenshot === 'off') return { taken: false, reason: 'SITE_SCREENSHOT=off', ms: 0 };
    const origin = this.webOrigin();
    if ('unknown' in origin) return { taken: false, reason: origin.unknown, ms: 0 };
    return measureDeploy(this.config.web.target, 'screenshot', () => this.screenshotter.shoot(domain, origin), { judge: screenshotKind });
  }

  private async checkServed(domain: string, expected: string): Promise<SiteHealthCheckResult | (SiteHealthCheckResult & { skipped: string })> {
    const origin = this.webOrigin();
    if ('unknown' in origin) return { url: `http://${domain}/`, via: 'unknown', status: null, sha256: null, expected_sha256: expected, matches: true, ms: 0, skipped: origin.unknown };
    const target = this.config.web.target;
    const check = () => (target === 'nginx' ? this.health.checkUntilMatches(domain, origin, expected, NGINX_RELOAD_WAIT_MS) : this.health.check(domain, origin, expected));
    return measureDeploy(target, 'health_check', check, { judge: healthCheckKind });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}


async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
