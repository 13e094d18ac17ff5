// The README's examples, rendered (and type-checked by tsconfig.test.json).
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { FlagcastProvider, FlagsReady, useBooleanFlag, useFlagcastStatus, useFlagDetails, useVariantFlag } from '../src/index';
import { booleanFlag, booleanFlagFor, makeSnapshot, variantFlag } from './support/snapshots';
import { scriptedClient } from './support/scriptedClient';

afterEach(cleanup);

function Checkout() {
  const newCheckout = useBooleanFlag('new-checkout', false);
  const { variantKey, attachment } = useVariantFlag<{ accent: string }>('theme', 'light');
  return (
    <button style={{ color: attachment?.accent }}>
      {newCheckout ? 'Pay now' : 'Checkout'} ({variantKey})
    </button>
  );
}

function OrgBeta({ org }: { org: { id: string; tier: string } }) {
  const orgBeta = useBooleanFlag('org-beta', false, { entityId: org.id, context: { tier: org.tier } });
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

it('renders the README examples', () => {
  const { client } = scriptedClient(
    makeSnapshot([booleanFlag('new-checkout', true), variantFlag('theme', 'dark', { accent: 'violet' }), booleanFlagFor('org-beta', 'tier', 'gold')]),
  );
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
  expect(screen.getByRole('button').textContent).toBe('Pay now (dark)');
  expect(container.textContent).toBe(
    'ready / idlePay now (dark)org-beta truenew-checkout: true (MATCH_EVALUATION_REASON, segments )nope: FLAG_NOT_FOUND',
  );
});
