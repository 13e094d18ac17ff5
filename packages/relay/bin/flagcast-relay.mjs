#!/usr/bin/env node
// The relay's command line; the code is built into ../dist (run `pnpm -r build` first).
import { main } from '../dist/cli.js';

process.exitCode = await main();
