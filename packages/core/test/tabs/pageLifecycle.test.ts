// The page lifecycle: the back/forward cache (pagehide/pageshow) and freezing (freeze/resume).
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/types';
import { booleanFlag, makeSnapshot } from '../client/helpers';
import { useFakeBrowser, settle } from './fakeBrowser';

const s1 = makeSnapshot([booleanFlag('a', true)]) as unknown as Snapshot;
const s2 = makeSnapshot([booleanFlag('a', false)]) as unknown as Snapshot;
const s3 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]) as unknown as Snapshot;

const fake = useFakeBrowser();

const lockName = () => [...fake().locks.names][0]!;

describe('back/forward cache', () => {
  it('pagehide lets the lock and the channel go (another tab leads); pageshow(persisted) rejoins and catches up', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    const b = fake().open();
    await settle();

    a.page.pagehide(true);
    await settle();
    expect(fake().leader()).toBe(b);
    // Nothing held or pending in the cached page: it would keep the page out of the cache.
    expect(fake().locks.holder(lockName())?.label).toBe(b.label);
    expect(fake().locks.waiting(lockName())).toBe(0);
    expect(b.network.starts).toEqual([{ digest: s1.digest, fromNetwork: true }]);

    fake().relay.publish(s2);
    await settle();
    expect(a.store.getState().digest).toBe(s1.digest); // asleep in the cache

    a.page.pageshow(true);
    await settle();
    expect(fake().leader()).toBe(b);
    expect(a.store.getState()).toMatchObject({ role: 'follower', digest: s2.digest, source: 'network' });
    expect(fake().locks.waiting(lockName())).toBe(1);
    expect(fake().relay.openStreams).toBe(1);
  });

  it('a page cached before it joined stays out until it is shown again', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    const b = fake().open();
    b.page.pagehide(true); // before its first task ran
    await settle();
    expect(fake().locks.waiting(lockName())).toBe(0);
    expect(fake().channels.posted.some((m) => m.from === b.label)).toBe(false);

    b.page.pageshow(true);
    await settle();
    expect(fake().leader()).toBe(a);
    expect(b.store.getState()).toMatchObject({ role: 'follower', digest: s1.digest });
  });

  it('a pageshow that is not a restore changes nothing', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    a.page.pageshow(false);
    await settle();
    expect(fake().leader()).toBe(a);
    expect(fake().locks.grants.length).toBe(1);
    expect(a.network.starts.length).toBe(1);
  });
});

describe('freezing', () => {
  it('a leader that is frozen lets the lock go at once: a follower leads without waiting for the timeout', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    const b = fake().open();
    await settle();

    a.page.hide();
    a.page.freeze();
    fake().relay.publish(s2);
    await settle();
    expect(fake().leader()).toBe(b);
    expect(b.store.getState().digest).toBe(s2.digest);
    expect(fake().relay.openStreams).toBe(1);

    fake().relay.publish(s3);
    await settle();
    a.page.show();
    a.page.resume();
    await settle();
    expect(fake().leader()).toBe(b);
    expect(a.store.getState()).toMatchObject({ role: 'follower', digest: s3.digest });
    expect(fake().relay.openStreams).toBe(1);
  });

  it('a leader that resumes still leading reconnects its stream (a frozen stream can be dead without an error)', async () => {
    fake().relay.current = s1;
    const a = fake().open();
    await settle();
    a.page.freeze({ silently: true });
    a.page.resume();
    await settle();
    expect(fake().leader()).toBe(a);
    expect(a.network.stops).toBe(1);
    expect(a.network.starts.length).toBe(2);
    expect(fake().relay.openStreams).toBe(1);
  });
});
