// Credentials shape who shares, through a hash only: never in a lock or channel name, never in a message.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/types';
import { FlagClientError } from '../../src/errors';
import { booleanFlag, makeSnapshot } from '../client/helpers';
import { useFakeBrowser, LEADER_TIMEOUT_MS, settle } from './fakeBrowser';

const s1 = makeSnapshot([booleanFlag('a', true)]) as unknown as Snapshot;
const s2 = makeSnapshot([booleanFlag('a', false)]) as unknown as Snapshot;
const TOKEN = 'fc-secret-7f3a9c';
const OTHER = 'fc-secret-other-2b81';

const fake = useFakeBrowser();

describe('credentials', () => {
  it('never appear in lock names, channel names or anything posted, through a whole session', async () => {
    fake().relay.current = s1;
    const authorization = `Bearer ${TOKEN}`;
    const a = fake().open({ authorization });
    await settle();
    const b = fake().open({ authorization });
    fake().open({ authorization, cached: s1 });
    await settle();
    a.store.patch({ error: new FlagClientError('UNAUTHORIZED', 'http://127.0.0.1:8787/client/v2/environments/default/namespaces/default/stream answered 401') });
    fake().relay.publish(s2);
    b.shared.askLeaderToRefresh();
    await settle();
    a.page.freeze({ silently: true });
    await settle(3 * LEADER_TIMEOUT_MS);
    a.page.resume();
    await settle();
    fake().leader().page.pagehide(true);
    await settle();

    expect(fake().channels.posted.length).toBeGreaterThan(10);
    const kinds = new Set(fake().channels.posted.map((m) => (m.data as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['hello', 'refresh', 'snapshot', 'state']);
    const everything = [...fake().channels.names, ...fake().locks.names, ...fake().channels.posted.map((m) => `${m.name} ${JSON.stringify(m.data)}`)];
    for (const text of everything) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('Bearer');
    }
  });

  it('tabs with different credentials do not share; tabs with the same do', async () => {
    fake().relay.current = s1;
    fake().open({ authorization: `Bearer ${TOKEN}` });
    fake().open({ authorization: `Bearer ${TOKEN}` });
    fake().open({ authorization: `Bearer ${OTHER}` });
    fake().open();
    await settle();
    expect(fake().leaders().map((tab) => tab.label).sort()).toEqual(['tab1', 'tab3', 'tab4']);
    expect(fake().channels.names.size).toBe(3);
    expect(fake().locks.names.size).toBe(3);
  });
});
