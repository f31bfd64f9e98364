import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { SecretMetadata, SecretNameSchema, SecretPutSchema, SecretsKeyringError, TenantSecrets, RotationReport } from '@bf/tenancy';
import { RequirePlatformAdmin, RequireRole } from '../http/auth.decorators';
import { requestPrincipal } from '../http/principal';
import { requestTenant } from '../http/tenant';
import { validated } from '../http/validate';

const SecretPathSchema = z.object({ name: SecretNameSchema }).strict();

/**
 * A tenant's secrets (DNS tokens, Odoo logins), referenced from briefings by
 * name (`secret_ref`). Values go in and never come out: every answer carries
 * names and metadata only. Admin keys only (the default role).
 */
@Controller('api/v1/secrets')
export class SecretsController {
  constructor(private readonly secrets: TenantSecrets) {}

  @Get()
  @RequireRole('admin')
  async list(): Promise<{ secrets: SecretMetadata[] }> {
    return { secrets: await this.secrets.list(requestTenant()) };
  }

  /**
   * Re-seals every tenant's secrets under the active master key (the first of
   * SECRETS_MASTER_KEYS). Platform-wide, so platform admins only; also `npm run factory -- rotate-secrets`.
   */
  @Post('rotate')
  @HttpCode(200)
  @RequirePlatformAdmin()
  async rotate(): Promise<RotationReport> {
    return unavailableWithoutKeys(() => this.secrets.rotate(actorName()));
  }

  @Put(':name')
  @RequireRole('admin')
  async put(@Param('name') name: string, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<{ secret: SecretMetadata }> {
    validated(SecretPathSchema, { name }, 'secret name');
    const input = validated(SecretPutSchema, body, 'secret');
    const { secret, created } = await unavailableWithoutKeys(() => this.secrets.put(requestTenant(), name, input, actorName()));
    response.status(created ? 201 : 200);
    return { secret };
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireRole('admin')
  async remove(@Param('name') name: string): Promise<void> {
    validated(SecretPathSchema, { name }, 'secret name');
    if (!(await this.secrets.remove(requestTenant(), name, actorName()))) throw new NotFoundException(`no secret named ${name}`);
  }
}

/** Who changed a secret, as the audit trail and `updated_by` record it: the key's name and public prefix. */
function actorName(): string {
  const principal = requestPrincipal();
  return `${principal.keyName} (${principal.keyPrefix})`;
}

/** Production without a configured master key: the secrets feature is unavailable, said as such (503), not a 500. */
async function unavailableWithoutKeys<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SecretsKeyringError) throw new ServiceUnavailableException(error.message);
    throw error;
  }
}
