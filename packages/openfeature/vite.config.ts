import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Library build: one ESM file with @flagcast/core and OpenFeature left to the app's bundler.
// Declarations come from `tsc -p tsconfig.build.json`. Tests run against core's source
// (the `@flagcast/source` export condition), so they need no build first.
export default defineConfig({
  resolve: { conditions: ['@flagcast/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@flagcast/source', ...defaultServerConditions] } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    sourcemap: true,
    minify: false,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: {
      external: [/^@flagcast\/core($|\/)/, /^@openfeature\//],
    },
  },
  test: {
    name: 'openfeature',
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    testTimeout: 15_000,
  },
});
