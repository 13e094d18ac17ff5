// Shared by the benches: /healthz probed open-loop (a request every PROBE_EVERY_MS whether or not
// the last one came back, so a stalled event loop shows as many slow answers, not as one).
// Run as a child process (`fork('probeHealthz.mjs', [host, port])`), it probes until it is sent
// 'stop' and replies with the figures, so that a bench busy writing files does not delay it.
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';

const PROBE_EVERY_MS = 5;
const PROBE_TIMEOUT_MS = 60_000;

/** Probes /healthz every PROBE_EVERY_MS until stopped; `stop()` resolves with the latencies (ms). */
export function probe({ host, port }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies = [];
  let failures = 0;
  let stopped = false;
  const pending = new Set();
  const fire = () => {
    const start = performance.now();
    const done = new Promise((resolve) => {
      const req = get({ host, port, path: '/healthz', agent, timeout: PROBE_TIMEOUT_MS }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - start);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  const timer = setInterval(() => !stopped && fire(), PROBE_EVERY_MS);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return { latencies, failures };
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const running = probe({ host: process.argv[2], port: Number(process.argv[3]) });
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    process.send(await running.stop(), () => process.exit(0));
  });
  process.send('started');
}
