import { Provider } from '@nestjs/common';
import { DeployTargetCheck } from './deploy-target.check';
import { DiskSpaceCheck } from './disk-space.check';
import { DnsProviderCheck } from './dns-provider.check';
import { LiveCapabilityCheck } from './live-capability.check';
import { OdooCheck } from './odoo.check';
import { PREFLIGHT_CHECKS } from './preflight-check';
import { PreflightService } from './preflight.service';
import { TemplatesCheck } from './templates.check';
import { WebTargetCheck } from './web-target.check';
import { SecretRefCheck } from '../../secrets/secret-ref.check';

export * from './preflight-check';
export * from './preflight.service';

/** The checks, in the order their results are listed. */
const CHECKS = [TemplatesCheck, LiveCapabilityCheck, DeployTargetCheck, WebTargetCheck, DiskSpaceCheck, DnsProviderCheck, OdooCheck, SecretRefCheck];

/** Everything the gateway module needs to provide a PreflightService. */
export const PREFLIGHT_PROVIDERS: Provider[] = [
  ...CHECKS,
  { provide: PREFLIGHT_CHECKS, useFactory: (...checks: unknown[]) => checks, inject: CHECKS },
  PreflightService,
];
