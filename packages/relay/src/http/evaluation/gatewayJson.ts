/**
 * Reads JSON request bodies the way Flipt's HTTP gateway does (grpc-gateway with the legacy
 * `jsonpb` unmarshaler): each field by its proto name or its JSON name, `null` meaning "not
 * set", unknown fields refused, a value of the wrong JSON type refused with one message for
 * all, an empty body read as an empty message. Mismatching here would make a client that works
 * against Flipt fail against the relay, or the reverse.
 */

import { countArrayItems } from './countArrayItems.js';

/** A body Flipt's gateway would refuse (HTTP 400, gRPC InvalidArgument); `message` is Flipt's. */
export class GatewayDecodeError extends Error {
  override readonly name = 'GatewayDecodeError';
}

type FieldKind = 'string' | 'stringMap' | MessageSpec;

/** A proto message: its full name (for messages) and its fields by proto name. */
export interface MessageSpec {
  readonly name: string;
  readonly fields: Readonly<Record<string, { readonly json: string; readonly kind: FieldKind; readonly repeated?: boolean }>>;
}

/** What Flipt's decoder says for any value of the wrong JSON type. */
const WRONG_TYPE = 'invalid values for key(s) in json body';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a body and decodes it as `spec`; the result is keyed by JSON names, unset fields absent. */
export function decodeBody(body: Buffer, spec: MessageSpec): Record<string, unknown> {
  return decodeMessage(parseBody(body), spec);
}

/** A body's JSON value; an empty body reads as an empty message. */
function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GatewayDecodeError(`invalid JSON in request body: ${(err as Error).message}`);
  }
}

type Field = MessageSpec['fields'][string];

// Per message: each accepted name (proto and JSON spelling) to its field.
const lookups = new WeakMap<MessageSpec, Map<string, { field: Field; json: boolean }>>();

function lookupOf(spec: MessageSpec): Map<string, { field: Field; json: boolean }> {
  let lookup = lookups.get(spec);
  if (!lookup) {
    lookup = new Map();
    for (const [protoName, field] of Object.entries(spec.fields)) {
      lookup.set(protoName, { field, json: protoName === field.json });
      lookup.set(field.json, { field, json: true });
    }
    lookups.set(spec, lookup);
  }
  return lookup;
}

function decodeMessage(value: unknown, spec: MessageSpec): Record<string, unknown> {
  if (value === null) return {};
  if (!isObject(value)) throw new GatewayDecodeError(WRONG_TYPE);
  const lookup = lookupOf(spec);
  const raws = new Map<Field, unknown>();
  const byJsonName = new Set<Field>();
  let unknown: string | undefined;
  for (const name of Object.keys(value)) {
    const hit = lookup.get(name);
    if (!hit) {
      unknown ??= name;
      continue;
    }
    // Both spellings may be present: the JSON name wins (null included), as in jsonpb.
    if (hit.json) byJsonName.add(hit.field);
    else if (byJsonName.has(hit.field)) continue;
    raws.set(hit.field, value[name]);
  }
  const out: Record<string, unknown> = {};
  for (const [field, raw] of raws) {
    if (raw === null) continue;
    out[field.json] = field.repeated ? decodeList(raw, field.kind) : decodeSingle(raw, field.kind);
  }
  // Known fields are decoded (and refused) before unknown ones are reported, as in jsonpb.
  if (unknown !== undefined) throw new GatewayDecodeError(`unknown field ${JSON.stringify(unknown)} in ${spec.name}`);
  return out;
}

function decodeList(raw: unknown, kind: FieldKind): unknown[] {
  if (!Array.isArray(raw)) throw new GatewayDecodeError(WRONG_TYPE);
  return raw.map((item) => decodeSingle(item, kind));
}

function decodeSingle(raw: unknown, kind: FieldKind): unknown {
  if (kind === 'string') {
    if (typeof raw !== 'string') throw new GatewayDecodeError(WRONG_TYPE);
    return raw;
  }
  if (kind === 'stringMap') {
    if (!isObject(raw)) throw new GatewayDecodeError(WRONG_TYPE);
    const map: Record<string, string> = Object.create(null);
    for (const [key, v] of Object.entries(raw)) {
      // Go's json.Unmarshal leaves a string untouched for `null`: the entry reads as "".
      if (v === null) map[key] = '';
      else if (typeof v === 'string') map[key] = v;
      else throw new GatewayDecodeError(WRONG_TYPE);
    }
    return map;
  }
  return decodeMessage(raw, kind);
}

const EVALUATION_REQUEST: MessageSpec = {
  name: 'flipt.evaluation.EvaluationRequest',
  fields: {
    request_id: { json: 'requestId', kind: 'string' },
    namespace_key: { json: 'namespaceKey', kind: 'string' },
    flag_key: { json: 'flagKey', kind: 'string' },
    entity_id: { json: 'entityId', kind: 'string' },
    context: { json: 'context', kind: 'stringMap' },
    reference: { json: 'reference', kind: 'string' },
    environment_key: { json: 'environmentKey', kind: 'string' },
  },
};

/** `flipt.evaluation.EvaluationRequest` (`/evaluate/v1/boolean`, `/variant`, batch items). */
export interface FliptEvaluationRequest {
  requestId?: string;
  namespaceKey?: string;
  flagKey?: string;
  entityId?: string;
  context?: Record<string, string>;
  reference?: string;
  environmentKey?: string;
}

/** `flipt.evaluation.BatchEvaluationRequest` (`/evaluate/v1/batch`). */
export interface FliptBatchRequest {
  requestId?: string;
  requests?: FliptEvaluationRequest[];
  reference?: string;
}

/** The body of an OFREP evaluation (`flipt.ofrep.EvaluateFlagRequest` or `EvaluateBulkRequest`). */
export interface OfrepRequest {
  key?: string;
  context?: Record<string, string>;
}

export const decodeEvaluationRequest = (body: Buffer) => decodeBody(body, EVALUATION_REQUEST) as FliptEvaluationRequest;

const BATCH_REQUEST: MessageSpec = {
  name: 'flipt.evaluation.BatchEvaluationRequest',
  fields: {
    request_id: { json: 'requestId', kind: 'string' },
    requests: { json: 'requests', kind: EVALUATION_REQUEST, repeated: true },
    reference: { json: 'reference', kind: 'string' },
  },
};

function checkBatchSize(items: number | undefined, maxItems: number): void {
  if (items !== undefined && items > maxItems) throw new GatewayDecodeError(`batch of ${items} requests exceeds the limit of ${maxItems} requests per batch`);
}

/**
 * Decodes a batch of at most `maxItems` requests. The items are counted on the raw bytes before
 * the body is parsed, so a body of a few hundred thousand `{}` costs a scan, not a parse; and
 * again once parsed (a key written with escapes escapes the scan).
 */
export function decodeBatchRequest(body: Buffer, maxItems = Infinity): FliptBatchRequest {
  checkBatchSize(countArrayItems(body, 'requests'), maxItems);
  const value = parseBody(body);
  const requests = isObject(value) ? value['requests'] : undefined;
  checkBatchSize(Array.isArray(requests) ? requests.length : undefined, maxItems);
  return decodeMessage(value, BATCH_REQUEST) as FliptBatchRequest;
}

// Specs are module constants: each message's field lookup is built once and cached by spec.
const OFREP_FLAG_REQUEST: MessageSpec = {
  name: 'flipt.ofrep.EvaluateFlagRequest',
  fields: { key: { json: 'key', kind: 'string' }, context: { json: 'context', kind: 'stringMap' } },
};

const OFREP_BULK_REQUEST: MessageSpec = { name: 'flipt.ofrep.EvaluateBulkRequest', fields: { context: { json: 'context', kind: 'stringMap' } } };

export const decodeOfrepFlagRequest = (body: Buffer) => decodeBody(body, OFREP_FLAG_REQUEST) as OfrepRequest;

export const decodeOfrepBulkRequest = (body: Buffer) => decodeBody(body, OFREP_BULK_REQUEST) as OfrepRequest;
