'use client';
export { FlagcastProvider, useFlagcastClient, type FlagcastProviderProps } from './FlagcastProvider';
export { useBooleanFlag } from './useBooleanFlag';
export { useVariantFlag, type VariantFlag } from './useVariantFlag';
export { useFlagDetails, type FlagDetails, type FlagDetailsOptions } from './useFlagDetails';
export { useFlagcastStatus } from './useFlagcastStatus';
export { FlagsReady, type FlagsReadyProps } from './FlagsReady';
export type { FlagOptions } from './useEvaluation';
