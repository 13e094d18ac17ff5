/*
 * The corpus entries the relay must load (files or directories under loads/): what each one
 * exercises (checked against its snapshots, see corpusFeatures.ts), the warnings it must give, and
 * the contexts that evaluate it, chosen so that every constraint is true for some and false for
 * others (matching, not matching, missing, empty, unparsable, other case).
 */
import { fileURLToPath } from 'node:url';

export const LOADS_DIR = fileURLToPath(new URL('./loads/', import.meta.url));
export const SNAPSHOTS_DIR = fileURLToPath(new URL('./snapshots/', import.meta.url));

export type Context = Record<string, string>;

export interface LoadingEntry {
  /** A file or a directory under loads/. */
  path: string;
  /** Features the entry is there for (a subset of what it actually exercises). */
  exercises: string[];
  /** The converter's warnings, exactly: `file: message`, file relative to loads/. */
  warnings?: string[];
  /**
   * Segments (by key) whose constraint no context can satisfy in Flipt's client engine, though
   * Flipt's server accepts it, and why. The others must each be true for some context and false
   * for another.
   */
  neverMatch?: Record<string, string>;
  /** Every flag is evaluated for every entity id with each of these. */
  contexts: Context[];
}

/** Entity ids: those the entity-id constraints name, unusual ones, and enough others to fill every bucket. */
export const ENTITY_IDS: string[] = [
  'user-1',
  'user-2',
  'user-7',
  'beta-9',
  'beta-3-qa',
  'x-admin-y',
  'bot-3',
  'acct-001',
  'acct-002',
  'staff-ana',
  'staff-bo',
  'Ünïcødé-👤',
  '7f9c2ba4-e88f-4a1b-9d3c-2f7e6a5b4c3d',
  ...Array.from({ length: 40 }, (_, i) => `visitor-${i}`),
];

const INTEGERS_ONLY = "Flipt's client engine reads numbers as 32-bit integers; a decimal or an exponent never parses";

export const LOADING: LoadingEntry[] = [
  {
    path: 'v1.0-variant-rules.yaml',
    exercises: ['version:1.0', 'flag:variant', 'flag:disabled', 'constraint:STRING:eq', 'constraint:STRING:neq', 'distribution:split', 'distribution:none', 'segment:no-constraints', 'attachment:map', 'attachment:none'],
    contexts: [{ visits: 'first', membership: 'none' }, { visits: 'third', membership: 'gold' }, { visits: 'first', membership: 'gold' }, { membership: 'none' }, { visits: 'First' }, {}],
  },
  {
    path: 'v1.1-boolean-rollouts.yaml',
    exercises: ['version:1.1', 'flag:boolean', 'flag:variant', 'flag:disabled', 'rollout:threshold', 'rollout:segment', 'match:ANY', 'constraint:STRING:prefix'],
    contexts: [{ channel: 'beta' }, { channel: 'internal', build: '3.2.1' }, { channel: 'stable', build: '3.9' }, { channel: 'stable', build: '4.0.0' }, { build: '3.' }, { channel: 'BETA' }, {}],
  },
  {
    path: 'v1.2-segment-operators.yaml',
    exercises: ['version:1.2', 'rule:AND', 'rule:OR', 'rollout:AND', 'rollout:OR', 'match:ALL', 'match:ANY', 'constraint:NUMBER:gte', 'constraint:STRING:notempty'],
    contexts: [
      { tier: 'gold', flight_hours: '9', route: 'FRA-SIN' },
      { tier: 'platinum', flight_hours: '12.5', route: 'LHR-SYD', cabin: 'business' },
      { tier: 'silver', flight_hours: '8', route: 'CDG-JFK' },
      { tier: 'gold', flight_hours: '2', route: '', cabin: 'business' },
      { tier: 'gold', flight_hours: '7.99', route: 'X', cabin: 'economy' },
      { flight_hours: 'ten', route: 'A-B' },
      { cabin: 'business' },
      {},
    ],
  },
  {
    path: 'v1.3-metadata-default-variants.yaml',
    exercises: ['version:1.3', 'metadata', 'default-variant', 'flag:disabled', 'constraint:NUMBER:gt'],
    contexts: [{ documents: '101' }, { documents: '100' }, { documents: '5000.5' }, { documents: '-1' }, { documents: 'lots' }, {}],
  },
  {
    path: 'v1.4-namespace-details.yaml',
    exercises: ['version:1.4', 'namespace:mapping', 'default-variant', 'distribution:split'],
    contexts: [{ billing_region: 'eu' }, { billing_region: 'us' }, { billing_region: 'EU' }, {}],
  },
  {
    path: 'v1.5-one-of-json-strings.yaml',
    exercises: ['version:1.5', 'one-of:json-string', 'constraint:STRING:isoneof', 'constraint:STRING:isnotoneof', 'constraint:NUMBER:isnotoneof', 'constraint:ENTITY_ID:isoneof'],
    contexts: [
      { plan: 'team', open_tickets: '1', language: 'en' },
      { plan: 'free', open_tickets: '3', language: 'de' },
      { plan: 'enterprise', open_tickets: '5.5' },
      { plan: 'free', open_tickets: '2', language: 'ja' },
      { plan: 'free', open_tickets: '0', language: 'fr' },
      { open_tickets: 'x', language: 'ko' },
      {},
    ],
  },
  {
    path: 'v1.6-one-of-lists.yaml',
    exercises: ['version:1.6', 'one-of:list', 'constraint:STRING:isoneof', 'constraint:STRING:isnotoneof', 'constraint:NUMBER:isoneof', 'constraint:NUMBER:isnotoneof', 'constraint:ENTITY_ID:isoneof', 'zero:threshold'],
    contexts: [
      { region: 'eu-west', platform: 'pc', level: '1' },
      { region: 'us-east', platform: 'handheld', level: '10' },
      { region: 'ap-south', level: '99.5' },
      { region: 'sa-east', platform: 'console', level: '50' },
      { region: 'eu-west', platform: 'pc', level: '3' },
      { level: '1.0' },
      { level: 'abc' },
      {},
    ],
  },
  {
    path: 'no-version.yaml',
    exercises: ['version:absent', 'metadata', 'default-variant', 'constraint:STRING:isoneof'],
    contexts: [{ role: 'editor' }, { role: 'chief-editor' }, { role: 'reporter' }, {}],
  },
  {
    path: 'string-operators.yaml',
    exercises: ['constraint:STRING:eq', 'constraint:STRING:neq', 'constraint:STRING:empty', 'constraint:STRING:notempty', 'constraint:STRING:prefix', 'constraint:STRING:suffix', 'constraint:STRING:contains', 'constraint:STRING:notcontains', 'constraint:STRING:isoneof', 'constraint:STRING:isnotoneof'],
    contexts: [
      { plan: 'pro', coupon: '', email: 'admin@example.org' },
      { plan: 'free', coupon: 'SPRING', email: 'jo+test@example.org' },
      { plan: 'team', email: 'spam-bot@mail.test' },
      { plan: 'trial', coupon: 'X', email: 'Admin@Example.org' },
      { plan: 'Große Firma', email: 'someone@example.org.evil' },
      { plan: 'Pro', coupon: ' ' },
      {},
    ],
  },
  {
    path: 'number-operators.yaml',
    exercises: ['constraint:NUMBER:eq', 'constraint:NUMBER:neq', 'constraint:NUMBER:present', 'constraint:NUMBER:notpresent', 'constraint:NUMBER:lt', 'constraint:NUMBER:lte', 'constraint:NUMBER:gt', 'constraint:NUMBER:gte', 'constraint:NUMBER:isoneof', 'constraint:NUMBER:isnotoneof', 'rule:AND', 'rule:OR'],
    neverMatch: {
      'above-half': INTEGERS_ONLY,
      'under-1e2': INTEGERS_ONLY,
      'half-points': INTEGERS_ONLY,
    },
    contexts: [...['42', '+42', '42.0', '0', '1', '18', '19', '-3', '-1', '7', '13', '13.5', '100', '1000', '1e3', 'abc', ''].map((points): Context => ({ points })), {}],
  },
  {
    path: 'boolean-operators.yaml',
    exercises: ['constraint:BOOLEAN:true', 'constraint:BOOLEAN:false', 'constraint:BOOLEAN:present', 'constraint:BOOLEAN:notpresent'],
    contexts: [{ consent: 'true', adult: 'true' }, { consent: 'false', adult: 'true' }, { consent: 'true' }, { consent: 'TRUE' }, { consent: '1' }, { consent: 'no' }, { consent: '' }, { adult: 'true' }, {}],
  },
  {
    path: 'datetime-operators.yaml',
    exercises: ['constraint:DATETIME:eq', 'constraint:DATETIME:neq', 'constraint:DATETIME:present', 'constraint:DATETIME:notpresent', 'constraint:DATETIME:lt', 'constraint:DATETIME:lte', 'constraint:DATETIME:gt', 'constraint:DATETIME:gte', 'rule:AND'],
    neverMatch: { 'since-launch-date': "Flipt's client engine reads date-times as RFC 3339 only; a plain date never parses" },
    contexts: [
      { signed_up: '2025-06-01T12:00:00Z', renews: '2026-06-01' },
      { signed_up: '2025-06-01T14:00:00+02:00' },
      { signed_up: '2025-06-01' },
      { signed_up: '2023-12-31T21:59:59Z', renews: '2024-12-31T00:00:00Z' },
      { signed_up: '2023-12-31T22:00:00Z' },
      { signed_up: '2025-06-01T12:00:00.250Z' },
      { signed_up: '2025-06-01T12:00:00.251Z' },
      { signed_up: '2026-01-01T00:00:00Z', renews: 'soon' },
      { signed_up: '2026-01-01' },
      { signed_up: 'not a date' },
      { renews: '' },
      {},
    ],
  },
  {
    path: 'entity-id-operators.yaml',
    exercises: ['constraint:ENTITY_ID:eq', 'constraint:ENTITY_ID:neq', 'constraint:ENTITY_ID:empty', 'constraint:ENTITY_ID:notempty', 'constraint:ENTITY_ID:prefix', 'constraint:ENTITY_ID:suffix', 'constraint:ENTITY_ID:contains', 'constraint:ENTITY_ID:notcontains', 'constraint:ENTITY_ID:isoneof', 'constraint:ENTITY_ID:isnotoneof', 'rule:AND', 'rule:OR'],
    contexts: [{ device: 'desktop' }, { device: 'mobile' }, {}],
  },
  {
    path: 'attachments.yaml',
    exercises: ['attachment:map', 'attachment:list', 'attachment:nested', 'attachment:empty', 'attachment:none', 'attachment:string', 'attachment:integer', 'attachment:decimal', 'attachment:boolean', 'attachment:null', 'attachment:big-integer', 'attachment:escaped', 'default-variant', 'distribution:under-100', 'segment:no-constraints'],
    contexts: [{ team: 'design' }, { team: 'eng' }, {}],
  },
  {
    path: 'anchors-and-merge-keys.yaml',
    exercises: ['yaml:anchor', 'yaml:merge-key', 'rule:OR', 'rollout:AND', 'attachment:map'],
    contexts: [{ region: 'north' }, { region: 'south' }, { fallback_region: 'north' }, { region: 'south', fallback_region: 'north' }, { region: 'east' }, {}],
  },
  {
    path: 'stream-several-namespaces.yaml',
    exercises: ['stream', 'namespaces:several', 'namespace:merged', 'namespace:mapping', 'version:1.4', 'version:1.5', 'version:1.6', 'version:absent'],
    contexts: [{ sort: 'price-asc', session: 'abc' }, { sort: 'relevance' }, { session: '' }, {}],
  },
  {
    path: 'stream-cross-document-segment.yaml',
    exercises: ['stream', 'namespace:merged', 'segment:left-out'],
    warnings: [
      'stream-cross-document-segment.yaml: flag search/query-suggestions rule 1: segment "power-users" is defined in another document; Flipt leaves it out of the snapshot',
      'stream-cross-document-segment.yaml: flag search/instant-results rollout 1: segment "power-users" is defined in another document; Flipt leaves it out of the snapshot',
    ],
    contexts: [{ queries_per_day: '80', locale: 'de-AT' }, { queries_per_day: '10', locale: 'en-US' }, { locale: 'de' }, {}],
  },
  {
    path: 'unpreparable-constraint.yaml',
    exercises: ['segment:left-out'],
    warnings: [
      'unpreparable-constraint.yaml: flag pricing/student-discount rule 1: segment "age-is-a-word" has a constraint Flipt cannot prepare; Flipt leaves the segment out',
      'unpreparable-constraint.yaml: flag pricing/spring-sale rollout 1: segment "february-30" has a constraint Flipt cannot prepare; Flipt leaves the segment out',
      'unpreparable-constraint.yaml: flag pricing/spring-sale rollout 2: segment "odd-list" has a constraint Flipt cannot prepare; Flipt leaves the segment out',
    ],
    contexts: [{ occupation: 'student', age: '20' }, { occupation: 'teacher', age: '30' }, { occupation: 'student' }, { campus: 'north' }, {}],
  },
  {
    path: 'null-descriptions.yaml',
    exercises: ['description:null', 'namespace:mapping', 'constraint:NUMBER:lt', 'rollout:segment', 'rollout:threshold'],
    contexts: [{ do_not_disturb: 'on', local_hour: '22' }, { do_not_disturb: 'off', local_hour: '6' }, { do_not_disturb: 'off', local_hour: '7' }, { local_hour: '6.5' }, {}],
  },
  {
    path: 'zero-values.yaml',
    exercises: ['zero:rollout', 'zero:threshold', 'threshold:100', 'distribution:under-100', 'segment:no-constraints', 'constraint:empty-value', 'flag:disabled'],
    neverMatch: { 'blank-nickname': "Flipt's client engine never matches an empty context value (only empty, notempty and notpresent look at one)" },
    contexts: [{ nickname: '' }, { nickname: 'ace' }, {}],
  },
  {
    path: 'duplicate-variant-keys.yaml',
    exercises: ['variant:duplicate-key', 'default-variant', 'distribution:split', 'constraint:BOOLEAN:true'],
    contexts: [{ on_sale: 'true' }, { on_sale: 'false' }, {}],
  },
  {
    path: 'flags.json',
    exercises: ['json', 'namespace:mapping', 'default-variant', 'constraint:STRING:suffix', 'constraint:NUMBER:gte'],
    contexts: [{ client: 'go-sdk' }, { client: 'browser', api_calls: '10000' }, { client: 'browser', api_calls: '9999' }, {}],
  },
  {
    path: 'directory-workspace',
    exercises: ['directory', 'json', 'namespaces:several', 'namespace:merged', 'constraint:NUMBER:lt', 'constraint:NUMBER:lte'],
    contexts: [
      { viewport_width: '375', searches: '25', currency: 'EUR', order_total: '49.99' },
      { viewport_width: '1440', searches: '3', currency: 'USD', order_total: '120' },
      { viewport_width: '768', searches: '20', currency: 'EUR', order_total: '50' },
      {},
    ],
  },
];
