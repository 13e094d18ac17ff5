// Render counts: a component re-renders only when the result of the flag it reads changes.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '@flagcast/core';
import { FlagcastProvider, useBooleanFlag, useFlag, useVariantFlag } from '../src/index';
import { booleanFlag, booleanFlagFor, makeSnapshot, variantFlag } from './support/snapshots';
import { scriptedClient } from './support/scriptedClient';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const renders: Record<string, number> = {};
const count = (name: string) => (renders[name] = (renders[name] ?? 0) + 1);
afterEach(() => {
  for (const name of Object.keys(renders)) delete renders[name];
});

function Bool({ name, flag }: { name: string; flag: string }) {
  count(name);
  const value = useBooleanFlag(flag, false);
  return <span data-testid={name}>{String(value)}</span>;
}

const seen: unknown[] = [];
function Theme() {
  count('theme');
  const theme = useVariantFlag<{ accent: string }>('theme', 'light');
  seen.push(theme);
  return <span data-testid="theme">{`${theme.variantKey} ${theme.attachment?.accent}`}</span>;
}

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true), variantFlag('theme', 'dark', { accent: 'violet' })]);

function app(client: ReturnType<typeof scriptedClient>['client']) {
  return (
    <FlagcastProvider client={client} entityId="user-1">
      <Bool name="a1" flag="a" />
      <Bool name="a2" flag="a" />
      <Bool name="b" flag="b" />
      <Theme />
    </FlagcastProvider>
  );
}

describe('render counts', () => {
  it('the first render already has the bootstrap values', () => {
    const { client } = scriptedClient(s1);
    render(app(client));
    expect(screen.getByTestId('a1').textContent).toBe('true');
    expect(screen.getByTestId('theme').textContent).toBe('dark violet');
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 1 });
  });

  it('changing flag B does not re-render the components that read flag A', async () => {
    const { client, publish } = scriptedClient(s1);
    render(app(client));
    await publish(makeSnapshot([booleanFlag('a', true), booleanFlag('b', false), variantFlag('theme', 'dark', { accent: 'violet' })]));
    expect(screen.getByTestId('b').textContent).toBe('false');
    expect(renders).toEqual({ a1: 1, a2: 1, b: 2, theme: 1 });
  });

  it('a change to A that leaves its result the same re-renders nothing', async () => {
    const { client, publish } = scriptedClient(s1);
    render(app(client));
    // New definitions (the fingerprints change, so `changedFlags` names them), same results.
    await publish(
      makeSnapshot([
        booleanFlag('a', true, { description: 'now with a description' }),
        booleanFlag('b', true),
        variantFlag('theme', 'dark', { accent: 'violet' }, { description: 'same variant, same attachment' }),
      ]),
    );
    expect(client.digest).not.toBe(s1.digest);
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 1 });
  });

  it("a change to A re-renders A's readers, once each, and nothing else", async () => {
    const { client, publish } = scriptedClient(s1);
    render(app(client));
    await publish(makeSnapshot([booleanFlag('a', false), booleanFlag('b', true), variantFlag('theme', 'dark', { accent: 'violet' })]));
    expect(screen.getByTestId('a1').textContent).toBe('false');
    expect(screen.getByTestId('a2').textContent).toBe('false');
    expect(renders).toEqual({ a1: 2, a2: 2, b: 1, theme: 1 });
  });

  it('a flag is evaluated again only when it is in the change set', async () => {
    const { client, publish } = scriptedClient(s1);
    render(app(client));
    const evaluations = vi.spyOn(Engine.prototype, 'evaluateBoolean');
    await publish(makeSnapshot([booleanFlag('a', true), booleanFlag('b', false), variantFlag('theme', 'dark', { accent: 'violet' })]));
    expect(evaluations.mock.calls.map(([request]) => request.flagKey)).toEqual(['b']);
  });

  it('the variant result keeps its identity (and its parsed attachment) until it changes', async () => {
    seen.length = 0;
    const { client, publish } = scriptedClient(s1);
    render(app(client));
    const parse = vi.spyOn(JSON, 'parse');
    await publish(makeSnapshot([booleanFlag('a', false), booleanFlag('b', true), variantFlag('theme', 'dark', { accent: 'violet' }, { description: 'x' })]));
    expect(parse).not.toHaveBeenCalledWith('{"accent":"violet"}');
    await publish(makeSnapshot([booleanFlag('a', false), booleanFlag('b', true), variantFlag('theme', 'dark', { accent: 'teal' })]));
    expect(parse.mock.calls.filter(([text]) => text === '{"accent":"teal"}')).toHaveLength(1);
    expect(screen.getByTestId('theme').textContent).toBe('dark teal');
    expect(renders.theme).toBe(2);
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[0]).toEqual({ variantKey: 'dark', attachment: { accent: 'violet' }, match: false, reason: 'DEFAULT_EVALUATION_REASON' });
  });

  it('re-renders of the provider with an equal context re-render no flag reader', () => {
    const { client } = scriptedClient(s1);
    const children = <Bool name="a" flag="a" />;
    const { rerender } = render(
      <FlagcastProvider client={client} entityId="user-1" context={{ plan: 'pro', seats: 3 }}>
        {children}
      </FlagcastProvider>,
    );
    rerender(
      <FlagcastProvider client={client} entityId="user-1" context={{ plan: 'pro', seats: 3 }}>
        {children}
      </FlagcastProvider>,
    );
    expect(renders.a).toBe(1);
  });

  it('status events re-render no flag reader', async () => {
    const { client } = scriptedClient(s1);
    render(app(client));
    await act(async () => {
      await client.refresh().catch(() => {}); // the fake fetch has nothing: an error, a status event
    });
    expect(renders).toEqual({ a1: 1, a2: 1, b: 1, theme: 1 });
  });
});

describe('useFlag', () => {
  function Value({ name, flag, fallback }: { name: string; flag: string; fallback: boolean | string }) {
    count(name);
    const value = typeof fallback === 'boolean' ? useFlag(flag, fallback) : useFlag(flag, fallback);
    return <span data-testid={name}>{`${typeof value}:${value}`}</span>;
  }

  const view = (client: ReturnType<typeof scriptedClient>['client']) => (
    <FlagcastProvider client={client} entityId="user-1">
      <Value name="a" flag="a" fallback={false} />
      <Value name="theme" flag="theme" fallback="light" />
      <Value name="a-as-variant" flag="a" fallback="control" />
      <Value name="theme-as-boolean" flag="theme" fallback={true} />
      <Value name="missing" flag="missing" fallback="fallback" />
    </FlagcastProvider>
  );
  const text = (name: string) => screen.getByTestId(name).textContent;

  it('the first render has the bootstrap values; a flag of the other type, or a missing one, gives the default', () => {
    const { client } = scriptedClient(s1);
    render(view(client));
    expect([text('a'), text('theme'), text('a-as-variant'), text('theme-as-boolean'), text('missing')]).toEqual([
      'boolean:true',
      'string:dark',
      'string:control',
      'boolean:true',
      'string:fallback',
    ]);
    expect(renders).toEqual({ a: 1, theme: 1, 'a-as-variant': 1, 'theme-as-boolean': 1, missing: 1 });
  });

  it('before any snapshot: the defaults', () => {
    const { client } = scriptedClient(undefined);
    render(view(client));
    expect([text('a'), text('theme')]).toEqual(['boolean:false', 'string:light']);
  });

  it('re-renders only when its value changes: not for another flag, nor for a new attachment of the same variant', async () => {
    const { client, publish } = scriptedClient(s1);
    render(view(client));
    await publish(makeSnapshot([booleanFlag('a', true), booleanFlag('b', false), variantFlag('theme', 'dark', { accent: 'teal' })]));
    expect(renders).toEqual({ a: 1, theme: 1, 'a-as-variant': 1, 'theme-as-boolean': 1, missing: 1 });
    await publish(makeSnapshot([booleanFlag('a', false), booleanFlag('b', false), variantFlag('theme', 'dusk', { accent: 'teal' })]));
    expect([text('a'), text('theme')]).toEqual(['boolean:false', 'string:dusk']);
    expect(renders).toEqual({ a: 2, theme: 2, 'a-as-variant': 1, 'theme-as-boolean': 1, missing: 1 });
  });

  it('takes per-call options like the other hooks', () => {
    const { client } = scriptedClient(makeSnapshot([booleanFlagFor('org-beta', 'tier', 'gold'), booleanFlagFor('vip', 'entity', 'org-1')]));
    function Org() {
      const beta = useFlag('org-beta', false, { context: { tier: 'gold' } });
      const vip = useFlag('vip', false, { entityId: 'org-1' });
      return <i data-testid="org">{`${beta} ${vip}`}</i>;
    }
    render(
      <FlagcastProvider client={client} entityId="user-1" context={{ tier: 'silver' }}>
        <Org />
      </FlagcastProvider>,
    );
    expect(text('org')).toBe('true true');
  });
});
