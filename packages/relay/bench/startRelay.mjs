// Shared by the benches: the built relay CLI in its own process (run `pnpm -r build` first),
// and the percentile the figures are reported in.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// $RELAY_BIN runs another build (an older one, to compare figures).
const BIN = process.env.RELAY_BIN ?? fileURLToPath(new URL('../bin/flagcast-relay.mjs', import.meta.url));

/**
 * Starts the CLI on a flag file (a path), or with these arguments (an array, e.g.
 * `['--upstream', url]`); resolves with the process and the address it listens on.
 */
export async function startRelay(fileOrArgs) {
  const args = Array.isArray(fileOrArgs) ? fileOrArgs : ['--file', fileOrArgs];
  const child = spawn(process.execPath, [BIN, ...args, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/([\d.]+):(\d+)/.exec(out);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return { child, ...address, url: `http://${address.host}:${address.port}` };
}

/** The p-th percentile of ascending `sorted` (nearest rank). */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
