import { createHash } from 'node:crypto';

/** A rendered file as far as the deploy cares: where it goes and what it hashes to. */
export interface SiteFileDigest {
  output_path: string;
  sha256: string;
}

/**
 * The identity of a site's content: sha256 over the sorted `output_path sha256`
 * lines. Equal content gives an equal hash whatever order the files were rendered in,
 * which is what makes a redeploy of the same site a no-op.
 */
export function siteContentHash(files: readonly SiteFileDigest[]): string {
  const lines = files.map((file) => `${file.output_path} ${file.sha256}\n`).sort();
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** Release folders are named by the first 16 hex digits of the content hash. */
export const RELEASE_ID_LENGTH = 16;

export function releaseIdOf(contentHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(contentHash)) throw new Error(`not a sha256 content hash: ${contentHash}`);
  return contentHash.slice(0, RELEASE_ID_LENGTH);
}

const DOMAIN = /^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;

/** A domain is used as a folder name: only a plain lower-case domain name qualifies (no `..`, no `/`). */
export function assertSiteDomain(domain: string): string {
  if (!DOMAIN.test(domain)) throw new Error(`not a domain name usable as a site folder: ${JSON.stringify(domain)}`);
  return domain;
}
