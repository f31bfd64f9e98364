import { z } from 'zod';
import type { SecretValue } from './secrets.store';

/** Thrown when a secret exists but does not hold what the step needs; names fields, never values. */
export class SecretShapeError extends Error {}

/** An Odoo login stored as a secret: `{"url", "db", "user" (or "login"), "password"}`. */
const OdooSecretSchema = z
  .object({ url: z.string().url(), db: z.string().min(1), user: z.string().min(1).optional(), login: z.string().min(1).optional(), password: z.string().min(1) })
  .refine((value) => value.user || value.login, { message: 'needs user (or login)', path: ['user'] });

export interface OdooCredentials {
  url: string;
  db: string;
  user: string;
  password: string;
}

export function odooCredentialsOf(name: string, value: SecretValue): OdooCredentials {
  const parsed = OdooSecretSchema.safeParse(value);
  if (!parsed.success) throw new SecretShapeError(`secret '${name}' is not an Odoo login: ${problems(parsed.error)} (expected {"url", "db", "user", "password"})`);
  return { url: parsed.data.url, db: parsed.data.db, user: (parsed.data.user ?? parsed.data.login)!, password: parsed.data.password };
}

/**
 * DNS provider credentials stored as a secret: the token (Hetzner) or API key
 * (PowerDNS) as a plain string, or an object `{"token"}` / `{"api_key", "api_url"?, "server_id"?}`
 * overriding the configured provider's credentials.
 */
export interface DnsCredentials {
  token: string;
  apiUrl: string | null;
  serverId: string | null;
}

const DnsSecretSchema = z.union([
  z.string().min(1),
  z
    .object({ token: z.string().min(1).optional(), api_key: z.string().min(1).optional(), api_url: z.string().url().optional(), server_id: z.string().min(1).optional() })
    .refine((value) => value.token || value.api_key, { message: 'needs token (or api_key)', path: ['token'] }),
]);

export function dnsCredentialsOf(name: string, value: SecretValue): DnsCredentials {
  const parsed = DnsSecretSchema.safeParse(value);
  if (!parsed.success) throw new SecretShapeError(`secret '${name}' is not a DNS credential: ${problems(parsed.error)} (expected a token string or {"token"} / {"api_key", "api_url"?})`);
  const data = parsed.data;
  if (typeof data === 'string') return { token: data, apiUrl: null, serverId: null };
  return { token: (data.token ?? data.api_key)!, apiUrl: data.api_url ?? null, serverId: data.server_id ?? null };
}

/** Paths and messages only: a zod issue never quotes the value here, but be explicit. */
function problems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}
