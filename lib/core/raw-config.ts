/**
 * The `rawConfig` escape hatch of the YAML-configured engines (LokiCluster, TempoBackend,
 * LogAgent with Promtail): a tree in the engine's own spelling, deep-merged over the
 * configuration the construct renders.
 *
 * Merge rules (Helm's, for values over chart defaults): mappings merge key by key, recursively;
 * a list or a scalar replaces what the construct rendered; `null` removes the key. The
 * construct's own validation does not see raw keys: the engine checks them when it starts.
 */
import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { sensitiveVariablesIn } from './secrets';

export type RawConfig = Record<string, unknown>;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a rawConfig value given by plain JavaScript (wrong shapes), one message per place. */
export function rawConfigProblems(raw: unknown, what = 'rawConfig'): string[] {
  if (raw === undefined) return [];
  if (!isMap(raw) || Object.getPrototypeOf(raw) !== Object.prototype) {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw === 'object' ? `an instance of ${(raw as object).constructor?.name ?? 'a class'}` : `${typeof raw} ${JSON.stringify(raw)}`;
    return [`${what} must be a plain object of configuration keys in the engine's own spelling (got ${got}). Pass e.g. { limits_config: { max_streams_per_user: 0 } }.`];
  }
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push(`${path} must be a finite number (got ${String(v)}): YAML has no such value.`);
      return;
    }
    if (v === undefined) {
      out.push(`${path} is undefined. Leave the key out to keep the construct's value, or pass null to remove the key.`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((e, i) => walk(e, `${path}[${i}]`));
      return;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, e] of Object.entries(v as object)) walk(e, `${path}.${k}`);
      return;
    }
    const got = typeof v === 'object' ? `an instance of ${(v as object).constructor?.name ?? 'a class'}` : typeof v;
    out.push(`${path} must be a string, number, boolean, null, list or plain object (got ${got}). Write the value as the engine's YAML spells it, e.g. "5m" for a duration.`);
  };
  for (const [k, v] of Object.entries(raw)) walk(v, `${what}.${k}`);
  return out;
}

/**
 * Sets `obj[key] = value` as an own data property, also for the key `__proto__`: a plain
 * assignment of that key sets the object's prototype instead, so a raw section holding a
 * `__proto__` key (YAML allows it) would lose it, or take another object's keys as inherited.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Deep-merges `raw` over `rendered` (neither is modified). Returns the merged tree and the
 * dotted paths of keys the construct rendered that `raw` replaced or removed (a map merged
 * into a map is not an override; its keys are looked at one by one).
 */
export function mergeRawConfig(rendered: RawConfig, raw: RawConfig | undefined): { config: RawConfig; overridden: string[] } {
  const overridden: string[] = [];
  const merge = (base: Record<string, unknown>, over: Record<string, unknown>, path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      const p = path ? `${path}.${k}` : k;
      const had = Object.prototype.hasOwnProperty.call(base, k);
      if (v === null) {
        if (had) overridden.push(p);
        delete out[k];
      } else if (had && isMap(base[k]) && isMap(v)) {
        setOwn(out, k, merge(base[k] as Record<string, unknown>, v, p));
      } else {
        if (had && !sameValue(base[k], v)) overridden.push(p);
        setOwn(out, k, v);
      }
    }
    return out;
  };
  return { config: raw ? merge(rendered, raw, '') : rendered, overridden };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Token.isUnresolved(a) || Token.isUnresolved(b)) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The warning for keys a rawConfig overrides (empty when none). */
export function rawOverrideWarning(engine: string, overridden: readonly string[]): string | undefined {
  if (!overridden.length) return undefined;
  const shown = overridden.slice(0, 8).join(', ');
  const more = overridden.length > 8 ? ` and ${overridden.length - 8} more` : '';
  return `rawConfig overrides ${overridden.length} key(s) the ${engine} construct manages: ${shown}${more}. The raw value wins; the construct's checks and wiring no longer apply to ${overridden.length === 1 ? 'it' : 'them'}. Prefer the typed prop where one exists.`;
}

/**
 * Whether a rawConfig interpolates a sensitive variable (a secret the importer moved out of a
 * raw section): the rendered file then holds it and is declared a secret file.
 */
export function rawConfigHoldsSecret(raw: RawConfig | undefined, scope: IConstruct): boolean {
  return raw !== undefined && sensitiveVariablesIn(JSON.stringify(raw), scope).length > 0;
}
