import { z } from 'zod';
import { FORGE_JOB_STATUSES, PLUGIN_PACKAGE_STATUSES } from './steps';

/**
 * Display text only (requested_by, approver, revoked_by, published_by, actor):
 * who acts is always the calling API key (apps/gateway/src/forge/forge-actor.ts).
 * The text is kept in the audit event as `display_name`, never as identity.
 */
const actor = z.string().trim().min(1).max(120).optional();

/**
 * Seed 002's marketplace_connectors, one set per tenant (seeded by migration
 * 1795831200030 for existing tenants, created on first use for later ones).
 */
export const MARKETPLACE_CONNECTORS = [
  { id: 'internal', name: 'Business Factory internal marketplace', kind: 'internal', cms: ['wordpress', 'woocommerce'] },
  { id: 'wordpress_org', name: 'WordPress.org plugin directory', kind: 'external', cms: ['wordpress', 'woocommerce'] },
  { id: 'shopify', name: 'Shopify App Store', kind: 'external', cms: ['shopify'] },
  { id: 'prestashop', name: 'PrestaShop Addons', kind: 'external', cms: ['prestashop'] },
] as const;
export type MarketplaceConnectorId = (typeof MARKETPLACE_CONNECTORS)[number]['id'];
const CONNECTOR_IDS = MARKETPLACE_CONNECTORS.map((connector) => connector.id) as [MarketplaceConnectorId, ...MarketplaceConnectorId[]];

export const CreateForgeJobSchema = z
  .object({
    template: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a plugin template id like wp-contact-form'),
    parameters: z.record(z.unknown()),
    /** The same key (per tenant) returns the job it first created instead of a new one. */
    idempotency_key: z.string().regex(/^[A-Za-z0-9._:\-]{1,200}$/, 'letters, digits and ._:- (200 at most)').optional(),
    requested_by: actor,
  })
  .strict();
export type CreateForgeJob = z.infer<typeof CreateForgeJobSchema>;

export const ForgeJobListQuerySchema = z
  .object({
    status: z.enum(FORGE_JOB_STATUSES).optional(),
    template: z.string().max(100).optional(),
    requested_by: z.string().max(120).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const ForgeStatsQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(365).default(7) }).strict();

export const PackageListQuerySchema = z
  .object({
    status: z.enum(PLUGIN_PACKAGE_STATUSES).optional(),
    cms: z.enum(['wordpress', 'woocommerce']).optional(),
    slug: z.string().max(60).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const ActorBodySchema = z.object({ requested_by: actor, actor }).strict();

export const ApprovalRequestBodySchema = z
  .object({ package_id: z.string().regex(/^pkg_[0-9a-f]{12}$/, 'must be a package id like pkg_0123456789ab'), note: z.string().max(2000).optional(), requested_by: actor })
  .strict();

export const ApproveBodySchema = z.object({ note: z.string().max(2000).optional(), approver: actor }).strict();

export const RevokeBodySchema = z.object({ reason: z.string().trim().min(10, 'say why (10 characters or more)').max(2000), revoked_by: actor }).strict();

export const PublishBodySchema = z
  .object({ connector: z.enum(CONNECTOR_IDS).default('internal'), published_by: actor })
  .strict();

/** Points an external connector at a tenant secret by name (null: no credentials). The value stays in tenant_secrets. */
export const ConnectorConfigBodySchema = z
  .object({
    secret_ref: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must name a tenant secret (lowercase letters, digits and hyphens, like wordpress-org-publisher)')
      .nullable(),
  })
  .strict();
