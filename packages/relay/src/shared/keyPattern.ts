/**
 * What Flipt accepts as a flag, segment, namespace or environment key. One pattern for the
 * converter's checks, the relay's path checks and the type generator's arguments.
 */
export const KEY_PATTERN = /^[-_,A-Za-z0-9]+$/;
