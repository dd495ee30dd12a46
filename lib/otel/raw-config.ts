/**
 * The OtelCollector's `rawConfig` escape hatch: Collector configuration the typed model has no
 * field for (other component types, extra keys of a typed component, extensions, connectors,
 * `service.telemetry`), deep-merged over the rendered document.
 *
 * Merge rules (Helm's, which SREs know): mappings merge key by key (the raw value wins),
 * lists and scalars replace, and `null` removes the key. Exporter ids are written in the
 * library's spelling (`otlp/tempo`) and renamed like the typed exporters for the pinned
 * Collector (`otlp_grpc/tempo` from 0.144.0), in `exporters` and in the pipelines' exporter
 * lists. String values are written as the Collector reads them: `${env:X}` and `${file:...}`
 * are expanded by the Collector and `$$` is a literal `$` (no escaping, unlike typed values).
 * Tokens (e.g. `secretVariable(...).stringValue`) are written to files under
 * /etc/otel/secrets and read with `${file:...}`, never into config.yml.
 */
import { Token } from 'cdktf';
import { fileSafeName } from '../core/names';
import { mergeRawConfig, rawConfigProblems as valueProblems } from '../core/raw-config';

/** The Collector's top-level sections rawConfig may set. */
export const RAW_SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions', 'service'] as const;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Deep merge: maps key by key (`over` wins), lists and scalars replace, `null` in `over`
 * removes the key. Neither input is modified (the same rules as the other engines' rawConfig,
 * lib/core/raw-config.ts).
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over;
  return mergeRawConfig(base, over).config;
}

/** Problems with a rawConfig value (shape only: the Collector checks the contents). */
export function rawConfigProblems(raw: unknown): string[] {
  if (Token.isUnresolved(raw)) return [];
  if (!isMap(raw)) return [`rawConfig must be a mapping of Collector sections (got ${JSON.stringify(raw)}), e.g. { exporters: { 'otlp/x': { retry_on_failure: { enabled: true } } } }.`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (!(RAW_SECTIONS as readonly string[]).includes(k)) {
      out.push(`rawConfig: ${JSON.stringify(k)} is not a section of the Collector's configuration (got keys ${JSON.stringify(Object.keys(raw))}). Use ${RAW_SECTIONS.join(', ')}.`);
    } else if (v !== null && !isMap(v)) {
      out.push(`rawConfig.${k} must be a mapping of ${k === 'service' ? 'service settings (pipelines, extensions, telemetry)' : 'component ids to their settings'} (got ${JSON.stringify(v)}).`);
    } else if (k === 'service' && isMap(v)) {
      if (v.pipelines !== undefined && v.pipelines !== null && !isMap(v.pipelines)) out.push(`rawConfig.service.pipelines must be a mapping of pipeline ids (got ${JSON.stringify(v.pipelines)}).`);
      if (v.extensions !== undefined && v.extensions !== null && !(Array.isArray(v.extensions) && v.extensions.every((e) => typeof e === 'string'))) {
        out.push(`rawConfig.service.extensions must be a list of extension ids (got ${JSON.stringify(v.extensions)}). The library's health_check is kept only if listed.`);
      }
    }
  }
  // Values a plain-JavaScript caller may pass by mistake (functions, class instances, undefined, Infinity).
  if (!out.length) out.push(...valueProblems(raw));
  return out;
}

/** Component ids rawConfig defines in a section (`receivers`, `processors`, ...). */
export function rawComponentIds(raw: Record<string, unknown> | undefined, section: string): string[] {
  const s = raw?.[section];
  return isMap(s) ? Object.entries(s).filter(([, v]) => v !== null).map(([k]) => k) : [];
}

/** A token in rawConfig, as the file the Collector reads it from. */
export interface RawSecretFile {
  readonly path: string;
  readonly content: string;
}

/**
 * rawConfig with its exporter ids renamed (`rename`), and every token replaced by a
 * `${file:<dir>/raw.<path>}` expansion; returns the files to write.
 */
export function prepareRawConfig(raw: Record<string, unknown>, rename: (id: string) => string, secretDir: string): { doc: Record<string, unknown>; files: RawSecretFile[] } {
  const files: RawSecretFile[] = [];
  const walk = (v: unknown, at: string[]): unknown => {
    if (typeof v === 'string' && Token.isUnresolved(v)) {
      const path = `${secretDir}/raw.${at.map((p) => fileSafeName(p)).join('.')}`;
      files.push({ path, content: v });
      return `\${file:${path}}`;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...at, String(i)]));
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...at, k])]));
    return v;
  };
  const renamed: Record<string, unknown> = { ...raw };
  if (isMap(raw.exporters)) renamed.exporters = Object.fromEntries(Object.entries(raw.exporters).map(([k, v]) => [rename(k), v]));
  if (isMap(raw.service) && isMap(raw.service.pipelines)) {
    const pipelines = Object.fromEntries(
      Object.entries(raw.service.pipelines).map(([id, p]) => [id, isMap(p) && Array.isArray(p.exporters) ? { ...p, exporters: p.exporters.map((e) => (typeof e === 'string' ? rename(e) : e)) } : p]),
    );
    renamed.service = { ...raw.service, pipelines };
  }
  return { doc: walk(renamed, []) as Record<string, unknown>, files };
}
