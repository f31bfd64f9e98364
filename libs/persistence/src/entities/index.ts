import { ArtifactEntity } from './artifact.entity';
import { AuditEventEntity } from './audit-event.entity';
import { BriefingEntity } from './briefing.entity';
import { ContactSubmissionEntity } from './contact-submission.entity';
import { PlanApprovalEntity } from './plan-approval.entity';
import { PlanStepEntity } from './plan-step.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { PlanEntity } from './plan.entity';
import { RunEntity } from './run.entity';
import { StepRunEntity } from './step-run.entity';
import { TenantEntity } from './tenant.entity';
import { FORGE_ENTITIES } from './forge.entity';

export * from './artifact.entity';
export * from './audit-event.entity';
export * from './briefing.entity';
export * from './contact-submission.entity';
export * from './plan-approval.entity';
export * from './plan-step.entity';
export * from './plan.entity';
export * from './run.entity';
export * from './signing-key.entity';
export * from './step-run.entity';
export * from './tenant.entity';
export * from './forge.entity';

export const ENTITIES = [
  TenantEntity,
  BriefingEntity,
  PlanEntity,
  PlanStepEntity,
  PlanApprovalEntity,
  RunEntity,
  StepRunEntity,
  AuditEventEntity,
  ArtifactEntity,
  ContactSubmissionEntity,
  SigningKeyEntity,
  ...FORGE_ENTITIES,
];
