// The README's examples, rendered (and type-checked by tsconfig.test.json).
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { Exposure } from '@flagcast/core';
import { FlagcastProvider, FlagsReady, useFlag, useFlagcastStatus, useFlagDetails, useVariantFlag } from '../src/index';
import { booleanFlag, booleanFlagFor, makeSnapshot, variantFlag } from './support/snapshots';
import { scriptedClient } from './support/scriptedClient';

afterEach(cleanup);

function Checkout() {
  const newCheckout = useFlag('new-checkout', false); // a boolean flag: its value
  const layout = useFlag('checkout-layout', 'classic'); // a variant flag: its variant key
  const { attachment } = useVariantFlag<{ accent: string }>('theme', 'light'); // the whole result
  return (
    <button className={layout} style={{ color: attachment?.accent }}>
      {newCheckout ? 'Pay now' : 'Checkout'}
    </button>
  );
}

function OrgBeta({ org }: { org: { id: string; tier: string } }) {
  const orgBeta = useFlag('org-beta', false, { entityId: org.id, context: { tier: org.tier } });
  return <i>{`org-beta ${orgBeta}`}</i>;
}

function FlagDebug({ flagKey }: { flagKey: string }) {
  const { result, errorCode } = useFlagDetails(flagKey, { type: 'boolean' });
  if (errorCode) return <code>{flagKey}: {errorCode}</code>;
  return (
    <code>
      {flagKey}: {String(result.enabled)} ({result.reason}, segments {result.segmentKeys.join(', ')})
    </code>
  );
}

function ConnectionBadge() {
  const { status, connection, error } = useFlagcastStatus();
  return <span title={error?.message}>{status} / {connection}</span>;
}

const readmeSnapshot = makeSnapshot([
  booleanFlag('new-checkout', true),
  variantFlag('checkout-layout', 'one-page'),
  variantFlag('theme', 'dark', { accent: 'violet' }),
  booleanFlagFor('org-beta', 'tier', 'gold'),
]);

it('renders the README examples', () => {
  const { client } = scriptedClient(readmeSnapshot);
  const { container } = render(
    <FlagcastProvider client={client} entityId="user-1">
      <ConnectionBadge />
      <FlagsReady fallback={<p>Loading…</p>}>
        <Checkout />
        <OrgBeta org={{ id: 'org-1', tier: 'gold' }} />
        <FlagDebug flagKey="new-checkout" />
        <FlagDebug flagKey="nope" />
      </FlagsReady>
    </FlagcastProvider>,
  );
  expect(screen.getByRole('button').outerHTML).toBe('<button class="one-page" style="color: violet;">Pay now</button>');
  expect(container.textContent).toBe('ready / idlePay noworg-beta truenew-checkout: true (MATCH_EVALUATION_REASON, segments )nope: FLAG_NOT_FOUND');
});

it("the README's exposure example sends each exposure to the analytics tool once", () => {
  const posthog = { capture: vi.fn() };
  const onExposure = ({ flagKey, value }: Exposure) =>
    posthog.capture('$feature_flag_called', { $feature_flag: flagKey, $feature_flag_response: value });
  const { client } = scriptedClient(readmeSnapshot, { onExposure });
  render(
    <FlagcastProvider client={client} entityId="user-1">
      <Checkout />
      <Checkout />
    </FlagcastProvider>,
  );
  expect(posthog.capture.mock.calls).toEqual([
    ['$feature_flag_called', { $feature_flag: 'new-checkout', $feature_flag_response: true }],
    ['$feature_flag_called', { $feature_flag: 'checkout-layout', $feature_flag_response: 'one-page' }],
    ['$feature_flag_called', { $feature_flag: 'theme', $feature_flag_response: 'dark' }],
  ]);
});
