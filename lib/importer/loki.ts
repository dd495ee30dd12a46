import * as fs from 'fs';
import * as path from 'path';
import { LOKI_DATA_PATH, LOKI_RULES_DIR, lokiDuration, renderLokiDocument, resolveLokiLimits, retentionProblem, schemaStartDateProblem } from '../loki/config';
import { versionAtLeast } from '../core/releases';
import { Commented, Notes } from './model';
import { isObject, parseYaml } from './parse';
import { LOKI_DEFAULTS, TOP_LEVEL_KEYS } from './log-defaults';
import { moveDataPaths, rawDiff, warnUnknownTopLevel } from './raw-diff';

/** What the importer knows about the Loki service around the file. */
export interface LokiContext {
  /** Where Compose mounted the named data volume in the container. @default - no data volume */
  readonly dataMount?: string;
  /** `http://host:port` of the Alertmanagers the generated stack will have. */
  readonly alertmanagerUrls: readonly string[];
  /** Host directories Compose bind-mounts into the container, by container path. */
  readonly hostDirs: Readonly<Record<string, string>>;
  readonly composeFile?: string;
  readonly service?: string;
  /** The image tag (which release's keys are known). @default - the library's Loki */
  readonly imageTag?: string;
}

/** LokiLimits prop ← limits_config key, with the library's default and Loki's. */
const LIMITS: Array<[string, string, unknown, unknown]> = [
  ['ingestionRateMb', 'ingestion_rate_mb', 10, 4],
  ['ingestionBurstSizeMb', 'ingestion_burst_size_mb', 20, 6],
  ['maxQuerySeries', 'max_query_series', 500, 500],
  ['maxEntriesLimitPerQuery', 'max_entries_limit_per_query', 10000, 5000],
  ['maxQueryLength', 'max_query_length', '721h', '721h'],
  ['maxQueryParallelism', 'max_query_parallelism', 32, 32],
  ['perStreamRateLimit', 'per_stream_rate_limit', '5MB', '3MB'],
  ['rejectOldSamples', 'reject_old_samples', true, true],
  ['rejectOldSamplesMaxAge', 'reject_old_samples_max_age', '168h', '168h'],
  ['allowStructuredMetadata', 'allow_structured_metadata', true, true],
  ['volumeEnabled', 'volume_enabled', true, true],
];

const plain = (v: unknown): unknown => (v instanceof Commented ? v.value : v);
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * loki-config.yml as LokiCluster props: retention, limits, schema start date, compaction,
 * ruler remote write and rule groups typed; every other difference from what the construct
 * writes goes through rawConfig (computed, see raw-diff.ts), each in the report.
 */
export function importLoki(file: string, text: string, notes: Notes, ctx: LokiContext): Record<string, unknown> {
  const doc0 = parseYaml(text, file, 'loki');
  warnUnknownTopLevel(file, doc0, versionAtLeast(ctx.imageTag ?? '3.7.6', '3.5.0', true) ? TOP_LEVEL_KEYS.loki37 : TOP_LEVEL_KEYS.loki34, 'Loki', notes);
  const doc = moveDataPaths(file, doc0, notes, { mount: ctx.dataMount, target: LOKI_DATA_PATH, volume: 'data', engine: 'Loki', composeFile: ctx.composeFile, missingWhere: 'common.path_prefix' });
  const props: Record<string, unknown> = {};
  const server = isObject(doc.server) ? doc.server : {};
  if (server.log_level !== undefined && ['debug', 'info', 'warn', 'error'].includes(str(server.log_level))) props.logLevel = str(server.log_level);

  const lc = isObject(doc.limits_config) ? doc.limits_config : {};
  if (lc.retention_period !== undefined && !retentionProblem(str(lc.retention_period))) props.retentionPeriod = str(lc.retention_period);

  const configs = isObject(doc.schema_config) && Array.isArray(doc.schema_config.configs) ? doc.schema_config.configs : [];
  const only = configs.length === 1 && isObject(configs[0]) ? (configs[0] as Record<string, unknown>) : undefined;
  const idx = only && isObject(only.index) ? only.index : {};
  if (only && only.store === 'tsdb' && only.schema === 'v13' && only.object_store === 'filesystem' && idx.prefix === 'index_' && str(idx.period) === '24h' && !schemaStartDateProblem(str(only.from))) {
    props.schemaStartDate = str(only.from);
  } else if (configs.length) {
    notes.add('choice', file, 'schema_config', 'not the single TSDB v13 filesystem period the construct writes: your periods are kept as they are (rawConfig), so the existing index is read');
  }

  const limits: Record<string, unknown> = {};
  for (const [prop, key, library, loki] of LIMITS) {
    const v = lc[key];
    if (v !== undefined) {
      const candidate = typeof library === 'number' ? Number(v) : typeof library === 'boolean' ? v : str(v);
      if (typeof library === 'boolean' && typeof v !== 'boolean') continue;
      if (!resolveLokiLimits({ ...Object.fromEntries(Object.entries(limits).map(([k, x]) => [k, plain(x)])), [prop]: candidate }).problems.length) limits[prop] = candidate;
    } else if (library !== loki) {
      limits[prop] = new Commented(`Loki's default; the library's would be ${JSON.stringify(library)}.`, loki);
      notes.add('default', file, `limits_config.${key}`, `not set: Loki's default ${JSON.stringify(loki)} written out (the library's default is ${JSON.stringify(library)})`);
    }
  }
  if (resolveLokiLimits(Object.fromEntries(Object.entries(limits).map(([k, x]) => [k, plain(x)]))).problems.length) {
    // e.g. a burst lower than the rate: keep the pair raw.
    delete limits.ingestionBurstSizeMb;
    delete limits.ingestionRateMb;
  }
  if (Object.keys(limits).length) props.limits = limits;

  const compactor = isObject(doc.compactor) ? doc.compactor : {};
  if (compactor.compaction_interval !== undefined) props.compactionInterval = str(compactor.compaction_interval);
  if (compactor.retention_delete_delay !== undefined) props.retentionDeleteDelay = str(compactor.retention_delete_delay);

  const ruler = isObject(doc.ruler) ? doc.ruler : {};
  const rw = isObject(ruler.remote_write) ? ruler.remote_write : undefined;
  const clients = rw && isObject(rw.clients) ? Object.values(rw.clients) : [];
  if (rw?.enabled === true && clients.length === 1 && isObject(clients[0]) && Object.keys(clients[0]).join() === 'url' && /^https?:\/\/[^\s/]+/.test(str(clients[0].url))) {
    props.remoteWriteUrl = str(clients[0].url);
    notes.add('choice', file, 'ruler.remote_write', `remoteWriteUrl ${props.remoteWriteUrl}: when it is the stack's Prometheus, the LokiCluster turns on that Prometheus' remote-write receiver`);
  }

  // Rule files: the ruler's local directory, when Compose mounts it from the host.
  const storage = isObject(ruler.storage) ? ruler.storage : {};
  const rulesDir = storage.type === 'local' && isObject(storage.local) ? str(storage.local.directory) : '';
  const hostRules = rulesDir ? ctx.hostDirs[rulesDir] : undefined;
  if (hostRules) {
    const groups = readRuleGroups(hostRules, file, notes);
    if (groups.length) {
      props.ruleGroups = groups;
      props.alertPolicy = new Commented("Your rules as written: the library's alert policy findings (runbook, severity, ...) become warnings, not errors.", 'warn');
      notes.add('choice', file, 'ruler.storage.local.directory', `${groups.length} rule group(s) from ${path.relative(process.cwd(), hostRules) || hostRules} imported as ruleGroups; the construct delivers them at ${LOKI_RULES_DIR}/fake (alertPolicy 'warn' keeps them as they are)`);
      storage.local = { ...(storage.local as object), directory: LOKI_RULES_DIR };
      const common = isObject(doc.common) ? doc.common : undefined;
      const fsStorage = common && isObject(common.storage) && isObject(common.storage.filesystem) ? common.storage.filesystem : undefined;
      if (fsStorage && fsStorage.rules_directory === rulesDir) fsStorage.rules_directory = LOKI_RULES_DIR;
    }
  } else if (rulesDir && rulesDir !== LOKI_RULES_DIR) {
    notes.add('choice', file, 'ruler.storage.local.directory', `${rulesDir} kept (rawConfig): rule files already there keep being evaluated; rule groups added to the construct would be written to ${LOKI_RULES_DIR} and not read`);
  }

  // Loki 3 refuses retention without a delete request store: the construct's value stays.
  const retentionOn = compactor.retention_enabled === true;
  if (retentionOn && compactor.delete_request_store === undefined) {
    compactor.delete_request_store = 'filesystem';
    notes.add('choice', file, 'compactor.delete_request_store', "not set although retention_enabled is true: Loki 3 refuses to start that way; the construct's 'filesystem' kept");
  }

  // What the construct renders from these props (its defaults for the rest).
  const rendered = renderLokiDocument({
    logLevel: str(props.logLevel ?? 'info'),
    schemaStartDate: str(props.schemaStartDate ?? '2024-01-01'),
    limits: resolveLokiLimits(Object.fromEntries(Object.entries(limits).map(([k, x]) => [k, plain(x)]))).limits,
    alertmanagerUrls: ctx.alertmanagerUrls,
    remoteWriteUrl: props.remoteWriteUrl as string | undefined,
    retentionPeriod: lokiDuration('retentionPeriod', str(props.retentionPeriod ?? '30d')).text,
    compactionInterval: lokiDuration('compactionInterval', str(props.compactionInterval ?? '10m')).text,
    retentionDeleteDelay: lokiDuration('retentionDeleteDelay', str(props.retentionDeleteDelay ?? '2h')).text,
  });
  const diff = rawDiff(file, doc, rendered, LOKI_DEFAULTS, notes, 'Loki');
  if (diff.raw) props.rawConfig = new Commented('Escape hatch: loki.yaml keys the construct does not write as your file does, merged over its configuration (see the import report).', diff.raw);
  return props;
}

function readRuleGroups(dir: string, file: string, notes: Notes): unknown[] {
  const files: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      notes.add('warning', file, 'ruler.storage.local.directory', `mounted rules directory ${d} not found: no rule groups imported`);
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && depth === 0) walk(path.join(d, e.name), 1);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) files.push(path.join(d, e.name));
    }
  };
  walk(dir, 0);
  const groups: unknown[] = [];
  for (const f of files) {
    const doc = parseYaml(fs.readFileSync(f, 'utf8'), path.relative(process.cwd(), f), 'rules');
    for (const g of Array.isArray(doc.groups) ? doc.groups : []) {
      if (!isObject(g)) continue;
      const rules = (Array.isArray(g.rules) ? g.rules : []).filter(isObject).map((r) => {
        const out: Record<string, unknown> = r.alert !== undefined ? { alert: str(r.alert) } : { record: str(r.record) };
        out.expr = str(r.expr).trim();
        if (r.for !== undefined) out.for = str(r.for);
        if (isObject(r.labels)) out.labels = Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, str(v)]));
        if (isObject(r.annotations)) out.annotations = Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, str(v)]));
        return out;
      });
      groups.push({ name: str(g.name), ...(g.interval !== undefined ? { interval: str(g.interval) } : {}), rules });
    }
  }
  return groups;
}
