import { StepAction } from '@bf/contracts';
import { PreflightStep, PreflightSubject } from '../../apps/gateway/src/factory/preflight/preflight-check';

/** A plan as the checks see it, for the specs: one step per action, in order. */
export function planOf(dryRun: boolean, actions: StepAction[], overrides: Partial<PreflightStep> = {}): PreflightSubject {
  return {
    planId: 'plan_0123456789ab',
    dryRun,
    steps: actions.map((action, index) => ({
      stepId: `step_${String(index).padStart(12, '0')}`,
      name: `Step ${index + 1}`,
      action,
      templateId: action === 'website.generate' ? 'modern_landing_v1' : null,
      parameters: {},
      ...overrides,
    })),
  };
}
