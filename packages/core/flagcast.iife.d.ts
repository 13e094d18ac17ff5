// The declaration of dist/flagcast.iife.js, the script-tag build (copied into dist/ by `build`,
// so `./index.js` is the package's own declarations). Reference it from a script that uses the
// global: `/// <reference types="@flagcast/core/iife" />`.
declare global {
  /** `@flagcast/core`, as `<script src="flagcast.iife.js">` exposes it on `window`. */
  var Flagcast: typeof import('./index.js');
}

export {};
