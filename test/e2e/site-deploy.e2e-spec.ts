import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { startTestSystem } from '../support/system';
import { freePort } from '../support/net';
import { currentTestEnv } from '../support/test-env';

const DOMAIN = 'live-site.example';

/** A graph with only the website's two steps, which both have a live mode. */
function websiteGraph(graphId: string, businessName: string) {
  return {
    graph_id: graphId,
    business_intent_id: `intent_${graphId}`,
    nodes: [
      { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: businessName, domain: DOMAIN, pages: ['home', 'contact'], primary_color: '#1e40af' } },
      { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: DOMAIN } },
    ],
  };
}

/** A GET with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(port: number, host: string, path = '/'): Promise<{ status: number; body: Buffer; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}


describe('live website deploy on the built-in host (gateway + workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  let port: number;
  const dataDir = join(currentTestEnv().dataDir, 'sitedeploy');
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const indexShaOf = (result: any) => result.node_results.generate.result.files.find((f: any) => f.output_path === 'index.html').sha256 as string;
  const servedSha = async () => {
    const served = await getWithHost(port, DOMAIN);
    return served.status === 200 ? createHash('sha256').update(served.body).digest('hex') : `HTTP ${served.status}`;
  };

  beforeAll(async () => {
    // The deploy checks the site through the gateway's own port, so it must be known before boot.
    port = await freePort();
    system = await startTestSystem('sitedeploy', { PORT: String(port) });
  });
  afterAll(() => system?.stop());

  it('passes preflight, deploys, serves the site by Host header with the generated index, redeploys as a no-op and rolls back release by release', async () => {
    const first = await call('POST', '/api/pipeline/execute', websiteGraph('site-live-a', 'Live Works GmbH'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'completed', dry_run: false, failed_nodes: [] });
    const deployA = first.body.node_results.deploy.result;
    expect(deployA).toMatchObject({ mode: 'live', status: 'deployed', target: 'builtin', domain: DOMAIN, previous_release: null, deployed_url: `http://${DOMAIN}/` });
    expect(deployA.health_check).toMatchObject({ url: `http://${DOMAIN}/`, via: `http://127.0.0.1:${port}/`, status: 200, sha256: indexShaOf(first.body), matches: true });
    expect(first.body.node_results.generate.result.site_content_hash).toMatch(/^[0-9a-f]{64}$/);
    // The published staging folder is cleaned up by the deploy; the homepage is photographed when a Chromium is installed.
    expect(existsSync(first.body.node_results.generate.result.staging_dir)).toBe(false);
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].some((path) => existsSync(path));
    expect(deployA.screenshot).toMatchObject(chromium ? { taken: true, width: 1280, height: 800 } : { taken: false });

    expect(await servedSha()).toBe(indexShaOf(first.body));
    const www = await getWithHost(port, `www.${DOMAIN}`, '/');
    expect([www.status, www.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await getWithHost(port, DOMAIN, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    // The API still answers other hosts.
    expect((await call('GET', '/api/factory/templates')).status).toBe(200);

    // Same content again: nothing changes.
    const again = await call('POST', '/api/pipeline/execute', websiteGraph('site-live-b', 'Live Works GmbH'));
    expect(again.body.node_results.deploy.result).toMatchObject({ status: 'unchanged', release: deployA.release, unchanged: true });

    // New content: a new release, the old one recorded as previous.
    const changed = await call('POST', '/api/pipeline/execute', websiteGraph('site-live-c', 'Live Works Renamed GmbH'));
    const deployC = changed.body.node_results.deploy.result;
    expect(deployC).toMatchObject({ status: 'deployed', previous_release: deployA.release, release_created: true });
    expect(deployC.release).not.toBe(deployA.release);
    expect(await servedSha()).toBe(indexShaOf(changed.body));

    const rollbackB = await call('POST', `/api/factory/${again.body.plan_id}/rollback`);
    expect(rollbackB.body).toMatchObject({ success: true, status: 'rolled_back' });
    expect(await servedSha()).toBe(indexShaOf(changed.body));

    const rollbackC = await call('POST', `/api/factory/${changed.body.plan_id}/rollback`);
    expect(rollbackC.body).toMatchObject({ success: true, status: 'rolled_back', steps_rolled_back: 2 });
    expect(await servedSha()).toBe(indexShaOf(first.body));
    expect(readdirSync(join(dataDir, 'sites', DOMAIN, 'releases'))).toEqual([deployA.release]);

    const rollbackA = await call('POST', `/api/factory/${first.body.plan_id}/rollback`);
    expect(rollbackA.body).toMatchObject({ success: true, status: 'rolled_back' });
    expect(await servedSha()).toBe('HTTP 404');
    expect(existsSync(join(dataDir, 'sites', DOMAIN))).toBe(false);
    // Every generate step's staging folder is gone with its rollback.
    expect(readdirSync(join(dataDir, 'staging'))).toEqual([]);
  });
});
