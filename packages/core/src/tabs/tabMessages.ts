import type { FlagClientErrorCode } from '../errors.js';
import type { ConnectionState } from '../transport/connectionLoop.js';
import type { ClientStatus, SnapshotSource, TransportMode } from '../client/clientTypes.js';

/**
 * What tabs sharing one connection say to each other over their BroadcastChannel. Every
 * message from a leader carries its epoch (a fencing token: a newer leader has a larger one),
 * so a leader that lost its lock while frozen is ignored, and steps down, once it wakes.
 * Never a token: credentials only shape the channel's name, through a hash.
 */
export type TabMessage =
  /** A snapshot the leader received from the network, as JSON text (cheaper to post than an object). */
  | { kind: 'snapshot'; epoch: number; seq: number; digest: string | undefined; source: SnapshotSource; updatedAt: number | undefined; json: string }
  /** The leader's state, on every change and as its heartbeat. */
  | {
      kind: 'state';
      epoch: number;
      /** Sent by the leader's timer: proves it alive (a frozen tab still answers messages). */
      beat: boolean;
      status: ClientStatus;
      /** The leader's snapshot and where it came from: a follower holding the same flags (from its cache) takes the source. */
      digest: string | undefined;
      source: SnapshotSource;
      connection: ConnectionState;
      transport: TransportMode;
      error: SharedError | null;
      /** The leader's page is visible: a hidden one's timers are throttled, so its heartbeat may lag. */
      visible: boolean;
    }
  /** A tab joined (or came back): the leader answers with its state and its snapshot, when newer. */
  | { kind: 'hello'; digest: string | undefined }
  /** A follower's `refresh()`: the leader fetches. */
  | { kind: 'refresh' };

export interface SharedError {
  code: FlagClientErrorCode;
  message: string;
  status: number | undefined;
  url: string | undefined;
}
