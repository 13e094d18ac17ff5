// Debian's Chromium, never a downloaded browser, with the flags that keep it quiet on a closed
// network: one list for the Playwright config, the CDP launch of the tab tests and the browser
// bench (plain JavaScript so that the bench, run by Node itself, can import it too).
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
