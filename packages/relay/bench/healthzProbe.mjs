// Shared by the benches: /healthz probed open-loop on its own keep-alive connections (in this
// process, or in a process of its own so that the bench's own work cannot delay it), and the
// relay process's resident memory.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';

const PROBE_EVERY_MS = 5;

/** Resident memory of a process, in MB (Linux). */
export const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Probes /healthz every PROBE_EVERY_MS until stopped; resolves with the latencies (ms). */
export function probe({ host, port }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies = [];
  let failures = 0;
  let stopped = false;
  const pending = new Set();
  const fire = () => {
    const start = performance.now();
    const done = new Promise((resolve) => {
      const req = get({ host, port, path: '/healthz', agent, timeout: 60_000 }, (res) => {
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

/** The same probe, run in a child process; `stop()` resolves with its latencies. */
export async function probeInChild({ host, port }) {
  const child = fork(fileURLToPath(import.meta.url), [host, String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve)); // probing
  return {
    async stop() {
      const result = new Promise((resolve) => child.once('message', resolve));
      child.send('stop');
      const figures = await result;
      child.disconnect();
      return figures;
    },
  };
}

// Run by probeInChild: probes until told to stop, then sends the figures back.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const running = probe({ host: process.argv[2], port: Number(process.argv[3]) });
  process.send('probing');
  process.once('message', async () => process.send(await running.stop()));
}
