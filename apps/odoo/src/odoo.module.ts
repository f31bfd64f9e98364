import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { StepRunner } from '@bf/step-sdk';
import { ConfigureFiscalStep } from './configure-fiscal.step';
import { ConfigureIntegrationStep } from './configure-integration.step';
import { CreateUsersStep } from './create-users.step';
import { CUSTOM_MODULE_GENERATOR_PROVIDER, CustomModuleTemplatesCheck } from './custom-module/custom-module.providers';
import { LeadDelivery } from './crm/lead-delivery';
import { InstallCustomModuleStep } from './install-custom-module.step';
import { InstallModulesStep } from './install-modules.step';
import { OdooConnection } from './odoo-connection';
import { OdooProcessor } from './odoo.processor';

export const ODOO_STEPS = [InstallModulesStep, CreateUsersStep, ConfigureFiscalStep, ConfigureIntegrationStep, InstallCustomModuleStep];

@Module({})
export class OdooModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return { module: OdooModule, imports: [CoreModule.forRuntime(runtime)], controllers: [OdooProcessor], providers: [StepRunner, OdooConnection, LeadDelivery, CUSTOM_MODULE_GENERATOR_PROVIDER, CustomModuleTemplatesCheck, ...ODOO_STEPS] };
  }
}
