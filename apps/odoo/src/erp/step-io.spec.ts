import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { parseParameters, stableJson } from './step-io';

describe('step-io', () => {
  it('writes JSON with keys sorted at every level, so equal settings give equal bytes', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('refuses parameters the contract rejects, naming the field', () => {
    const context = { parameters: { users: [{ name: 'A', email: 'not-an-email', role: 'user' }] } } as unknown as StepContext;
    expect(() => parseParameters('odoo.create_users', context)).toThrow(PermanentStepError);
    expect(() => parseParameters('odoo.create_users', context)).toThrow(/users\.0\.email/);
  });
});
