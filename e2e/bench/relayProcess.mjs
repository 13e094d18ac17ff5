// The real relay, as users run it: the built CLI in its own process (so it never shares an
// event loop with the proxy or Playwright). Needs `pnpm -r build` first.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.resolve('@flagcast/relay/package.json'))), 'bin/flagcast-relay.mjs');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Starts the relay on `file` (any origin allowed); resolves with its URL, port and `stop()`. */
export async function startRelayProcess(file) {
  const child = spawn(process.execPath, [BIN, '--file', file, '--port', '0', '--cors-origin', '*', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay (${BIN} --file ${file}) printed no address within ${START_TIMEOUT_MS} ms: ${output.slice(-500)}`)), START_TIMEOUT_MS);
    const read = (chunk) => {
      output += chunk;
      const found = /listening on http:\/\/[\d.]+:(\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay (${BIN} --file ${file}) exited with ${code} before listening: ${output.slice(-500)}`));
    });
  }).catch(async (error) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** SIGTERM, then SIGKILL if it has not exited within the bound; resolves once it has. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(force);
    },
  };
}
