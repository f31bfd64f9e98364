import { RecordSet } from './dns-provider';
import { checkSafetyThreshold, planRecordChanges, SafetyThresholdError, sameValues } from './record-plan';

const a = (values: string[], ttl = 3600): RecordSet => ({ name: 'acme.example', type: 'A', ttl, values });

describe('planRecordChanges', () => {
  it('creates what is missing, updates what differs, leaves what matches', () => {
    const existing: RecordSet[] = [a(['198.51.100.1']), { name: 'www.acme.example.', type: 'CNAME', ttl: 3600, values: ['Acme.Example'] }, { name: 'mail.acme.example', type: 'A', ttl: 60, values: ['192.0.2.1'] }];
    const plan = planRecordChanges('acme.example', existing, [
      a(['203.0.113.10']),
      { name: 'www.acme.example', type: 'CNAME', ttl: 3600, values: ['acme.example.'] },
      { name: 'acme.example', type: 'TXT', ttl: 3600, values: ['v=spf1 -all'] },
    ]);
    expect(plan.existingRecordSets).toBe(3);
    expect(plan.changes.map((c) => [c.action, c.name, c.type])).toEqual([
      ['update', 'acme.example', 'A'],
      ['unchanged', 'www.acme.example', 'CNAME'],
      ['create', 'acme.example', 'TXT'],
    ]);
    expect(plan.changes[0].previous).toEqual(a(['198.51.100.1']));
    expect(plan.changes[2].desired!.values).toEqual(['"v=spf1 -all"']);
  });

  it('counts a TTL change as an update, and plans deletions only of sets that exist', () => {
    const plan = planRecordChanges('acme.example', [a(['203.0.113.10'], 60)], [a(['203.0.113.10'], 3600)], [{ name: 'acme.example', type: 'A' }, { name: 'gone.acme.example', type: 'A' }]);
    expect(plan.changes.map((c) => c.action)).toEqual(['update', 'delete']);
  });
});

describe('checkSafetyThreshold', () => {
  const zoneOf = (count: number): RecordSet[] => Array.from({ length: count }, (_, i) => ({ name: `h${i}.acme.example`, type: 'A', ttl: 3600, values: [`192.0.2.${i}`] }));
  const updating = (count: number) => zoneOf(count).map((set) => ({ ...set, values: ['203.0.113.1'] }));

  it('refuses to update more than 30 % of a zone of 10 or more record sets, naming the figures', () => {
    const plan = planRecordChanges('acme.example', zoneOf(10), updating(4));
    expect(() => checkSafetyThreshold(plan, { maxShare: 0.3, minRecordSets: 10 }, false)).toThrow(SafetyThresholdError);
    expect(() => checkSafetyThreshold(plan, { maxShare: 0.3, minRecordSets: 10 }, false)).toThrow('refusing to change 4 of the 10 record sets in acme.example (40 % > 30 %)');
  });

  it('allows exactly the share, any change in a small zone, creations, and anything forced', () => {
    const limits = { maxShare: 0.3, minRecordSets: 10 };
    expect(() => checkSafetyThreshold(planRecordChanges('acme.example', zoneOf(10), updating(3)), limits, false)).not.toThrow();
    expect(() => checkSafetyThreshold(planRecordChanges('acme.example', zoneOf(9), updating(9)), limits, false)).not.toThrow();
    const creations = Array.from({ length: 20 }, (_, i) => ({ name: `new${i}.acme.example`, type: 'A', ttl: 3600, values: ['192.0.2.1'] }));
    expect(() => checkSafetyThreshold(planRecordChanges('acme.example', zoneOf(10), creations), limits, false)).not.toThrow();
    expect(() => checkSafetyThreshold(planRecordChanges('acme.example', zoneOf(10), updating(10)), limits, true)).not.toThrow();
  });
});

describe('sameValues', () => {
  it('compares values canonically and ignores order', () => {
    expect(sameValues({ name: 'acme.example', type: 'MX', ttl: 1, values: ['10 mail.acme.example.', '20 backup.acme.example'] }, ['20 Backup.acme.example.', '10 mail.acme.example'])).toBe(true);
    expect(sameValues(a(['192.0.2.1']), ['192.0.2.2'])).toBe(false);
  });
});
