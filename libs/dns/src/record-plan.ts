import { canonicalRecordSet, RecordSet } from './dns-provider';

export type RecordChangeAction = 'create' | 'update' | 'delete' | 'unchanged';

/** One record set's change, octoDNS-style: what is there now and what will be. */
export interface RecordChange {
  action: RecordChangeAction;
  name: string;
  type: string;
  /** What the zone holds before the change (null: nothing). Rollback restores it. */
  previous: RecordSet | null;
  /** What the zone holds after the change (null: deleted). */
  desired: RecordSet | null;
}

export interface RecordPlan {
  zone: string;
  /** Record sets the zone held when planned. */
  existingRecordSets: number;
  changes: RecordChange[];
}

/**
 * Compares what a zone holds with what we want it to hold, record set by record
 * set. Only the named sets are touched: everything else in the zone is outside
 * the plan, whoever owns it.
 */
export function planRecordChanges(zone: string, existing: RecordSet[], desired: RecordSet[], deletions: Array<{ name: string; type: string }> = []): RecordPlan {
  const current = new Map(existing.map((set) => [keyOf(set), canonicalRecordSet(set)]));
  const changes: RecordChange[] = desired.map((wanted) => {
    const set = canonicalRecordSet(wanted);
    const previous = current.get(keyOf(set)) ?? null;
    const action: RecordChangeAction = previous === null ? 'create' : sameRecordSet(previous, set) ? 'unchanged' : 'update';
    return { action, name: set.name, type: set.type, previous, desired: set };
  });
  for (const deletion of deletions) {
    const previous = current.get(keyOf(deletion)) ?? null;
    if (previous) changes.push({ action: 'delete', name: previous.name, type: previous.type, previous, desired: null });
  }
  return { zone, existingRecordSets: existing.length, changes };
}

export function sameRecordSet(a: RecordSet | null, b: RecordSet | null): boolean {
  if (a === null || b === null) return a === b;
  const x = canonicalRecordSet(a);
  const y = canonicalRecordSet(b);
  return x.ttl === y.ttl && x.values.length === y.values.length && x.values.every((value, index) => value === y.values[index]);
}

/** Same values, whatever the TTL: what a DNS answer can confirm (answers carry the remaining TTL, not the configured one). */
export function sameValues(a: RecordSet, values: string[]): boolean {
  const x = canonicalRecordSet(a).values;
  const y = canonicalRecordSet({ ...a, values }).values;
  return x.length === y.length && x.every((value, index) => value === y[index]);
}

export class SafetyThresholdError extends Error {}

/**
 * octoDNS's safety rule: a plan that would update or delete more than
 * `maxShare` of a zone's existing record sets is refused unless forced, once the
 * zone is big enough for a share to mean something. Creations don't count:
 * they cannot break what is already served.
 */
export function checkSafetyThreshold(plan: RecordPlan, limits: { maxShare: number; minRecordSets: number }, force: boolean): void {
  if (force || plan.existingRecordSets < limits.minRecordSets) return;
  const touched = plan.changes.filter((change) => change.action === 'update' || change.action === 'delete').length;
  const share = touched / plan.existingRecordSets;
  if (share > limits.maxShare) {
    throw new SafetyThresholdError(
      `refusing to change ${touched} of the ${plan.existingRecordSets} record sets in ${plan.zone} (${Math.round(share * 100)} % > ${Math.round(limits.maxShare * 100)} %): ` +
        'check the plan and run again with force: true if this is intended',
    );
  }
}

function keyOf(set: { name: string; type: string }): string {
  return `${set.name.toLowerCase().replace(/\.+$/, '')}/${set.type.toUpperCase()}`;
}
