import { z } from 'zod';
import { TENANT_ID_PATTERN } from '@bf/tenancy';

/**
 * Seed 003's onboarding setup body, adapted: the organization becomes a tenant,
 * `security` names its first admin key, `defaults` are the deployment settings
 * the command line writes to .env (the HTTP route only echoes them back as the
 * configuration to apply: a running gateway cannot change its own environment).
 */
export const OnboardingRequestSchema = z
  .object({
    organization: z
      .object({
        name: z.string().trim().min(1).max(200),
        tenant_id: z.string().regex(TENANT_ID_PATTERN, 'must look like tenant_<3-48 lower-case letters, digits or _>').optional(),
        industry: z.string().trim().max(100).optional(),
        contact_email: z.string().email().optional(),
      })
      .strict(),
    security: z
      .object({
        admin_key_name: z.string().trim().min(1).max(120).default('first admin'),
        /** Days until the admin key expires; unset: it does not expire. */
        admin_key_expires_in_days: z.number().int().min(1).max(3650).optional(),
      })
      .strict()
      .default({}),
    defaults: z
      .object({
        dns_provider: z.enum(['embedded', 'powerdns', 'hetzner']).default('embedded'),
        web_target: z.enum(['builtin', 'nginx']).default('builtin'),
        port: z.number().int().min(1).max(65535).default(8000),
        safe_mode: z.boolean().default(false),
      })
      .strict()
      .default({}),
  })
  .strict();
export type OnboardingRequest = z.infer<typeof OnboardingRequestSchema>;

/** The environment variables `defaults` stand for. */
export function defaultsAsEnv(defaults: OnboardingRequest['defaults']): Record<string, string> {
  return { PORT: String(defaults.port), DNS_PROVIDER: defaults.dns_provider, WEB_TARGET: defaults.web_target, SAFE_MODE: String(defaults.safe_mode) };
}
