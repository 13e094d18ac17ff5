// Deliberate type errors: each line marked `planted` must be reported with that code, under
// every moduleResolution mode, and nothing else in the app may be (types that silently became
// `any` would report none of them).
/// <reference types="@flagcast/core/iife" />
import { createFlagClient } from '@flagcast/core';
import { useBooleanFlag } from '@flagcast/react';

const plantedClient = createFlagClient({ url: 'http://127.0.0.1:8787' });
export const plantedNumber: number = plantedClient.getBoolean('f', false, 'u'); // planted TS2322
export const plantedArray = plantedClient.getBoolean('f', false, 'u', { tags: ['a', 'b'] }); // planted TS2322
export const plantedOption = createFlagClient({ url: 'http://127.0.0.1:8787', transport: 'websocket' }); // planted TS2322
export function PlantedHook() {
  const text: string = useBooleanFlag('f', false); // planted TS2322
  return <p>{text}</p>;
}
export const plantedGlobal: number = Flagcast.createFlagClient({ url: 'x' }).getVariant('f', 'd', 'u'); // planted TS2322
