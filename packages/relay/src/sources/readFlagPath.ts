import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlagFileError, type FlagFile } from '../convert/index.js';
import { fileIdentity, listFlagFiles, notRegular } from './flagFileList.js';

/** Default for `maxFileBytes`: about 30,000 flags; converting one takes about 1 GB. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Default for `readTimeoutMs`: a file (a hung network filesystem) that takes longer fails to load. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

export interface ReadFlagPathOptions {
  /**
   * A file written less than this long ago (or during the read) is read again this much later
   * and must read the same: a file being written is never taken half-way (default 50 ms).
   */
  settleMs?: number;
  /** Files larger than this are refused (default 8 MiB). */
  maxFileBytes?: number;
  /** Longest the reading of one file may take (default 30 s); the load then fails and is retried. */
  readTimeoutMs?: number;
}

/** A file took longer than `readTimeoutMs` to read. */
export class ReadTimeoutError extends Error {
  override readonly name = 'ReadTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly file: string, timeoutMs: number) {
    super(`${file}: reading took longer than ${timeoutMs} ms and was abandoned`);
  }
}

/** A flag file changed while it was read (a write in progress, or a file replaced): read later. */
export class FilesChangingError extends Error {
  override readonly name = 'FilesChangingError';
  constructor(readonly file: string) {
    super(`${file} is being written; it is read again once it stops changing`);
  }
}

interface Read {
  name: string;
  contents: Buffer;
  identity: string;
  /** The identity changed while the file was read. */
  changed: boolean;
  mtimeMs: number;
}

/**
 * At most `limit` bytes of `name`, which must be a regular file: opened without blocking (a FIFO
 * would wait for a writer), refused unless fstat says it is a file (a link to /dev/zero never
 * ends), and given up after `timeoutMs` (the read itself finishes in the background).
 */
async function readBounded(name: string, limit: number, timeoutMs: number): Promise<Buffer> {
  const handle = await open(name, constants.O_RDONLY | constants.O_NONBLOCK);
  let timer: NodeJS.Timeout | undefined;
  const reading = (async () => {
    const info = await handle.stat();
    if (!info.isFile()) throw new FlagFileError(name, notRegular(info));
    // Sized for the file as it is now (plus the byte that tells it grew), grown if it grows.
    let buffer = Buffer.allocUnsafe(Math.min(limit, info.size + 1));
    let length = 0;
    while (length < limit) {
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  })().finally(() => void handle.close().catch(() => {}));
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadTimeoutError(name, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
    reading.catch(() => {});
  }
}

async function readOnce(name: string, maxFileBytes: number, timeoutMs: number): Promise<Read> {
  try {
    const before = await stat(name, { bigint: true });
    if (!before.isFile()) throw new FlagFileError(name, notRegular(before));
    const tooLarge = (size: bigint | number | string) =>
      new FlagFileError(name, `is ${size} bytes, over the limit of ${maxFileBytes} bytes (raise it with --max-file-size or the maxFileBytes option)`);
    if (before.size > BigInt(maxFileBytes)) throw tooLarge(before.size);
    // One byte over the limit tells a file that grew past it from one at it.
    const contents = await readBounded(name, maxFileBytes + 1, timeoutMs);
    if (contents.length > maxFileBytes) throw tooLarge(`at least ${contents.length}`);
    const after = await stat(name, { bigint: true });
    const identity = fileIdentity(after);
    return { name, contents, identity, changed: identity !== fileIdentity(before), mtimeMs: Number(after.mtimeNs / 1_000_000n) };
  } catch (err) {
    // Listed a moment ago, gone now: replaced or removed while we read.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FilesChangingError(name);
    throw err;
  }
}

/**
 * Reads the flag files at `path` (see listFlagFiles) once they have settled. A file whose
 * modification time is within `settleMs`, or that changed while read, is read a second time
 * `settleMs` later and must have the same identity and bytes; otherwise FilesChangingError.
 * Files replaced by a rename (editors, `kubectl`'s ConfigMap updates) settle on the first read.
 */
export async function readFlagPath(path: string, options: ReadFlagPathOptions = {}): Promise<FlagFile[]> {
  const settleMs = options.settleMs ?? 50;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const timeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const names = await listFlagFiles(path);
  if (names.length === 0) throw new FlagFileError(path, 'holds no flag files (.yaml, .yml or .json)');
  const reads = await Promise.all(names.map((name) => readOnce(name, maxFileBytes, timeoutMs)));
  const now = Date.now();
  const unsettled = reads.filter((r) => r.changed || now - r.mtimeMs < settleMs);
  if (unsettled.length > 0) {
    await sleep(settleMs);
    for (const first of unsettled) {
      const again = await readOnce(first.name, maxFileBytes, timeoutMs);
      if (first.changed || again.changed || again.identity !== first.identity || !again.contents.equals(first.contents)) throw new FilesChangingError(first.name);
    }
  }
  return reads.map(({ name, contents }) => ({ name, contents }));
}
