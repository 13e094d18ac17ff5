/**
 * An in-memory BroadcastChannel hub for the fake pages of one browser: a message goes, as a
 * structured clone, to every other open channel object of the same name (other pages, and other
 * objects in the sending page), never back to the sending object, each delivery a task of the
 * receiving page. Everything posted is recorded, so a test can check what crossed the channel.
 */
import type { TabChannel } from '../../src/tabs/tabEnvironment';

/** The receiving page: runs deliveries (a frozen Chromium tab still handles channel messages). */
export interface ChannelOwner {
  readonly label: string;
  deliver(run: () => void): void;
}

export interface PostedMessage {
  from: string;
  name: string;
  data: unknown;
}

export interface ChannelHub {
  open(owner: ChannelOwner, name: string): TabChannel;
  /** Every message posted, in order. */
  readonly posted: PostedMessage[];
  /** Every channel name ever opened. */
  readonly names: Set<string>;
  /** Closes every channel of a page (it crashed). */
  drop(owner: ChannelOwner): void;
}

export function createChannelHub(): ChannelHub {
  const open = new Set<{ owner: ChannelOwner; name: string; channel: TabChannel }>();
  const posted: PostedMessage[] = [];
  const names = new Set<string>();

  return {
    posted,
    names,
    open(owner, name) {
      names.add(name);
      let closed = false;
      const entry = {
        owner,
        name,
        channel: {
          onmessage: null,
          postMessage(data: unknown) {
            if (closed) throw new DOMException('the channel is closed', 'InvalidStateError');
            posted.push({ from: owner.label, name, data });
            for (const other of open) {
              if (other === entry || other.name !== name) continue;
              const copy = structuredClone(data);
              other.owner.deliver(() => {
                if (open.has(other)) other.channel.onmessage?.({ data: copy });
              });
            }
          },
          close() {
            closed = true;
            open.delete(entry);
          },
        } as TabChannel,
      };
      open.add(entry);
      return entry.channel;
    },
    drop(owner) {
      for (const entry of [...open]) if (entry.owner === owner) entry.channel.close();
    },
  };
}
