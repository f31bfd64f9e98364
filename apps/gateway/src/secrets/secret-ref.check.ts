import { Injectable } from '@nestjs/common';
import { TenantSecrets } from '@bf/tenancy';
import { PreflightCheck, PreflightResult, PreflightStep, PreflightSubject } from '../factory/preflight/preflight-check';
import { needsOdoo } from '../factory/step-modes';

/** Step parameters that name a tenant secret. */
const REF_PARAMETERS = ['secret_ref', 'odoo_secret_ref'] as const;

/**
 * A live step whose parameters name a tenant secret (`secret_ref`) needs that
 * secret to exist when the run starts: a missing one fails the preflight (422)
 * naming it, instead of failing the step halfway through the run. Dry runs use
 * no credentials, so they are not checked.
 */
@Injectable()
export class SecretRefCheck implements PreflightCheck {
  readonly name = 'secret_ref';

  constructor(private readonly secrets: TenantSecrets) {}

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun) return [];
    const users = new Map<string, string[]>();
    const live = subject.steps.filter((candidate) => !candidate.dryRunReason);
    // The validation's Odoo checks (odoo_secret_ref) skip themselves when no Odoo step runs live (dry_run_unavailable=true): then its secret is not needed.
    const odooLive = live.some((step) => needsOdoo(step.action));
    for (const step of live) {
      for (const ref of refsOf(step, odooLive)) users.set(ref, [...(users.get(ref) ?? []), step.name]);
    }
    if (!users.size) return [];
    const missing = new Set(subject.tenantId ? await this.secrets.missing(subject.tenantId, [...users.keys()]) : users.keys());
    return [...users].map(([ref, steps]) => ({
      check: `secret_ref:${ref}`,
      passed: !missing.has(ref),
      detail: missing.has(ref)
        ? `secret_ref '${ref}' (used by ${steps.join(', ')}) names no secret of this tenant: store it first with PUT /api/v1/secrets/${ref}`
        : `secret '${ref}' exists (used by ${steps.join(', ')})`,
    }));
  }
}

function refsOf(step: PreflightStep, odooLive: boolean): string[] {
  return REF_PARAMETERS.filter((name) => name !== 'odoo_secret_ref' || odooLive)
    .map((name) => step.parameters[name])
    .filter((value): value is string => typeof value === 'string');
}
