// The RTT proxies in a process of their own, at a raised priority where allowed: in the bench's
// process, Playwright's work and the browser's load on a small machine would make their timers
// late, adding to the round trip they emulate. Started by startProxies.mjs: argv is the RTT,
// the round trips a new connection costs, then the upstream ports; prints one JSON line with the proxies' URLs; when its stdin ends,
// prints one JSON line with the lateness of every delivery, closes, and exits.
import { setPriority } from 'node:os';
import { startRttProxy } from './rttProxy.mjs';

const RAISED_PRIORITY = -10;
const [rtt, connectRtts, ...ports] = process.argv.slice(2).map(Number);
let raised = true;
try {
  setPriority(RAISED_PRIORITY);
} catch {
  raised = false; // not permitted here: the bench reports how late the proxies were
}
const proxies = await Promise.all(ports.map((port) => startRttProxy(port, rtt, connectRtts)));
process.stdout.write(`${JSON.stringify({ urls: proxies.map((p) => p.url), raised })}\n`);
process.stdin.resume();
process.stdin.once('end', async () => {
  process.stdout.write(`${JSON.stringify({ lateness: proxies.flatMap((p) => p.lateness()) })}\n`);
  await Promise.all(proxies.map((p) => p.close()));
  process.exit(0);
});
