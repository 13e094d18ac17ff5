// Moved to ../shared/logger.ts; kept until the sources import it from there.
export * from '../shared/logger.js';
