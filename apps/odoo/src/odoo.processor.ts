import { Controller } from '@nestjs/common';
import { JobPayload, StepJobResult } from '@bf/contracts';
import { JobContext, JobHandler } from '@bf/queue';
import { StepRunner } from '@bf/step-sdk';
import { ConfigureFiscalStep } from './configure-fiscal.step';
import { ConfigureIntegrationStep } from './configure-integration.step';
import { CreateUsersStep } from './create-users.step';
import { LeadDelivery, LeadDeliveryResult } from './crm/lead-delivery';
import { InstallCustomModuleStep } from './install-custom-module.step';
import { InstallModulesStep } from './install-modules.step';

@Controller()
export class OdooProcessor {
  constructor(
    private readonly runner: StepRunner,
    private readonly installModules: InstallModulesStep,
    private readonly createUsers: CreateUsersStep,
    private readonly configureFiscal: ConfigureFiscalStep,
    private readonly configureIntegration: ConfigureIntegrationStep,
    private readonly installCustomModule: InstallCustomModuleStep,
    private readonly leadDelivery: LeadDelivery,
  ) {}

  @JobHandler('odoo', 'odoo.install_modules')
  installOdooModules(payload: JobPayload<'odoo', 'odoo.install_modules'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.installModules, payload, job);
  }

  @JobHandler('odoo', 'odoo.create_users')
  createOdooUsers(payload: JobPayload<'odoo', 'odoo.create_users'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.createUsers, payload, job);
  }

  @JobHandler('odoo', 'odoo.configure_fiscal')
  configureOdooFiscal(payload: JobPayload<'odoo', 'odoo.configure_fiscal'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.configureFiscal, payload, job);
  }

  @JobHandler('odoo', 'odoo.install_custom_module')
  installOdooCustomModule(payload: JobPayload<'odoo', 'odoo.install_custom_module'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.installCustomModule, payload, job);
  }

  @JobHandler('odoo', 'integration.configure')
  configureOdooIntegration(payload: JobPayload<'odoo', 'integration.configure'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.configureIntegration, payload, job);
  }

  /** A contact form submission stored by the gateway for a site whose form routes to the CRM. */
  @JobHandler('odoo', 'crm.deliver_lead')
  deliverLead(payload: JobPayload<'odoo', 'crm.deliver_lead'>, job: JobContext): Promise<LeadDeliveryResult> {
    return this.leadDelivery.deliver(payload, job.isLastAttempt);
  }

  /** Compensation of any step this worker runs, chosen by the step's action. */
  @JobHandler('odoo', 'step.rollback')
  rollbackStep(payload: JobPayload<'odoo', 'step.rollback'>, job: JobContext) {
    return this.runner.rollback([this.installModules, this.createUsers, this.configureFiscal, this.configureIntegration, this.installCustomModule], payload, job);
  }
}
