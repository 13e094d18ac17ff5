// Moved to ../createRelay.ts; kept until the CLI imports it from there.
export * from '../createRelay.js';
