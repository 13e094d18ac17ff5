import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/flagcast-relay.mjs', import.meta.url));
/** Whether the CLI is built (its tests are skipped when it is not). */
export const cliBuilt = (await import('node:fs')).existsSync(fileURLToPath(new URL('../../dist/cli.js', import.meta.url)));

/** The built relay CLI in its own process: its output, its exit, and the URL once it listens. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  listening.catch(() => {}); // awaited only by tests that expect the relay to start
  /** The JSON log lines so far. */
  const logs = () =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; [k: string]: unknown });
  return { child, exited, listening, logs, output: () => ({ stdout, stderr }) };
}
