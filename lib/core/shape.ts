/**
 * Shape checks for plain-JavaScript callers: every public constructor and method checks what
 * it is given against the TypeScript type of that argument (generated into
 * `shapes.generated.ts` by `npm run gen:shapes`), so a wrong shape is a ValidationError that
 * names the prop and the expected type, never a TypeError from deep inside, and never a value
 * silently misread (`groupBy: 'alertname'` split into letters, `mountDockerSocket: 'false'`).
 */
import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { editDistance } from './names';
import { SHAPES } from './shapes.generated';

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
  const shape = SHAPES[typeName];
  if (!shape) throw new Error(`checkShape: no generated shape for ${typeName} (run npm run gen:shapes)`);
  const problems = shapeProblems(value, shape, what);
  if (!problems.length) return;
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > MAX_PROBLEMS ? `\n  - and ${problems.length - MAX_PROBLEMS} more` : '';
  throw new ValidationError(shown.length === 1 ? shown[0] : `${problems.length} problems:\n  - ${shown.join('\n  - ')}${more}`, scope);
}

/** Checks a plain argument (a name, a string) of a method. */
export function checkPrimitive(scope: IConstruct | undefined, t: 'string' | 'number' | 'boolean', value: unknown, what: string): void {
  const problems = shapeProblems(value, { t }, what);
  if (problems.length) throw new ValidationError(problems[0], scope);
}

/** What is wrong with `value` as `shape`, one message per place, or none. */
export function shapeProblems(value: unknown, shape: Shape, path: string, seen: ReadonlySet<object> = new Set()): string[] {
  if (Token.isUnresolved(value)) return [];
  // Descending into an array or object: one that contains itself would never end.
  const descend = ['array', 'record', 'object'].includes(shape.t) && value !== null && typeof value === 'object';
  if (descend && seen.has(value as object)) return [`${path} refers back to an object that contains it (a cycle); build each nested value as its own object.`];
  const inner = descend ? new Set([...seen, value as object]) : seen;
  switch (shape.t) {
    case 'any':
      return [];
    case 'string':
    case 'number':
    case 'boolean':
    case 'function':
      return typeof value === shape.t && !(shape.t === 'number' && Number.isNaN(value)) ? [] : [`${path} must be ${article(shape.t)} (got ${describeValue(value)})${quotedHint(shape.t, value)}.`];
    case 'enum':
      // A wrong string is left to the construct's own check, which suggests the nearest value.
      return typeof value === 'string' ? [] : [`${path} must be one of ${shape.values.map((v) => JSON.stringify(v)).join(', ')} (got ${describeValue(value)}).`];
    case 'array':
      if (!Array.isArray(value)) return [`${path} must be an array (got ${describeValue(value)})${typeof value === 'string' ? `; write [${JSON.stringify(value)}]` : ''}.`];
      return value.flatMap((v, i) => shapeProblems(v, shape.of, `${path}[${i}]`, inner));
    case 'record':
      if (!isPlainObject(value)) return [`${path} must be an object of ${expected(shape.of)} values (got ${describeValue(value)}).`];
      return Object.entries(value).flatMap(([k, v]) => shapeProblems(v, shape.of, `${path}.${k}`, inner));
    case 'union': {
      const members = shape.of.map(resolve);
      const objects = members.filter((m): m is ObjectShape => m.t === 'object' && !!m.props);
      if (isPlainObject(value) && objects.length) {
        // A union of object types: check the member the value says it is (its discriminant,
        // else the one whose required properties it has); which member, if none fits, is for
        // the construct's own check to say.
        const member = objects.find((m) => discriminates(m, value)) ?? onlyOne(objects.filter((m) => hasRequired(m, value)));
        return member ? shapeProblems(value, member, path, seen) : [];
      }
      if (members.some((m) => shapeProblems(value, m, path, seen).length === 0)) return [];
      return [`${path} must be ${shape.of.map(expected).join(' or ')} (got ${describeValue(value)}).`];
    }
    case 'ref':
      return shapeProblems(value, SHAPES[shape.name] ?? { t: 'any' }, path, seen);
    case 'instance':
      return isInstanceOf(value, shape.name) ? [] : [`${path} must be an instance of ${shape.name}${INSTANCE_HINTS[shape.name] ?? ''} (got ${describeValue(value)}).`];
    case 'object': {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || Array.isArray(value)) {
        return [`${path} must be ${shape.name ? `${article('object')} (${shape.name})` : 'an object'} (got ${describeValue(value)}).`];
      }
      if (shape.methods) {
        const missing = shape.methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
        return missing.length ? [`${path} must be ${shape.name ? `an ${shape.name}` : 'an object'} (a construct of this library that has ${missing.map((m) => `${m}()`).join(', ')}) (got ${describeValue(value)}).`] : [];
      }
      if (!shape.props) return [];
      const out: string[] = [];
      const obj = value as Record<string, unknown>;
      for (const [key, p] of Object.entries(shape.props)) {
        const v = obj[key];
        if (v === undefined) {
          if (!p.optional) out.push(`${path}.${key} is required (got undefined): give ${expected(p.shape)}.`);
          continue;
        }
        out.push(...shapeProblems(v, p.shape, `${path}.${key}`, inner));
      }
      for (const key of Object.keys(obj)) {
        if (key in shape.props || obj[key] === undefined) continue;
        const near = Object.keys(shape.props).find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
        if (near) out.push(`${path}.${key} is not a property${shape.name ? ` of ${shape.name}` : ''}; did you mean ${near}?`);
      }
      return out;
    }
    default:
      return [];
  }
}

type ObjectShape = Extract<Shape, { t: 'object' }>;

/** Whether an enum-typed property of `m` holds the value's own value (e.g. `type: 'batch'`). */
function discriminates(m: ObjectShape, value: Record<string, unknown>): boolean {
  return Object.entries(m.props ?? {}).some(([k, p]) => !p.optional && p.shape.t === 'enum' && typeof value[k] === 'string' && p.shape.values.includes(value[k] as string) && p.shape.values.length < 4);
}

function hasRequired(m: ObjectShape, value: Record<string, unknown>): boolean {
  return Object.entries(m.props ?? {}).every(([k, p]) => p.optional || value[k] !== undefined);
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
