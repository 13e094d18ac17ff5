import type { SourceState } from '../sources/source.js';

/** Counters and gauges exposed at `/metrics` in Prometheus text format. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  streamsDropped = 0;
  broadcasts = 0;
  broadcastSecondsSum = 0;
  lastBroadcastSeconds = 0;

  countRequest(route: string, status: number): void {
    const key = `route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  recordBroadcast(seconds: number): void {
    this.broadcasts++;
    this.broadcastSecondsSum += seconds;
    this.lastBroadcastSeconds = seconds;
  }

  render(live: {
    openStreams: Record<string, number>;
    sources: Pick<SourceState, 'name' | 'ok' | 'namespaces' | 'loads' | 'loadErrors' | 'upstream'>[];
  }): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    };
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    metric('flagcast_relay_open_streams', 'gauge', 'Open stream connections by format.', Object.entries(live.openStreams).map(([mode, n]) => [`format="${mode}"`, n]));
    metric('flagcast_relay_requests_total', 'counter', 'HTTP requests by route and status.', [...this.requests]);
    const src = (s: { name: string }) => `source="${esc(s.name)}"`;
    metric('flagcast_relay_snapshots', 'gauge', 'Namespace snapshots served, by source.', live.sources.map((s) => [src(s), s.namespaces]));
    metric('flagcast_relay_source_up', 'gauge', '1 when the last load of the source succeeded.', live.sources.map((s) => [src(s), s.ok ? 1 : 0]));
    metric('flagcast_relay_reloads_total', 'counter', 'Loads attempted, by source.', live.sources.map((s) => [src(s), s.loads]));
    metric('flagcast_relay_reload_errors_total', 'counter', 'Loads that failed (the last good snapshots stay served).', live.sources.map((s) => [src(s), s.loadErrors]));
    metric('flagcast_relay_streams_dropped_total', 'counter', 'Streams closed because the client read too slowly.', [['', this.streamsDropped]]);
    metric('flagcast_relay_last_broadcast_seconds', 'gauge', 'Time the last change took to be written to every stream of its namespace.', [['', this.lastBroadcastSeconds]]);
    const upstream = live.sources.flatMap((s) => (s.upstream ? s.upstream.namespaces.map((n) => ({ labels: `${src(s)},namespace="${esc(n.namespace)}"`, n })) : []));
    if (upstream.length > 0) {
      metric('flagcast_relay_upstream_up', 'gauge', '1 while the upstream namespace has no error (unreachable, invalid snapshot, 401/403).', upstream.map(({ labels, n }) => [labels, n.error ? 0 : 1]));
      metric('flagcast_relay_upstream_polling', 'gauge', '1 when following the upstream by polling instead of its stream.', upstream.map(({ labels, n }) => [labels, n.mode === 'poll' ? 1 : 0]));
      metric('flagcast_relay_upstream_stream_connects_total', 'counter', 'Upstream stream connections opened.', upstream.map(({ labels, n }) => [labels, n.streamConnects]));
      metric('flagcast_relay_upstream_stream_failures_total', 'counter', 'Upstream stream connections that failed or ended.', upstream.map(({ labels, n }) => [labels, n.streamFailures]));
      metric('flagcast_relay_upstream_snapshot_requests_total', 'counter', 'Upstream snapshot requests.', upstream.map(({ labels, n }) => [labels, n.snapshotRequests]));
      metric('flagcast_relay_upstream_not_modified_total', 'counter', 'Upstream snapshot requests answered 304.', upstream.map(({ labels, n }) => [labels, n.notModified]));
    }
    lines.push('# HELP flagcast_relay_broadcast_seconds Time to write one change to every stream of a namespace.', '# TYPE flagcast_relay_broadcast_seconds summary');
    lines.push(`flagcast_relay_broadcast_seconds_sum ${this.broadcastSecondsSum}`, `flagcast_relay_broadcast_seconds_count ${this.broadcasts}`);
    return `${lines.join('\n')}\n`;
  }
}
