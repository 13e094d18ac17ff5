// Flipt's server-side evaluation API on the relay (POST /evaluate/v1/boolean | variant | batch):
// - Flipt's own Node SDK (@flipt-io/flipt) pointed at the relay gets, for every flag × entity ×
//   context of the repository's corpus and Flipt's samples (when beside the repository), the answers of Flipt's engine (@flipt-io/flipt-client-js);
// - response shapes, error bodies and status codes, environments, body decoding, auth and
//   metrics as Flipt's gateway has them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FliptClient, ClientTokenAuthentication, type BatchEvaluationResponse, type EvaluationRequest } from '@flipt-io/flipt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, createRelay, type Relay, type Source, type SourceState } from '../src/index.js';
import { closeOracle, createOracle, normalizeResult, type OracleClient } from './support/oracle.js';
import { EVALUATION_SUITES } from './support/evaluationSuites.js';
import { LOADS_DIR } from './corpus/loading.js';

/** POSTs a body (an object as JSON, a string as it is) and returns status, headers and parsed JSON. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** What Flipt's server sends for an oracle result: "" for no attachment, no request id/timing. */
function asServer(result: Record<string, unknown>): unknown {
  const out = normalizeResult(result) as Record<string, unknown>;
  if ('variantKey' in out && !('variantAttachment' in out)) out['variantAttachment'] = '';
  return out;
}

const withoutTiming = (result: unknown) => {
  const { requestId: _r, ...rest } = normalizeResult(result) as Record<string, unknown>;
  return rest;
};

describe("Flipt's Node SDK against the relay gets Flipt's engine's answers", () => {
  for (const { label, file, entityIds: ENTITY_IDS, contexts } of EVALUATION_SUITES) {
    describe(label, () => {
      let relay: Relay;
      let oracle: OracleClient;
      let namespace: string;
      let flags: { key: string; type?: string | null }[];
      let client: FliptClient;

      beforeAll(async () => {
        relay = await createRelay({ file, logLevel: 'silent', watch: false });
        namespace = [...convertFlagFiles([{ name: file, contents: readFileSync(file) }]).snapshots.keys()][0]!;
        // The oracle loads exactly the bytes the relay serves to client-side SDKs.
        const text = await (await fetch(`${relay.url}/internal/v1/evaluation/snapshot/namespace/${namespace}`)).text();
        oracle = await createOracle(text, namespace);
        flags = relay.snapshot(namespace)!.flags;
        client = new FliptClient({ url: relay.url, timeout: 10 });
      });
      afterAll(async () => {
        closeOracle(oracle);
        await relay?.close();
      });

      it('batch: every flag × entity × context, plus a missing flag', async () => {
        let compared = 0;
        const outcomes = new Set<string>();
        for (const flag of flags) {
          const requests: EvaluationRequest[] = ENTITY_IDS.flatMap((entityId) => contexts.map((context) => ({ namespaceKey: namespace, flagKey: flag.key, entityId, context })));
          requests.push({ namespaceKey: namespace, flagKey: 'no-such-flag', entityId: 'user-1', context: {} });
          const ours: BatchEvaluationResponse = await client.evaluation.batch({ requests });
          const flipt = oracle.evaluateBatch(requests.map(({ flagKey, entityId, context }) => ({ flagKey, entityId, context: context as Record<string, string> })));
          expect(ours.responses).toHaveLength(requests.length);
          const mismatches: unknown[] = [];
          ours.responses.forEach((item, i) => {
            const theirs = flipt.responses[i]! as unknown as Record<string, Record<string, unknown>>;
            const expected =
              item.type === 'ERROR_EVALUATION_RESPONSE_TYPE'
                ? { type: theirs['type'], errorResponse: normalizeResult(theirs['errorEvaluationResponse']) }
                : item.type === 'BOOLEAN_EVALUATION_RESPONSE_TYPE'
                  ? { type: theirs['type'], booleanResponse: asServer(theirs['booleanEvaluationResponse']!) }
                  : { type: theirs['type'], variantResponse: asServer(theirs['variantEvaluationResponse']!) };
            const got = { ...item, ...Object.fromEntries(Object.entries(item).filter(([k]) => k !== 'type').map(([k, v]) => [k, k === 'errorResponse' ? normalizeResult(v) : withoutTiming(v)])) };
            outcomes.add(JSON.stringify(expected));
            if (!isDeepStrictEqual(got, expected)) mismatches.push({ request: requests[i], got, expected });
            compared++;
          });
          expect(mismatches.slice(0, 3), `${mismatches.length} of ${requests.length} differ for ${flag.key}`).toEqual([]);
        }
        expect(compared).toBeGreaterThan(flags.length * ENTITY_IDS.length);
        expect(outcomes.size).toBeGreaterThan(2);
      });

      it('boolean and variant: single evaluations through the SDK', async () => {
        for (const flag of flags) {
          const boolean = flag.type === 'BOOLEAN_FLAG_TYPE';
          for (const entityId of ENTITY_IDS.slice(0, 6)) {
            for (const context of contexts) {
              const request = { namespaceKey: namespace, flagKey: flag.key, entityId, context };
              const ours = boolean ? await client.evaluation.boolean(request) : await client.evaluation.variant(request);
              const flipt = boolean ? oracle.evaluateBoolean({ flagKey: flag.key, entityId, context }) : oracle.evaluateVariant({ flagKey: flag.key, entityId, context });
              expect(withoutTiming(ours), `${flag.key} ${entityId} ${JSON.stringify(context)}`).toEqual(asServer(flipt as unknown as Record<string, unknown>));
              expect(typeof ours.requestDurationMillis).toBe('number');
            }
          }
          // The other endpoint refuses the flag, as Flipt does.
          const wrong = boolean ? client.evaluation.variant({ namespaceKey: namespace, flagKey: flag.key, entityId: 'u', context: {} }) : client.evaluation.boolean({ namespaceKey: namespace, flagKey: flag.key, entityId: 'u', context: {} });
          await expect(wrong).rejects.toThrow(`flag type ${boolean ? 'BOOLEAN' : 'VARIANT'}_FLAG_TYPE invalid`);
        }
      });
    });
  }
});

const FLAGS = (variant: string) => `version: "1.6"
flags:
  - key: banner
    name: Banner
    enabled: true
    variants:
      - {key: blue, default: ${variant === 'blue'}, attachment: {color: blue}}
      - {key: red, default: ${variant === 'red'}}
    rules:
      - segment: beta
        distributions: [{variant: red, rollout: 100}]
  - key: dark-mode
    name: Dark mode
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - segment: {key: beta, value: true}
segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;

/** A source serving one environment from flag-file text (the relay's other environment). */
function environmentSource(environment: string, text: string): Source {
  const snapshots = convertFlagFiles([{ name: `${environment}.yaml`, contents: text }]).snapshots;
  const state: SourceState = { name: `test:${environment}`, kind: 'test', ok: true, namespaces: snapshots.size, loads: 1, loadErrors: 0, lastLoadAt: null, lastError: null };
  return {
    name: state.name,
    kind: state.kind,
    start: async (onUpdate) => onUpdate({ environment, snapshots }),
    reload: async () => true,
    close: async () => {},
    state: () => state,
  };
}

describe('REST API details', () => {
  let dir: string;
  let relay: Relay;
  const url = (path: string) => relay.url + path;
  const BOOLEAN = '/evaluate/v1/boolean';
  const VARIANT = '/evaluate/v1/variant';
  const BATCH = '/evaluate/v1/batch';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-eval-'));
    writeFileSync(join(dir, 'features.yaml'), FLAGS('blue'));
    relay = await createRelay({ file: join(dir, 'features.yaml'), sources: [environmentSource('staging', FLAGS('red'))], logLevel: 'silent', watch: false });
  });
  afterAll(async () => {
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers with Flipt's fields, in Flipt's order, with a request id and timing", async () => {
    const variant = await post(url(VARIANT), { namespaceKey: 'default', flagKey: 'banner', entityId: 'u1', context: { plan: 'beta' }, requestId: 'req-7' });
    expect(variant.status).toBe(200);
    expect(variant.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(variant.json!)).toEqual(['match', 'segmentKeys', 'reason', 'variantKey', 'variantAttachment', 'requestId', 'requestDurationMillis', 'timestamp', 'flagKey']);
    expect(variant.json).toMatchObject({ match: true, segmentKeys: ['beta'], reason: 'MATCH_EVALUATION_REASON', variantKey: 'red', variantAttachment: 'null', requestId: 'req-7', flagKey: 'banner' });
    expect(variant.json!['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(variant.json!['requestDurationMillis']).toBeGreaterThanOrEqual(0);

    const fallback = await post(url(VARIANT), { flagKey: 'banner', entityId: 'u1', context: {} });
    expect(fallback.json).toMatchObject({ match: false, segmentKeys: [], reason: 'DEFAULT_EVALUATION_REASON', variantKey: 'blue', variantAttachment: '{"color":"blue"}' });
    expect(fallback.json!['requestId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const boolean = await post(url(BOOLEAN), { flagKey: 'dark-mode', entityId: 'u1', context: {} });
    expect(Object.keys(boolean.json!)).toEqual(['enabled', 'reason', 'requestId', 'requestDurationMillis', 'timestamp', 'flagKey', 'segmentKeys']);
    expect(boolean.json).toMatchObject({ enabled: false, reason: 'DEFAULT_EVALUATION_REASON', flagKey: 'dark-mode', segmentKeys: [] });
  });

  it("refuses a missing flag, namespace or wrong flag type with Flipt's error body and status", async () => {
    const cases: [string, unknown, number, number, string][] = [
      [BOOLEAN, { namespaceKey: 'default', flagKey: 'nope', entityId: 'u', context: {} }, 404, 5, 'flag "default/nope" not found'],
      [VARIANT, { namespaceKey: 'mobile', flagKey: 'banner', entityId: 'u', context: {} }, 404, 5, 'namespace "mobile" not found'],
      [BOOLEAN, { flagKey: 'banner', entityId: 'u', context: {} }, 400, 3, 'flag type VARIANT_FLAG_TYPE invalid'],
      [VARIANT, { flagKey: 'dark-mode', entityId: 'u', context: {} }, 400, 3, 'flag type BOOLEAN_FLAG_TYPE invalid'],
      // An empty body is an empty request: Flipt looks up the flag "" in "default".
      [BOOLEAN, '', 404, 5, 'flag "default" not found'],
    ];
    for (const [path, body, status, code, message] of cases) {
      const res = await post(url(path), body);
      expect([res.status, res.json], `${path} ${JSON.stringify(body)}`).toEqual([status, { code, message, details: [] }]);
    }
    // The SDK surfaces Flipt's message.
    await expect(new FliptClient({ url: relay.url }).evaluation.variant({ namespaceKey: 'default', flagKey: 'nope', entityId: 'u', context: {} })).rejects.toThrow('flag "default/nope" not found');
  });

  it('evaluates blank entity ids as Flipt does (no check)', async () => {
    const res = await post(url(VARIANT), { flagKey: 'banner', entityId: '', context: { plan: 'beta' } });
    expect(res.json).toMatchObject({ match: true, variantKey: 'red' });
  });

  it('picks the environment from environmentKey, else x-flipt-environment, else the default', async () => {
    const req = { flagKey: 'banner', entityId: 'u1', context: {} };
    const variantOf = async (body: unknown, headers: Record<string, string> = {}) => (await post(url(VARIANT), body, headers)).json!['variantKey'];
    expect(await variantOf(req)).toBe('blue');
    expect(await variantOf(req, { 'x-flipt-environment': 'staging' })).toBe('red');
    expect(await variantOf({ ...req, environmentKey: 'staging' })).toBe('red');
    expect(await variantOf({ ...req, environment_key: 'staging' })).toBe('red');
    // An unserved environmentKey falls back to the header's, then the default.
    expect(await variantOf({ ...req, environmentKey: 'prod' }, { 'x-flipt-environment': 'staging' })).toBe('red');
    expect(await variantOf({ ...req, environmentKey: 'prod' })).toBe('blue');
    expect(await variantOf(req, { 'x-flipt-environment': 'default' })).toBe('blue');
    const unknown = await post(url(VARIANT), req, { 'x-flipt-environment': 'qa' });
    expect([unknown.status, unknown.json]).toEqual([404, { code: 5, message: 'failed to get environment "qa" from context: environment: "qa" not found', details: [] }]);
    // x-flipt-namespace is not read by this API (Flipt's gateway does not forward it here).
    expect(await variantOf({ ...req, namespaceKey: '' }, { 'x-flipt-namespace': 'mobile' })).toBe('blue');
  });

  it("decodes bodies as Flipt's gateway does", async () => {
    // Proto names work as well as JSON names; null means unset; a null context value reads "".
    expect((await post(url(VARIANT), { flag_key: 'banner', entity_id: 'u1', namespace_key: 'default', context: { plan: 'beta' } })).json).toMatchObject({ variantKey: 'red' });
    expect((await post(url(VARIANT), { flagKey: 'banner', entityId: 'u1', context: null, reference: null })).json).toMatchObject({ variantKey: 'blue' });
    expect((await post(url(VARIANT), { flagKey: 'banner', entityId: 'u1', context: { plan: null } })).json).toMatchObject({ variantKey: 'blue' });
    // Both spellings: the JSON name wins, wherever it stands.
    expect((await post(url(VARIANT), { flag_key: 'nope', flagKey: 'banner', entityId: 'u1' })).json).toMatchObject({ flagKey: 'banner' });
    expect((await post(url(VARIANT), { flagKey: 'banner', flag_key: 'nope', entityId: 'u1' })).json).toMatchObject({ flagKey: 'banner' });
    const refused: [unknown, string][] = [
      [{ flagKey: 'banner', entityId: 'u1', context: { plan: 7 } }, 'invalid values for key(s) in json body'],
      [{ flagKey: 5 }, 'invalid values for key(s) in json body'],
      [[1, 2], 'invalid values for key(s) in json body'],
      [{ flagKey: 'banner', entityId: 'u1', context: {}, colour: 'red' }, 'unknown field "colour" in flipt.evaluation.EvaluationRequest'],
    ];
    for (const [body, message] of refused) {
      const res = await post(url(VARIANT), body);
      expect([res.status, res.json], JSON.stringify(body)).toEqual([400, { code: 3, message, details: [] }]);
    }
    const garbage = await post(url(VARIANT), '{"flagKey": ');
    expect(garbage.status).toBe(400);
    expect(garbage.json).toMatchObject({ code: 3, details: [] });
    expect(String(garbage.json!['message'])).toContain('invalid JSON in request body');
  });

  it('batch: items in order, error items echo the request, one request id and timing for all', async () => {
    const res = await post(url(BATCH), {
      request_id: 'batch-1',
      requests: [
        { flagKey: 'banner', entityId: 'u1', context: { plan: 'beta' }, requestId: 'item-1' },
        { flagKey: 'dark-mode', entityId: 'u1', context: { plan: 'beta' }, environmentKey: 'staging' },
        { flagKey: 'nope', entityId: 'u1', context: {} },
        { namespaceKey: 'mobile', flagKey: 'banner', entityId: 'u1', context: {} },
      ],
    });
    expect(res.status).toBe(200);
    const body = res.json as { requestId: string; requestDurationMillis: number; responses: Record<string, Record<string, unknown>>[] };
    expect(Object.keys(body)).toEqual(['requestId', 'responses', 'requestDurationMillis']);
    expect(body.requestId).toBe('batch-1');
    expect(body.responses.map((r) => r['type'])).toEqual(['VARIANT_EVALUATION_RESPONSE_TYPE', 'BOOLEAN_EVALUATION_RESPONSE_TYPE', 'ERROR_EVALUATION_RESPONSE_TYPE', 'ERROR_EVALUATION_RESPONSE_TYPE']);
    expect(body.responses[0]!['variantResponse']).toMatchObject({ variantKey: 'red', requestId: 'item-1', requestDurationMillis: body.requestDurationMillis });
    expect(body.responses[1]!['booleanResponse']).toMatchObject({ enabled: true, reason: 'MATCH_EVALUATION_REASON', requestId: '', segmentKeys: ['beta'] });
    expect(body.responses[2]!['errorResponse']).toEqual({ flagKey: 'nope', namespaceKey: '', reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' });
    expect(body.responses[3]!['errorResponse']).toEqual({ flagKey: 'banner', namespaceKey: 'mobile', reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' });
    // An environment the header names but the relay does not serve fails the whole batch.
    const failed = await post(url(BATCH), { requests: [{ flagKey: 'banner', entityId: 'u1', context: {} }] }, { 'x-flipt-environment': 'qa' });
    expect(failed.status).toBe(404);
    expect(failed.json).toMatchObject({ code: 5 });
    expect((await post(url(BATCH), {})).json).toMatchObject({ responses: [] });
  });

  it('refuses other methods, oversized bodies, and counts evaluations in /metrics', async () => {
    const get = await fetch(url(BOOLEAN));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await get.json()).toEqual({ code: 12, message: 'Method Not Allowed', details: [] });
    const big = await post(url(BOOLEAN), JSON.stringify({ flagKey: 'banner', entityId: 'x'.repeat(2 * 1024 * 1024), context: {} }));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ code: 3 });
    await post(url(VARIANT), { flagKey: 'banner', entityId: 'u1', context: { plan: 'beta' } });
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/^flagcast_relay_evaluations_total\{endpoint="variant",result="match"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^flagcast_relay_evaluations_total\{endpoint="boolean",result="not_found"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^flagcast_relay_evaluations_total\{endpoint="batch",result="not_found"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^flagcast_relay_requests_total\{route="evaluate_variant",status="200"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^flagcast_relay_requests_total\{route="evaluate_boolean",status="413"\} 1$/m);
  });
});

describe('REST API with tokens', () => {
  it("requires the bearer token, with Flipt's 401 body; the SDK's token authentication passes", async () => {
    const relay = await createRelay({ file: `${LOADS_DIR}v1.1-boolean-rollouts.yaml`, tokens: ['s3cret'], logLevel: 'silent', watch: false });
    try {
      // A boolean flag without rollouts: DEFAULT, its `enabled`.
      const request = { namespaceKey: 'mobile', flagKey: 'haptics', entityId: 'u1', context: {} };
      const res = await post(`${relay.url}/evaluate/v1/boolean`, request);
      expect([res.status, res.json]).toEqual([401, { code: 16, message: 'request was not authenticated', details: [] }]);
      await expect(new FliptClient({ url: relay.url }).evaluation.boolean(request)).rejects.toThrow('request was not authenticated');
      const ok = await new FliptClient({ url: relay.url, authenticationStrategy: new ClientTokenAuthentication('s3cret') }).evaluation.boolean(request);
      expect(ok).toMatchObject({ flagKey: 'haptics', enabled: true, reason: 'DEFAULT_EVALUATION_REASON' });
    } finally {
      await relay.close();
    }
  });
});
