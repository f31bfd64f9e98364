import { LogLevel, Logger } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { loadConfig } from '@bf/config';
import { BriefingSchema } from '@bf/contracts';
import { StepContext } from '@bf/step-sdk';
import { websiteVariables } from '@bf/templates';
import { BuiltinSiteHost } from '../../apps/gateway/src/http/builtin-site-host';
import { DeployWebsiteStep } from '../../apps/webgen/src/deploy-website.step';
import { GenerateWebsiteStep } from '../../apps/webgen/src/generate-website.step';
import { percentile, round3 } from './stats';

const WARMUP = 3;

/**
 * A live website.generate + website.deploy of the Acme briefing, in process,
 * against a temporary DATA_DIR and the gateway's real built-in host on its own
 * port (built-in target, no screenshot). Each iteration deploys to a domain of
 * its own, so every sample is a first deploy: render, stage, copy into a
 * release, switch `current`, GET it back and compare, remove the staging folder.
 */
export async function benchGenerateDeploy(iterations: number): Promise<{ p50_ms: number; p99_ms: number; iterations: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-bench-site-'));
  const app = express();
  app.use(new BuiltinSiteHost(join(dataDir, 'sites')).middleware());
  app.use((_req, res) => res.status(404).end());
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  // The deploy step logs every deploy; the bench's stdout is one JSON object per line.
  const levels = (Logger as unknown as { logLevels?: LogLevel[] }).logLevels;
  Logger.overrideLogger(['warn', 'error']);
  try {
    const config = loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR: join(process.cwd(), 'templates'), BUILTIN_HOST_URL: `http://127.0.0.1:${port}`, SITE_SCREENSHOT: 'off', LOGO_FETCH: 'false' });
    const generate = new GenerateWebsiteStep(config);
    const deploy = new DeployWebsiteStep(config);
    const acme = BriefingSchema.parse(JSON.parse(readFileSync(join(process.cwd(), 'templates/briefings/acme-consulting.json'), 'utf8')));
    const parameters = websiteVariables(acme);
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + iterations; i++) {
      const runId = `run_bench${String(i).padStart(7, '0')}`;
      const domain = `bench-${i}.${parameters.domain}`;
      const base = { tenantId: 'bench', planId: 'plan_bench', runId, attempt: 1, isLastAttempt: true, dryRun: false, templateId: acme.website_config?.template ?? null, runState: {} };
      const started = performance.now();
      const generated = await generate.execute({ ...base, stepId: 'generate', idempotencyKey: `${runId}.generate`, parameters: { ...parameters, domain } } as StepContext);
      const deployed = await deploy.execute({ ...base, stepId: 'deploy', idempotencyKey: `${runId}.deploy`, parameters: { domain }, runState: { ...generated.outputs } } as StepContext);
      const elapsed = performance.now() - started;
      if ((deployed.result.health_check as { matches?: boolean }).matches !== true) throw new Error(`bench deploy ${domain} did not verify`);
      if (i >= WARMUP) samples.push(elapsed);
    }
    await deploy.onModuleDestroy();
    return { p50_ms: round3(percentile(samples, 50)), p99_ms: round3(percentile(samples, 99)), iterations };
  } finally {
    Logger.overrideLogger(levels ?? ['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    await new Promise((resolve) => server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
