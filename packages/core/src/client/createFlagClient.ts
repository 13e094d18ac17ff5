import type { Snapshot } from '../types.js';
import { EvaluationError, FlagClientError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { parseSnapshot } from '../snapshot/parseSnapshot.js';
import { openCachedSnapshot } from '../cache/cachedSnapshot.js';
import { baseUrl, type Endpoint } from '../transport/endpoints.js';
import { isDefinitive } from '../transport/httpError.js';
import { createNetworkSource, type NetworkSink, type NetworkSource } from '../transport/networkSource.js';
import { FOLLOWER_DEFAULTS } from '../transport/followerDefaults.js';
import { shareConnection, tabsSupported, type SharedConnection } from '../tabs/shareConnection.js';
import type { TabEnvironment } from '../tabs/tabEnvironment.js';
import { createFlagStore } from './flagStore.js';
import { toEvaluationContext } from './evaluationContext.js';
import { createExposures } from './exposures.js';
import { createWarnings } from './warnings.js';
import { attachBindings } from './bindings.js';
import type { FlagClient, FlagClientOptions, FlagClientState } from './clientTypes.js';

/**
 * A live client for one namespace: evaluates from a bootstrap snapshot or the cache before the
 * network answers, stays current over SSE (or polling), survives network faults, shares one
 * connection among the tabs of a browser, and tells each listener which flags changed.
 *
 * @example
 * const client = createFlagClient({ url: 'http://localhost:8787' });
 * await client.ready();
 * client.getBoolean('new-checkout', false, 'user-1', { plan: 'pro' });
 */
export function createFlagClient(options: FlagClientOptions): FlagClient {
  return createFlagClientWith(options, {});
}

/** Seams for tests, not options: kept out of the public types and the barrel. */
export interface FlagClientSeams {
  /** The browser as tab sharing sees it (fake locks, channels and page in unit tests). */
  tabEnvironment?: TabEnvironment | undefined;
}

export function createFlagClientWith(options: FlagClientOptions, seams: FlagClientSeams): FlagClient {
  const url = baseUrl(options.url);
  const namespace = options.namespace ?? 'default';
  const environment = options.environment ?? 'default';
  const auth = options.authentication;
  const endpoint: Endpoint = {
    url,
    namespace,
    environment,
    authorization: auth ? ('clientToken' in auth ? `Bearer ${auth.clientToken}` : `JWT ${auth.jwtToken}`) : undefined,
    reference: options.reference,
  };
  const describe = () => `${url}, environment "${environment}", namespace "${namespace}"`;
  const transport = options.transport ?? 'sse';
  const shared = transport !== 'none' && options.tabs !== 'own' && (!!seams.tabEnvironment || tabsSupported());
  const store = createFlagStore({ role: shared ? 'follower' : 'own', transport });
  const cacheKey = `${url}|${environment}|${namespace}${options.reference ? `|${options.reference}` : ''}`;
  /** Settles when the cache read is done (at once when there is none). */
  let cacheRead: Promise<void> = Promise.resolve();
  let closed = false;

  const warn = createWarnings(options.logger);
  /** Failed connection attempts in a row: a stream that keeps failing is said once. */
  let failures = 0;

  function report(error: FlagClientError): void {
    store.patch({ error });
    const where = error.url ? '' : ` (${describe()})`;
    // One namespace, one credential: a 404 (or 401) is one problem whichever path answered it.
    if (isDefinitive(error) || error.code === 'CACHE_UNAVAILABLE') warn(error.code, error.message + where);
    else if (error.code === 'INVALID_SNAPSHOT') warn(error.message, error.message + where);
    // A definitive answer with nothing to evaluate: final for `ready()`, unless the cache may still provide a snapshot.
    if (isDefinitive(error)) void cacheRead.then(() => store.fail(error));
  }
  const cache = openCachedSnapshot(options.cache, cacheKey, report);
  /** Writes what the network delivered or confirmed to the cache (a no-op when it holds it already). */
  const keep = () => {
    const snapshot = store.getSnapshot();
    const { digest, source } = store.getState();
    if (snapshot && digest && source === 'network') cache?.save(snapshot, digest);
  };

  let tabs: SharedConnection | undefined;
  const sink: NetworkSink = {
    current() {
      const state = store.getState();
      return { digest: state.digest, fromNetwork: state.source === 'network', hasSnapshot: !!store.getSnapshot() };
    },
    deliver(snapshot, identity) {
      const changed = store.apply(snapshot, 'network', identity);
      // Also the same flags (a bootstrap the stream confirmed): the cache is never older than that.
      keep();
      if (changed) tabs?.publishSnapshot(snapshot);
    },
    confirmed() {
      store.patch({ source: 'network', error: null });
      keep();
    },
    connection(connection) {
      store.patch({ connection });
      if (connection === 'open') failures = 0;
      const last = store.getState().error;
      if (connection === 'retrying' && ++failures >= FAILURES_WORTH_SAYING && last) {
        warn('failing', `${describe()} keeps failing (${failures} attempts), retrying; last error: ${last.message}`);
      }
    },
    polling: () => store.patch({ transport: 'poll' }),
    report,
    // Connected: a transient error from before is over (a cache failure is not).
    opened: () => store.patch({ connection: 'open', error: store.getState().error?.code === 'CACHE_UNAVAILABLE' ? store.getState().error : null }),
  };
  const retry = options.retry ?? {};
  const option = <K extends keyof typeof FOLLOWER_DEFAULTS & keyof FlagClientOptions>(name: K) => options[name] ?? FOLLOWER_DEFAULTS[name];
  // Also with transport `none`: never started, but `refresh()` still fetches.
  const network: NetworkSource = createNetworkSource(
    {
      endpoint,
      fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args)),
      transport: transport === 'none' ? 'poll' : transport,
      pollIntervalMs: option('pollIntervalMs'),
      requestTimeoutMs: option('requestTimeoutMs'),
      streamIdleTimeoutMs: option('streamIdleTimeoutMs'),
      silentStreamTimeoutMs: option('silentStreamTimeoutMs'),
      firstDeliveryTimeoutMs: option('firstDeliveryTimeoutMs'),
      minDelayMs: retry.minDelayMs ?? FOLLOWER_DEFAULTS.minDelayMs,
      maxDelayMs: retry.maxDelayMs ?? FOLLOWER_DEFAULTS.maxDelayMs,
      includeSnapshotInStream: option('includeSnapshotInStream'),
      maxEventBytes: option('maxEventBytes'),
      maxSnapshotBytes: option('maxSnapshotBytes'),
    },
    sink,
  );

  // Start: bootstrap, then cache, then network. A later source never loses to an earlier one.
  if (options.bootstrap != null) {
    try {
      store.apply(parseSnapshot(options.bootstrap), 'bootstrap', undefined);
    } catch (error) {
      report(new FlagClientError('INVALID_SNAPSHOT', `the bootstrap snapshot is invalid: ${(error as Error).message}`));
    }
  }
  store.keepInitialState();
  /** With no transport, a client that has nothing to evaluate never will: say why, once. */
  const nothingToEvaluate = () => {
    if (transport === 'none' && !store.getSnapshot()) {
      store.fail(store.getState().error ?? new FlagClientError('NO_SNAPSHOT', 'nothing to evaluate: transport is "none" and there is no bootstrap or cached snapshot'));
    }
  };

  let started = false;
  function start(): void {
    if (started || closed) return;
    started = true;
    if (cache && !store.getSnapshot()) {
      cacheRead = cache
        .load()
        .then((stored) => {
          // The network (or bootstrap, or another tab) was first: never replace it.
          if (stored && !store.getSnapshot()) store.apply(stored.snapshot, 'cache', stored.digest, stored.savedAt);
        })
        .finally(nothingToEvaluate);
    } else {
      nothingToEvaluate();
    }
    if (transport === 'none') return;
    if (shared) {
      tabs = shareConnection({
        key: cacheKey,
        authorization: endpoint.authorization,
        store,
        network,
        heartbeatMs: options.tabHeartbeatMs ?? 5_000,
        leaderTimeoutMs: options.tabLeaderTimeoutMs ?? 20_000,
        environment: seams.tabEnvironment,
        after: cacheRead,
      });
    }
    else network.start();
  }
  if (options.autoStart !== false) start();

  const requireEngine = (): Engine => store.getEngine() ?? (() => { throw new EvaluationError('NOT_READY', 'no snapshot yet: await client.ready()'); })();
  const serve = createExposures(options.onExposure);

  // For the React and OpenFeature bindings (exposures after commit, missing flags), not an API.
  const client = {
    ready: (ready) => store.ready(ready?.timeoutMs ?? options.readyTimeoutMs ?? 30_000, describe),
    subscribe: store.subscribe,
    getState: store.getState,
    getSnapshot: (): Snapshot | undefined => store.getSnapshot(),
    getEngine: store.getEngine,
    evaluateVariant: (request) => requireEngine().evaluateVariant(request),
    evaluateBoolean: (request) => requireEngine().evaluateBoolean(request),
    evaluateBatch: (requests) => requireEngine().evaluateBatch(requests),
    getBoolean(flagKey, defaultValue, entityId, context) {
      try {
        return serve(requireEngine().evaluateBoolean({ flagKey, entityId, context: toEvaluationContext(context) }), entityId).enabled;
      } catch {
        return defaultValue;
      }
    },
    getVariant(flagKey, defaultVariantKey, entityId, context) {
      try {
        return (serve(requireEngine().evaluateVariant({ flagKey, entityId, context: toEvaluationContext(context) }), entityId).variantKey || defaultVariantKey) as typeof defaultVariantKey;
      } catch {
        return defaultVariantKey;
      }
    },
    async refresh() {
      if (tabs && !tabs.isLeading()) return tabs.askLeaderToRefresh();
      try {
        await network.refresh();
      } catch (error) {
        report(error as FlagClientError);
        throw error;
      }
    },
    start,
    close() {
      if (closed) return;
      closed = true;
      store.close();
      tabs?.close();
      network.stop();
    },
  } as Omit<FlagClient, keyof FlagClientState>;
  // The state's fields, read through: `client.status` is `client.getState().status`.
  for (const field of STATE_FIELDS) Object.defineProperty(client, field, { get: () => store.getState()[field], enumerable: true });
  return attachBindings(client as FlagClient, { ...store, serve, warn, describe });
}

const STATE_FIELDS = ['status', 'source', 'connection', 'transport', 'role', 'error', 'digest', 'updatedAt'] as const;

/** Connection attempts in a row that failed before the client says so (once). */
const FAILURES_WORTH_SAYING = 3;
