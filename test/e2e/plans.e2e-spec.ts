import { DataSource } from 'typeorm';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { BRIEFING_CORPUS } from '../../apps/planner/src/briefing-corpus';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const briefingNamed = (prefix: string) => ({ ...BRIEFING_CORPUS.find((c) => c.name.startsWith(prefix))!.briefing, dry_run: true });

describe('planning, review and approval end to end', () => {
  let system: RunningSystem;
  let dataSource: DataSource;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const plan = async (briefing: object) => {
    const response = await call('POST', '/api/factory/plan', briefing);
    expect(response.status).toBe(201);
    return response.body;
  };
  const execute = (planId: string) => call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`);
  const completed = (planId: string) => eventually(async () => ((await call('GET', `/api/factory/${planId}`)).body.run?.status === 'completed' ? true : undefined));

  beforeAll(async () => {
    system = await startTestSystem('plans');
    dataSource = system.runtime.dataSource;
  });
  afterAll(() => system?.stop());

  it('refuses to execute a HIGH plan until it is approved, then runs it', async () => {
    const high = await plan(briefingNamed('ecommerce: shop with payments'));
    expect(high.risk_assessment.overall_risk_level).toBe('high');
    const refused = await execute(high.plan_id);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(new RegExp(`POST /api/v1/plans/${high.plan_id}/approve`));

    const approved = await call('POST', `/api/v1/plans/${high.plan_id}/approve`, { approved_by: 'ops@acme.example', note: 'payments reviewed' });
    expect(approved).toMatchObject({ status: 200, body: { plan_id: high.plan_id, status: 'approved', plan_hash: high.plan_hash } });
    expect((await call('GET', `/api/factory/${high.plan_id}`)).body.status).toBe('approved');
    expect((await call('POST', `/api/v1/plans/${high.plan_id}/approve`, { approved_by: 'again' })).status).toBe(409);

    expect((await execute(high.plan_id)).status).toBe(202);
    await completed(high.plan_id);
    const audit = await call('GET', `/api/sovereign/audit/events?plan_id=${high.plan_id}&limit=100`);
    expect(audit.body.events.map((e: any) => e.event_type).slice(0, 3)).toEqual(['factory.plan_generated', 'factory.plan_approved', 'factory.execution_started']);
  });

  it('approves a CRITICAL plan only when every critical risk is acknowledged with a reason, and audits each acknowledgement', async () => {
    const critical = await plan(briefingNamed('manufacturing: custom module extending a core model'));
    expect(critical.risk_assessment.overall_risk_level).toBe('critical');
    const criticalRisk = critical.risk_assessment.risks.find((risk: any) => risk.severity === 'critical');

    const missing = await call('POST', `/api/v1/plans/${critical.plan_id}/approve`, { approved_by: 'cto@bolt.example' });
    expect(missing.status).toBe(422);
    expect(missing.body.details.unacknowledged_critical_risks).toEqual([criticalRisk.risk_id]);
    expect((await execute(critical.plan_id)).status).toBe(409);

    const tooShort = await call('POST', `/api/v1/plans/${critical.plan_id}/approve`, { approved_by: 'cto', acknowledgements: [{ risk_id: criticalRisk.risk_id, reason: 'ok' }] });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.details[0].path).toBe('acknowledgements.0.reason');

    const unknown = await call('POST', `/api/v1/plans/${critical.plan_id}/approve`, { approved_by: 'cto', acknowledgements: [{ risk_id: 'risk_nope', reason: 'this risk does not exist at all' }] });
    expect(unknown.status).toBe(422);

    const reason = 'Partner grading is reviewed by our Odoo partner and tested on staging';
    const ok = await call('POST', `/api/v1/plans/${critical.plan_id}/approve`, { approved_by: 'cto@bolt.example', acknowledgements: [{ risk_id: criticalRisk.risk_id, reason }] });
    expect(ok.status).toBe(200);
    const acks = await call('GET', `/api/sovereign/audit/events?plan_id=${critical.plan_id}&event_type=factory.risk_acknowledged`);
    expect(acks.body.events).toHaveLength(1);
    expect(acks.body.events[0]).toMatchObject({ severity: 'critical', metadata: { risk_id: criticalRisk.risk_id, acknowledged_by: 'cto@bolt.example', ack_reason: reason } });
    expect((await execute(critical.plan_id)).status).toBe(202);
    await completed(critical.plan_id);
  });

  it('refuses to execute a plan whose stored content no longer matches its hash', async () => {
    const reviewed = await plan(briefingNamed('service: website only'));
    await dataSource.query(`UPDATE plan_steps SET parameters = jsonb_set(parameters, '{domain}', '"evil.example"') WHERE plan_id = $1 AND action = 'website.deploy'`, [reviewed.plan_id]);
    const refused = await execute(reviewed.plan_id);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/changed after it was planned/);
    expect(refused.body.details.planned_hash).toBe(reviewed.plan_hash);
  });

  it('rejects an unknown website template at planning time, naming the field and the templates there are', async () => {
    const response = await call('POST', '/api/factory/plan', { ...briefingNamed('service: website only'), website_config: { domain: 'x.example', template: 'retro_geocities_v9' } });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ path: 'website_config.template', message: expect.stringMatching(/unknown template 'retro_geocities_v9'; available: .*modern_landing_v1/) }]);
  });

  it('rejects a custom module the generator would refuse at planning time, naming every bad field', async () => {
    const response = await call('POST', '/api/factory/plan', {
      ...briefingNamed('service: website only'),
      erp_config: {
        modules: ['crm'],
        custom_modules: [{
          module_name: 'bolt_partner', title: 'Partner Tweaks',
          models: [
            { name: 'res.partner', description: 'Partners', fields: [{ name: 'bolt_grade', type: 'selection' }] },
            { name: 'account.move', extends: true, description: 'Invoices', fields: [{ name: 'x_grade', type: 'char' }] },
            { name: 'crm.lead', extends: true, description: 'Grading', fields: [{ name: 'grade', type: 'char' }] },
          ],
        }],
      },
    });
    expect(response.status).toBe(400);
    const at = 'erp_config.custom_modules.0.models';
    expect(Object.fromEntries(response.body.details.map((d: { path: string; message: string }) => [d.path, d.message]))).toEqual({
      [`${at}.0.name`]: expect.stringMatching(/module prefix "bolt".*set extends: true/),
      [`${at}.0.fields.0.selection`]: 'needs at least one option',
      [`${at}.1.name`]: expect.stringMatching(/cannot be extended: only res\.partner/),
      [`${at}.1.fields.0.name`]: expect.stringMatching(/must start with the module prefix "bolt_"/),
      [`${at}.2.fields.0.name`]: expect.stringMatching(/must start with the module prefix "bolt_"/),
    });
  });

  it('validates execution graphs: order for a DAG, 422 naming the nodes of a cycle or a missing dependency', async () => {
    const node = (node_id: string, depends_on: string[] = []) => ({ node_id, node_type: 'website.deploy', depends_on, executor_params: { domain: 'acme.example' } });
    const graph = (nodes: object[]) => ({ graph_id: 'g1', business_intent_id: 'intent_1', nodes });
    expect((await call('POST', '/api/v1/graphs/validate', graph([node('b', ['a']), node('a')]))).body).toEqual({ graph_id: 'g1', valid: true, execution_order: ['a', 'b'] });

    const cycle = await call('POST', '/api/v1/graphs/validate', graph([node('a', ['c']), node('b', ['a']), node('c', ['b'])]));
    expect(cycle.status).toBe(422);
    expect(cycle.body.message).toMatch(/dependency cycle: /);
    for (const id of ['a', 'b', 'c']) expect(cycle.body.message).toContain(id);

    const missing = await call('POST', '/api/v1/graphs/validate', graph([node('a', ['ghost'])]));
    expect(missing.status).toBe(422);
    expect(missing.body.details).toEqual([{ path: 'nodes.0.depends_on', message: 'node a depends on ghost, which does not exist' }]);

    const unknownExecutor = await call('POST', '/api/v1/graphs/validate', graph([{ ...node('a'), node_type: 'teleport.now' }]));
    expect(unknownExecutor.status).toBe(400);
    expect(unknownExecutor.body.details[0].path).toBe('nodes.0.node_type');
  });

  it('plans straight from an idea: intent, composed briefing and plan together', async () => {
    const response = await call('POST', '/api/v1/plans/from-idea', { vision: 'Ich möchte eine IT-Beratung in Berlin gründen, mit Projektabrechnung für Mittelständler' });
    expect(response.status).toBe(201);
    const { intent, briefing, plan: created } = response.body;
    expect(intent).toMatchObject({ business_type: 'SERVICE', industry: 'CONSULTING', region: { currency: 'EUR', language: 'de_DE', timezone: 'Europe/Berlin' } });
    expect(briefing.erp_config).toMatchObject({ currency: 'EUR', language: 'de_DE', timezone: 'Europe/Berlin' });
    expect(briefing.erp_config.modules).toEqual(expect.arrayContaining(['crm', 'projects', 'timesheets', 'invoicing']));
    expect(created.business_name).toBe(briefing.business_name);
    expect(created.steps.map((step: any) => step.executor)).toEqual(expect.arrayContaining(['webgen', 'dns', 'odoo', 'integration', 'validation']));
  });

  it('answers bad ideas with actionable errors', async () => {
    const empty = await call('POST', '/api/v1/plans/from-idea', { vision: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.details[0].path).toBe('vision');
    const unsupported = await call('POST', '/api/v1/plans/from-idea', { vision: 'A bakery', region: 'Atlantis' });
    expect(unsupported.status).toBe(422);
    expect(unsupported.body.message).toMatch(/^unsupported region/);
    const noRegion = await call('POST', '/api/pipeline/intent/resolve', { vision: 'A bakery with fresh bread every morning' });
    expect(noRegion.status).toBe(400);
    expect(noRegion.body.message).toMatch(/^region is required/);
    const unknownModule = await call('POST', '/api/factory/plan', { ...briefingNamed('service: ERP only'), erp_config: { modules: ['crm', 'astrology'] } });
    expect(unknownModule.status).toBe(400);
    expect(unknownModule.body.details[0]).toMatchObject({ path: 'erp_config.modules.1', message: expect.stringMatching(/unknown module; known modules: .*crm/) });
  });
});

describe('SAFE_MODE', () => {
  let system: RunningSystem;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  beforeAll(async () => {
    system = await startTestSystem('safe', { SAFE_MODE: 'true' });
  });
  afterAll(() => system?.stop());

  it('answers live execution with 503 and keeps planning and dry runs working', async () => {
    const live = await call('POST', '/api/factory/plan', { ...briefingNamed('service: website only'), dry_run: false, website_config: { domain: 'safe-live.example', template: 'modern_landing_v1' } });
    expect(live.status).toBe(201);
    const refused = await call('POST', `/api/factory/execute?plan_id=${live.body.plan_id}&confirm=true`);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/SAFE_MODE/);
    expect((await call('GET', `/api/factory/${live.body.plan_id}`)).body).toMatchObject({ status: 'draft', run: null });

    const dry = await call('POST', '/api/factory/plan', { ...briefingNamed('service: website only'), website_config: { domain: 'safe-dry.example', template: 'modern_landing_v1' } });
    expect((await call('POST', `/api/factory/execute?plan_id=${dry.body.plan_id}&confirm=true`)).status).toBe(202);
    await eventually(async () => ((await call('GET', `/api/factory/${dry.body.plan_id}`)).body.run?.status === 'completed' ? true : undefined));
    expect((await call('POST', `/api/factory/${dry.body.plan_id}/rollback`)).body).toMatchObject({ success: true });
  });
});
