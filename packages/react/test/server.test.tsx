// @vitest-environment node
// Server rendering in a real server environment: no window, no connection, no timer left behind.
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App, serverSnapshot, withBootstrapHtml, withoutBootstrapHtml } from './support/app';

afterEach(() => vi.useRealTimers());

describe('server rendering', () => {
  it('with a bootstrap snapshot: its values, and nothing started', () => {
    expect(typeof window).toBe('undefined');
    vi.useFakeTimers();
    const fetch = vi.fn<typeof globalThis.fetch>();
    const html = renderToString(<App options={{ url: 'http://flags.test', bootstrap: serverSnapshot, fetch }} />);
    expect(html).toBe(withBootstrapHtml);
    expect(fetch).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without one: defaults, status loading, and the FlagsReady fallback', () => {
    vi.useFakeTimers();
    const fetch = vi.fn<typeof globalThis.fetch>();
    const html = renderToString(<App options={{ url: 'http://flags.test', fetch }} />);
    expect(html).toBe(withoutBootstrapHtml);
    expect(fetch).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
