/**
 * Snapshots of values produced at synth (lib/core/produced-memo.ts, issue 16): a value matches
 * its snapshot exactly when it has the same shape, key order and leaves (Object.is), whatever
 * other objects hold them.
 */
import fc from 'fast-check';
import { Duration } from '../../../lib/core/duration';
import { matchesSnapshot, snapshotOf } from '../../../lib/core/produced-memo';

/** An exact serialization: key order, -0, NaN, undefined (as a value and in arrays) all told apart. */
function exact(v: unknown): string {
  if (v === undefined) return 'u';
  if (typeof v === 'number') return Object.is(v, -0) ? 'n-0' : `n${v}`;
  if (v instanceof Duration) return `d${v.milliseconds}`;
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(exact).join(',')}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${exact((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** A deep copy made of new objects and arrays (structuredClone's objects come from another realm under jest). */
function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof Duration) return Duration.milliseconds(v.milliseconds);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

// A small alphabet, so that two values drawn independently are often equal and often nearly so.
const leaf = fc.oneof(
  fc.constantFrom<unknown>('', 'a', 'b', 'A', '0', 0, -0, 1, NaN, Infinity, true, false, null, undefined, '__proto__', 'x'.repeat(40)),
  fc.constantFrom(0, 1000, 60_000).map((ms) => Duration.milliseconds(ms)),
);
const key = fc.constantFrom('a', 'b', 'c', '0', '1', 'constructor', 'toString', '');
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
})).v;

describe('produced-memo snapshots', () => {
  it('a value matches the snapshot of another exactly when both are the same (shape, key order, leaves)', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        const snap = snapshotOf(a)!;
        expect(snap).toBeDefined();
        expect(matchesSnapshot(a, snap)).toBe(true);
        expect(matchesSnapshot(clone(a), snap)).toBe(true);
        expect(matchesSnapshot(b, snap)).toBe(exact(a) === exact(b));
      }),
      { numRuns: 3000, seed: 1601 },
    );
  });

  it('a value changed in place no longer matches', () => {
    const v: { name: string; rules: Array<Record<string, unknown>> } = { name: 'g', rules: [{ record: 'a:b', expr: 'up', labels: { x: '1' } }] };
    const snap = snapshotOf(v)!;
    expect(matchesSnapshot(v, snap)).toBe(true);
    (v.rules[0].labels as Record<string, string>).x = '2';
    expect(matchesSnapshot(v, snap)).toBe(false);
    (v.rules[0].labels as Record<string, string>).x = '1';
    expect(matchesSnapshot(v, snap)).toBe(true);
    v.rules.push({ record: 'c', expr: 'up' });
    expect(matchesSnapshot(v, snap)).toBe(false);
    v.rules.pop();
    delete v.rules[0].labels;
    expect(matchesSnapshot(v, snap)).toBe(false);
  });

  it('has no snapshot for a value holding a token, a function, a class instance or a BigInt', () => {
    for (const v of [{ a: '${TfToken[TOKEN.1]}' }, { ['x${TfToken[TOKEN.1]}']: 1 }, [() => 1], { d: new Date(0) }, [BigInt(1)], new Map()]) {
      expect(snapshotOf(v)).toBeUndefined();
    }
  });

  it('refuses a snapshot made of another kind of value', () => {
    const snap = snapshotOf({ a: [1] })!;
    for (const v of [{ a: { 0: 1 } }, { a: [1, 2] }, { a: 1 }, { a: [() => 1] }, { a: [1] , b: undefined }, [{ a: [1] }], { a: [BigInt(1)] }]) {
      expect(matchesSnapshot(v, snap)).toBe(false);
    }
  });
});
