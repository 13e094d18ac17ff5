// One page load, measured: the page's own marks (benchSite.mjs) and, from CDP Network events,
// when the first request to the relay left the browser (its headers went onto the socket).
import { READY_TIMEOUT_MS } from './benchSite.mjs';

/** Bound on the navigation and on the page's marks appearing. */
const VISIT_TIMEOUT_MS = READY_TIMEOUT_MS + 5_000;

/**
 * Opens `url` in a new page of `context` and waits for its marks. Resolves with the marks (ms
 * since navigation start: `loaded`, `created`, `first`), the first relay request's method and
 * path and when it was sent (`sent`, same clock), and the page (the caller closes it). Rejects
 * with the page's error if it got no flag.
 */
export async function measureVisit(context, url, relayOrigin) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  // CDP's request times are monotonic seconds; `wallTime - timestamp` of the same request maps
  // them onto the wall clock, which the page's performance.timeOrigin is on too.
  const requests = new Map();
  const sent = [];
  cdp.on('Network.requestWillBeSent', (event) => {
    if (!event.request.url.startsWith(relayOrigin)) return;
    requests.set(event.requestId, { method: event.request.method, url: event.request.url, toWallMs: (event.wallTime - event.timestamp) * 1000 });
  });
  cdp.on('Network.responseReceived', (event) => {
    const request = requests.get(event.requestId);
    const timing = event.response.timing;
    if (!request || !timing) return;
    sent.push({ ...request, atWallMs: timing.requestTime * 1000 + timing.sendStart + request.toWallMs });
  });
  await cdp.send('Network.enable');
  try {
    await page.goto(url, { timeout: VISIT_TIMEOUT_MS });
    await page.waitForFunction(() => window.benchMarks, null, { timeout: VISIT_TIMEOUT_MS });
  } catch (error) {
    await page.close();
    throw new Error(`${url}: no flag within ${VISIT_TIMEOUT_MS} ms (${error.message.split('\n')[0]})`);
  }
  const marks = await page.evaluate(() => window.benchMarks);
  await cdp.detach().catch(() => {});
  if (marks.error) {
    await page.close();
    throw new Error(`${url}: ${marks.error}`);
  }
  const first = sent.sort((a, b) => a.atWallMs - b.atWallMs)[0];
  return {
    page,
    marks,
    request: first && { method: first.method, path: new URL(first.url).pathname, sent: first.atWallMs - marks.timeOrigin },
  };
}
