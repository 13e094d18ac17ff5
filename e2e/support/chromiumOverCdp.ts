import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';

export interface ChromiumOverCdp {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Chromium started by hand with a DevTools port and attached over CDP: the one set-up in which
 * CDP `Page.setWebLifecycleState` really freezes a tab (MULTI-TAB.md). Playwright's own launch
 * emulates focus, which keeps every page visible, and a visible page is never frozen. The
 * first tab opens `firstUrl`; open others with CDP `Target.createTarget` so that it is hidden.
 */
export async function startChromiumOverCdp(firstUrl: string): Promise<ChromiumOverCdp> {
  const profile = await mkdtemp(join(tmpdir(), 'flagcast-chromium-'));
  const child = spawn(
    process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', `--user-data-dir=${profile}`, firstUrl],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools address within 15 s: ${output.slice(-500)}`)), 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (code ${code}) before listening: ${output.slice(-500)}`));
    });
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      await rm(profile, { recursive: true, force: true });
    },
  };
}
