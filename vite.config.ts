import { defineConfig } from 'vitest/config';

// One vitest run covers every package; each package keeps its own test settings
// in its own vite.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*/vite.config.ts'],
  },
});
