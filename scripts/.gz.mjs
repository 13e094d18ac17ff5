import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ stdin: { contents: `export * from "/work/main/packages/core/src/index.ts"`, resolveDir: '/work/main', loader: 'ts' }, bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, logLevel: 'silent' });
const c = r.outputFiles[0].contents;
console.log('src core gzip', gzipSync(c, { level: 9 }).length, 'min', c.length);
