export { FlagcastWebProvider, type FlagcastWebProviderOptions } from './FlagcastWebProvider.js';
