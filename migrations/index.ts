import { CreateTenantTable1795831200001 } from './1795831200001-CreateTenantTable';
import { CreateBriefingTable1795831200002 } from './1795831200002-CreateBriefingTable';
import { CreatePlanTables1795831200003 } from './1795831200003-CreatePlanTables';
import { CreateRunTables1795831200004 } from './1795831200004-CreateRunTables';
import { CreateAuditEventTable1795831200005 } from './1795831200005-CreateAuditEventTable';
import { CreateArtifactTable1795831200006 } from './1795831200006-CreateArtifactTable';
import { CreatePlanApprovalTable1795831200007 } from './1795831200007-CreatePlanApprovalTable';
import { ChainAndLockAuditEvents1795831200008 } from './1795831200008-ChainAndLockAuditEvents';
import { AddRollbackAndCancel1795831200009 } from './1795831200009-AddRollbackAndCancel';
import { AddGraphPlans1795831200010 } from './1795831200010-AddGraphPlans';
import { CreateContactSubmissionTable1795831200011 } from './1795831200011-CreateContactSubmissionTable';
import { LockRunInOneRoundTrip1795831200013 } from './1795831200013-LockRunInOneRoundTrip';
import { CreateDnsZoneTables1795831200014 } from './1795831200014-CreateDnsZoneTables';
import { ManyArtifactsPerStep1795831200015 } from './1795831200015-ManyArtifactsPerStep';
import { CreateDnsChangeJournal1795831200016 } from './1795831200016-CreateDnsChangeJournal';
import { AddStepDryRunReason1795831200017 } from './1795831200017-AddStepDryRunReason';
import { TrackLeadDelivery1795831200018 } from './1795831200018-TrackLeadDelivery';
import { CreateOdooChangeJournal1795831200019 } from './1795831200019-CreateOdooChangeJournal';
import { CreateSigningKeyTable1795831200020 } from './1795831200020-CreateSigningKeyTable';
import { AddRunCorrelationId1795831200021 } from './1795831200021-AddRunCorrelationId';
import { CreateApiKeyTable1795831200022 } from './1795831200022-CreateApiKeyTable';
import { RecordPlanCreatorAndApprovers1795831200023 } from './1795831200023-RecordPlanCreatorAndApprovers';
import { CreateCreditLedger1795831200024 } from './1795831200024-CreateCreditLedger';
import { IndexRunHistory1795831200025 } from './1795831200025-IndexRunHistory';
import { CreateTenantSecretTable1795831200026 } from './1795831200026-CreateTenantSecretTable';
import { RouteLeadsWithTenantSecret1795831200027 } from './1795831200027-RouteLeadsWithTenantSecret';
import { IndexActiveRuns1795831200028 } from './1795831200028-IndexActiveRuns';
import { CreateDomainClaims1795831200029 } from './1795831200029-CreateDomainClaims';
import { CreatePluginForgeTables1795831200030 } from './1795831200030-CreatePluginForgeTables';
import { ProtectForgeRecords1795831200031 } from './1795831200031-ProtectForgeRecords';
/** Every migration, in order. Listed explicitly so the same list works from TypeScript (tests) and dist/. */
export const MIGRATIONS = [
  CreateTenantTable1795831200001,
  CreateBriefingTable1795831200002,
  CreatePlanTables1795831200003,
  CreateRunTables1795831200004,
  CreateAuditEventTable1795831200005,
  CreateArtifactTable1795831200006,
  CreatePlanApprovalTable1795831200007,
  ChainAndLockAuditEvents1795831200008,
  AddRollbackAndCancel1795831200009,
  AddGraphPlans1795831200010,
  CreateContactSubmissionTable1795831200011,
  LockRunInOneRoundTrip1795831200013,
  CreateDnsZoneTables1795831200014,
  ManyArtifactsPerStep1795831200015,
  CreateDnsChangeJournal1795831200016,
  AddStepDryRunReason1795831200017,
  TrackLeadDelivery1795831200018,
  CreateOdooChangeJournal1795831200019,
  CreateSigningKeyTable1795831200020,
  AddRunCorrelationId1795831200021,
  CreateApiKeyTable1795831200022,
  RecordPlanCreatorAndApprovers1795831200023,
  CreateCreditLedger1795831200024,
  IndexRunHistory1795831200025,
  CreateTenantSecretTable1795831200026,
  RouteLeadsWithTenantSecret1795831200027,
  IndexActiveRuns1795831200028,
  CreateDomainClaims1795831200029,
  CreatePluginForgeTables1795831200030,
  ProtectForgeRecords1795831200031,
];
