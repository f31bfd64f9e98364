import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditVerification, verifyAuditChains } from '@bf/persistence';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { RequireRole } from '../http/auth.decorators';

const VerifyQuerySchema = z.object({ plan_id: z.string().regex(/^plan_[0-9a-f]{12}$/, 'must be a plan id').optional() }).strict();

/** Recomputes the audit hash chains and reports the first broken link. */
@Controller('api/v1/audit')
export class AuditVerifyController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('verify')
  @RequireRole('viewer')
  verify(@Query() query: unknown): Promise<AuditVerification> {
    const { plan_id: planId } = validated(VerifyQuerySchema, query, 'verify query');
    return verifyAuditChains(this.dataSource, requestTenant(), planId);
  }
}
