/**
 * Records the edge-case corpus from the oracle (Flipt's Rust engine as WASM, shipped in
 * @flipt-io/flipt-client-js): runs every case of test/corpus/cases.ts through it and writes
 * test/corpus/recorded.json. corpus.test.ts then checks our Engine reproduces that file.
 *
 *   node packages/core/scripts/record-corpus.mjs        (from the repo root, or from packages/core)
 *
 * Why .mjs: Node 20.20 has no --experimental-strip-types (that arrived in Node 22.6), so this
 * script bundles cases.ts and test/support/oracle.ts with esbuild (a root devDependency) into
 * node_modules/.cache/record-corpus/ and imports the result. The oracle package stays external
 * and resolves from packages/core/node_modules.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkgDir, 'node_modules', '.cache', 'record-corpus');
const outFile = join(outDir, 'bundle.mjs');
mkdirSync(outDir, { recursive: true });

await build({
  stdin: {
    contents: [
      "export { cases } from './test/corpus/cases.ts';",
      "export { loadOracle, normalize, normalizeFlags } from './test/support/oracle.ts';",
    ].join('\n'),
    resolveDir: pkgDir,
    sourcefile: 'record-corpus-entry.ts',
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: outFile,
  external: ['@flipt-io/*'],
  logLevel: 'warning',
});

const { cases, loadOracle, normalize, normalizeFlags } = await import(
  `${pathToFileURL(outFile).href}?t=${Date.now()}`
);

const oraclePkg = JSON.parse(
  readFileSync(join(pkgDir, 'node_modules', '@flipt-io', 'flipt-client-js', 'package.json'), 'utf8'),
);

const names = new Set();
const recorded = [];
let requests = 0;
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
  names.add(c.name);
  const load = await loadOracle(c.snapshot);
  if (!load.loaded) {
    recorded.push({ name: c.name, load: { rejected: true, error: load.error }, results: [] });
    continue;
  }
  const o = load.oracle;
  const results = [];
  for (const call of c.requests) {
    let r;
    let norm = normalize;
    switch (call.kind) {
      case 'variant':
        r = o.evaluateVariant(call.request);
        break;
      case 'boolean':
        r = o.evaluateBoolean(call.request);
        break;
      case 'batch':
        r = o.evaluateBatch(call.requests);
        break;
      case 'listFlags':
        r = o.listFlags();
        norm = normalizeFlags;
        break;
      default:
        throw new Error(`unknown call kind in case ${c.name}`);
    }
    if (!r.ok && r.fatal) throw new Error(`oracle panicked in case ${c.name}: ${r.error}`);
    results.push(r.ok ? { value: norm(r.value) } : { throws: true, error: r.error });
    requests++;
  }
  o.close();
  recorded.push({ name: c.name, load: 'ok', results });
}

const file = join(pkgDir, 'test', 'corpus', 'recorded.json');
const doc = {
  recordedWith: `${oraclePkg.name}@${oraclePkg.version}`,
  generatedBy: 'packages/core/scripts/record-corpus.mjs (do not edit by hand)',
  normalization: 'segmentKeys sorted; listFlags sorted by key; timestamp/requestDurationMillis removed',
  cases: recorded,
};
writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
console.log(`recorded ${recorded.length} cases (${requests} calls) to ${file}`);
