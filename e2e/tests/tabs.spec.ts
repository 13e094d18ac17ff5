// Tabs of one browser share one stream to the real relay: election, edits, and every way a
// leading tab can go (closed, crashed, frozen, stalled). Times are printed for the record;
// only the "streams again within 1 s" is asserted, with a margin for this machine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { openStreams, repo, startRelay, startStatic, type RelayUnderTest } from '../support/servers';
import { startChromiumOverCdp } from '../support/chromiumOverCdp';
import { percentile, recordChanges, shownAt } from '../support/pageChanges';

const example = join(repo, 'examples/script-tag');
const mounts = { '/flagcast.iife.js': join(repo, 'packages/core/dist/flagcast.iife.js'), '/': example };
/** The bound for a closed or crashed leader, plus room for a loaded 2-core machine. */
const HANDOVER_BOUND_MS = 1000 + 500;

let relay: RelayUnderTest;
let site: { url: string; close(): Promise<void> };
let original: string;
let accent: 'violet' | 'teal';

test.beforeEach(async () => {
  relay = await startRelay(join(example, 'features.yml'));
  site = await startStatic(mounts);
  original = await readFile(relay.file, 'utf8');
  accent = 'violet';
});
test.afterEach(async ({ context }) => {
  await context.close();
  await site.close();
  await relay.close();
});

const pageUrl = (query: Record<string, string> = {}) => `${site.url}/?${new URLSearchParams({ relay: relay.url, ...query })}`;

/** Flips the accent in the flag file; resolves with the new variant and when it was written. */
async function editAccent(): Promise<{ variant: string; writtenAt: number }> {
  accent = accent === 'violet' ? 'teal' : 'violet';
  const writtenAt = Date.now();
  await relay.write(accent === 'teal' ? original.replace('- variant: violet', '- variant: teal') : original);
  return { variant: accent, writtenAt };
}

async function openTabs(context: BrowserContext, count: number, query: Record<string, string> = {}): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(pageUrl(query));
    pages.push(page);
  }
  for (const page of pages) {
    await expect(page.locator('#status')).toHaveText('ready');
    await expect(page.locator('#connection')).toHaveText('open');
    await recordChanges(page);
  }
  return pages;
}

const roleOf = (page: Page) => page.locator('#role').textContent();
const rolesOf = (pages: Page[]) => Promise.all(pages.map(roleOf));

async function theLeader(pages: Page[]): Promise<Page> {
  await expect.poll(async () => (await rolesOf(pages)).filter((role) => role === 'leader').length).toBe(1);
  const roles = await rolesOf(pages);
  expect(roles.filter((role) => role === 'follower').length).toBe(pages.length - 1);
  return pages[roles.indexOf('leader')]!;
}

/** Every page shows `variant`; returns the file-write → DOM latency of each. */
async function reachedEvery(pages: Page[], { variant, writtenAt }: { variant: string; writtenAt: number }): Promise<number[]> {
  for (const page of pages) await expect(page.locator('#accent')).toHaveText(variant, { timeout: 5000 });
  return Promise.all(pages.map(async (page) => (await shownAt(page, 'accent', variant, writtenAt))! - writtenAt));
}

/**
 * Ends the leader with `end`, edits the flag file at once (during the handover), and checks that
 * one of the others leads, that the edit reached all of them and that the relay holds one
 * stream. Returns when the new leader showed its role and when its own stream was open.
 */
async function handOver(pages: Page[], end: (leader: Page) => Promise<void>) {
  const leader = await theLeader(pages);
  const rest = pages.filter((page) => page !== leader);
  const endedAt = Date.now();
  await end(leader);
  const edit = await editAccent();
  const next = await theLeader(rest);
  await reachedEvery(rest, edit);
  const ledAt = (await shownAt(next, 'role', 'leader', endedAt))!;
  const connectingAt = (await shownAt(next, 'connection', 'connecting', endedAt))!;
  await expect(next.locator('#connection')).toHaveText('open');
  const openAt = (await shownAt(next, 'connection', 'open', connectingAt))!;
  await expect.poll(() => openStreams(relay.url)).toBe(1);
  return { rest, leads: ledAt - endedAt, streams: openAt - endedAt };
}

test('12 tabs share one stream: every tab ready and live, and each edit reaches every tab (p50/p95 printed)', async ({ context }) => {
  test.setTimeout(180_000);
  const pages = await openTabs(context, 12);
  const leader = await theLeader(pages);
  expect(await openStreams(relay.url)).toBe(1);
  for (const page of pages) {
    await expect(page.locator('#source')).toHaveText('network');
    await expect(page.locator('#error')).toHaveText('none');
  }

  const all: number[] = [];
  const followers: number[] = [];
  const leaderOnly: number[] = [];
  for (let i = 0; i < 10; i++) {
    const edit = await editAccent();
    const latencies = await reachedEvery(pages, edit);
    latencies.forEach((ms, at) => (pages[at] === leader ? leaderOnly : followers).push(ms));
    all.push(...latencies);
  }
  expect(await openStreams(relay.url)).toBe(1);
  const line = (values: number[]) => `p50 ${percentile(values, 0.5)} ms, p95 ${percentile(values, 0.95)} ms`;
  console.log(`12 tabs, 1 stream; file write → DOM over 10 edits × 12 tabs: ${line(all)} (leader ${line(leaderOnly)}; followers ${line(followers)})`);
  expect(percentile(all, 0.95)).toBeLessThan(2000);
});

test('close the leader: another leads and streams within 1 s, one stream, and an edit made during the handover reaches every tab', async ({ context }) => {
  let pages = await openTabs(context, 4);
  const times: string[] = [];
  for (let round = 0; round < 3; round++) {
    const { rest, leads, streams } = await handOver(pages, (leader) => leader.close());
    times.push(`${leads}/${streams}`);
    expect(streams).toBeLessThan(HANDOVER_BOUND_MS);
    pages = rest;
  }
  console.log(`close → new leader / its stream open (ms): ${times.join(', ')}`);
});

test('crash the leader (CDP Page.crash): another leads and streams within 1 s, one stream, no edit lost', async ({ context }) => {
  let pages = await openTabs(context, 4);
  const times: string[] = [];
  for (let round = 0; round < 3; round++) {
    const { rest, leads, streams } = await handOver(pages, async (leader) => {
      const cdp = await context.newCDPSession(leader);
      void cdp.send('Page.crash').catch(() => {}); // answers, if at all, with the renderer gone
    });
    times.push(`${leads}/${streams}`);
    expect(streams).toBeLessThan(HANDOVER_BOUND_MS);
    pages = rest;
  }
  console.log(`crash → new leader / its stream open (ms): ${times.join(', ')}`);
});

test('freeze the leader (CDP Page.setWebLifecycleState, hidden tab): the follower leads, one stream, no edit lost; thawed, the old leader follows', async () => {
  const url = pageUrl({ heartbeat: '200', leaderTimeout: '1000' });
  const chromium = await startChromiumOverCdp(url);
  try {
    const context = chromium.browser.contexts()[0]!;
    await expect.poll(() => context.pages().length).toBe(1);
    const frozen = context.pages()[0]!;
    await expect(frozen.locator('#role')).toHaveText('leader');
    // A second tab in the same window: the first becomes hidden, as a real background tab is.
    const created = context.waitForEvent('page');
    await (await chromium.browser.newBrowserCDPSession()).send('Target.createTarget', { url, newWindow: false });
    const visible = await created;
    await expect(visible.locator('#role')).toHaveText('follower');
    await expect(visible.locator('#status')).toHaveText('ready');
    expect(await frozen.evaluate(() => document.visibilityState)).toBe('hidden');
    expect(await openStreams(relay.url)).toBe(1);
    for (const page of [frozen, visible]) await recordChanges(page);

    const lifecycle = await context.newCDPSession(frozen);
    const frozenAt = Date.now();
    await lifecycle.send('Page.setWebLifecycleState', { state: 'frozen' });
    const edit = await editAccent();
    await expect(visible.locator('#role')).toHaveText('leader', { timeout: 5000 });
    await reachedEvery([visible], edit);
    await expect.poll(() => openStreams(relay.url)).toBe(1);
    const leads = (await shownAt(visible, 'role', 'leader', frozenAt))! - frozenAt;
    const connectingAt = (await shownAt(visible, 'connection', 'connecting', frozenAt))!;
    await expect(visible.locator('#connection')).toHaveText('open');
    const streams = (await shownAt(visible, 'connection', 'open', connectingAt))! - frozenAt;
    console.log(`freeze → new leader / its stream open (ms): ${leads}/${streams}`);

    await lifecycle.send('Page.setWebLifecycleState', { state: 'active' });
    await expect(frozen.locator('#role')).toHaveText('follower');
    await expect(frozen.locator('#accent')).toHaveText(edit.variant);
    const after = await editAccent();
    await reachedEvery([visible, frozen], after);
    expect(await openStreams(relay.url)).toBe(1);
  } finally {
    await chromium.close();
  }
});

test('a leader stalled without a freeze event (paused in the debugger) is replaced after the leader timeout; resumed, it steps down', async ({ context }) => {
  const pages = await openTabs(context, 2, { heartbeat: '200', leaderTimeout: '1000' });
  const stalled = await theLeader(pages);
  const other = pages.find((page) => page !== stalled)!;
  const debuggerSession = await context.newCDPSession(stalled);
  await debuggerSession.send('Debugger.enable');
  const paused = new Promise<void>((resolve) => debuggerSession.once('Debugger.paused', () => resolve()));
  await debuggerSession.send('Debugger.pause'); // stops at its next script: the heartbeat timer
  await paused;
  const stalledAt = Date.now();
  const edit = await editAccent();
  await expect(other.locator('#role')).toHaveText('leader', { timeout: 5000 });
  await reachedEvery([other], edit);
  const steals = (await shownAt(other, 'role', 'leader', stalledAt))! - stalledAt;
  // From the pause seen here; its last beat came up to a heartbeat earlier.
  // The stalled tab's connection stays open until its script runs again and lets go.
  console.log(`stalled leader (timeout 1000 ms, heartbeat 200 ms) → stolen after ${steals} ms; streams while it is stalled: ${await openStreams(relay.url)}`);

  await debuggerSession.send('Debugger.resume');
  await expect(stalled.locator('#role')).toHaveText('follower');
  await expect(stalled.locator('#accent')).toHaveText(edit.variant);
  await expect.poll(() => openStreams(relay.url)).toBe(1);
  const after = await editAccent();
  await reachedEvery(pages, after);
  expect(await theLeader(pages)).toBe(other);
});

test('tabs=own: one stream per tab', async ({ context }) => {
  const pages = await openTabs(context, 3, { tabs: 'own' });
  expect(await rolesOf(pages)).toEqual(['own', 'own', 'own']);
  expect(await openStreams(relay.url)).toBe(3);
  await reachedEvery(pages, await editAccent());
});

test('the React demo shows each tab\'s role', async ({ context }) => {
  const demo = await startStatic({ '/': join(repo, 'examples/react-demo/dist') });
  try {
    const pages = [await context.newPage(), await context.newPage(), await context.newPage()];
    for (const page of pages) await page.goto(`${demo.url}/?relay=${encodeURIComponent(relay.url)}`);
    for (const page of pages) await expect(page.getByTestId('connection')).toHaveText('open');
    await expect.poll(async () => (await Promise.all(pages.map((page) => page.getByTestId('role').textContent()))).sort()).toEqual(['follower', 'follower', 'leader']);
    // A tab that could not know another one led connects early and hands over within a second.
    await expect.poll(() => openStreams(relay.url), { timeout: 1_500 }).toBe(1);
  } finally {
    await demo.close();
  }
});
