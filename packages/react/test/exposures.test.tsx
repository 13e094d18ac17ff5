// Exposures from the hooks: reported once committed (never during render), once per value and
// entity however often a component renders (StrictMode included), again when the value changes;
// a throwing onExposure breaks no render.
import { act, cleanup, render, screen } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Exposure } from '@flagcast/core';
import { FlagcastProvider, useBooleanFlag, useFlag, useFlagDetails, useVariantFlag } from '../src/index';
import { booleanFlag, booleanFlagFor, makeSnapshot, variantFlag, type TestSnapshot } from './support/snapshots';
import { scriptedClient } from './support/scriptedClient';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const s1 = makeSnapshot([booleanFlag('a', true), variantFlag('theme', 'dark', { accent: 'violet' }), booleanFlagFor('pro', 'plan', 'pro')]);

/** A client whose exposures land in `log`, each with what the page showed at that moment. */
function observed(snapshot: TestSnapshot | undefined) {
  const log: { exposure: Exposure; page: string }[] = [];
  const scripted = scriptedClient(snapshot, { onExposure: (exposure) => log.push({ exposure, page: document.body.textContent ?? '' }) });
  const values = () => log.map(({ exposure: e }) => `${e.flagKey}/${e.entityId}=${e.value}`);
  return { ...scripted, log, values };
}

let renders = 0;
function Flags() {
  renders++;
  const a = useBooleanFlag('a', false);
  const theme = useVariantFlag('theme', 'light');
  return <p>{`a=${a} theme=${theme.variantKey}`}</p>;
}

describe('exposures from hooks', () => {
  it('are reported after commit: the page already shows the value', () => {
    const { client, log } = observed(s1);
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <Flags />
      </FlagcastProvider>,
    );
    expect(log.map(({ exposure }) => exposure)).toEqual([
      { flagKey: 'a', entityId: 'user-1', type: 'boolean', value: true, reason: 'MATCH_EVALUATION_REASON', segmentKeys: [] },
      { flagKey: 'theme', entityId: 'user-1', type: 'variant', value: 'dark', reason: 'DEFAULT_EVALUATION_REASON', segmentKeys: [] },
    ]);
    // Reported during render, they would have seen an empty page.
    expect(log.map(({ page }) => page)).toEqual(['a=true theme=dark', 'a=true theme=dark']);
  });

  it('a component rendered 100 times reports once', () => {
    const { client, values } = observed(s1);
    let bump!: () => void;
    function Parent() {
      const [n, setN] = useState(0);
      bump = () => setN(n + 1);
      return (
        <FlagcastProvider client={client} entityId="user-1">
          <i>{n}</i>
          <Flags />
        </FlagcastProvider>
      );
    }
    renders = 0;
    render(<Parent />);
    for (let i = 0; i < 99; i++) act(() => bump());
    expect(renders).toBe(100);
    expect(values()).toEqual(['a/user-1=true', 'theme/user-1=dark']);
  });

  it('StrictMode (double render, effects run twice) reports once', () => {
    const { client, values } = observed(s1);
    renders = 0;
    render(
      <StrictMode>
        <FlagcastProvider client={client} entityId="user-1">
          <Flags />
        </FlagcastProvider>
      </StrictMode>,
    );
    expect(renders).toBe(2);
    expect(values()).toEqual(['a/user-1=true', 'theme/user-1=dark']);
  });

  it('several readers of one flag for one entity report once; other entities report their own', () => {
    const { client, values } = observed(s1);
    function Cell({ entityId }: { entityId?: string }) {
      return <b>{String(useFlag('a', false, entityId ? { entityId } : {}))}</b>;
    }
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <Cell />
        <Cell />
        <Cell entityId="visitor-1" />
        <Cell entityId="visitor-2" />
      </FlagcastProvider>,
    );
    expect(values()).toEqual(['a/user-1=true', 'a/visitor-1=true', 'a/visitor-2=true']);
  });

  it('each change of the value served reports again (A → B → A: three); an equal result reports nothing', async () => {
    const { client, publish, log, values } = observed(s1);
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <Flags />
      </FlagcastProvider>,
    );
    await publish(makeSnapshot([booleanFlag('a', false), variantFlag('theme', 'dark', { accent: 'violet' })]));
    await publish(makeSnapshot([booleanFlag('a', false, { description: 'new definition, same value' }), variantFlag('theme', 'dark', { accent: 'teal' })]));
    await publish(makeSnapshot([booleanFlag('a', true), variantFlag('theme', 'dark', { accent: 'teal' })]));
    expect(values()).toEqual(['a/user-1=true', 'theme/user-1=dark', 'a/user-1=false', 'a/user-1=true']);
    expect(log[2]!.page).toBe('a=false theme=dark');
  });

  it('a context change that leaves the value equal reports nothing; one that changes it reports', () => {
    const { client, values } = observed(s1);
    function Pro() {
      return <b>{String(useFlag('pro', false))}</b>;
    }
    const view = (plan: string) => (
      <FlagcastProvider client={client} entityId="user-1" context={{ plan }}>
        <Pro />
      </FlagcastProvider>
    );
    const { rerender } = render(view('free'));
    rerender(view('basic'));
    expect(values()).toEqual(['pro/user-1=false']);
    rerender(view('pro'));
    expect(values()).toEqual(['pro/user-1=false', 'pro/user-1=true']);
  });

  it('defaults are not exposures (no snapshot, missing flag, other type); useFlagDetails reports nothing', async () => {
    const { client, publish, values } = observed(undefined);
    function Defaults() {
      const missing = useFlag('missing', false);
      const wrongType = useFlag('theme', false);
      const details = useFlagDetails('a', { type: 'boolean' });
      return <p>{`${missing} ${wrongType} ${details.result?.enabled}`}</p>;
    }
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <Defaults />
      </FlagcastProvider>,
    );
    await publish(s1);
    expect(screen.getByText('false false true')).toBeTruthy();
    expect(values()).toEqual([]);
  });

  it("a default that becomes the flag's own, equal value is reported, though nothing re-renders", async () => {
    const { client, publish, values, log } = observed(undefined);
    let renders = 0;
    function Same() {
      renders++;
      return <p>{`${useFlag('a', false)} ${useFlag('theme', 'dark')}`}</p>;
    }
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <Same />
      </FlagcastProvider>,
    );
    await publish(makeSnapshot([booleanFlag('a', false), variantFlag('theme', 'dark')]));
    expect(renders).toBe(1);
    expect(values()).toEqual(['a/user-1=false', 'theme/user-1=dark']);
    expect(log[0]!.page).toBe('false dark');
  });

  it('server rendering reports nothing (effects do not run there)', () => {
    const { client, values } = observed(s1);
    const html = renderToString(
      <FlagcastProvider client={client} entityId="user-1">
        <Flags />
      </FlagcastProvider>,
    );
    expect(html).toBe('<p>a=true theme=dark</p>');
    expect(values()).toEqual([]);
  });

  it('a throwing onExposure breaks no render; its error is rethrown in a task of its own', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const onExposure = vi.fn(() => {
      throw new Error('analytics is down');
    });
    const { client, publish } = scriptedClient(s1, { onExposure });
    render(
      <FlagcastProvider client={client} entityId="user-1">
        <Flags />
      </FlagcastProvider>,
    );
    expect(screen.getByText('a=true theme=dark')).toBeTruthy();
    await publish(makeSnapshot([booleanFlag('a', false), variantFlag('theme', 'dark', { accent: 'violet' })]));
    expect(screen.getByText('a=false theme=dark')).toBeTruthy();
    expect(onExposure).toHaveBeenCalledTimes(3);
    const rethrown: string[] = [];
    for (let i = 0; i < 10 && vi.getTimerCount() > 0; i++) {
      try {
        vi.advanceTimersToNextTimer();
      } catch (error) {
        rethrown.push((error as Error).message);
      }
    }
    expect(rethrown).toEqual(['analytics is down', 'analytics is down', 'analytics is down']);
  });
});
