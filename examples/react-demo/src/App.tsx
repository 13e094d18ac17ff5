import { memo, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { VariantKeyOf } from '@flagcast/core';
import { FlagcastProvider, FlagsReady, useFlag, useFlagcastClient, useFlagcastStatus, useVariantFlag } from '@flagcast/react';
import { createExposureLog, type ExposureLog } from './exposureLog';
import { RenderCount } from './RenderCount';
import { useRenderCount } from './useRenderCount';

export interface DemoUser {
  id: string;
  plan: 'free' | 'pro';
  country: string;
  age: number;
}

const VISITORS = Array.from({ length: 100 }, (_, i) => `visitor-${i + 1}`);
// Keys and variants come from src/flags.d.ts (generated from features.yml): a variant missing
// here, or one that does not exist, is a compile error.
const VARIANT_COLORS: Record<VariantKeyOf<'checkout-experiment'>, string> = { control: '#94a3b8', 'one-click': 'var(--accent)', express: '#f59e0b' };

export function App({ relayUrl }: { relayUrl: string }) {
  const [user, setUser] = useState<DemoUser>({ id: 'user-42', plan: 'pro', country: 'DE', age: 34 });
  const [exposures] = useState(createExposureLog);
  // The provider creates the client once (even under StrictMode) and closes it on unmount.
  const options = useMemo(() => ({ url: relayUrl, onExposure: exposures.record }), [relayUrl, exposures]);
  const context = useMemo(() => ({ plan: user.plan, country: user.country, age: user.age }), [user]);
  return (
    <FlagcastProvider options={options} entityId={user.id} context={context}>
      <ThemeRoot>
        <header className="top">
          <div>
            <h1>Flagcast</h1>
            <p className="tagline">Flipt flags, evaluated in your browser, live.</p>
          </div>
          <StatusPanel />
        </header>
        <main className="grid">
          <section className="card">
            <h2>Simulated user</h2>
            <UserSwitcher user={user} onChange={setUser} />
          </section>
          {/* Suspends until the first snapshot (cache or network): no default shows, then flips. */}
          <FlagsReady fallback={<section className="card muted">Loading flags…</section>}>
            <PromoBanner />
            <NewCheckout />
            <ThemeName />
            <RolloutGrid />
          </FlagsReady>
          <ExposurePanel log={exposures} />
        </main>
        <footer className="hint">
          Edit <code>examples/react-demo/features.yml</code> while this page is open: it follows within a second.
        </footer>
      </ThemeRoot>
    </FlagcastProvider>
  );
}

/** Applies the `theme` variant's attachment as CSS variables. Its children are not re-rendered by it. */
function ThemeRoot({ children }: { children: ReactNode }) {
  // The attachment's type comes from the YAML values (src/flags.d.ts).
  const theme = useVariantFlag('theme', 'daylight');
  const colors = theme.attachment;
  const style = colors
    ? ({ '--background': colors.background, '--surface': colors.surface, '--text': colors.text, '--accent': colors.accent } as React.CSSProperties)
    : undefined;
  return (
    <div className="app" style={style} data-theme={theme.variantKey}>
      {children}
    </div>
  );
}

const ThemeName = memo(function ThemeName() {
  const renders = useRenderCount();
  const theme = useVariantFlag('theme', 'daylight');
  return (
    <section className="card" data-testid="theme">
      <h2>
        Theme <RenderCount name="theme" count={renders} />
      </h2>
      <p>
        Variant <strong data-testid="theme-variant">{theme.variantKey}</strong> ({theme.reason.replace('_EVALUATION_REASON', '').toLowerCase()}); its
        attachment sets the colours.
      </p>
    </section>
  );
});

const PromoBanner = memo(function PromoBanner() {
  const renders = useRenderCount();
  const show = useFlag('promo-banner', false);
  return (
    <section className={`card banner ${show ? 'on' : 'off'}`} data-testid="promo-banner">
      <h2>
        Promo banner <RenderCount name="promo-banner" count={renders} />
      </h2>
      {show ? (
        <p data-testid="promo-banner-text">Pro users in Germany get free express shipping this week.</p>
      ) : (
        <p className="muted">Targeted at the segment “german-pros” (pro plan, Germany, 18+). Switch the user to see it.</p>
      )}
    </section>
  );
});

const NewCheckout = memo(function NewCheckout() {
  const renders = useRenderCount();
  const enabled = useFlag('new-checkout', false);
  return (
    <section className="card" data-testid="new-checkout">
      <h2>
        Checkout <RenderCount name="new-checkout" count={renders} />
      </h2>
      {enabled ? (
        <div className="checkout new" data-testid="checkout-new">
          <strong>New checkout</strong>
          <p>One page, saved cards, Apple Pay.</p>
          <button type="button">Pay now</button>
        </div>
      ) : (
        <div className="checkout old" data-testid="checkout-old">
          <strong>Classic checkout</strong>
          <p>Four steps. It works.</p>
          <button type="button">Continue</button>
        </div>
      )}
    </section>
  );
});

const RolloutCell = memo(function RolloutCell({ visitor }: { visitor: string }) {
  const variantKey = useFlag('checkout-experiment', 'control', { entityId: visitor });
  return <span className="cell" title={`${visitor}: ${variantKey}`} data-variant={variantKey} style={{ background: VARIANT_COLORS[variantKey] }} />;
});

const RolloutGrid = memo(function RolloutGrid() {
  const renders = useRenderCount();
  return (
    <section className="card wide" data-testid="rollout">
      <h2>
        Checkout experiment: 100 visitors <RenderCount name="rollout" count={renders} />
      </h2>
      <div className="cells">
        {VISITORS.map((visitor) => (
          <RolloutCell key={visitor} visitor={visitor} />
        ))}
      </div>
      <RolloutLegend />
    </section>
  );
});

/**
 * Counts per variant; re-evaluated on every snapshot (it reads the client, not one flag). It
 * uses the throwing API: counting is not showing a visitor anything, so not an exposure.
 */
function RolloutLegend() {
  const client = useFlagcastClient();
  useFlagcastStatus();
  const counts = new Map<string, number>();
  for (const visitor of VISITORS) {
    let variant = 'control';
    try {
      variant = client.evaluateVariant({ flagKey: 'checkout-experiment', entityId: visitor, context: {} }).variantKey || variant;
    } catch {
      // the flag is missing: everyone gets the default
    }
    counts.set(variant, (counts.get(variant) ?? 0) + 1);
  }
  return (
    <p className="legend">
      {(Object.keys(VARIANT_COLORS) as (keyof typeof VARIANT_COLORS)[]).map((variant) => (
        <span key={variant}>
          <span className="swatch" style={{ background: VARIANT_COLORS[variant] }} /> {variant} <strong data-testid={`count-${variant}`}>{counts.get(variant) ?? 0}</strong>
        </span>
      ))}
    </p>
  );
}

/** The exposures `onExposure` received: who was served which value, newest first. */
function ExposurePanel({ log }: { log: ExposureLog }) {
  const latest = useSyncExternalStore(log.subscribe, log.latest);
  return (
    <section className="card wide" data-testid="exposures">
      <h2>
        Exposures <span className="renders" data-testid="exposure-count">{log.total()} reported</span>
      </h2>
      <p className="muted">
        Reported by <code>onExposure</code> once a value is on screen, once per flag, entity and value. An app sends them to its analytics tool.
      </p>
      <ol className="exposures">
        {latest.map((e, i) => (
          <li key={`${e.at}-${i}-${e.flagKey}-${e.entityId}`} data-testid="exposure">
            <time>{new Date(e.at).toLocaleTimeString()}</time> <code>{e.flagKey}</code> = <strong>{String(e.value)}</strong> for <code>{e.entityId}</code>{' '}
            <span className="muted">({e.reason.replace('_EVALUATION_REASON', '').toLowerCase()})</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function StatusPanel() {
  const { status, connection, role, source, digest, error, updatedAt } = useFlagcastStatus();
  return (
    <dl className="status" data-testid="status">
      <dt>connection</dt>
      <dd data-testid="connection" className={`pill ${connection}`}>
        {connection}
      </dd>
      <dt>role</dt>
      <dd data-testid="role" title="leader: this tab holds the connection the tabs share; follower: another tab does">
        {role}
      </dd>
      <dt>source</dt>
      <dd data-testid="source">{source}</dd>
      <dt>digest</dt>
      <dd data-testid="digest">{digest ? digest.slice(0, 10) : '–'}</dd>
      <dt>updated</dt>
      <dd data-testid="updated">{updatedAt ? new Date(updatedAt).toLocaleTimeString() : '–'}</dd>
      {status === 'error' || error ? (
        <>
          <dt>error</dt>
          <dd data-testid="error" className="error">
            {error?.code}: {error?.message}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function UserSwitcher({ user, onChange }: { user: DemoUser; onChange(user: DemoUser): void }) {
  return (
    <form className="user" onSubmit={(event) => event.preventDefault()}>
      <label>
        id <input data-testid="user-id" value={user.id} onChange={(e) => onChange({ ...user, id: e.target.value || 'anonymous' })} />
      </label>
      <label>
        plan
        <select data-testid="user-plan" value={user.plan} onChange={(e) => onChange({ ...user, plan: e.target.value as DemoUser['plan'] })}>
          <option value="free">free</option>
          <option value="pro">pro</option>
        </select>
      </label>
      <label>
        country
        <select data-testid="user-country" value={user.country} onChange={(e) => onChange({ ...user, country: e.target.value })}>
          {['DE', 'FR', 'US', 'JP'].map((country) => (
            <option key={country}>{country}</option>
          ))}
        </select>
      </label>
      <label>
        age <input data-testid="user-age" type="number" min={0} max={120} value={user.age} onChange={(e) => onChange({ ...user, age: Number(e.target.value) })} />
      </label>
    </form>
  );
}
