import { defineConfig } from 'vite';

// Library build: one ESM file; declarations come from `tsc -p tsconfig.build.json`.
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'index.js',
    },
  },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
