import { defineConfig } from 'vite';

// Library build. Two passes (see TOOLCHAIN.md): the ESM build keeps dependencies external for
// the app's bundler; `FLAGCAST_IIFE=1` builds one self-contained file for a <script> tag,
// exposing `window.Flagcast`. Declarations come from `tsc -p tsconfig.build.json`.
const iife = process.env['FLAGCAST_IIFE'] === '1';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: !iife,
    minify: iife,
    sourcemap: true,
    lib: iife
      ? { entry: 'src/index.ts', formats: ['iife'], name: 'Flagcast', fileName: () => 'flagcast.iife.js' }
      : { entry: { index: 'src/index.ts', network: 'src/network.ts' }, formats: ['es'], fileName: (_, name) => `${name}.js` },
    // Named constants stay constants (not `var`s), so bundlers and V8 treat them as literals.
    rollupOptions: { ...(iife ? {} : { external: ['idb-keyval', 'eventsource-parser'] }), output: { topLevelVar: false }, optimization: { inlineConst: true } },
  },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
