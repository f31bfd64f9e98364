import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { assertSiteDomain, releaseIdOf } from './site-content';

export interface PublishOutcome {
  domain: string;
  /** The release now current. */
  release: string;
  /** The release that was current before, if any. */
  previous: string | null;
  /** True when the content was already current: nothing changed. */
  unchanged: boolean;
  /** True when this publish created the release folder (rollback may remove it). */
  created: boolean;
  /** Releases removed because more than `keep` existed. */
  pruned: string[];
  releaseDir: string;
  currentLink: string;
}

export interface RevertOutcome {
  domain: string;
  /** What `current` points at now, or null when the site has no current release any more. */
  current: string | null;
  removedRelease: string | null;
  actions: string[];
}

/**
 * Releases of each deployed site under `<sitesDir>/<domain>/`:
 * `releases/<content-hash-prefix>/` holds the files, `current` is a relative
 * symlink to the release being served. A switch writes the symlink under a
 * temporary name and renames it over `current`, so a reader sees the old or the
 * new release, never a missing or half-written one.
 */
export class SiteReleaseStore {
  constructor(
    private readonly sitesDir: string,
    private readonly keep: number,
  ) {}

  siteDir(domain: string): string {
    return join(this.sitesDir, assertSiteDomain(domain));
  }

  currentLink(domain: string): string {
    return join(this.siteDir(domain), 'current');
  }

  releaseDir(domain: string, release: string): string {
    if (!/^[0-9a-f]{16}$/.test(release)) throw new Error(`not a release id: ${release}`);
    return join(this.siteDir(domain), 'releases', release);
  }

  /** The release `current` points at, or null when the site has none. */
  async current(domain: string): Promise<string | null> {
    try {
      return basename(await readlink(this.currentLink(domain)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async releases(domain: string): Promise<string[]> {
    try {
      return (await readdir(join(this.siteDir(domain), 'releases'))).filter((name) => /^[0-9a-f]{16}$/.test(name)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /**
   * Copies `sourceDir` into the release named by `contentHash` (unless that release
   * already exists: equal hash, equal files) and makes it current.
   *
   * With a `deployKey` (the step's idempotency key) the state before the first
   * attempt is journalled under `deploys/`, so a retried or redelivered deploy
   * reports the same previous release, not "unchanged" because its own first
   * attempt already switched `current`.
   */
  async publish(domain: string, sourceDir: string, contentHash: string, deployKey?: string): Promise<PublishOutcome> {
    const release = releaseIdOf(contentHash);
    const releaseDir = this.releaseDir(domain, release);
    const journalled = deployKey ? await this.readJournal(domain, deployKey) : null;
    const before = journalled?.release === release ? journalled : { release, previous: await this.current(domain), created: !(await exists(releaseDir)) };
    if (deployKey && before !== journalled) await this.writeJournal(domain, deployKey, before);
    const base = { domain, release, previous: before.previous, releaseDir, currentLink: this.currentLink(domain) };
    if ((await this.current(domain)) === release && (await exists(releaseDir))) {
      return { ...base, unchanged: before.previous === release, created: before.created, pruned: [] };
    }

    let created = before.created;
    if (!(await exists(releaseDir))) {
      await mkdir(join(this.siteDir(domain), 'releases'), { recursive: true });
      // Copy under a temporary name, then rename: a release folder is complete or absent.
      const staging = `${releaseDir}.tmp-${randomBytes(4).toString('hex')}`;
      try {
        await cp(sourceDir, staging, { recursive: true, errorOnExist: true, force: false });
        await rename(staging, releaseDir);
        created = true;
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        // Another attempt won the race to the same content: fine, the release is there.
        if (!(await exists(releaseDir))) throw error;
      }
    } else {
      // Mark a reused release as recent so pruning keeps it.
      const now = new Date();
      await utimes(releaseDir, now, now);
    }
    await this.switchTo(domain, release);
    const pruned = await this.prune(domain);
    return { ...base, unchanged: false, created, pruned };
  }

  private journalPath(domain: string, deployKey: string): string {
    const name = deployKey.replace(/[^A-Za-z0-9._-]/g, '_');
    if (!name || name.startsWith('.')) throw new Error(`unusable deploy key: ${deployKey}`);
    return join(this.siteDir(domain), 'deploys', `${name}.json`);
  }

  private async readJournal(domain: string, deployKey: string): Promise<{ release: string; previous: string | null; created: boolean } | null> {
    const raw = await readFile(this.journalPath(domain, deployKey), 'utf8').catch(() => null);
    return raw === null ? null : (JSON.parse(raw) as { release: string; previous: string | null; created: boolean });
  }

  private async writeJournal(domain: string, deployKey: string, entry: { release: string; previous: string | null; created: boolean }): Promise<void> {
    const path = this.journalPath(domain, deployKey);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(`${path}.tmp`, JSON.stringify(entry));
    await rename(`${path}.tmp`, path);
  }

  /** Forgets a deploy's journal once it has been rolled back. */
  async forget(domain: string, deployKey: string): Promise<void> {
    await rm(this.journalPath(domain, deployKey), { force: true });
  }

  /** Points `current` at `release` atomically (temporary symlink renamed over `current`). */
  async switchTo(domain: string, release: string): Promise<void> {
    const target = join('releases', release);
    await stat(this.releaseDir(domain, release));
    const temp = `${this.currentLink(domain)}.tmp-${randomBytes(4).toString('hex')}`;
    await symlink(target, temp);
    try {
      await rename(temp, this.currentLink(domain));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /**
   * Undoes a publish: `current` goes back to `previous` when there was one
   * (and it still exists), otherwise `current` is removed; the release the publish
   * created is removed unless it is current again. Safe to run twice.
   */
  async revert(domain: string, published: { release: string; previous: string | null; created: boolean }): Promise<RevertOutcome> {
    const actions: string[] = [];
    const current = await this.current(domain);
    let now = current;
    if (current === published.release) {
      if (published.previous && published.previous !== published.release && (await exists(this.releaseDir(domain, published.previous)))) {
        await this.switchTo(domain, published.previous);
        now = published.previous;
        actions.push(`switched current back to release ${published.previous}`);
      } else {
        await rm(this.currentLink(domain), { force: true });
        now = null;
        actions.push('removed current: the site had no earlier release');
      }
    } else {
      actions.push(current ? `current points at ${current}, not at ${published.release}: left as is` : 'no current release: nothing to switch');
    }
    let removedRelease: string | null = null;
    if (published.created && now !== published.release && (await exists(this.releaseDir(domain, published.release)))) {
      await rm(this.releaseDir(domain, published.release), { recursive: true, force: true });
      removedRelease = published.release;
      actions.push(`removed release ${published.release}`);
    }
    if (now === null && (await this.releases(domain)).length === 0 && (await exists(this.siteDir(domain)))) {
      await rm(this.siteDir(domain), { recursive: true, force: true });
      actions.push(`removed the empty site folder of ${domain}`);
    }
    return { domain, current: now, removedRelease, actions };
  }

  /** Keeps the `keep` most recently published releases, and always the current one. */
  async prune(domain: string): Promise<string[]> {
    const current = await this.current(domain);
    const withTimes = await Promise.all(
      (await this.releases(domain)).map(async (release) => ({ release, mtime: (await stat(this.releaseDir(domain, release))).mtimeMs })),
    );
    withTimes.sort((a, b) => b.mtime - a.mtime || a.release.localeCompare(b.release));
    const removed: string[] = [];
    for (const { release } of withTimes.slice(this.keep)) {
      if (release === current) continue;
      await rm(this.releaseDir(domain, release), { recursive: true, force: true });
      removed.push(release);
    }
    return removed;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
