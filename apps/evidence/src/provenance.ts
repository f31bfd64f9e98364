import { BUSINESS_FACTORY_BUILD_TYPE, canonicalJson, inTotoStatement, sha256Hex } from '@bf/contracts';
import { RunFacts } from './pack-assembler';

/**
 * One stable name for whoever builds packs, on any machine: a host name here
 * would make the same run's statement differ between workers.
 */
export const BUILDER_ID = 'https://business-factory.dev/builder/evidence-worker/v1';

export interface SignableStatement {
  bytes: Buffer;
  sha256: string;
  subjects: number;
}

/**
 * The in-toto statement (SLSA provenance v1) over the pack's files, as the
 * exact bytes that get signed: compact canonical JSON, so the same run always
 * gives the same statement and VERIFY.md can read subjects with grep and sed.
 */
export function provenanceStatement(files: ReadonlyArray<{ name: string; sha256: string }>, facts: RunFacts): SignableStatement {
  const run = facts.plan.run;
  const statement = inTotoStatement(files, {
    buildDefinition: {
      buildType: BUSINESS_FACTORY_BUILD_TYPE,
      externalParameters: {
        [facts.origin.kind === 'graph' ? 'graph_spec_sha256' : 'briefing_sha256']: facts.origin.sha256,
        plan_id: facts.plan.plan_id,
        plan_hash: facts.plan.plan_hash,
        dry_run: facts.run.dryRun,
      },
      internalParameters: {
        run_status: facts.run.status,
        rollback_status: facts.run.rollbackStatus,
        dry_run_steps: run?.dry_run_steps ?? [],
      },
    },
    runDetails: {
      builder: { id: BUILDER_ID },
      metadata: { invocationId: facts.runId, startedOn: facts.run.startedAt.toISOString(), finishedOn: facts.stampedAt.toISOString() },
    },
  });
  const bytes = Buffer.from(canonicalJson(statement));
  return { bytes, sha256: sha256Hex(bytes), subjects: statement.subject.length };
}
