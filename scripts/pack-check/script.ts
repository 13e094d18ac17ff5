// A page script using the script-tag build's global, typed by @flagcast/core/iife.
/// <reference types="@flagcast/core/iife" />

const pageClient = Flagcast.createFlagClient({ url: 'http://127.0.0.1:8787', transport: 'poll' });
const beta: boolean = window.Flagcast.watchFlag === Flagcast.watchFlag && pageClient.getBoolean('beta', false, 'user-1');
export const scriptUsed = [beta];
