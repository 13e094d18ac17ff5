// The README's examples, run against the real relay serving the React demo's features.yml (a
// copy in a temporary folder, edited while the examples run), and type-checked by tsconfig.test.json.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { createFlagClient } from '@flagcast/core';
import { createRelay, type Relay } from '@flagcast/relay';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OpenFeatureProvider, useBooleanFlagValue, useObjectFlagValue } from '@openfeature/react-sdk';
import { Suspense } from 'react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { FlagcastWebProvider } from '../src/index';
import { resetOpenFeature } from './support/openFeature';

let dir: string;
let file: string;
let relay: Relay;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flagcast-openfeature-'));
  file = join(dir, 'features.yml');
  copyFileSync(join(import.meta.dirname, '../../../examples/react-demo/features.yml'), file);
  relay = await createRelay({ file, port: 0, logLevel: 'silent', debounceMs: 10 });
});
afterEach(async () => {
  cleanup();
  await resetOpenFeature();
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Edits the served flag file, as a developer would while the page is open. */
const edit = (from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

it('Quick start', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});

  const provider = new FlagcastWebProvider({ url: relay.url });
  await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-42', plan: 'pro', country: 'DE', age: 34 });

  const flags = OpenFeature.getClient();
  expect(flags.getBooleanValue('new-checkout', false)).toBe(true);
  expect(flags.getStringValue('theme', 'dusk')).toBe('daylight');
  expect(flags.getObjectValue('theme', {})).toMatchObject({ background: '#f8fafc', accent: '#7c3aed' });
  expect(flags.getBooleanDetails('promo-banner', false)).toMatchObject({
    value: true,
    variant: 'true',
    reason: 'TARGETING_MATCH',
    flagMetadata: { segments: 'german-pros' },
  });

  flags.addHandler(ProviderEvents.ConfigurationChanged, (event) => {
    console.log('edited:', event?.flagsChanged);
  });
  edit('- variant: daylight', '- variant: dusk');
  await vi.waitFor(() => expect(log).toHaveBeenCalledWith('edited:', ['theme']));
  expect(flags.getStringValue('theme', 'daylight')).toBe('dusk');

  const requests = relay.streams();
  await OpenFeature.setContext({ targetingKey: 'user-7', plan: 'free' });
  expect(flags.getBooleanValue('promo-banner', true)).toBe(false);
  expect(relay.streams()).toEqual(requests);
});

it('bring your own client, with onTrack', async () => {
  const sent: unknown[] = [];
  const analytics = { send: (name: string, details: unknown) => void sent.push([name, details]) };

  const client = createFlagClient({ url: relay.url });
  OpenFeature.setProvider(new FlagcastWebProvider({ client, onTrack: (name, context, details) => analytics.send(name, details) }));

  await client.ready();
  await vi.waitFor(() => expect(OpenFeature.getClient().providerStatus).toBe('READY'));
  OpenFeature.getClient().track('checkout', { value: 30 });
  expect(sent).toEqual([['checkout', { value: 30 }]]);
  await OpenFeature.clearProviders();
  expect(client.status).toBe('ready'); // yours: still open
  client.close();
});

it('React', async () => {
  OpenFeature.setProvider(new FlagcastWebProvider({ url: relay.url }), { targetingKey: 'user-42', plan: 'pro' });

  function Checkout() {
    const newCheckout = useBooleanFlagValue('new-checkout', false);
    const { accent } = useObjectFlagValue('theme', { accent: '#7c3aed' });
    return <button style={{ background: accent }}>{newCheckout ? 'Pay now' : 'Checkout'}</button>;
  }

  function App() {
    return (
      <OpenFeatureProvider suspendUntilReady>
        <Suspense fallback={<p>Loading flags…</p>}>
          <Checkout />
        </Suspense>
      </OpenFeatureProvider>
    );
  }

  await act(async () => {
    render(<App />);
  });
  await waitFor(() => expect(screen.getByRole('button').textContent).toBe('Pay now'));
  expect(screen.getByRole('button').style.background).toBe('rgb(124, 58, 237)');
  edit('type: BOOLEAN_FLAG_TYPE\n    enabled: true', 'type: BOOLEAN_FLAG_TYPE\n    enabled: false');
  await waitFor(() => expect(screen.getByRole('button').textContent).toBe('Checkout'));
});
