import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { validated } from '../http/validate';
import { KeysService } from './keys.service';

const RevokeSchema = z.object({ reason: z.string().trim().min(1, 'a revocation needs a reason').max(1000) });

/**
 * forge-sign's public keys, for anyone verifying an evidence pack, and their
 * lifecycle. Rotation and revocation are open to every caller until the tenancy
 * issue adds admin-only authorisation.
 */
@Controller('api/v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  async list() {
    return { keys: await this.keys.list() };
  }

  @Post('rotate')
  async rotate() {
    return { key: await this.keys.rotate() };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  async revoke(@Param('keyId') keyId: string, @Body() body: unknown) {
    // An id that cannot be a key id names no key: 404, like an unknown one.
    if (!/^[0-9a-f]{64}$/.test(keyId)) throw new NotFoundException(`no signing key ${keyId.slice(0, 80)}`);
    const { reason } = validated(RevokeSchema, body, 'revocation');
    return { key: await this.keys.revoke(keyId, reason) };
  }
}
