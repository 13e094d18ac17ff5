// Moved to ../shared/compression.ts; kept until the sources import it from there.
export * from '../shared/compression.js';
