import { ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param } from '@nestjs/common';
import { z } from 'zod';
import { RequireRole } from '../http/auth.decorators';
import { requestTenant } from '../http/tenant';
import { validated } from '../http/validate';
import { DomainClaim, DomainClaims, normalizedDomain } from './domain-claims';

const DomainParamSchema = z
  .string()
  .transform(normalizedDomain)
  .pipe(z.string().regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, 'must be a domain name like acme.example'));

/**
 * The domains a tenant owns (claimed when it first planned them) and their
 * release. Another tenant's domain answers 404 like an unclaimed one.
 */
@Controller('api/v1/domains')
export class DomainsController {
  constructor(private readonly claims: DomainClaims) {}

  @Get()
  @RequireRole('viewer')
  async list(): Promise<{ domains: DomainClaim[] }> {
    return { domains: await this.claims.list(requestTenant()) };
  }

  /** Gives the domain up so another tenant may plan it; refused (409) while one of this tenant's runs changes it. */
  @Delete(':domain')
  @HttpCode(204)
  @RequireRole('admin')
  async release(@Param('domain') rawDomain: string): Promise<void> {
    const domain = validated(DomainParamSchema, rawDomain, 'domain');
    const outcome = await this.claims.release(requestTenant(), domain);
    if (outcome === 'not_found') throw new NotFoundException(`this tenant has no claim on domain ${domain}`);
    if (outcome !== 'released') {
      throw new ConflictException({ message: `domain ${domain} is being changed by run ${outcome.active_run_id}; release it when the run has finished`, details: { active_run_id: outcome.active_run_id, domain } });
    }
  }
}
