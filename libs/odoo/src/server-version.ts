/** What `common.version()` tells us, reduced to what decisions need. */
export interface OdooServerVersion {
  /** e.g. '17.0', 'saas~18.1' */
  serverVersion: string;
  major: number;
  minor: number;
  /** Odoo Online intermediate release (saas~X.Y) */
  saas: boolean;
}

/**
 * Parses `version()`'s reply. `server_version_info[0]` is a number on stable
 * releases and a string such as 'saas~17.1' (or 'saas~17' with the minor in
 * the next element) on SaaS builds; the list's length is not relied on.
 */
export function parseServerVersion(reply: unknown): OdooServerVersion {
  const fields = (reply && typeof reply === 'object' ? reply : {}) as Record<string, unknown>;
  const info = Array.isArray(fields.server_version_info) ? fields.server_version_info : [];
  const serverVersion = String(fields.server_version ?? fields.server_serie ?? info.slice(0, 2).join('.'));
  const [first, second] = info;
  if (typeof first === 'number' && Number.isInteger(first)) {
    return { serverVersion, major: first, minor: typeof second === 'number' ? second : 0, saas: false };
  }
  const head = typeof first === 'string' ? first : '';
  const fromHead = /^saas~(\d+)(?:\.(\d+))?$/.exec(head);
  if (fromHead) {
    const minor = fromHead[2] !== undefined ? Number(fromHead[2]) : typeof second === 'number' ? second : 0;
    return { serverVersion, major: Number(fromHead[1]), minor, saas: true };
  }
  const fromText = /(saas~)?(\d+)\.(\d+)/.exec(serverVersion);
  if (!fromText) throw new Error(`unrecognised Odoo version reply: server_version=${serverVersion}`);
  return { serverVersion, major: Number(fromText[2]), minor: Number(fromText[3]), saas: !!fromText[1] };
}

export type UsersGroupsField = 'groups_id' | 'group_ids';

/** res.users' group field was renamed in 18.1 (carried into 19.0). */
export function usersGroupsField(version: Pick<OdooServerVersion, 'major' | 'minor'>): UsersGroupsField {
  return version.major > 18 || (version.major === 18 && version.minor >= 1) ? 'group_ids' : 'groups_id';
}
