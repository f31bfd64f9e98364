import { prettyCanonicalJson, STEP_PARAMETER_SCHEMAS, StepParameters } from '@bf/contracts';
import { PermanentStepError, StepArtifact, StepContext } from '@bf/step-sdk';
import { asStepError } from '../odoo-connection';

type OdooAction = 'odoo.install_modules' | 'odoo.create_users' | 'odoo.configure_fiscal';

/** The step's parameters through the contract's schema: a step never acts on parameters nobody checked. */
export function parseParameters<A extends OdooAction>(action: A, context: StepContext): StepParameters<A> {
  const parsed = STEP_PARAMETER_SCHEMAS[action].safeParse(context.parameters);
  if (!parsed.success) throw new PermanentStepError(`invalid ${action} parameters: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data as StepParameters<A>;
}

/** Runs Odoo calls so that refusals fail the step at once and transient failures go back to the queue (see asStepError). */
export async function odooCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStepError(error);
  }
}

/** Keys sorted at every level, so the same settings always give the same bytes (evidence is hashed). */
export function stableJson(value: unknown): string {
  return prettyCanonicalJson(value);
}

export function jsonArtifact(name: string, value: unknown): StepArtifact {
  return { name, content: stableJson(value), mediaType: 'application/json' };
}


export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
