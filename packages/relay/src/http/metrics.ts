import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SourceState, UpstreamNamespaceState } from '../sources/source.js';

/** What `/metrics` reads from the running relay at scrape time. */
export interface LiveState {
  openStreams: Record<string, number>;
  sources: Pick<SourceState, 'name' | 'ok' | 'namespaces' | 'loads' | 'loadErrors' | 'upstream'>[];
}

const PHASES: UpstreamNamespaceState['phase'][] = ['connecting', 'streaming', 'polling', 'backoff', 'stopped', 'closed'];

// Process and runtime metrics (memory, CPU, event loop lag, GC, handles) describe the process,
// not a relay: one registry per process, created with the first relay, shared by all of them.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The relay's Prometheus metrics (prom-client): its own, per relay, plus the process's default
 * metrics. Values the sources keep (loads, upstream connections) are read at scrape time.
 */
export class Metrics {
  private readonly registry = new Registry();
  private readonly process = processMetrics();
  private readonly requests = this.counter('flagcast_relay_requests_total', 'HTTP requests by route and status.', ['route', 'status']);
  private readonly evaluations = this.counter('flagcast_relay_evaluations_total', 'Flags evaluated (REST and OFREP), by endpoint and result.', ['endpoint', 'result']);
  private readonly dropped = this.counter('flagcast_relay_streams_dropped_total', 'Streams closed because the client read too slowly.');
  private readonly broadcast = new Histogram({
    name: 'flagcast_relay_broadcast_seconds',
    help: 'Fan-out latency: time to write one change to every stream of its namespace.',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  private readonly lastBroadcast = this.gauge('flagcast_relay_last_broadcast_seconds', 'Fan-out latency of the last change.');
  private readonly openStreams = this.gauge('flagcast_relay_open_streams', 'Open stream connections by format.', ['format']);
  private readonly snapshots = this.gauge('flagcast_relay_snapshots', 'Namespace snapshots served, by source.', ['source']);
  private readonly sourceUp = this.gauge('flagcast_relay_source_up', '1 when the last load of the source succeeded.', ['source']);
  private readonly reloads = this.counter('flagcast_relay_reloads_total', 'Loads attempted, by source.', ['source']);
  private readonly reloadErrors = this.counter('flagcast_relay_reload_errors_total', 'Loads that failed (the last good snapshots stay served).', ['source']);
  private readonly upstreamUp = this.gauge('flagcast_relay_upstream_up', '1 while the upstream namespace has no error (unreachable, invalid snapshot, 401/403).', ['source', 'namespace']);
  private readonly upstreamState = this.gauge('flagcast_relay_upstream_state', 'What the relay is doing with each upstream namespace: 1 for the current phase.', ['source', 'namespace', 'phase']);
  private readonly upstreamPolling = this.gauge('flagcast_relay_upstream_polling', '1 when following the upstream by polling instead of its stream.', ['source', 'namespace']);
  private readonly upstreamConnects = this.counter('flagcast_relay_upstream_stream_connects_total', 'Upstream stream connections opened.', ['source', 'namespace']);
  private readonly upstreamFailures = this.counter('flagcast_relay_upstream_stream_failures_total', 'Upstream stream connections that failed or ended.', ['source', 'namespace']);
  private readonly upstreamRequests = this.counter('flagcast_relay_upstream_snapshot_requests_total', 'Upstream snapshot requests.', ['source', 'namespace']);
  private readonly upstreamNotModified = this.counter('flagcast_relay_upstream_not_modified_total', 'Upstream snapshot requests answered 304.', ['source', 'namespace']);

  /** The `Content-Type` of `render()`'s text. */
  readonly contentType = this.registry.contentType;

  countRequest(route: string, status: number): void {
    this.requests.inc({ route, status: String(status) });
  }

  /** `n` flags evaluated (or refused) by `endpoint`; `result` is the reason or the error. */
  countEvaluation(endpoint: string, result: string, n = 1): void {
    this.evaluations.inc({ endpoint, result }, n);
  }

  countStreamDropped(): void {
    this.dropped.inc();
  }

  recordBroadcast(seconds: number): void {
    this.broadcast.observe(seconds);
    this.lastBroadcast.set(seconds);
  }

  /** Prometheus text: the process's metrics, then the relay's, with live values read now. */
  async render(live: LiveState): Promise<string> {
    this.readLive(live);
    const [process, own] = await Promise.all([this.process.metrics(), this.registry.metrics()]);
    return `${process.trimEnd()}\n\n${own}`;
  }

  private readLive(live: LiveState): void {
    this.openStreams.reset();
    for (const [format, n] of Object.entries(live.openStreams)) this.openStreams.set({ format }, n);
    // Source values are kept by the sources; reset and set so a removed label disappears.
    for (const metric of [this.snapshots, this.sourceUp, this.reloads, this.reloadErrors, this.upstreamUp, this.upstreamState, this.upstreamPolling, this.upstreamConnects, this.upstreamFailures, this.upstreamRequests, this.upstreamNotModified]) {
      metric.reset();
    }
    for (const s of live.sources) {
      const source = { source: s.name };
      this.snapshots.set(source, s.namespaces);
      this.sourceUp.set(source, s.ok ? 1 : 0);
      this.reloads.inc(source, s.loads);
      this.reloadErrors.inc(source, s.loadErrors);
      for (const n of s.upstream?.namespaces ?? []) {
        const labels = { source: s.name, namespace: n.namespace };
        this.upstreamUp.set(labels, n.error ? 0 : 1);
        for (const phase of PHASES) this.upstreamState.set({ ...labels, phase }, n.phase === phase ? 1 : 0);
        this.upstreamPolling.set(labels, n.mode === 'poll' ? 1 : 0);
        this.upstreamConnects.inc(labels, n.streamConnects);
        this.upstreamFailures.inc(labels, n.streamFailures);
        this.upstreamRequests.inc(labels, n.snapshotRequests);
        this.upstreamNotModified.inc(labels, n.notModified);
      }
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[] = []) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[] = []) {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }
}
