// Starts proxyHost.mjs (the RTT proxies in their own process) and talks to it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HOST = fileURLToPath(new URL('./proxyHost.mjs', import.meta.url));
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Reads the next JSON line of `lines` within `ms`, or rejects naming `what`. */
function nextLine(lines, exited, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`RTT proxy process (${HOST}): no ${what} within ${ms} ms`)), ms);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`RTT proxy process (${HOST}) exited with ${code} before its ${what}`));
    });
  });
}

/**
 * A proxy `rttMs` away in front of each of `ports` (127.0.0.1), a new connection costing
 * `connectRtts` round trips before its first bytes go through (rttProxy.mjs). Resolves with their URLs, whether
 * the process runs at a raised priority, and `stop()`, which resolves with the lateness (ms) of
 * every delivery once the process has exited.
 */
export async function startProxies(ports, rttMs, connectRtts) {
  const child = spawn(process.execPath, [HOST, String(rttMs), String(connectRtts), ...ports.map(String)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  const started = await nextLine(lines, exited, START_TIMEOUT_MS, 'addresses').catch(async (error) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  return {
    urls: started.urls,
    raised: started.raised,
    async stop() {
      const report = nextLine(lines, exited, STOP_TIMEOUT_MS, 'report');
      child.stdin.end();
      try {
        return (await report).lateness;
      } finally {
        const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(force);
      }
    },
  };
}
