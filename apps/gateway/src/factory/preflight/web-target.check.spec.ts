import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@bf/config';
import { WebTargetCheck } from './web-target.check';
import { planOf } from '../../../../../test/support/preflight-subject';

const nginxBin = ['/usr/sbin/nginx', 'nginx'].find((bin) => spawnSync(bin, ['-v']).status === 0);
const withNginx = nginxBin ? it : (name: string, fn: () => Promise<void>) => it.skip(`${name} (skipped: nginx is not installed)`, fn);

describe(WebTargetCheck.name, () => {
  const checkWith = (env: NodeJS.ProcessEnv) => new WebTargetCheck(loadConfig(env));
  const livePlan = planOf(false, ['website.generate', 'website.deploy']);

  it('applies only to live runs with a deploy step', async () => {
    expect(await checkWith({}).run(planOf(true, ['website.deploy']))).toEqual([]);
    expect(await checkWith({}).run(planOf(false, ['website.generate']))).toEqual([]);
  });

  it('passes the built-in host, naming the port it serves on', async () => {
    expect(await checkWith({ PORT: '8123' }).run(livePlan)).toEqual([{ check: 'web_target', passed: true, detail: 'WEB_TARGET=builtin: the gateway serves deployed sites by Host header on PORT 8123' }]);
  });

  it('names what nginx is missing: NGINX_CONF_DIR, or the binary', async () => {
    expect((await checkWith({ WEB_TARGET: 'nginx' }).run(livePlan))[0]).toEqual({ check: 'web_target', passed: false, detail: 'WEB_TARGET=nginx needs NGINX_CONF_DIR, which is not set' });
    const [missing] = await checkWith({ WEB_TARGET: 'nginx', NGINX_CONF_DIR: '/tmp', NGINX_BIN: '/nonexistent/nginx' }).run(livePlan);
    expect(missing).toMatchObject({ passed: false, detail: expect.stringContaining('NGINX_BIN /nonexistent/nginx is not installed or not on PATH') });
  });

  withNginx('runs nginx -t with the private prefix and config, and reports its message when it refuses', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bf-preflight-nginx-'));
    const conf = join(root, 'nginx.conf');
    writeFileSync(conf, `pid ${root}/nginx.pid;\nerror_log ${root}/error.log;\nevents {}\nhttp { include ${root}/*.site; }\n`);
    const env = { WEB_TARGET: 'nginx', NGINX_CONF_DIR: root, NGINX_BIN: nginxBin!, NGINX_PREFIX: root, NGINX_CONF: conf };
    expect((await checkWith(env).run(livePlan))[0]).toMatchObject({ passed: true, detail: expect.stringContaining(`-p ${root} -c ${conf} -t accepts the configuration`) });
    writeFileSync(join(root, 'broken.site'), 'server { listen 70000; }\n');
    expect((await checkWith(env).run(livePlan))[0]).toMatchObject({ passed: false, detail: expect.stringMatching(/failed: .*70000/s) });
  });
});
