/**
 * The escape hatch of the YAML engines (Loki, Tempo, Promtail), computed: given the input file
 * and what the construct renders from the typed props the importer chose, the smallest
 * `rawConfig` (lib/core/raw-config.ts merge rules: maps merge, lists and scalars replace,
 * `null` removes) that turns the rendered file back into the input. Keys the construct writes
 * and the input leaves out are kept when their value is the engine's documented default (a
 * default made explicit), and removed otherwise (the user's behaviour wins).
 */
import { Commented, Notes } from './model';
import { isObject } from './parse';
import { editDistance } from '../core/names';
import { secretsInRaw } from './raw-secrets';

type Tree = Record<string, unknown>;

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y))+$/;

/** A scalar as the engines read it: durations in milliseconds, numbers and booleans as text. */
export function engineScalar(v: unknown): string {
  const s = String(v);
  if (DURATION.test(s)) {
    let ms = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * UNITS[m[2]];
    return `${ms}ms`;
  }
  if (s === '0') return '0ms';
  return s;
}

/** Whether two values are the same configuration (durations and number spellings normalised). */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameConfig(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameConfig(a[k], b[k]));
  }
  if (isObject(a) || isObject(b) || Array.isArray(a) || Array.isArray(b)) return false;
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  return engineScalar(a) === engineScalar(b);
}

/** The engine's default of a dotted path (`limits_config.ingestion_rate_mb`), when documented. */
export type DefaultsTable = Readonly<Record<string, unknown>>;

export interface RawDiff {
  /** The rawConfig to pass (undefined when the construct renders the input as it is). */
  readonly raw?: Tree;
  /** Dotted paths the construct writes that the input leaves at the engine's default. */
  readonly defaults: ReadonlyArray<{ path: string; value: unknown }>;
}

/**
 * Computes the rawConfig and writes one report line per raw key (kind `escape-hatch`) and per
 * default made explicit (kind `default`). `managed` names dotted paths the construct owns
 * whose difference the importer has already reported (e.g. rebased data paths): no line.
 */
export function rawDiff(file: string, input: Tree, rendered: Tree, defaults: DefaultsTable, notes: Notes, engine: string): RawDiff {
  const found: Array<{ path: string; value: unknown }> = [];
  // Literal credentials (and ${ENV} references) in what goes raw become secret variables, named <engine>_<path>.
  const kept = (k: string, v: unknown, parent: string) =>
    (secretsInRaw({ [k]: v }, file, parent || 'rawConfig', [engine.toLowerCase().replace(/[^a-z0-9]+/g, '_'), ...(parent ? parent.split('.') : [])].join('_'), notes, parent ? parent.split('.').pop() : undefined) as Tree)[k];
  const allDefaults = (v: unknown, path: string): boolean => {
    if (isObject(v)) return Object.entries(v).every(([k, x]) => allDefaults(x, `${path}.${k}`));
    return path in defaults && sameConfig(defaults[path], v);
  };
  const leaves = (v: unknown, path: string): Array<{ path: string; value: unknown }> =>
    isObject(v) ? Object.entries(v).flatMap(([k, x]) => leaves(x, `${path}.${k}`)) : [{ path, value: v }];
  const walk = (inp: Tree, out: Tree, path: string): Tree | undefined => {
    const raw: Tree = {};
    for (const [k, v] of Object.entries(inp)) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in out)) {
        raw[k] = kept(k, v, path);
        notes.add('escape-hatch', file, p, `no ${engine} prop: written as is through rawConfig`);
      } else if (isObject(v) && isObject(out[k])) {
        const sub = walk(v, out[k] as Tree, p);
        if (sub) raw[k] = sub;
      } else if (!sameConfig(v, out[k])) {
        raw[k] = kept(k, v, path);
        notes.add('escape-hatch', file, p, `differs from what the ${engine} construct writes (${short(out[k])}): your value kept through rawConfig (it overrides the construct's)`);
      }
    }
    for (const [k, v] of Object.entries(out)) {
      if (k in inp) continue;
      const p = path ? `${path}.${k}` : k;
      if (allDefaults(v, p)) {
        found.push(...leaves(v, p));
        continue;
      }
      raw[k] = new Commented(`The ${engine} construct writes ${short(v)}; your file left it out (${engine}'s default applies): removed.`, null);
      notes.add('escape-hatch', file, p, `the ${engine} construct writes ${short(v)}, which your file does not set and is not ${engine}'s documented default: removed through rawConfig (null) to keep your behaviour; delete that line to adopt the library's choice`);
    }
    return Object.keys(raw).length ? raw : undefined;
  };
  const raw = walk(input, rendered, '');
  const noted = new Set(notes.notes.filter((n) => n.kind === 'default' && n.file === file).map((n) => n.where));
  for (const d of found) if (!noted.has(d.path)) notes.add('default', file, d.path, `not set: ${engine}'s default ${short(d.value)} written out by the construct (same behaviour)`);
  return { raw, defaults: found };
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The file's paths under the Compose mount point of the named volume (`mount`), moved to the
 * construct's (`target`): the same files of the same volume are found (each move reported).
 * Without a named volume (`mount` undefined) in a Compose import, a warning at `missingWhere`.
 */
export function moveDataPaths(file: string, doc: Tree, notes: Notes, o: { mount?: string; target: string; volume: string; engine: string; composeFile?: string; missingWhere?: string }): Tree {
  if (o.mount && o.mount !== o.target) {
    const from = o.mount;
    return rebasePaths(doc, from, o.target, (p, before, after) =>
      notes.add('choice', file, p, `${before} → ${after}: the ${o.volume} volume was mounted at ${from}; the construct mounts it at ${o.target}, so the same files in the volume are found`),
    ) as Tree;
  }
  if (!o.mount && o.composeFile && o.missingWhere) {
    notes.add('warning', file, o.missingWhere, `no named volume held ${o.engine}'s ${o.volume} in Compose (it was lost with the container): the construct keeps it on a new volume at ${o.target}`);
  }
  return doc;
}

/** Replaces the prefix `from` of every string value that is a path under it with `to` (data kept in the volume). */
function rebasePaths(v: unknown, from: string, to: string, onChange: (path: string, before: string, after: string) => void, path = ''): unknown {
  if (from === to) return v;
  if (Array.isArray(v)) return v.map((x, i) => rebasePaths(x, from, to, onChange, `${path}[${i}]`));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebasePaths(x, from, to, onChange, path ? `${path}.${k}` : k)]));
  if (typeof v === 'string' && (v === from || v.startsWith(`${from}/`))) {
    const after = `${to}${v.slice(from.length)}`;
    onChange(path, v, after);
    return after;
  }
  return v;
}

/**
 * Warns about top-level keys the engine does not know (`known`: its root Config struct's keys):
 * kept raw, never an exception, but the engine refuses them at start. Suggests the nearest key.
 */
export function warnUnknownTopLevel(file: string, doc: Record<string, unknown>, known: readonly string[], engine: string, notes: Notes): void {
  for (const k of Object.keys(doc)) {
    if (known.includes(k)) continue;
    const near = known.map((x) => [x, editDistance(k, x)] as const).sort((a, b) => a[1] - b[1])[0];
    notes.add('warning', file, k, `not a top-level key of ${engine}'s configuration: kept raw (rawConfig), but ${engine} refuses unknown keys at start${near && near[1] <= 2 ? `; did you mean ${near[0]}?` : ''}`);
  }
}
