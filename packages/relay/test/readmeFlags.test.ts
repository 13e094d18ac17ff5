// The features.yml shown in @flagcast/react's README loads, and evaluates as the README says.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '@flagcast/core';
import { convertFlagFiles } from '../src/index.js';

const readme = readFileSync(fileURLToPath(new URL('../../react/README.md', import.meta.url)), 'utf8');
const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
const { snapshots } = convertFlagFiles([{ name: 'features.yml', contents: yaml }], { now: new Date('2026-01-01T00:00:00Z') });
const engine = new Engine(snapshots.get('default')!);
const ask = (flagKey: string, entityId: string, plan: string) => ({ flagKey, entityId, context: { plan } });

describe("the React README's features.yml", () => {
  it('a pro user: true, one-page, the dark accent', () => {
    expect(engine.evaluateBoolean(ask('new-checkout', 'user-1', 'pro'))).toMatchObject({ enabled: true, reason: 'MATCH_EVALUATION_REASON', segmentKeys: ['pro-users'] });
    expect(engine.evaluateVariant(ask('checkout-layout', 'user-1', 'pro')).variantKey).toBe('one-page');
    const theme = engine.evaluateVariant(ask('theme', 'user-1', 'pro'));
    expect([theme.variantKey, JSON.parse(theme.variantAttachment!)]).toEqual(['dark', { accent: '#a78bfa' }]);
  });

  it('a free user: true for about a quarter of ids (stable per id), no layout variant, the light accent', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const on = ids.filter((id) => engine.evaluateBoolean(ask('new-checkout', id, 'free')).enabled);
    expect(on.length / ids.length).toBeGreaterThan(0.2);
    expect(on.length / ids.length).toBeLessThan(0.3);
    expect(ids.filter((id) => engine.evaluateBoolean(ask('new-checkout', id, 'free')).enabled)).toEqual(on);
    const off = ids.find((id) => !on.includes(id))!;
    expect(engine.evaluateBoolean(ask('new-checkout', off, 'free'))).toMatchObject({ enabled: false, reason: 'DEFAULT_EVALUATION_REASON' });
    expect(engine.evaluateVariant(ask('checkout-layout', off, 'free'))).toMatchObject({ variantKey: '', match: false });
    const theme = engine.evaluateVariant(ask('theme', off, 'free'));
    expect([theme.variantKey, JSON.parse(theme.variantAttachment!), theme.segmentKeys]).toEqual(['light', { accent: '#7c3aed' }, ['everyone']]);
  });
});
