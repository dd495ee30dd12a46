/**
 * Shape checks for plain-JavaScript callers: every public constructor and method checks what
 * it is given against the TypeScript type of that argument (generated into
 * `shapes.generated.ts` by `npm run gen:shapes`), so a wrong shape is a ValidationError that
 * names the prop and the expected type, never a TypeError from deep inside, and never a value
 * silently misread (`groupBy: 'alertname'` split into letters, `mountDockerSocket: 'false'`).
 */
import { IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { editDistance } from './names';
import { SHAPES } from './shapes.generated';
import { isUnresolved } from './unresolved';

/** A runtime description of a TypeScript type. */
export type Shape =
  | { readonly t: 'any' | 'string' | 'number' | 'boolean' | 'function' }
  | { readonly t: 'enum'; readonly values: readonly string[] }
  | { readonly t: 'array' | 'record'; readonly of: Shape }
  | { readonly t: 'union'; readonly of: readonly Shape[] }
  | { readonly t: 'ref' | 'instance'; readonly name: string }
  | {
      readonly t: 'object';
      readonly name?: string;
      readonly props?: Readonly<Record<string, { readonly optional: boolean; readonly shape: Shape }>>;
      /** An interface implemented by constructs or classes: the methods it must have. */
      readonly methods?: readonly string[];
    };

/** How to make an instance of the value classes users pass. */
const INSTANCE_HINTS: Record<string, string> = {
  Duration: ', e.g. Duration.minutes(5), or a duration string such as "5m"',
  Matcher: ", e.g. Matcher.eq('severity', 'critical') or Matcher.parse('severity=\"critical\"')",
  Sli: ", e.g. Sli.availability({ selector: 'service=\"api\"' })",
};

/** At most this many problems are listed for one argument. */
const MAX_PROBLEMS = 10;

/**
 * Checks `value` against the generated shape of type `typeName`; throws a ValidationError
 * attached to `scope` (when given) listing what is wrong, at `what` (e.g. `props`,
 * `addScrapeJob(job)`).
 */
export function checkShape(scope: IConstruct | undefined, typeName: string, value: unknown, what: string): void {
  if (value !== null && typeof value === 'object' && VOUCHED.get(value) === typeName) {
    // Built by the library from inputs already checked: this one check is skipped (then the voucher is spent).
    VOUCHED.delete(value);
    return;
  }
  const shape = SHAPES[typeName];
  if (!shape) throw new Error(`checkShape: no generated shape for ${typeName} (run npm run gen:shapes)`);
  // The common case, a right shape, is found without wording a path per value; problems are worded by the full walk.
  if (validAt(value, shape, new Set())) return;
  const problems = shapeProblems(value, shape, what);
  if (!problems.length) return;
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > MAX_PROBLEMS ? `\n  - and ${problems.length - MAX_PROBLEMS} more` : '';
  throw new ValidationError(shown.length === 1 ? shown[0] : `${problems.length} problems:\n  - ${shown.join('\n  - ')}${more}`, scope);
}

/** Values the library built itself, each for one coming check against the type named. */
const VOUCHED = new WeakMap<object, string>();

/**
 * Calls `use(value)` with `value` vouched for as of type `typeName`: it was built by the
 * library from inputs whose shapes were already checked (a construct's props) and from its
 * own literals, so the first `checkShape` of that very object as that type during the call
 * passes without walking it. The voucher is spent by that check and withdrawn when the call
 * returns or throws: any later check (the user passing the object on again, changed or not)
 * walks it as usual.
 */
export function withVouchedShape<T extends object, R>(typeName: string, value: T, use: (value: T) => R): R {
  // Not an object (a plain-JavaScript caller's string, a token): nothing to vouch for, checked as usual.
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return use(value);
  VOUCHED.set(value, typeName);
  try {
    return use(value);
  } finally {
    VOUCHED.delete(value);
  }
}

/**
 * Whether a spread copy (`{ ...value }`) holds every property a shape walk of `value` reads:
 * a plain object whose own properties are all enumerable. A class instance (its getters),
 * an object with inherited values or a non-enumerable property is not copied whole, so a copy
 * of it must be walked itself, not vouched for as the value checked.
 */
export function spreadCopiesAll(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const names = Object.getOwnPropertyNames(value);
  return names.length === Object.keys(value).length;
}

/** Checks a plain argument (a name, a string) of a method. */
export function checkPrimitive(scope: IConstruct | undefined, t: 'string' | 'number' | 'boolean', value: unknown, what: string): void {
  if (typeof value === t && !(t === 'number' && Number.isNaN(value))) return;
  const problems = shapeProblems(value, { t }, what);
  if (problems.length) throw new ValidationError(problems[0], scope);
}

/** What is wrong with `value` as `shape`, one message per place, or none. */
export function shapeProblems(value: unknown, shape: Shape, path: string, seen: ReadonlySet<object> = new Set()): string[] {
  const problems = problemsAt(value, shape, path, new Set(seen));
  return problems === NONE ? [] : problems;
}

const NONE: string[] = [];

/**
 * shapeProblems with `ancestors` (the objects on the path to `value`) as one mutable set:
 * an object is added while its members are checked and removed after, so a value referenced
 * twice side by side is no cycle and one nested in itself is (one that contains itself would
 * never end), with no set copied per level. Returns a shared empty array when all is well
 * (callers only read it).
 */
function problemsAt(value: unknown, shape: Shape, path: string, ancestors: Set<object>): string[] {
  if (isUnresolved(value)) return NONE;
  const descend = (shape.t === 'array' || shape.t === 'record' || shape.t === 'object') && value !== null && typeof value === 'object';
  if (descend && ancestors.has(value as object)) return [`${path} refers back to an object that contains it (a cycle); build each nested value as its own object.`];
  if (!descend) return problemsHere(value, shape, path, ancestors);
  ancestors.add(value as object);
  try {
    return problemsHere(value, shape, path, ancestors);
  } finally {
    ancestors.delete(value as object);
  }
}

/**
 * Whether `shapeProblems(value, shape)` finds nothing: the same walk as problemsAt and
 * problemsHere, without the paths and messages (compared with them in the tests).
 */
export function shapeValid(value: unknown, shape: Shape): boolean {
  return validAt(value, shape, new Set());
}

function validAt(value: unknown, shape: Shape, ancestors: Set<object>): boolean {
  if (isUnresolved(value)) return true;
  const descend = (shape.t === 'array' || shape.t === 'record' || shape.t === 'object') && value !== null && typeof value === 'object';
  if (!descend) return validHere(value, shape, ancestors);
  if (ancestors.has(value as object)) return false;
  ancestors.add(value as object);
  try {
    return validHere(value, shape, ancestors);
  } finally {
    ancestors.delete(value as object);
  }
}

function validHere(value: unknown, shape: Shape, inner: Set<object>): boolean {
  switch (shape.t) {
    case 'any':
      return true;
    case 'string':
    case 'number':
    case 'boolean':
    case 'function':
      return typeof value === shape.t && !(shape.t === 'number' && Number.isNaN(value));
    case 'enum':
      return typeof value === 'string';
    case 'array':
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (!validAt(value[i], shape.of, inner)) return false;
      return true;
    case 'record':
      if (!isPlainObject(value)) return false;
      for (const k of Object.keys(value)) if (!validAt(value[k], shape.of, inner)) return false;
      return true;
    case 'union': {
      const { members, objects } = unionMembers(shape);
      if (isPlainObject(value) && objects.length) {
        const member = objects.find((m) => discriminates(m, value)) ?? onlyOne(objects.filter((m) => hasRequired(m, value)));
        return member ? validAt(value, member, inner) : true;
      }
      return members.some((m) => validAt(value, m, inner));
    }
    case 'ref':
      return validAt(value, SHAPES[shape.name] ?? { t: 'any' }, inner);
    case 'instance':
      return isInstanceOf(value, shape.name);
    case 'object': {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || Array.isArray(value)) return false;
      if (shape.methods) return shape.methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
      if (!shape.props) return true;
      const obj = value as Record<string, unknown>;
      for (const [key, p] of propEntries(shape)) {
        const v = obj[key];
        if (v === undefined) {
          if (!p.optional) return false;
          continue;
        }
        if (!validAt(v, p.shape, inner)) return false;
      }
      for (const key of Object.keys(obj)) {
        if (key in shape.props || obj[key] === undefined) continue;
        if (Object.keys(shape.props).some((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

/** Appends `more` to `out` (allocating only when there is something to add). */
function append(out: string[], more: string[]): string[] {
  if (!more.length) return out;
  if (out === NONE) return [...more];
  out.push(...more);
  return out;
}

/** The problems of `value` itself as `shape`; `inner` holds it and its ancestors when it is an object being descended. */
function problemsHere(value: unknown, shape: Shape, path: string, inner: Set<object>): string[] {
  const seen = inner;
  switch (shape.t) {
    case 'any':
      return NONE;
    case 'string':
    case 'number':
    case 'boolean':
    case 'function':
      return typeof value === shape.t && !(shape.t === 'number' && Number.isNaN(value)) ? NONE : [`${path} must be ${article(shape.t)} (got ${describeValue(value)})${quotedHint(shape.t, value)}.`];
    case 'enum':
      // A wrong string is left to the construct's own check, which suggests the nearest value.
      return typeof value === 'string' ? NONE : [`${path} must be one of ${shape.values.map((v) => JSON.stringify(v)).join(', ')} (got ${describeValue(value)}).`];
    case 'array':
      if (!Array.isArray(value)) return [`${path} must be an array (got ${describeValue(value)})${typeof value === 'string' ? `; write [${JSON.stringify(value)}]` : ''}.`];
      {
        let out = NONE;
        for (let i = 0; i < value.length; i++) out = append(out, problemsAt(value[i], shape.of, `${path}[${i}]`, inner));
        return out;
      }
    case 'record':
      if (!isPlainObject(value)) return [`${path} must be an object of ${expected(shape.of)} values (got ${describeValue(value)}).`];
      {
        let out = NONE;
        for (const k of Object.keys(value)) out = append(out, problemsAt(value[k], shape.of, `${path}.${k}`, inner));
        return out;
      }
    case 'union': {
      const { members, objects } = unionMembers(shape);
      if (isPlainObject(value) && objects.length) {
        // A union of object types: check the member the value says it is (its discriminant,
        // else the one whose required properties it has); which member, if none fits, is for
        // the construct's own check to say.
        const member = objects.find((m) => discriminates(m, value)) ?? onlyOne(objects.filter((m) => hasRequired(m, value)));
        return member ? problemsAt(value, member, path, seen) : NONE;
      }
      if (members.some((m) => problemsAt(value, m, path, seen).length === 0)) return NONE;
      return [`${path} must be ${shape.of.map(expected).join(' or ')} (got ${describeValue(value)}).`];
    }
    case 'ref':
      return problemsAt(value, SHAPES[shape.name] ?? { t: 'any' }, path, seen);
    case 'instance':
      return isInstanceOf(value, shape.name) ? NONE : [`${path} must be an instance of ${shape.name}${INSTANCE_HINTS[shape.name] ?? ''} (got ${describeValue(value)}).`];
    case 'object': {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || Array.isArray(value)) {
        return [`${path} must be ${shape.name ? `${article('object')} (${shape.name})` : 'an object'} (got ${describeValue(value)}).`];
      }
      if (shape.methods) {
        const missing = shape.methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
        return missing.length ? [`${path} must be ${shape.name ? `an ${shape.name}` : 'an object'} (a construct of this library that has ${missing.map((m) => `${m}()`).join(', ')}) (got ${describeValue(value)}).`] : NONE;
      }
      if (!shape.props) return NONE;
      let out = NONE;
      const obj = value as Record<string, unknown>;
      for (const [key, p] of propEntries(shape)) {
        const v = obj[key];
        if (v === undefined) {
          if (!p.optional) out = append(out, [`${path}.${key} is required (got undefined): give ${expected(p.shape)}.`]);
          continue;
        }
        out = append(out, problemsAt(v, p.shape, `${path}.${key}`, inner));
      }
      for (const key of Object.keys(obj)) {
        if (key in shape.props || obj[key] === undefined) continue;
        const near = Object.keys(shape.props).find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
        if (near) out = append(out, [`${path}.${key} is not a property${shape.name ? ` of ${shape.name}` : ''}; did you mean ${near}?`]);
      }
      return out;
    }
    default:
      return NONE;
  }
}

type ObjectShape = Extract<Shape, { t: 'object' }>;
type UnionShape = Extract<Shape, { t: 'union' }>;

/** Derived views of the generated shapes, made once per shape (they never change). */
const entriesOf = new WeakMap<ObjectShape, ReadonlyArray<[string, { readonly optional: boolean; readonly shape: Shape }]>>();
const membersOf = new WeakMap<UnionShape, { members: Shape[]; objects: ObjectShape[] }>();

function propEntries(shape: ObjectShape): ReadonlyArray<[string, { readonly optional: boolean; readonly shape: Shape }]> {
  let e = entriesOf.get(shape);
  if (!e) entriesOf.set(shape, (e = Object.entries(shape.props ?? {})));
  return e;
}

function unionMembers(shape: UnionShape): { members: Shape[]; objects: ObjectShape[] } {
  let m = membersOf.get(shape);
  if (!m) {
    const members = shape.of.map(resolve);
    membersOf.set(shape, (m = { members, objects: members.filter((x): x is ObjectShape => x.t === 'object' && !!x.props) }));
  }
  return m;
}

/** Whether an enum-typed property of `m` holds the value's own value (e.g. `type: 'batch'`). */
function discriminates(m: ObjectShape, value: Record<string, unknown>): boolean {
  return propEntries(m).some(([k, p]) => !p.optional && p.shape.t === 'enum' && typeof value[k] === 'string' && p.shape.values.includes(value[k] as string) && p.shape.values.length < 4);
}

function hasRequired(m: ObjectShape, value: Record<string, unknown>): boolean {
  return propEntries(m).every(([k, p]) => p.optional || value[k] !== undefined);
}

function onlyOne<T>(xs: T[]): T | undefined {
  return xs.length === 1 ? xs[0] : undefined;
}

function resolve(s: Shape): Shape {
  return s.t === 'ref' ? SHAPES[s.name] ?? { t: 'any' } : s;
}

/** Whether a class named `name` is on the value's prototype chain (plain objects never are). */
function isInstanceOf(value: unknown, name: string): boolean {
  for (let p = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : null; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if ((p.constructor as { name?: string } | undefined)?.name === name) return true;
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function article(t: string): string {
  return t === 'array' || t === 'object' ? `an ${t}` : `a ${t}`;
}

/** The expected type in words: "a string", "an array of strings", "an object (RouteOptions)". */
function expected(s: Shape): string {
  switch (s.t) {
    case 'any':
      return 'any value';
    case 'enum':
      return `one of ${s.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'array':
      return `an array of ${expected(s.of).replace(/^an? /, '')}${/s$/.test(expected(s.of)) ? '' : 's'}`;
    case 'record':
      return `an object of ${expected(s.of)} values`;
    case 'union':
      return s.of.map(expected).join(' or ');
    case 'ref':
      return `an object (${s.name})`;
    case 'instance':
      return `an instance of ${s.name}`;
    case 'object':
      return s.name ? `an object (${s.name})` : 'an object';
    default:
      return article(s.t);
  }
}

/** For a number or boolean written as a string: how to write it. */
function quotedHint(t: string, value: unknown): string {
  if (typeof value !== 'string') return '';
  const bare = value.trim().replace(/%$/, '');
  if (t === 'number' && bare !== '' && Number.isFinite(Number(bare))) return `; write ${Number(bare)}, not ${JSON.stringify(value)}`;
  if (t === 'boolean' && /^(true|false|yes|no|on|off|1|0)$/i.test(value.trim())) return `; write ${/^(true|yes|on|1)$/i.test(value.trim())} without quotes`;
  return '';
}

/** `string "a:1"`, `number 5`, `null`, `an array`, `an object`. */
function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof v} ${String(v)}`;
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}
