'use client';
export { FlagcastProvider, useFlagcastClient, type FlagcastProviderProps } from './FlagcastProvider.js';
export { useFlag } from './useFlag.js';
export { useBooleanFlag } from './useBooleanFlag.js';
export { useVariantFlag, type VariantFlag } from './useVariantFlag.js';
export { useFlagDetails, type FlagDetails, type FlagDetailsOptions } from './useFlagDetails.js';
export { useFlagcastStatus } from './useFlagcastStatus.js';
export { FlagsReady, type FlagsReadyProps } from './FlagsReady.js';
export type { FlagOptions } from './useEvaluation.js';
