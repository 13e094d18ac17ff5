import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { FlagFile } from '../convert/index.js';

const FLAG_FILE = /\.(ya?ml|json)$/i;

/**
 * The flag files at `path`: the file itself, or every .yaml/.yml/.json file below a directory
 * (hidden entries and node_modules skipped), in path order so that namespaces merge
 * deterministically.
 */
export async function readFlagPath(path: string): Promise<FlagFile[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [{ name: path, contents: await readFile(path) }];
  const names: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && FLAG_FILE.test(entry.name)) names.push(full);
    }
  };
  await walk(path);
  names.sort((a, b) => (relative(path, a) < relative(path, b) ? -1 : 1));
  return Promise.all(names.map(async (name) => ({ name, contents: await readFile(name) })));
}
