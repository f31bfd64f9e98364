import { Body, ConflictException, Controller, Get, NotFoundException, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { CreatedTenant, TENANT_ID_PATTERN, TenantExistsError, Tenants, TenantView } from '@bf/tenancy';
import { RequirePlatformAdmin, RequireRole } from '../http/auth.decorators';
import { requestPrincipal } from '../http/principal';
import { validated } from '../http/validate';

const CreateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    tenant_id: z.string().regex(TENANT_ID_PATTERN, 'must look like tenant_<3-48 lower-case letters, digits or _>').optional(),
    admin_key_name: z.string().trim().min(1).max(120).optional(),
  })
  .strict();

/** Tenants: the platform's admins create them (with a first admin key, shown once); every key reads its own. */
@Controller('api/v1')
export class TenantsController {
  constructor(private readonly tenants: Tenants) {}

  @Post('tenants')
  @RequirePlatformAdmin()
  async create(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<CreatedTenant> {
    const request = validated(CreateTenantSchema, body, 'tenant');
    try {
      const created = await this.tenants.create({ name: request.name, id: request.tenant_id, adminKeyName: request.admin_key_name, createdBy: requestPrincipal().keyId });
      response.status(201);
      return created;
    } catch (error) {
      if (error instanceof TenantExistsError) throw new ConflictException(error.message);
      throw error;
    }
  }

  /** The tenant of the calling key. */
  @Get('tenant')
  @RequireRole('viewer')
  async current(): Promise<TenantView & { key: { id: string; prefix: string; name: string; role: string } }> {
    const principal = requestPrincipal();
    const tenant = await this.tenants.get(principal.tenantId);
    if (!tenant) throw new NotFoundException(`tenant ${principal.tenantId} not found`);
    return { ...tenant, key: { id: principal.keyId, prefix: principal.keyPrefix, name: principal.keyName, role: principal.role } };
  }
}
