// The conversion worker's entry (started by WorkerConverter): converts flag files and
// serializes and compresses each namespace's body here, off the relay's event loop, then hands
// the flags out in slices so that the relay never spends long taking one message in.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { SnapshotFlag } from '@flagcast/core';
import { convertFlagFiles, FlagFileError } from '../convert/index.js';
import { brotliBody, gzipBody } from '../shared/compression.js';
import type { ConvertedNamespace, FromWorker, ToWorker } from './workerConverter.js';

const port = parentPort!;
/** The flags of the last conversion, until the relay has taken them all. */
let flags = new Map<string, SnapshotFlag[]>();

const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'convert') {
    flags = new Map();
    try {
      const { snapshots, warnings } = convertFlagFiles(message.files, { now: new Date(message.now) });
      const namespaces: ConvertedNamespace[] = [];
      for (const [key, snapshot] of snapshots) {
        const body = Buffer.from(JSON.stringify(snapshot));
        namespaces.push({ key, head: { ...snapshot, flags: [] }, flagCount: snapshot.flags.length, body, gzip: gzipBody(body), brotli: brotliBody(body) });
        flags.set(key, snapshot.flags);
      }
      post({ type: 'converted', id: message.id, namespaces, warnings, heapBytes: getHeapStatistics().total_heap_size });
    } catch (err) {
      const error =
        err instanceof FlagFileError
          ? { file: err.file, reason: err.reason, ...(err.line === undefined ? {} : { line: err.line, column: err.column ?? 0 }) }
          : { reason: err instanceof Error ? err.message : String(err) };
      post({ type: 'failed', id: message.id, error });
    }
  } else if (message.type === 'flags') {
    post({ type: 'flags', id: message.id, flags: flags.get(message.namespace)?.slice(message.from, message.from + message.count) ?? [] });
  } else {
    flags = new Map();
  }
});

post({ type: 'ready', id: 0 });
