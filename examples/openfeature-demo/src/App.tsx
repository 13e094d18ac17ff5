import { memo, Suspense, useRef, useState } from 'react';
import {
  OpenFeatureProvider,
  useBooleanFlagValue,
  useContextMutator,
  useObjectFlagValue,
  useOpenFeatureClientStatus,
  useStringFlagDetails,
} from '@openfeature/react-sdk';
import type { EvaluationContext } from '@openfeature/web-sdk';

export interface DemoUser {
  id: string;
  plan: 'free' | 'pro';
  country: string;
  age: number;
}

export const initialUser: DemoUser = { id: 'user-42', plan: 'pro', country: 'DE', age: 34 };

/** The OpenFeature context for a user: its id is the targeting key (Flipt's entity id). */
export function toContext({ id, ...attributes }: DemoUser): EvaluationContext {
  return { targetingKey: id, ...attributes };
}

interface Theme {
  background: string;
  surface: string;
  text: string;
  accent: string;
}

export function App() {
  return (
    <OpenFeatureProvider suspendUntilReady>
      <Suspense fallback={<p className="loading">Loading flags…</p>}>
        <ThemeRoot>
          <header className="top">
            <div>
              <h1>Flagcast × OpenFeature</h1>
              <p className="tagline">
                <code>@openfeature/react-sdk</code> hooks on <code>FlagcastWebProvider</code>: local evaluation, live edits.
              </p>
            </div>
            <Status />
          </header>
          <main className="grid">
            <section className="card">
              <h2>Evaluation context</h2>
              <UserSwitcher />
            </section>
            <PromoBanner />
            <NewCheckout />
            <ThemeName />
            <Experiment />
          </main>
          <footer className="hint">
            Edit <code>examples/react-demo/features.yml</code> while this page is open: only the cards whose flag changed render again.
          </footer>
        </ThemeRoot>
      </Suspense>
    </OpenFeatureProvider>
  );
}

function useRenderCount(): number {
  const renders = useRef(0);
  return ++renders.current;
}

/** How often a card rendered; named for the e2e tests. */
function Renders({ name, count }: { name: string; count: number }) {
  return (
    <span className="renders" data-testid={`renders-${name}`} title="Renders of this card (twice per update under `vite dev`: StrictMode)">
      {count} render{count === 1 ? '' : 's'}
    </span>
  );
}

function ThemeRoot({ children }: { children: React.ReactNode }) {
  const theme = useObjectFlagValue<Partial<Theme>>('theme', {});
  const style = { '--background': theme.background, '--surface': theme.surface, '--text': theme.text, '--accent': theme.accent } as React.CSSProperties;
  return (
    <div className="app" style={style}>
      {children}
    </div>
  );
}

const PromoBanner = memo(function PromoBanner() {
  const renders = useRenderCount();
  const show = useBooleanFlagValue('promo-banner', false);
  return (
    <section className={`card banner ${show ? 'on' : 'off'}`}>
      <h2>
        Promo banner <Renders name="promo-banner" count={renders} />
      </h2>
      <p data-testid="promo-banner">{show ? 'Pro users in Germany get free express shipping this week.' : 'For pro users in Germany aged 18 or more: change the context.'}</p>
    </section>
  );
});

const NewCheckout = memo(function NewCheckout() {
  const renders = useRenderCount();
  const enabled = useBooleanFlagValue('new-checkout', false);
  return (
    <section className="card">
      <h2>
        Checkout <Renders name="new-checkout" count={renders} />
      </h2>
      <button type="button" className={enabled ? 'new' : 'old'} data-testid="checkout">
        {enabled ? 'Pay now' : 'Continue'}
      </button>
    </section>
  );
});

const ThemeName = memo(function ThemeName() {
  const renders = useRenderCount();
  const { value, reason, flagMetadata } = useStringFlagDetails('theme', 'daylight');
  return (
    <section className="card">
      <h2>
        Theme <Renders name="theme" count={renders} />
      </h2>
      <p>
        Variant <strong data-testid="theme-variant">{value}</strong> ({reason}
        {flagMetadata['segments'] ? `, segments ${flagMetadata['segments']}` : ''}); its attachment sets the colours.
      </p>
    </section>
  );
});

const Experiment = memo(function Experiment() {
  const renders = useRenderCount();
  const { value, reason } = useStringFlagDetails('checkout-experiment', 'control');
  return (
    <section className="card">
      <h2>
        Checkout experiment <Renders name="experiment" count={renders} />
      </h2>
      <p>
        This user gets <strong data-testid="experiment-variant">{value}</strong> ({reason}). The split is by targeting key.
      </p>
    </section>
  );
});

function Status() {
  const status = useOpenFeatureClientStatus();
  return (
    <p className={`pill ${status.toLowerCase()}`} data-testid="status">
      {status}
    </p>
  );
}

function UserSwitcher() {
  const [user, setUser] = useState(initialUser);
  const { setContext } = useContextMutator({ defaultContext: true });
  const change = (next: DemoUser) => {
    setUser(next);
    void setContext(toContext(next));
  };
  return (
    <form className="user" onSubmit={(event) => event.preventDefault()}>
      <label>
        targetingKey <input value={user.id} onChange={(e) => change({ ...user, id: e.target.value })} />
      </label>
      <label>
        plan
        <select data-testid="user-plan" value={user.plan} onChange={(e) => change({ ...user, plan: e.target.value as DemoUser['plan'] })}>
          <option value="free">free</option>
          <option value="pro">pro</option>
        </select>
      </label>
      <label>
        country
        <select value={user.country} onChange={(e) => change({ ...user, country: e.target.value })}>
          {['DE', 'FR', 'US', 'JP'].map((country) => (
            <option key={country}>{country}</option>
          ))}
        </select>
      </label>
      <label>
        age <input type="number" min={0} max={120} value={user.age} onChange={(e) => change({ ...user, age: Number(e.target.value) })} />
      </label>
    </form>
  );
}
