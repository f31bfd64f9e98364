import { Controller, Get, HttpException, HttpStatus, Inject, Param } from '@nestjs/common';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { canonicalName, DNS_PROVIDER, DnsProvider, DnsProviderError, dnsSecrets, redactSecrets } from '@bf/dns';
import { validated } from '../http/validate';
import { RequireRole } from '../http/auth.decorators';
import { requestTenant } from '../http/tenant';
import { DomainClaims } from '../domains/domain-claims';

const ZoneNameSchema = z
  .string()
  .transform(canonicalName)
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a zone name like acme.example'));

/**
 * For operators: what a zone holds at the configured DNS provider, read through
 * the same interface the dns worker writes with. The provider is shared by every
 * tenant, so a tenant sees only zones of domains it claims (domain_claims: the
 * first tenant to plan a domain), and only while no other tenant claims a name
 * in the zone (the platform tenant sees every zone); any other zone answers 404
 * like a missing one.
 */
@Controller('api/v1/dns/zones')
export class DnsZonesController {
  private readonly secrets: string[];

  constructor(
    @Inject(DNS_PROVIDER) private readonly provider: DnsProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly claims: DomainClaims,
  ) {
    this.secrets = dnsSecrets(config);
  }

  @Get(':zone/records')
  @RequireRole('viewer')
  async records(@Param('zone') rawZone: string) {
    const zoneName = validated(ZoneNameSchema, rawZone, 'zone');
    if (!(await this.tenantManages(requestTenant(), zoneName))) throw new HttpException({ message: `the ${this.provider.name} DNS provider has no zone ${zoneName}` }, HttpStatus.NOT_FOUND);
    try {
      const zone = await this.provider.findZone(zoneName);
      if (!zone) throw new HttpException({ message: `the ${this.provider.name} DNS provider has no zone ${zoneName}` }, HttpStatus.NOT_FOUND);
      const recordSets = await this.provider.listRecordSets(zone);
      const sorted = [...recordSets].sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name)));
      return { zone: zone.name, provider: this.provider.name, record_sets: sorted };
    } catch (error) {
      if (error instanceof DnsProviderError) {
        // The provider, not the client, failed: 502 with its message (credentials scrubbed), or 503 when it asked us to come back later.
        const status = error.options.status === 429 ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        throw new HttpException({ message: `the ${this.provider.name} DNS provider failed: ${redactSecrets(error.message, this.secrets)}` }, status);
      }
      throw error;
    }
  }

  /** Whether the tenant owns the zone by its domain claims (the platform tenant sees every zone). */
  private tenantManages(tenantId: string, zoneName: string): Promise<boolean> {
    if (tenantId === this.config.tenancy.platformTenantId) return Promise.resolve(true);
    return this.claims.ownsZone(tenantId, zoneName);
  }
}
