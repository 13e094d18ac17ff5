import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'relay',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15_000,
    // The relay converts flag files on a worker thread; these hooks let that worker load the
    // TypeScript sources (see test/support/typescriptHooks.mjs).
    execArgv: ['--import', new URL('./test/support/typescriptHooks.mjs', import.meta.url).href],
  },
});
