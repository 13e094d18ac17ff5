// A CommonJS file requiring the ESM package: Node >= 20.19 loads it with require(esm), and
// TypeScript >= 5.8 accepts it under module nodenext (only that mode checks this file).
import core = require('@flagcast/core');

const legacyEngine: typeof core.Engine = core.Engine;
export = legacyEngine;
