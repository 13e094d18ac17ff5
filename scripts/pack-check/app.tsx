// A stranger's app, type-checked by scripts/pack-check.mjs against the packed tarballs under
// moduleResolution nodenext, node16 and bundler (strict, exactOptionalPropertyTypes, no skipLibCheck).
import { createFlagClient, Engine, parseSnapshot, toEvaluationContext, watchFlag, type FlagClientOptions, type LooseContext } from '@flagcast/core';
import { createNetworkSource, FOLLOWER_DEFAULTS, type NetworkSink } from '@flagcast/core/network';
import { FlagcastProvider, FlagsReady, useBooleanFlag, useFlagDetails, useVariantFlag, type FlagcastProviderProps } from '@flagcast/react';

// An interface has no index signature: LooseContext must take it all the same.
interface User {
  plan: string;
  age: number;
  signedUpAt: Date;
  beta?: boolean | undefined;
}
const user: User = { plan: 'pro', age: 42, signedUpAt: new Date(0) };

// exactOptionalPropertyTypes: options that are not set may be passed as undefined.
const options: FlagClientOptions = { url: 'http://127.0.0.1:8787', namespace: undefined, retry: { minDelayMs: undefined } };
const client = createFlagClient(options);
const enabled: boolean = client.getBoolean('new-checkout', false, 'user-1', user);
const variant: string = client.getVariant('theme', 'light', 'user-1', { plan: 'free', visits: 3 });
const loose: LooseContext = { plan: 'pro', admin: true };
const context: Record<string, string> = toEvaluationContext(loose);
const stop: () => void = watchFlag(client, { flagKey: 'new-checkout', entityId: 'user-1', type: 'boolean', context: user }, (result) => {
  if (result && 'enabled' in result) console.log(result.enabled, result.segmentKeys.length);
});

const engine = new Engine(parseSnapshot({ namespace: { key: 'default' }, flags: [] }));
const namespace: string = engine.namespace;

function Checkout() {
  const newCheckout: boolean = useBooleanFlag('new-checkout', false, { context: user, entityId: undefined });
  const theme = useVariantFlag<{ accent: string }>('theme', 'light');
  const details = useFlagDetails('new-checkout', { type: 'boolean', context: user });
  const accent: string | undefined = theme.attachment?.accent;
  return (
    <button style={{ color: accent }}>
      {newCheckout ? 'Pay now' : 'Checkout'} {details.errorCode ?? details.result.reason}
    </button>
  );
}

const providerProps: FlagcastProviderProps = { client, entityId: 'user-1', context: undefined, options: undefined };
export const app = (
  <FlagcastProvider options={{ url: 'http://127.0.0.1:8787', bootstrap: undefined }} entityId="user-1" context={user}>
    <FlagsReady fallback={<p>loading</p>}>
      <Checkout />
    </FlagsReady>
  </FlagcastProvider>
);
export const used = [enabled, variant, context, stop, namespace, providerProps];

// A server process following a namespace itself, with the client's defaults.
const sink: NetworkSink = {
  current: () => ({ digest: undefined, fromNetwork: false, hasSnapshot: false }),
  deliver: () => {},
  confirmed: () => {},
  connection: () => {},
  polling: () => {},
  report: () => {},
  opened: () => {},
};
export const follower = createNetworkSource(
  { ...FOLLOWER_DEFAULTS, endpoint: { url: 'http://127.0.0.1:8787', namespace: 'default', environment: 'default', authorization: undefined, reference: undefined }, fetch, transport: 'sse' },
  sink,
);
