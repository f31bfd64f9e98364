import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { sha256Hex } from '@bf/contracts';
import { StepArtifact } from './step-executor';

/** Artifact names are chosen by our executors, never by users; this keeps a bad one from leaving its folder. */
const ARTIFACT_NAME = /^\/?[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export class ArtifactNameError extends Error {}

/**
 * Stores the files a step attempt returned under
 * DATA_DIR/artifacts/<run>/<step>/ and records each as a `step_output` artifact
 * of the step. The row id is derived from run, step and name, so a retried or
 * redelivered attempt replaces its earlier file instead of adding another.
 */
export class StepArtifactStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifactsDir: string,
  ) {}

  async save(ids: { tenantId: string; planId: string; runId: string; stepId: string }, artifacts: StepArtifact[]): Promise<void> {
    for (const artifact of artifacts) {
      if (!ARTIFACT_NAME.test(artifact.name) || artifact.name.split('/').includes('..')) throw new ArtifactNameError(`artifact name ${JSON.stringify(artifact.name)} is not a safe relative path`);
      const content = typeof artifact.content === 'string' ? Buffer.from(artifact.content) : artifact.content;
      const path = join(this.artifactsDir, ids.runId, ids.stepId, artifact.name.replace(/^\//, '_root/'));
      await writeAtomically(path, content);
      const id = `art_${sha256Hex(`${ids.runId}\0${ids.stepId}\0${artifact.name}`).slice(0, 24)}`;
      await this.dataSource.query(
        `INSERT INTO artifacts (id, tenant_id, plan_id, run_id, step_id, kind, path, sha256, size_bytes, metadata)
         VALUES ($1, $2, $3, $4, $5, 'step_output', $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET path = EXCLUDED.path, sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes, metadata = EXCLUDED.metadata`,
        [id, ids.tenantId, ids.planId, ids.runId, ids.stepId, path, sha256Hex(content), content.length, { name: artifact.name, media_type: artifact.mediaType }],
      );
    }
  }
}

/** Writes a file so readers see the old bytes or the new, never half of them (a temporary name, then a rename). */
export async function writeAtomically(path: string, content: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
