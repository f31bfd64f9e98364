import { ForgeApprovalsService } from './forge-approvals.service';
import { ForgeGaugesCollector } from './forge-gauges.collector';
import { ForgeJobsService } from './forge-jobs.service';
import { ForgePackagesService } from './forge-packages.service';
import { ForgeController } from './forge.controller';

/** The plugin forge's routes (/api/v1/forge) and services, registered in GatewayModule as one line each. */
export const FORGE_CONTROLLERS = [ForgeController];
export const FORGE_PROVIDERS = [ForgeJobsService, ForgePackagesService, ForgeApprovalsService, ForgeGaugesCollector];
