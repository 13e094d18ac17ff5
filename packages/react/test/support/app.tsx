/** The app the SSR tests render on the server and hydrate in the browser. */
import type { FlagClientOptions } from '@flagcast/core';
import { FlagcastProvider, FlagsReady, useBooleanFlag, useFlagcastStatus, useVariantFlag } from '../../src/index';
import { booleanFlag, makeSnapshot, variantFlag } from './snapshots';

export const serverSnapshot = makeSnapshot([booleanFlag('new-checkout', true), variantFlag('theme', 'dark', { accent: 'violet' })]);
export const laterSnapshot = makeSnapshot([booleanFlag('new-checkout', false), variantFlag('theme', 'dark', { accent: 'teal' })]);

function Flags() {
  const checkout = useBooleanFlag('new-checkout', false);
  const theme = useVariantFlag<{ accent: string }>('theme', 'light');
  return <p id="flags">{`checkout=${checkout} theme=${theme.variantKey}/${theme.attachment?.accent}`}</p>;
}

function Status() {
  const { status, source } = useFlagcastStatus();
  return <p id="status">{`${status} ${source}`}</p>;
}

export function App({ options }: { options: FlagClientOptions }) {
  return (
    <FlagcastProvider options={options} entityId="user-1" context={{ plan: 'pro' }}>
      <Status />
      <Flags />
      <FlagsReady fallback={<p id="waiting">waiting</p>}>
        <p id="ready">ready</p>
      </FlagsReady>
    </FlagcastProvider>
  );
}

export const withBootstrapHtml =
  '<p id="status">ready bootstrap</p><p id="flags">checkout=true theme=dark/violet</p><p id="ready">ready</p>';
export const withoutBootstrapHtml =
  '<p id="status">loading none</p><p id="flags">checkout=false theme=light/undefined</p><p id="waiting">waiting</p>';
