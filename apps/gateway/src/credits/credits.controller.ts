import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CREDIT_PRICES } from '@bf/contracts';
import { CreditTransaction, CreditTransactionPage } from '@bf/persistence';
import { sequenceCursor } from '../http/query-params';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { RequirePlatformAdmin, RequireRole } from '../http/auth.decorators';
import { CreditsService } from './credits.service';

const TransactionsQuerySchema = z
  .object({
    cursor: sequenceCursor().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const GrantSchema = z
  .object({
    /** Credits to add; negative for a correction. */
    amount: z.number().int().min(-1_000_000_000).max(1_000_000_000).refine((amount) => amount !== 0, 'must not be 0'),
    reason: z.string().trim().min(1).max(200),
    /** The tenant credited; the caller's own (the platform tenant) when left out. */
    tenant_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a tenant id').optional(),
  })
  .strict();

/** Seed 004 credits: the tenant's balance, its ledger, and operators' grants. */
@Controller('api/v1/credits')
@RequireRole('viewer')
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  /** Balance, what running executions hold, what is available, and the price of each live step kind. */
  @Get()
  async balance() {
    return { ...(await this.credits.balance(requestTenant())), unit: 'credits', prices: CREDIT_PRICES };
  }

  /** The ledger, newest first, cursor-paginated like the audit events. */
  @Get('transactions')
  transactions(@Query() query: unknown): Promise<CreditTransactionPage> {
    const q = validated(TransactionsQuerySchema, query, 'credit transactions query');
    return this.credits.transactions(requestTenant(), q.limit, q.cursor);
  }

  /** An operator's grant or correction to any tenant, recorded in that tenant's ledger: platform admins only. */
  @Post('grants')
  @RequirePlatformAdmin()
  grant(@Body() body: unknown): Promise<CreditTransaction> {
    const grant = validated(GrantSchema, body, 'credit grant');
    return this.credits.grant(grant.tenant_id ?? requestTenant(), grant.amount, grant.reason);
  }
}
