import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { AuditVerifyController } from './audit/audit-verify.controller';
import { AuditController } from './audit/audit.controller';
import { EvidenceDownloadService } from './factory/evidence-download.service';
import { ExecutionService } from './factory/execution.service';
import { StepModePolicy } from './factory/step-modes';
import { FactoryController } from './factory/factory.controller';
import { PREFLIGHT_PROVIDERS } from './factory/preflight';
import { PlanRequestService } from './factory/plan-request.service';
import { ProgressHub } from './factory/progress-hub';
import { OpsModule } from './ops/ops.module';
import { OrchestratorProcessor } from './orchestrator/orchestrator.processor';
import { RunAdvancer } from './orchestrator/run-advancer';
import { RunSettler } from './orchestrator/run-settler';
import { RunFollowUp } from './orchestrator/run-follow-up';
import { RunReconciler } from './orchestrator/run-reconciler';
import { RollbackService } from './factory/rollback.service';
import { StepDispatcher } from './orchestrator/step-dispatcher';
import { GraphPlanWriter } from './pipeline/graph-plan.writer';
import { GraphRunService } from './pipeline/graph-run.service';
import { IntentClient } from './pipeline/intent.client';
import { PipelineController } from './pipeline/pipeline.controller';
import { ApprovalService } from './plans/approval.service';
import { PlansController } from './plans/plans.controller';
import { TemplateCheckService } from './plans/template-check.service';
import { QueueEventsRegistry } from './queue-events.registry';
import { ContactController } from './sites/contact.controller';
import { DeployedSites } from './sites/deployed-sites';
import { DnsZonesController } from './dns/dns-zones.controller';
import { DomainClaims } from './domains/domain-claims';
import { DomainsController } from './domains/domains.controller';
import { FORGE_CONTROLLERS, FORGE_PROVIDERS } from './forge';
import { KeysController } from './keys/keys.controller';
import { KeysService } from './keys/keys.service';
import { DNS_PROVIDER_FACTORY } from '@bf/dns';
import { ContactRateLimiter } from './sites/contact-rate-limiter';
import { ContactSubmissionsService } from './sites/contact-submissions.service';
import { TemplateRegistry, TemplatesStartupCheck } from '@bf/templates';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { PlanStepCache } from './orchestrator/plan-step.cache';
import { CreditsController } from './credits/credits.controller';
import { CreditsService } from './credits/credits.service';
import { RunsController } from './runs/runs.controller';
import { RunHistoryService } from './runs/run-history.service';
import { TENANCY_CONTROLLERS, TENANCY_PROVIDERS } from './tenancy/tenancy.providers';
import { SECRETS_CONTROLLERS, SECRETS_PROVIDERS } from './secrets/secrets.providers';
import { OnboardingController } from './onboarding/onboarding.controller';

/** One template registry for the gateway's planning check, preflight and template endpoints: one compile cache. */
const SHARED_TEMPLATE_REGISTRY = {
  provide: TemplateRegistry,
  useFactory: (config: AppConfig) => new TemplateRegistry(config.storage.templatesDir),
  inject: [APP_CONFIG],
};

/**
 * The gateway: REST routes that validate, persist and enqueue, plus the
 * orchestrator that consumes the durable step-status queue and advances runs.
 */
@Module({})
export class GatewayModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: GatewayModule,
      imports: [CoreModule.forRuntime(runtime), OpsModule],
      controllers: [FactoryController, PipelineController, PlansController, AuditController, AuditVerifyController, OrchestratorProcessor, ContactController, DnsZonesController, DomainsController, KeysController, ...TENANCY_CONTROLLERS, CreditsController, RunsController, ...SECRETS_CONTROLLERS, OnboardingController, ...FORGE_CONTROLLERS],
      providers: [ProgressHub, IntentClient, ApprovalService, TemplateCheckService, PlanRequestService, ExecutionService, StepModePolicy, EvidenceDownloadService, QueueEventsRegistry, RunAdvancer, RunSettler, PlanStepCache, RunFollowUp, RunReconciler, RollbackService, StepDispatcher, GraphPlanWriter, GraphRunService, ...PREFLIGHT_PROVIDERS, ContactSubmissionsService, ContactRateLimiter, DeployedSites, DomainClaims, TemplatesStartupCheck, SHARED_TEMPLATE_REGISTRY, DNS_PROVIDER_FACTORY, KeysService, ...TENANCY_PROVIDERS, CreditsService, RunHistoryService, ...SECRETS_PROVIDERS, ...FORGE_PROVIDERS],
    };
  }
}
