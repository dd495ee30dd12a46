import * as fs from 'fs';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { ImportError } from './errors';

export { ImportError } from './errors';

export type InputKind = 'prometheus' | 'rules' | 'alertmanager' | 'blackbox' | 'compose' | 'loki' | 'tempo' | 'promtail' | 'otel' | 'datasources' | 'dashboard providers';

const KIND_KEYS: Record<InputKind, { any: string[]; example: string }> = {
  prometheus: { any: ['scrape_configs', 'global', 'rule_files', 'alerting', 'remote_write', 'remote_read'], example: 'scrape_configs:' },
  rules: { any: ['groups'], example: 'groups:' },
  alertmanager: { any: ['route', 'receivers'], example: 'route: and receivers:' },
  blackbox: { any: ['modules'], example: 'modules:' },
  compose: { any: ['services'], example: 'services:' },
  loki: { any: ['schema_config', 'limits_config', 'common', 'storage_config', 'ruler', 'auth_enabled', 'query_range', 'chunk_store_config'], example: 'schema_config: or common:' },
  tempo: { any: ['distributor', 'metrics_generator', 'storage', 'overrides', 'live_store', 'backend_worker', 'stream_over_http_enabled', 'query_frontend'], example: 'distributor: or storage:' },
  promtail: { any: ['clients', 'client', 'positions'], example: 'clients: and scrape_configs:' },
  otel: { any: ['exporters', 'service'], example: 'receivers:, exporters: and service:' },
  datasources: { any: ['datasources', 'deleteDatasources'], example: 'datasources:' },
  'dashboard providers': { any: ['providers'], example: 'providers:' },
};

/** Kinds read from a Compose mount only (no flag of their own). */
const MOUNT_ONLY: readonly InputKind[] = ['loki', 'tempo', 'promtail'];

/** The kind a parsed document looks like, judged by its top-level keys. */
export function guessKind(doc: Record<string, unknown>): InputKind | undefined {
  if ('services' in doc) return 'compose';
  if ('schema_config' in doc || 'limits_config' in doc) return 'loki';
  if ('clients' in doc || 'positions' in doc) return 'promtail';
  if ('distributor' in doc || 'metrics_generator' in doc) return 'tempo';
  if ('receivers' in doc && 'service' in doc) return 'otel';
  if ('route' in doc || 'receivers' in doc || 'inhibit_rules' in doc) return 'alertmanager';
  if ('scrape_configs' in doc || 'rule_files' in doc) return 'prometheus';
  if ('modules' in doc) return 'blackbox';
  if ('groups' in doc) return 'rules';
  return undefined;
}

/**
 * Parses YAML text as a mapping of kind `kind`. Syntax errors name the file and the line;
 * a file of another kind (e.g. an alertmanager.yml given as --prometheus) is refused
 * with what it looks like instead.
 */
export function parseYaml(text: string, file: string, kind: InputKind): Record<string, unknown> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.pos ? lineCounter.linePos(e.pos[0]).line : undefined;
    throw new ImportError(`invalid YAML: ${e.message.split('\n')[0]}`, file, line);
  }
  if (!isMap(doc.contents)) {
    const what = doc.contents === null ? 'empty' : isSeq(doc.contents) ? 'a list' : 'a scalar';
    throw new ImportError(`expected a ${kind} file (a mapping with ${KIND_KEYS[kind].example}), but the document is ${what}`, file, 1);
  }
  const value = doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>;
  const expected = KIND_KEYS[kind];
  if (!expected.any.some((k) => k in value)) {
    const looks = guessKind(value);
    const keys = Object.keys(value).slice(0, 6).join(', ');
    throw new ImportError(
      `this is not a ${kind} file: it has none of ${expected.any.join(', ')} (top-level keys: ${keys || 'none'})${looks ? `; it looks like a ${looks} file${MOUNT_ONLY.includes(looks) ? ' (mount it into the matching Compose service)' : `, pass it with --${looks === 'rules' ? 'prometheus (listed in rule_files)' : looks}`}` : ''}`,
      file,
      1,
    );
  }
  return value;
}

/** Reads and parses a file; a missing file is an ImportError too. */
export function readYaml(file: string, kind: InputKind): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
  return parseYaml(text, file, kind);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys of `obj` not in `known`. */
export function unknownKeys(obj: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(obj).filter((k) => !known.includes(k));
}

/** Minimal glob (`*`, `?`, `**` not needed by Prometheus/Alertmanager: they use filepath.Glob) relative to `baseDir`. */
export function globFiles(pattern: string, baseDir: string): string[] {
  const abs = pattern.startsWith('/') ? pattern : `${baseDir}/${pattern}`;
  if (!/[*?[]/.test(abs)) return fs.existsSync(abs) ? [abs] : [];
  const parts = abs.split('/');
  let dirs = [parts[0] === '' ? '/' : parts[0]];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const d of dirs) {
      if (!/[*?[]/.test(part)) {
        const p = d === '/' ? `/${part}` : `${d}/${part}`;
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(d).sort();
      } catch {
        entries = [];
      }
      for (const e of entries) if (re.test(e) && !e.startsWith('.')) next.push(d === '/' ? `/${e}` : `${d}/${e}`);
    }
    dirs = next;
  }
  return dirs.filter((p) => fs.statSync(p).isFile());
}
