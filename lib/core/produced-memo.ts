/**
 * Remembering what a value produced at synth was made from, to reuse it when cdktf resolves
 * the same value a second time (prepareStack, then toTerraform) and nothing it was made from
 * has changed (issue 16).
 *
 * A snapshot is the flat list of a plain value's leaves and shape in walk order (keys, array
 * lengths, strings, numbers, booleans, null, undefined; an object's own properties, the
 * non-enumerable ones too, which a rendering reads as well; symbol keys, which no rendering
 * reads, are not part of it). Strings are kept as the same string objects, so a snapshot costs a
 * pointer per leaf, and checking a value against it compares pointers (`Object.is`: NaN equals
 * NaN, -0 differs from 0) without building or hashing text. A Duration (a value object) is a
 * leaf: its milliseconds.
 */
import { Duration } from './duration';

/** Key count, array length and leaf markers, distinct from any leaf value kept as it is. */
const ARRAY = Symbol('array');
const OBJECT = Symbol('object');
const DURATION = Symbol('duration');

/**
 * The snapshot of `value`, or undefined when it holds anything but plain objects, arrays,
 * strings, numbers, booleans, null, undefined and Durations, or a string holding a cdktf
 * token (a rendering turns a token into a fresh one each time, so what it produced is not
 * reused).
 */
export function snapshotOf(value: unknown): unknown[] | undefined {
  const out: unknown[] = [];
  return walk(value, out) ? out : undefined;
}

function walk(v: unknown, out: unknown[]): boolean {
  switch (typeof v) {
    case 'string':
      if (v.includes('TfToken[')) return false;
      out.push(v);
      return true;
    case 'number':
    case 'boolean':
    case 'undefined':
      out.push(v);
      return true;
    case 'object': {
      if (v === null) {
        out.push(null);
        return true;
      }
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        out.push(ARRAY, v.length);
        for (let i = 0; i < v.length; i++) if (!walk(v[i], out)) return false;
        return true;
      }
      if (v instanceof Duration) {
        out.push(DURATION, v.milliseconds);
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      // Every own property, enumerable or not (a rendering reads a non-enumerable one too).
      const keys = Object.getOwnPropertyNames(v);
      out.push(OBJECT, keys.length);
      for (const k of keys) {
        if (k.includes('TfToken[')) return false;
        out.push(k);
        if (!walk((v as Record<string, unknown>)[k], out)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Whether `value` has exactly the leaves and shape `snapshot` recorded (see snapshotOf). */
export function matchesSnapshot(value: unknown, snapshot: readonly unknown[]): boolean {
  // Saved and restored: a getter read on the way could itself match a snapshot.
  const outer = { expected, at };
  expected = snapshot;
  at = 0;
  try {
    return same(value) && at === snapshot.length;
  } finally {
    ({ expected, at } = outer);
  }
}

const EMPTY: readonly unknown[] = [];
/** The snapshot being matched and the position in it (module state: no object per call). */
let expected: readonly unknown[] = EMPTY;
let at = 0;

function same(v: unknown): boolean {
  if (at >= expected.length) return false;
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) {
      if (expected[at] !== ARRAY || expected[at + 1] !== v.length || Object.getPrototypeOf(v) !== Array.prototype) return false;
      at += 2;
      for (let k = 0; k < v.length; k++) if (!same(v[k])) return false;
      return true;
    }
    if (v instanceof Duration) {
      if (expected[at] !== DURATION || !Object.is(expected[at + 1], v.milliseconds)) return false;
      at += 2;
      return true;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    const keys = Object.getOwnPropertyNames(v);
    if (expected[at] !== OBJECT || expected[at + 1] !== keys.length) return false;
    at += 2;
    for (let k = 0; k < keys.length; k++) {
      if (expected[at] !== keys[k]) return false;
      at++;
      if (!same((v as Record<string, unknown>)[keys[k]])) return false;
    }
    return true;
  }
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return false;
  if (!Object.is(v, expected[at])) return false;
  at++;
  return true;
}
