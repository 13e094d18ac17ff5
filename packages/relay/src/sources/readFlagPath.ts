import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlagFileError, type FlagFile } from '../convert/index.js';
import { fileIdentity, listFlagFiles } from './flagFileList.js';

/** Default for `maxFileBytes`: about 30,000 flags; converting one takes about 1 GB. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface ReadFlagPathOptions {
  /**
   * A file written less than this long ago (or during the read) is read again this much later
   * and must read the same: a file being written is never taken half-way (default 50 ms).
   */
  settleMs?: number;
  /** Files larger than this are refused (default 8 MiB). */
  maxFileBytes?: number;
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

async function readOnce(name: string, maxFileBytes: number): Promise<Read> {
  try {
    const before = await stat(name, { bigint: true });
    const tooLarge = (size: bigint | number) =>
      new FlagFileError(name, `is ${size} bytes, over the limit of ${maxFileBytes} bytes (raise it with --max-file-size or the maxFileBytes option)`);
    if (before.size > BigInt(maxFileBytes)) throw tooLarge(before.size);
    const contents = await readFile(name);
    if (contents.length > maxFileBytes) throw tooLarge(contents.length);
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
  const names = await listFlagFiles(path);
  if (names.length === 0) throw new FlagFileError(path, 'holds no flag files (.yaml, .yml or .json)');
  const reads = await Promise.all(names.map((name) => readOnce(name, maxFileBytes)));
  const now = Date.now();
  const unsettled = reads.filter((r) => r.changed || now - r.mtimeMs < settleMs);
  if (unsettled.length > 0) {
    await sleep(settleMs);
    for (const first of unsettled) {
      const again = await readOnce(first.name, maxFileBytes);
      if (first.changed || again.changed || again.identity !== first.identity || !again.contents.equals(first.contents)) throw new FilesChangingError(first.name);
    }
  }
  return reads.map(({ name, contents }) => ({ name, contents }));
}
