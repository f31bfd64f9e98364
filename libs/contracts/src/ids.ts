import { randomBytes } from 'node:crypto';

/** Ids in the seed's style: a prefix and 12 lowercase hex characters (plan_abc123def456). */
export type IdPrefix = 'plan' | 'brief' | 'step' | 'run' | 'evt' | 'art' | 'risk' | 'intent' | 'tenant' | 'appr' | 'msg';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
