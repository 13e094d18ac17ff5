// Credentials shape who shares, through a hash only: never in a lock or channel name, never in a message.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '../../src/types';
import { FlagClientError } from '../../src/errors';
import { booleanFlag, makeSnapshot } from '../client/helpers';
import { FakeBrowser, LEADER_TIMEOUT_MS, settle } from './fakeBrowser';

const s1 = makeSnapshot([booleanFlag('a', true)]) as unknown as Snapshot;
const s2 = makeSnapshot([booleanFlag('a', false)]) as unknown as Snapshot;
const TOKEN = 'fc-secret-7f3a9c';
const OTHER = 'fc-secret-other-2b81';

let browser: FakeBrowser;
beforeEach(() => {
  vi.useFakeTimers();
  browser = new FakeBrowser();
});
afterEach(() => {
  browser.closeAll();
  vi.useRealTimers();
});

describe('credentials', () => {
  it('never appear in lock names, channel names or anything posted, through a whole session', async () => {
    browser.relay.current = s1;
    const authorization = `Bearer ${TOKEN}`;
    const a = browser.open({ authorization });
    await settle();
    const b = browser.open({ authorization });
    browser.open({ authorization, cached: s1 });
    await settle();
    a.store.patch({ error: new FlagClientError('UNAUTHORIZED', 'http://127.0.0.1:8787/client/v2/environments/default/namespaces/default/stream answered 401') });
    browser.relay.publish(s2);
    b.shared.askLeaderToRefresh();
    await settle();
    a.page.freeze({ silently: true });
    await settle(3 * LEADER_TIMEOUT_MS);
    a.page.resume();
    await settle();
    browser.leader().page.pagehide(true);
    await settle();

    expect(browser.channels.posted.length).toBeGreaterThan(10);
    const kinds = new Set(browser.channels.posted.map((m) => (m.data as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['hello', 'refresh', 'snapshot', 'state']);
    const everything = [...browser.channels.names, ...browser.locks.names, ...browser.channels.posted.map((m) => `${m.name} ${JSON.stringify(m.data)}`)];
    for (const text of everything) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('Bearer');
    }
  });

  it('tabs with different credentials do not share; tabs with the same do', async () => {
    browser.relay.current = s1;
    browser.open({ authorization: `Bearer ${TOKEN}` });
    browser.open({ authorization: `Bearer ${TOKEN}` });
    browser.open({ authorization: `Bearer ${OTHER}` });
    browser.open();
    await settle();
    expect(browser.leaders().map((tab) => tab.label).sort()).toEqual(['tab1', 'tab3', 'tab4']);
    expect(browser.channels.names.size).toBe(3);
    expect(browser.locks.names.size).toBe(3);
  });
});
