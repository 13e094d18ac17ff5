// @vitest-environment node
// Flag keys the compiler checks: fixture apps type-checked by the TypeScript compiler (strict).
// With a registry (a generated declaration file), wrong keys, keys of the other type and
// variants that do not exist are errors; without one, every key is a string, as before.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, plantedErrors, typecheck, type Diagnostic } from './typecheck';

// The compiler needs a few seconds per program (much more on a busy machine): one program for
// both consumers of the registry, one without it.
describe('typed flag keys', { timeout: 180_000 }, () => {
  const errors = 'typed-errors/consumer.tsx';
  let typed: Diagnostic[];
  beforeAll(() => {
    typed = typecheck(['typed/flags.d.ts', 'typed/consumer.tsx', errors]);
  }, 180_000);

  it('with a registry, a correct consumer type-checks, with the types the registry gives', () => {
    expect(typed.filter((d) => d.file !== errors)).toEqual([]);
  });

  it('with a registry, each planted error is reported on its line, and nothing else', () => {
    const planted = plantedErrors(errors, readFileSync(fixtures + errors, 'utf8'));
    expect(planted.length).toBeGreaterThanOrEqual(12);
    for (const error of planted) {
      const onLine = typed.filter((d) => d.file === error.file && d.line === error.line);
      expect(onLine, `line ${error.line}: expected TS${error.code} mentioning ${error.mentions}`).toEqual([
        expect.objectContaining({ code: error.code, message: expect.stringContaining(error.mentions) }),
      ]);
    }
    const unplanted = typed.filter((d) => d.file === errors && !planted.some((p) => p.line === d.line));
    expect(unplanted).toEqual([]);
  });

  it('without a registry, keys are strings: existing code type-checks unchanged', () => {
    expect(typecheck(['untyped/consumer.tsx'])).toEqual([]);
  });
});
