// Size budgets, measured as an app would ship the code: bundled from the built packages,
// tree-shaken, minified and gzipped. Fails (exit 1) when an entry is over budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const core = `${root}packages/core/dist/index.js`;
const react = `${root}packages/react/dist/index.js`;

const budgets = [
  {
    name: 'engine only (import { Engine })',
    contents: `export { Engine } from ${JSON.stringify(core)};`,
    limit: 3 * 1024,
  },
  {
    name: 'all of @flagcast/core (client + engine + deps)',
    contents: `export * from ${JSON.stringify(core)};`,
    limit: 8 * 1024,
  },
  {
    // What the React layer adds to an app that already ships the core: (react + core) - core.
    name: '@flagcast/react on top of the core',
    contents: `export * from ${JSON.stringify(react)}; export * from ${JSON.stringify(core)};`,
    base: `export * from ${JSON.stringify(core)};`,
    limit: 2 * 1024,
  },
  {
    name: 'flagcast.iife.js (script tag, as shipped)',
    file: `${root}packages/core/dist/flagcast.iife.js`,
    limit: 9 * 1024,
  },
];

async function gzippedSize({ contents, file }) {
  if (file) {
    const code = readFileSync(file);
    return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    external: ['react', 'react-dom'], // the app's, not ours
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

if (!existsSync(core)) {
  console.error(`size: ${core} is missing; run \`pnpm build\` first`);
  process.exit(1);
}
let failed = false;
console.log('entry'.padEnd(48), 'minified'.padStart(10), 'gzip'.padStart(8), 'budget'.padStart(8));
for (const { name, contents, file, base, limit } of budgets) {
  let { raw, gzip } = await gzippedSize({ contents, file });
  if (base) {
    // An increment: the same measurement less that of what the app ships anyway.
    const without = await gzippedSize({ contents: base });
    raw -= without.raw;
    gzip -= without.gzip;
  }
  const over = gzip > limit;
  failed ||= over;
  console.log(name.padEnd(48), `${raw} B`.padStart(10), `${gzip} B`.padStart(8), `${limit} B`.padStart(8), over ? 'OVER BUDGET' : 'ok');
}
process.exit(failed ? 1 : 0);
