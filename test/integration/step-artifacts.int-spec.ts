import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { BriefingSchema, newId } from '@bf/contracts';
import { ArtifactEntity, AuditLog, BriefingEntity, createDataSource, DEFAULT_TENANT_ID, PlanStepEntity, RunEntity } from '@bf/persistence';
import { StepArtifactStore } from '@bf/step-sdk';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { PlanWriter } from '../../apps/planner/src/plan-writer';
import { currentTestEnv } from '../support/test-env';

describe('step artifacts (PostgreSQL + files)', () => {
  let dataSource: DataSource;
  let store: StepArtifactStore;
  const tenantId = DEFAULT_TENANT_ID;
  const artifactsDir = join(currentTestEnv().dataDir, 'artifacts-spec');

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 2 });
    await dataSource.initialize();
    store = new StepArtifactStore(dataSource, artifactsDir);
  });
  afterAll(() => dataSource.destroy());

  async function aStep() {
    const briefing = BriefingSchema.parse({ business_name: 'Files GmbH', business_type: 'service', website_config: { domain: 'files.example' } });
    const briefingId = newId('brief');
    await dataSource.getRepository(BriefingEntity).insert({ id: briefingId, tenantId, businessName: briefing.business_name, content: briefing as never });
    const planId = await new PlanWriter(dataSource, new AuditLog()).write(tenantId, briefingId, new PlanBuilder().build(briefing, () => newId('step')));
    const [step] = await dataSource.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
    const runId = newId('run');
    await dataSource.getRepository(RunEntity).insert({ id: runId, tenantId, planId, status: 'running', dryRun: false });
    return { tenantId, planId, runId, stepId: step.stepId };
  }

  it('stores each file under the run and step and records it once, however often the attempt is repeated', async () => {
    const ids = await aStep();
    await store.save(ids, [{ name: 'health_check_result.json', content: '{"matches":false}', mediaType: 'application/json' }]);
    await store.save(ids, [
      { name: 'health_check_result.json', content: '{"matches":true}', mediaType: 'application/json' },
      { name: '/screenshots/website_homepage.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), mediaType: 'image/png' },
    ]);
    const rows = await dataSource.getRepository(ArtifactEntity).find({ where: { runId: ids.runId, kind: 'step_output' } });
    expect(rows.map((row) => row.metadata.name).sort()).toEqual(['/screenshots/website_homepage.png', 'health_check_result.json']);
    const health = rows.find((row) => row.metadata.name === 'health_check_result.json')!;
    expect(health.stepId).toBe(ids.stepId);
    expect(await readFile(health.path, 'utf8')).toBe('{"matches":true}');
    expect(health.sizeBytes).toBe('16');
    expect(health.path.startsWith(join(artifactsDir, ids.runId, ids.stepId))).toBe(true);
    const screenshot = rows.find((row) => row.metadata.name === '/screenshots/website_homepage.png')!;
    expect(screenshot.metadata.media_type).toBe('image/png');
    expect(screenshot.path.startsWith(join(artifactsDir, ids.runId, ids.stepId))).toBe(true);
  });

  it.each(['../escape.txt', 'a/../../b', '/../x', 'name with space', '', 'a//b'])('refuses the unsafe name %j and writes nothing', async (name) => {
    const ids = await aStep();
    await expect(store.save(ids, [{ name, content: 'x', mediaType: 'text/plain' }])).rejects.toThrow('not a safe relative path');
    expect(await dataSource.getRepository(ArtifactEntity).countBy({ runId: ids.runId })).toBe(0);
  });
});
