import { NextFunction, Request, Response } from 'express';
import { lstat, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { siteSecurityHeaders } from './security-headers';

/** A host name usable as a site folder name: lower-case labels, no empty label, no `..`. */
const SITE_HOST = /^(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;

/**
 * The built-in web host (design: "served by the gateway on PORT, choosing the
 * site by the Host header"). A GET or HEAD whose Host names a deployed domain
 * (or www.<domain>) is answered from `<sitesDir>/<domain>/current`; every other
 * request (other hosts such as 127.0.0.1 or localhost, other methods, `/api/`
 * paths, which the sites' contact forms post to) goes on to the API.
 */
export class BuiltinSiteHost {
  /** CSP and friends fit for the generated sites (not the API's, which would block their script and styles). */
  private readonly securityHeaders = siteSecurityHeaders();

  constructor(private readonly sitesDir: string) {}

  /** Express middleware, registered before Nest's routes. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      this.handle(req, res).then(
        (handled) => (handled ? undefined : next()),
        (error: unknown) => next(error),
      );
    };
  }

  /** The deployed site folder a Host header names, or null when it names none. */
  async siteFor(hostHeader: string | undefined): Promise<{ domain: string; current: string } | null> {
    if (!hostHeader) return null;
    const host = hostHeader.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (!SITE_HOST.test(host)) return null;
    for (const domain of host.startsWith('www.') ? [host.slice(4), host] : [host]) {
      if (!SITE_HOST.test(domain)) continue;
      const current = join(this.sitesDir, domain, 'current');
      if (await lstat(current).then(() => true, () => false)) return { domain, current };
    }
    return null;
  }

  private async handle(req: Request, res: Response): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const site = await this.siteFor(req.headers.host);
    if (!site) return false;
    const pathname = req.path;
    if (pathname === '/api' || pathname.startsWith('/api/')) return false;
    res.locals.siteHost = true; // for the HTTP metrics: one label for every deployed site, never its domain
    await new Promise<void>((done) => this.securityHeaders(req, res, () => done()));
    const file = await this.resolveFile(site, pathname);
    if (!file) {
      res.status(404).type('text/plain').send('Not Found\n');
      return true;
    }
    await new Promise<void>((done) =>
      res.sendFile(file, { dotfiles: 'allow', headers: { 'x-content-type-options': 'nosniff' } }, (error?: Error) => {
        // The file vanished between the checks and the read (a release pruned meanwhile).
        if (error && !res.headersSent) res.status(404).type('text/plain').send('Not Found\n');
        done();
      }),
    );
    return true;
  }

  /**
   * The real path of the file a request path names inside the site's current
   * release, or null. The decoded path must stay inside the release once
   * resolved, and so must its real path (a symlink in a release may not lead out).
   */
  async resolveFile(site: { current: string }, pathname: string): Promise<string | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    const segments = decoded.split('/').filter(Boolean);
    // Hidden files (.git, .env, temp names) are never served.
    if (segments.some((segment) => segment.startsWith('.'))) return null;
    let root: string;
    try {
      root = await realpath(site.current);
    } catch {
      return null;
    }
    // The release itself must live under the site's releases folder.
    const releases = await realpath(join(site.current, '..', 'releases')).catch(() => null);
    if (!releases || !inside(releases, root)) return null;
    const candidate = resolve(root, ...segments);
    if (candidate !== root && !inside(root, candidate)) return null;
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return null;
    }
    if (real !== root && !inside(root, real)) return null;
    const info = await stat(real);
    if (info.isDirectory()) {
      const index = join(real, 'index.html');
      const realIndex = await realpath(index).catch(() => null);
      if (!realIndex || !inside(root, realIndex) || !(await stat(realIndex)).isFile()) return null;
      return realIndex;
    }
    return info.isFile() ? real : null;
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
