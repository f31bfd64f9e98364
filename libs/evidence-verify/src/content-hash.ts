import { JsonNestingError, pipelineContentHash, PipelineEvidencePackSchema } from '@bf/contracts';
import { CheckList } from './check-list';
import { PIPELINE_EVIDENCE_FILE } from './pack-layout';
import { PackFiles } from './zip-entries';

/** Seed 001's content hash, for graph runs: recomputed over the fields it covers and compared with the one the pack carries. */
export function verifyContentHash(pack: PackFiles, checks: CheckList): void {
  const raw = pack.files.get(PIPELINE_EVIDENCE_FILE);
  if (!raw) return checks.pass('content hash', `no ${PIPELINE_EVIDENCE_FILE} (not a graph run): nothing to recompute`);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return checks.fail('content hash', `not JSON: ${(error as Error).message}`, PIPELINE_EVIDENCE_FILE);
  }
  const parsed = PipelineEvidencePackSchema.safeParse(json);
  if (!parsed.success) return checks.fail('content hash', `not a PipelineEvidencePack: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, PIPELINE_EVIDENCE_FILE);
  let computed: string;
  try {
    computed = pipelineContentHash(parsed.data);
  } catch (error) {
    // A pack built to overflow the hashing (nested thousands deep) fails this check; it must not crash the verifier.
    if (error instanceof JsonNestingError) return checks.fail('content hash', error.message, PIPELINE_EVIDENCE_FILE);
    throw error;
  }
  if (computed === parsed.data.content_hash) checks.pass('content hash', `recomputed ${computed}`, PIPELINE_EVIDENCE_FILE);
  else checks.fail('content hash', `carries ${parsed.data.content_hash}, recomputed ${computed}`, PIPELINE_EVIDENCE_FILE);
}
