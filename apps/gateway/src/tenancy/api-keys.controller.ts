import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { RoleSchema } from '@bf/contracts';
import { ApiKeys, IssuedApiKey } from '@bf/tenancy';
import { RequireRole } from '../http/auth.decorators';
import { requestPrincipal } from '../http/principal';
import { validated } from '../http/validate';

const IssueKeySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    role: RoleSchema,
    expires_at: z.coerce
      .date()
      .refine((date) => date.getTime() > Date.now(), 'must be in the future')
      .optional(),
  })
  .strict();

const RevokeKeySchema = z.object({ reason: z.string().trim().min(1, 'a revocation needs a reason').max(1000) }).strict();

const KEY_ID = /^key_[0-9a-f]{12}$/;

/** The tenant's API keys, for its admins: issue (the key is shown once), list (never a secret or hash), revoke. */
@Controller('api/v1/api-keys')
@RequireRole('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  issue(@Body() body: unknown): Promise<IssuedApiKey> {
    const request = validated(IssueKeySchema, body, 'API key');
    const admin = requestPrincipal();
    return this.keys.issue({ tenantId: admin.tenantId, name: request.name, role: request.role, expiresAt: request.expires_at ?? null, createdBy: admin.keyId });
  }

  @Get()
  async list() {
    return { api_keys: await this.keys.list(requestPrincipal().tenantId) };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  async revoke(@Param('keyId') keyId: string, @Body() body: unknown) {
    const admin = requestPrincipal();
    if (!KEY_ID.test(keyId)) throw new NotFoundException(`no API key ${keyId.slice(0, 80)}`);
    const { reason } = validated(RevokeKeySchema, body, 'revocation');
    const key = await this.keys.revoke(admin.tenantId, keyId, reason, admin.keyId);
    // Another tenant's key id answers like an unknown one.
    if (!key) throw new NotFoundException(`no API key ${keyId}`);
    return { api_key: key };
  }
}
