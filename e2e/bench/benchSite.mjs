// The pages the browser bench loads: one page shape per library (the library's script, then a
// script that creates a client on the relay and evaluates one flag), each recording its own
// marks with performance.now() (ms since navigation start) in `window.benchMarks`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// The built files, as the packages export them (run `pnpm -r build` first).
const FLAGCAST_IIFE = fileURLToPath(import.meta.resolve('@flagcast/core/iife'));
const FLIPT_BROWSER = fileURLToPath(import.meta.resolve('@flipt-io/flipt-client-js/browser'));
/** How long a client may take to its first flag before the page records an error. */
export const READY_TIMEOUT_MS = 15_000;

/** The flag evaluated and the user it is evaluated for (examples/script-tag/features.yml: true). */
const FLAG = { flagKey: 'welcome-banner', entityId: 'user-42', context: { plan: 'pro' } };

const shell = (body) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>browser bench</title></head>
  <body>
    <p>welcome-banner: <span id="flag">…</span></p>
${body}
  </body>
</html>
`;

// The IIFE build as the script-tag example uses it; ?tabs=own for a connection of its own.
const flagcastPage = shell(`    <script src="/flagcast.iife.js"></script>
    <script>
      (() => {
        const loaded = performance.now();
        const params = new URLSearchParams(location.search);
        const flag = ${JSON.stringify(FLAG)};
        const created = performance.now();
        const client = Flagcast.createFlagClient({ url: params.get('relay'), tabs: params.get('tabs') === 'own' ? 'own' : 'shared' });
        client.ready({ timeoutMs: ${READY_TIMEOUT_MS} }).then(
          () => {
            const value = client.getBoolean(flag.flagKey, false, flag.entityId, flag.context);
            const first = performance.now();
            document.getElementById('flag').textContent = String(value);
            window.benchMarks = { loaded, created, first, value, source: client.getState().source, timeOrigin: performance.timeOrigin };
          },
          (error) => (window.benchMarks = { error: String(error) }),
        );
      })();
    </script>`);

// Flipt's browser SDK, its browser build served as it is (a module: its only form).
const fliptPage = shell(`    <script type="module">
      import { FliptClient } from '/flipt-client.mjs';
      const loaded = performance.now();
      const params = new URLSearchParams(location.search);
      const flag = ${JSON.stringify(FLAG)};
      const created = performance.now();
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no flags within ${READY_TIMEOUT_MS} ms')), ${READY_TIMEOUT_MS}));
      Promise.race([FliptClient.init({ url: params.get('relay'), namespace: 'default' }), timeout]).then(
        (client) => {
          const value = client.evaluateBoolean(flag).enabled;
          const first = performance.now();
          document.getElementById('flag').textContent = String(value);
          window.benchMarks = { loaded, created, first, value, source: 'network', timeOrigin: performance.timeOrigin };
        },
        (error) => (window.benchMarks = { error: String(error) }),
      );
    </script>`);

/**
 * Serves `/flagcast.html` and `/flipt.html` with the two libraries, on 127.0.0.1. Never cached
 * (`no-store`): every visit loads the library again, as the e2e static server does.
 */
export async function startBenchSite() {
  const files = {
    '/flagcast.html': { type: 'text/html; charset=utf-8', body: flagcastPage },
    '/flipt.html': { type: 'text/html; charset=utf-8', body: fliptPage },
    '/flagcast.iife.js': { type: 'text/javascript; charset=utf-8', body: await readFile(FLAGCAST_IIFE) },
    '/flipt-client.mjs': { type: 'text/javascript; charset=utf-8', body: await readFile(FLIPT_BROWSER) },
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
