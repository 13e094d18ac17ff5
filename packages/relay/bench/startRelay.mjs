// The built relay CLI in its own process, for the benches (run `pnpm -r build` first).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/flagcast-relay.mjs', import.meta.url));

/** Starts the CLI on a flag file; resolves with the process and the address it listens on. */
export async function startRelay(file) {
  const child = spawn(process.execPath, [BIN, '--file', file, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/([\d.]+):(\d+)/.exec(out);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return { child, ...url };
}
