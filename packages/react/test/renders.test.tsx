// Render counts: a component re-renders only when the result of the flag it reads changes.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '@flagcast/core';
import { FlagcastProvider, useBooleanFlag, useVariantFlag } from '../src/index';
import { booleanFlag, makeSnapshot, variantFlag } from './support/snapshots';
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
