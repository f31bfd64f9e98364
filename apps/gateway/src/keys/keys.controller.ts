import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { validated } from '../http/validate';
import { KeysService } from './keys.service';
import { RequirePlatformAdmin, RequireRole } from '../http/auth.decorators';

const RevokeSchema = z.object({ reason: z.string().trim().min(1, 'a revocation needs a reason').max(1000) }).strict();

/**
 * forge-sign's public keys, for anyone verifying an evidence pack, and their
 * lifecycle. The keys are platform-wide (one signer for every tenant's packs):
 * any valid key may list them; only admins of the platform tenant
 * (PLATFORM_TENANT_ID) may rotate or revoke them.
 */
@Controller('api/v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @RequireRole('viewer')
  async list() {
    return { keys: await this.keys.list() };
  }

  @Post('rotate')
  @RequirePlatformAdmin()
  async rotate() {
    return { key: await this.keys.rotate() };
  }

  @Post(':keyId/revoke')
  @RequirePlatformAdmin()
  @HttpCode(200)
  async revoke(@Param('keyId') keyId: string, @Body() body: unknown) {
    // An id that cannot be a key id names no key: 404, like an unknown one.
    if (!/^[0-9a-f]{64}$/.test(keyId)) throw new NotFoundException(`no signing key ${keyId.slice(0, 80)}`);
    const { reason } = validated(RevokeSchema, body, 'revocation');
    return { key: await this.keys.revoke(keyId, reason) };
  }
}
