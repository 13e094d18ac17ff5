import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromiumLaunch.mjs';
import { stopProcessGroup } from './processGroup';

/** How long Chromium has to print its DevTools address. */
const START_TIMEOUT_MS = 15_000;
/** Chromium's helpers may still be writing the profile for a moment after they were told to stop. */
const REMOVE_RETRIES = 10;
const REMOVE_RETRY_DELAY_MS = 100;
/** The tail of Chromium's stderr kept for error messages. */
const OUTPUT_KEPT_CHARS = 4000;

export interface ChromiumOverCdp {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Chromium started by hand with a DevTools port and attached over CDP: the one set-up in which
 * CDP `Page.setWebLifecycleState` really freezes a tab (MULTI-TAB.md). Playwright's own launch
 * emulates focus, which keeps every page visible, and a visible page is never frozen. The
 * first tab opens `firstUrl`; open others with CDP `Target.createTarget` so that it is hidden.
 *
 * Chromium runs in its own process group, with its zygotes, renderers, GPU, network and storage
 * processes: `close()` waits for every one of them to exit before it removes the profile, which
 * they write to until they do.
 */
export async function startChromiumOverCdp(firstUrl: string): Promise<ChromiumOverCdp> {
  const profile = await mkdtemp(join(tmpdir(), 'flagcast-chromium-'));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, firstUrl], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const pgid = child.pid!;
  // A detached group outlives this process unless it is ended here: a worker that dies mid-test.
  const killOnExit = () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    await stopProcessGroup(pgid);
    process.off('exit', killOnExit);
    await rm(profile, { recursive: true, force: true, maxRetries: REMOVE_RETRIES, retryDelay: REMOVE_RETRY_DELAY_MS });
  };

  let browser: Browser;
  try {
    browser = await chromium.connectOverCDP(await devToolsAddress(child), { noDefaults: true });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      await stop();
    },
  };
}

/** The `ws://` address Chromium prints on stderr once it listens. */
function devToolsAddress(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium (${CHROMIUM_PATH}) printed no DevTools address within ${START_TIMEOUT_MS} ms: ${output.slice(-500)}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS); // read on: a full pipe would block Chromium
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium (${CHROMIUM_PATH}) exited (code ${code}) before listening: ${output.slice(-500)}`));
    });
  });
}
