import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Library build: one ESM file with react and @flagcast/core left to the app's bundler.
// Declarations come from `tsc -p tsconfig.build.json`. Tests run against core's source
// (the `@flagcast/source` export condition), so they need no build first.
export default defineConfig({
  plugins: [
    {
      name: 'flagcast:check-use-client',
      generateBundle(_, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type === 'chunk' && chunk.isEntry && !chunk.code.startsWith('"use client";')) this.error(`${chunk.fileName} lost its 'use client' directive`);
        }
      },
    },
  ],
  resolve: { conditions: ['@flagcast/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@flagcast/source', ...defaultServerConditions] } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    sourcemap: true,
    minify: false,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: {
      external: [/^react($|\/)/, /^@flagcast\/core($|\/)/],
      // Rolldown keeps the entry's 'use client' (React Server Components bundlers need it on
      // top of the file) but warns that it might not: silence that, and check it.
      onLog: (level, log, handler) => log.code === 'MODULE_LEVEL_DIRECTIVE' || handler(level, log),
    },
  },
  test: {
    name: 'react',
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    testTimeout: 15_000,
  },
});
