// Preloaded (vite.config.ts `execArgv`) into vitest's workers and so into every worker thread
// the relay starts under test: the relay converts flag files on a worker thread whose entry is
// `convertWorker.js`, which exists only after a build. These hooks let Node load the
// TypeScript sources instead (a `.js` import with no file beside a `.ts` of the same name).
import { register } from 'node:module';

register('./typescriptLoader.mjs', import.meta.url);
