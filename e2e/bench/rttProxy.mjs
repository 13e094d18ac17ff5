// A TCP proxy on loopback that makes a local server look one round trip away: every chunk, in
// each direction, is delivered RTT/2 after it arrived, in order. A new connection also holds its
// first bytes for `connectRtts` round trips (default 1: a TCP handshake across that distance;
// 2: TCP and TLS 1.3), since the browser's own connect to 127.0.0.1 is instant.
import { connect, createServer } from 'node:net';

/**
 * Delivers chunks to `target` no earlier than their due time, in the order they were queued;
 * adds how late each delivery was (a busy machine delays timers) to `lateness`.
 */
function delayedPipe(target, lateness) {
  const queue = [];
  let timer;
  let lastDue = 0;
  let ended = false;
  const drain = () => {
    timer = undefined;
    while (queue.length > 0 && queue[0].due <= performance.now()) {
      const { chunk, due } = queue.shift();
      if (target.destroyed) return;
      lateness.push(performance.now() - due);
      if (chunk === null) target.end();
      else target.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, queue[0].due - performance.now());
  };
  return {
    /** Queues a chunk (null: the end of the stream; nothing after it) due at `due` (performance.now() ms). */
    push(chunk, due) {
      if (ended) return;
      ended = chunk === null;
      lastDue = Math.max(lastDue, due); // never overtakes an earlier chunk
      queue.push({ chunk, due: lastDue });
      timer ??= setTimeout(drain, queue[0].due - performance.now());
    },
    cancel() {
      clearTimeout(timer);
      queue.length = 0;
    },
  };
}

/**
 * Starts a proxy on 127.0.0.1 (an ephemeral port) in front of `upstreamPort` on 127.0.0.1,
 * `rttMs` away.
 * Resolves with its URL, `lateness()` (ms each delivery came after its due time, so far) and
 * `close()`, which drops every connection and awaits the listener.
 */
export async function startRttProxy(upstreamPort, rttMs, connectRtts = 1) {
  const half = rttMs / 2;
  const sockets = new Set();
  const lateness = [];
  const server = createServer((client) => {
    const acceptedAt = performance.now();
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    const toServer = delayedPipe(upstream, lateness);
    const toClient = delayedPipe(client, lateness);
    // Client → server: not before the handshake's round trips, then half a round trip on the way.
    const upDue = () => Math.max(performance.now(), acceptedAt + connectRtts * rttMs) + half;
    client.on('data', (chunk) => toServer.push(chunk, upDue()));
    client.on('end', () => toServer.push(null, upDue()));
    upstream.on('data', (chunk) => toClient.push(chunk, performance.now() + half));
    upstream.on('end', () => toClient.push(null, performance.now() + half));
    const teardown = () => {
      toServer.cancel();
      toClient.cancel();
      client.destroy();
      upstream.destroy();
    };
    client.on('error', teardown);
    upstream.on('error', teardown);
    // A side that is fully closed ends the other once everything queued has been delivered.
    client.on('close', () => toServer.push(null, upDue()));
    upstream.on('close', () => toClient.push(null, performance.now() + half));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    lateness: () => [...lateness],
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
