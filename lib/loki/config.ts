/**
 * Loki's configuration file and rule files, rendered from typed settings.
 *
 * Field names follow the configuration reference of grafana/loki at tag v3.7.6 (commit
 * 5003600d7c787b5f047c8d1b0198559471b0caa5; docs/sources/shared/configuration.md, generated from
 * the code), checked against test/fixtures/engines/loki-3.7.6.json; every field below exists
 * unchanged since v3.4.0, and the upgrade notes for 3.5 to 3.7 change none of them (the image
 * lost busybox: see lokiHealthcheck). Loki cannot run in the tests, so only fields that are
 * both in that reference and in Loki's own examples are used (the getting-started
 * simple-scalable docker-compose for memberlist, `common.compactor_address` and
 * `common.storage.s3`):
 *
 * - top level: `auth_enabled`, `server`, `common`, `memberlist`, `schema_config`,
 *   `limits_config`, `compactor`, `ruler`
 * - `server`: `http_listen_port`, `grpc_listen_port`, `log_level`
 * - `common`: `path_prefix`, `replication_factor`, `ring.kvstore.store`, `compactor_address`,
 *   `storage.filesystem.{chunks_directory, rules_directory}`, `storage.s3.{endpoint,
 *   bucketnames, region, access_key_id, secret_access_key, insecure, s3forcepathstyle}`
 * - `memberlist`: `join_members`, `bind_port`
 * - `schema_config.configs[]`: `from`, `store`, `object_store`, `schema`, `index.{prefix, period}`
 * - `limits_config`: `retention_period`, `max_query_length`, `max_query_parallelism`,
 *   `max_query_series`, `max_entries_limit_per_query`, `ingestion_rate_mb`,
 *   `ingestion_burst_size_mb`, `per_stream_rate_limit`, `reject_old_samples`,
 *   `reject_old_samples_max_age`, `allow_structured_metadata`, `volume_enabled`
 * - `compactor`: `working_directory`, `compaction_interval`, `retention_enabled`,
 *   `retention_delete_delay`, `delete_request_store` (required with retention since 3.0)
 * - `ruler`: `storage.{type, local.directory}`, `rule_path`, `alertmanager_url` (comma-separated,
 *   one group per URL), `enable_alertmanager_v2` (Alertmanager 0.27 has no v1 API; the
 *   default is already true since Loki 3.0, set explicitly), `ring.kvstore.store`,
 *   `enable_api`, `wal.dir`, `remote_write.{enabled, clients.<name>.url}`
 *
 * Go-duration fields (`compaction_interval`, `retention_delete_delay`) reject `d`, so every
 * duration is written in hours, minutes and seconds (`720h`), which all of them accept.
 */
import { goDurationText as goDuration } from '../core/duration';
import { Token } from 'cdktf';
import { DurationLike, resolveDuration } from '../core/duration';
import { isLogqlLogQuery, logqlProblem } from '../core/logql';
import { fileSafeName, labelNameProblem, metricNameProblem, nonEmptyNameProblem } from '../core/names';
import { literalSecretProblem } from '../core/secrets';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { versionAtLeast } from '../core/releases';
import { mergeRawConfig } from '../core/raw-config';

/** Loki's HTTP port (API, push, queries, /ready). */
export const LOKI_HTTP_PORT = 3100;
/** Loki's gRPC port (the course's 9096). */
export const LOKI_GRPC_PORT = 9096;
/** Memberlist gossip port (simple-scalable mode). */
export const LOKI_MEMBERLIST_PORT = 7946;
/** Data: chunks, TSDB index, WAL, compactor work, ruler scratch space. */
export const LOKI_DATA_PATH = '/loki';
export const LOKI_CONFIG_PATH = '/etc/loki/config.yaml';
/**
 * Rule files, outside the data volume: they live in the container, so a rule group removed
 * from the code disappears on the next deploy instead of lingering in the volume.
 */
export const LOKI_RULES_DIR = '/etc/loki/rules';
/** The tenant of every request when `auth_enabled` is false. */
export const LOKI_TENANT = 'fake';
/**
 * The Docker healthcheck for a Loki image tag (GET /ready), or none when the image has no
 * way to run one (grafana/loki at each tag, cmd/loki/Dockerfile and cmd/loki/health.go):
 * - up to 3.5.7 the image is distroless/static:debug with busybox: `wget`;
 * - busybox is gone from 3.6.0 (Dockerfile: distroless/static:nonroot; the upgrade notes
 *   say 3.5.8) and `loki -health` arrives in 3.6.5: no check in between;
 * - from 3.6.5 the binary checks /ready itself: `/usr/bin/loki -health -health.url=...`.
 * Tags that name no release (`main-...`, `latest`) are taken as the newest.
 */
export function lokiHealthcheck(tag: string): string[] | undefined {
  const url = `http://127.0.0.1:${LOKI_HTTP_PORT}/ready`;
  if (versionAtLeast(tag, '3.6.5', true)) return ['CMD', '/usr/bin/loki', '-health', `-health.url=${url}`];
  if (!versionAtLeast(tag, '3.5.8', false)) return ['CMD', 'wget', '-q', '-O', '/dev/null', url];
  return undefined;
}

/** Environment variables the S3 credentials reach Loki through (`-config.expand-env=true`). */
export const LOKI_S3_ENV = { accessKeyId: 'LOKI_S3_ACCESS_KEY_ID', secretAccessKey: 'LOKI_S3_SECRET_ACCESS_KEY' } as const;

/** Per-tenant limits (`limits_config`). */
export interface LokiLimits {
  /** Ingestion rate per tenant, in MB/s. @default 10 */
  readonly ingestionRateMb?: number;
  /** Ingestion burst per tenant, in MB. Not lower than the rate. @default 20 */
  readonly ingestionBurstSizeMb?: number;
  /** Maximum number of series a metric query returns. @default 500 */
  readonly maxQuerySeries?: number;
  /** Maximum number of log lines a query returns. @default 10000 */
  readonly maxEntriesLimitPerQuery?: number;
  /** Longest time range of a query. @default '721h' */
  readonly maxQueryLength?: DurationLike;
  /** Sub-queries run in parallel per query. @default 32 */
  readonly maxQueryParallelism?: number;
  /** Rate limit per stream, e.g. `5MB`. @default '5MB' */
  readonly perStreamRateLimit?: string;
  /** Reject samples older than `rejectOldSamplesMaxAge`. @default true */
  readonly rejectOldSamples?: boolean;
  /** @default '168h' */
  readonly rejectOldSamplesMaxAge?: DurationLike;
  /** Accept structured metadata (OTLP attributes, trace ids). @default true */
  readonly allowStructuredMetadata?: boolean;
  /** Log-volume endpoints (Grafana's volume histogram, Explore Logs). @default true */
  readonly volumeEnabled?: boolean;
}

/** An S3-compatible bucket (MinIO, AWS S3, Ceph, ...). */
export interface LokiObjectStorage {
  /** `host[:port]`, without a scheme, e.g. `minio:9000` or `s3.eu-central-1.amazonaws.com`. */
  readonly endpoint: string;
  /** Bucket for chunks and the index. */
  readonly bucket: string;
  /** Access key id: a token or a literal (it identifies, it does not authenticate). */
  readonly accessKeyId: string;
  /** Secret access key: must be a token (e.g. `secretVariable(this, 's3_secret').stringValue`). */
  readonly secretAccessKey: string;
  /** @default - none (MinIO ignores it) */
  readonly region?: string;
  /** Plain HTTP instead of HTTPS. @default false */
  readonly insecure?: boolean;
  /** Path-style addressing (`endpoint/bucket`), which MinIO needs. @default true */
  readonly forcePathStyle?: boolean;
}

/** A LogQL recording rule: stores the result of `expr` as a series (sent by remote write). */
export interface LokiRecordingRule {
  /** Metric name, e.g. `service:log_errors:rate5m`. */
  readonly record: string;
  /** LogQL metric query, parsed at synth. */
  readonly expr: string;
  /** @default - none */
  readonly labels?: Record<string, string>;
}

/** A LogQL alerting rule. */
export interface LokiAlertingRule {
  /** Alert name, e.g. `OutOfMemoryInLogs`. */
  readonly alert: string;
  /** LogQL metric query, parsed at synth, e.g. `count_over_time({job=~".+"} |= "OOM" [5m]) > 0`. */
  readonly expr: string;
  /** @default - fires on the first evaluation */
  readonly for?: DurationLike;
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * Explicit opt-out of the alert policy's "a threshold alert has `for:`" check, for a
   * threshold that must page on the first evaluation. Not rendered.
   * @default false
   */
  readonly fireImmediately?: boolean;
}

export type LokiRule = LokiRecordingRule | LokiAlertingRule;

/** A group of LogQL rules, evaluated by Loki's ruler. */
export interface LokiRuleGroup {
  /** Unique within the Loki cluster. */
  readonly name: string;
  /** @default - the ruler's evaluation interval (1m) */
  readonly interval?: DurationLike;
  readonly rules: LokiRule[];
}

/** Whether a Loki rule is an alerting rule. */
export function isLokiAlertingRule(rule: LokiRule): rule is LokiAlertingRule {
  return isAlert(rule);
}

function isAlert(rule: LokiRule): rule is LokiAlertingRule {
  return (rule as LokiAlertingRule).alert !== undefined;
}


/** A duration prop as written into Loki's config, or a problem (prefixed with `what`). */
export function lokiDuration(what: string, value: DurationLike): { text: string; ms?: number; problem?: string } {
  const r = resolveDuration(value);
  if (r.problem) return { text: r.text, problem: `${what} ${r.problem}` };
  return { text: r.ms === undefined ? r.text : goDuration(r.ms), ms: r.ms };
}

const DAY_MS = 86_400_000;

/** retention_period: at least 24h and a whole number of index periods (24h). */
export function retentionProblem(value: DurationLike): string | undefined {
  const r = lokiDuration('retentionPeriod', value);
  if (r.problem) return r.problem;
  if (r.ms === undefined) return undefined;
  if (r.ms < DAY_MS || r.ms % DAY_MS !== 0) {
    return `retentionPeriod must be a whole number of days, at least 24h (got ${JSON.stringify(typeof value === 'string' ? value : r.text)}): the compactor deletes whole index tables, one per 24h period, and Loki refuses a retention under 24h. Use e.g. "7d" or "30d".`;
  }
  return undefined;
}

/** schema_config `from`: a real calendar date written YYYY-MM-DD. */
export function schemaStartDateProblem(value: string): string | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const valid = m && (() => {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
  })();
  if (!valid) {
    return `schemaStartDate must be a calendar date written YYYY-MM-DD (got ${JSON.stringify(value)}). Use the day the TSDB v13 schema starts, e.g. "2024-01-01"; never move it once data is written.`;
  }
  return undefined;
}

/** Limits with their defaults applied, as numbers and Loki strings. */
export interface ResolvedLokiLimits {
  readonly ingestionRateMb: number;
  readonly ingestionBurstSizeMb: number;
  readonly maxQuerySeries: number;
  readonly maxEntriesLimitPerQuery: number;
  readonly maxQueryLength: string;
  readonly maxQueryParallelism: number;
  readonly perStreamRateLimit: string;
  readonly rejectOldSamples: boolean;
  readonly rejectOldSamplesMaxAge: string;
  readonly allowStructuredMetadata: boolean;
  readonly volumeEnabled: boolean;
}

/** Applies the course's defaults to `limits` and lists what is wrong. */
export function resolveLokiLimits(limits: LokiLimits = {}): { limits: ResolvedLokiLimits; problems: string[] } {
  const problems: string[] = [];
  const resolved = {
    ingestionRateMb: limits.ingestionRateMb ?? 10,
    ingestionBurstSizeMb: limits.ingestionBurstSizeMb ?? 20,
    maxQuerySeries: limits.maxQuerySeries ?? 500,
    maxEntriesLimitPerQuery: limits.maxEntriesLimitPerQuery ?? 10000,
    maxQueryParallelism: limits.maxQueryParallelism ?? 32,
  };
  for (const [k, v] of Object.entries(resolved)) {
    const integer = k !== 'ingestionRateMb' && k !== 'ingestionBurstSizeMb';
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isSafeInteger(v))) {
      problems.push(`limits.${k} must be a positive ${integer ? 'integer' : 'number'} (got ${JSON.stringify(v)}). A zero or negative limit blocks ${k.startsWith('ingestion') ? 'every push' : 'every query'}; raise it, or leave it out for the default.`);
    }
  }
  if (!problems.length && resolved.ingestionBurstSizeMb < resolved.ingestionRateMb) {
    problems.push(`limits.ingestionBurstSizeMb must not be lower than limits.ingestionRateMb (got ${resolved.ingestionBurstSizeMb} < ${resolved.ingestionRateMb}). The burst is the bucket the rate refills; make it at least the rate, e.g. twice it.`);
  }
  const perStream = limits.perStreamRateLimit ?? '5MB';
  if (!Token.isUnresolved(perStream) && !/^\d+(KB|MB|GB|B)$/.test(perStream)) {
    problems.push(`limits.perStreamRateLimit is not a size Loki accepts (got ${JSON.stringify(perStream)}). Use an integer and a unit among B, KB, MB, GB, e.g. "5MB".`);
  }
  const maxLength = lokiDuration('limits.maxQueryLength', limits.maxQueryLength ?? '721h');
  const maxAge = lokiDuration('limits.rejectOldSamplesMaxAge', limits.rejectOldSamplesMaxAge ?? '168h');
  for (const d of [maxLength, maxAge]) if (d.problem) problems.push(d.problem);
  return {
    problems,
    limits: {
      ...resolved,
      maxQueryLength: maxLength.text,
      perStreamRateLimit: perStream,
      rejectOldSamples: limits.rejectOldSamples ?? true,
      rejectOldSamplesMaxAge: maxAge.text,
      allowStructuredMetadata: limits.allowStructuredMetadata ?? true,
      volumeEnabled: limits.volumeEnabled ?? true,
    },
  };
}

/** Problems with an object storage setting (the secret must be a token). */
export function objectStorageProblems(s: LokiObjectStorage): string[] {
  const out: string[] = [];
  if (typeof s.endpoint !== 'string' || (!Token.isUnresolved(s.endpoint) && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(s.endpoint))) {
    out.push(`objectStorage.endpoint must be host[:port] without a scheme (got ${JSON.stringify(s.endpoint)}). Use e.g. "minio:9000"; set insecure: true for plain HTTP.`);
  }
  if (typeof s.bucket !== 'string' || (!Token.isUnresolved(s.bucket) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket))) {
    out.push(`objectStorage.bucket is not an S3 bucket name (got ${JSON.stringify(s.bucket)}). Use 3 to 63 lower-case letters, digits, '.' or '-', e.g. "loki-chunks".`);
  }
  if (typeof s.accessKeyId !== 'string' || s.accessKeyId.length === 0) {
    out.push(`objectStorage.accessKeyId must be a non-empty string (got ${JSON.stringify(s.accessKeyId)}). Pass the key id, or a variable holding it.`);
  }
  const secret = literalSecretProblem(s.secretAccessKey);
  if (secret) out.push(`objectStorage.secretAccessKey ${secret}`);
  return out;
}

/** File-name-safe form of a group name. */
export function ruleFileName(group: string): string {
  return `${fileSafeName(group)}.yaml`;
}

/** Problems with a LogQL rule group (names, durations, LogQL, duplicates within the group). */
export function lokiRuleGroupProblems(group: LokiRuleGroup): string[] {
  const np = nonEmptyNameProblem('rule group name', group?.name);
  if (np) return [np];
  const where = `rule group ${JSON.stringify(group.name)}`;
  const out: string[] = [];
  if (group.interval !== undefined) {
    const p = resolveDuration(group.interval).problem;
    if (p) out.push(`${where}: interval ${p}`);
  }
  if (!Array.isArray(group.rules) || group.rules.length === 0) {
    out.push(`${where} has no rules. Add at least one recording or alerting rule, or drop the group.`);
    return out;
  }
  const seen = new Set<string>();
  group.rules.forEach((rule, i) => {
    const r = rule as Partial<LokiRecordingRule & LokiAlertingRule>;
    if ((r.record === undefined) === (r.alert === undefined)) {
      out.push(`${where}: rules[${i}] must have exactly one of record and alert (got ${JSON.stringify({ record: r.record, alert: r.alert })}). Set record for a recording rule or alert for an alerting rule.`);
      return;
    }
    const name = (r.record ?? r.alert) as string;
    const at = `${where}, ${r.record !== undefined ? 'recording rule' : 'alert'} ${JSON.stringify(name)}`;
    if (!Token.isUnresolved(name)) {
      const p = metricNameProblem(name);
      if (p) out.push(`${at}: name ${p}`);
    }
    const ep = logqlProblem(r.expr as string);
    if (ep) out.push(`${at}: expr ${ep}`);
    else if (isLogqlLogQuery(r.expr as string)) {
      out.push(`${at}: expr is a log query, not a metric query (got ${JSON.stringify(r.expr)}). Rules evaluate to numbers: wrap it, e.g. count_over_time(${(r.expr as string).trim()} [5m]) > 0.`);
    }
    for (const [kind, map] of [['labels', r.labels], ['annotations', r.annotations]] as const) {
      for (const k of Object.keys(map ?? {})) {
        const p = labelNameProblem(k);
        if (p) out.push(`${at}: ${kind} key ${p}`);
      }
    }
    if (r.record !== undefined && (r.for !== undefined || r.annotations !== undefined)) {
      out.push(`${at}: for and annotations only apply to alerting rules. Remove them or make it an alerting rule.`);
    }
    if (r.alert !== undefined && r.for !== undefined) {
      const p = resolveDuration(r.for).problem;
      if (p) out.push(`${at}: for ${p}`);
    }
    const key = `${r.record !== undefined ? 'record' : 'alert'}:${name}:${JSON.stringify(r.labels ?? {})}`;
    if (seen.has(key)) out.push(`${at} is defined twice in the group with the same labels. Remove one or give them different labels.`);
    seen.add(key);
  });
  return out;
}

/** The YAML of one rule file (`groups:` with this group), as Loki's ruler reads it. */
export function renderLokiRuleFile(group: LokiRuleGroup): string {
  const g: Record<string, unknown> = { name: group.name };
  if (group.interval !== undefined) g.interval = lokiDuration('interval', group.interval).text;
  g.rules = group.rules.map((rule) => {
    const r: Record<string, unknown> = isAlert(rule) ? { alert: rule.alert, expr: rule.expr } : { record: rule.record, expr: rule.expr };
    if (isAlert(rule) && rule.for !== undefined) r.for = lokiDuration('for', rule.for).text;
    if (rule.labels && Object.keys(rule.labels).length) r.labels = rule.labels;
    if (isAlert(rule) && rule.annotations && Object.keys(rule.annotations).length) r.annotations = rule.annotations;
    return r;
  });
  return toYaml({ groups: [g] }, GENERATED_HEADER);
}

/** Everything loki.yaml is rendered from. */
export interface LokiConfigModel {
  readonly logLevel: string;
  readonly schemaStartDate: string;
  /** retention_period, already as Loki text (`720h`). */
  readonly retentionPeriod: string;
  readonly compactionInterval: string;
  readonly retentionDeleteDelay: string;
  readonly limits: ResolvedLokiLimits;
  /** S3 storage (credentials as `${LOKI_S3_...}` placeholders); filesystem when absent. */
  readonly objectStorage?: LokiObjectStorage;
  /** `http://host:port` of each Alertmanager; no `alertmanager_url` when empty. */
  readonly alertmanagerUrls: readonly string[];
  /** Where recording-rule results are remote-written. @default - not sent */
  readonly remoteWriteUrl?: string;
  /** Simple-scalable mode: memberlist peers (`host:7946`) and the compactor's URL. */
  readonly cluster?: { readonly joinMembers: readonly string[]; readonly compactorAddress: string };
  /** Where Loki keeps its data (`common.path_prefix`). @default '/loki' (LOKI_DATA_PATH) */
  readonly dataPath?: string;
  /** Directory the ruler reads rules from (`<dir>/<tenant>/*.yaml`). @default '/etc/loki/rules' (LOKI_RULES_DIR) */
  readonly rulesDir?: string;
  /** gRPC port (`server.grpc_listen_port`). @default 9096 (LOKI_GRPC_PORT) */
  readonly grpcPort?: number;
  /** Copies of each stream kept by the ingesters (`common.replication_factor`). @default 1 */
  readonly replicationFactor?: number;
  /** Deep-merged over the rendered document (lib/core/raw-config.ts). @default - none */
  readonly rawConfig?: Record<string, unknown>;
}

/** loki.yaml as written into the container (before Terraform escaping). */
export function renderLokiConfig(m: LokiConfigModel): string {
  // The credential placeholders are double-quoted so that an expanded value stays one YAML string.
  return toYaml(renderLokiDocument(m), GENERATED_HEADER).replace(/: (\$\{LOKI_S3_[A-Z_]+\})$/gm, ': "$1"');
}

/** loki.yaml as an object (what the Helm chart's `loki.structuredConfig` takes on Kubernetes). */
export function renderLokiDocument(m: LokiConfigModel): Record<string, unknown> {
  const s3 = m.objectStorage;
  const data = m.dataPath ?? LOKI_DATA_PATH;
  const rules = m.rulesDir ?? LOKI_RULES_DIR;
  const kvstore = { store: m.cluster ? 'memberlist' : 'inmemory' };
  const common: Record<string, unknown> = { path_prefix: data };
  if (s3) {
    common.storage = {
      s3: {
        endpoint: s3.endpoint,
        bucketnames: s3.bucket,
        ...(s3.region !== undefined ? { region: s3.region } : {}),
        access_key_id: `\${${LOKI_S3_ENV.accessKeyId}}`,
        secret_access_key: `\${${LOKI_S3_ENV.secretAccessKey}}`,
        insecure: s3.insecure ?? false,
        s3forcepathstyle: s3.forcePathStyle ?? true,
      },
    };
  } else {
    common.storage = { filesystem: { chunks_directory: `${data}/chunks`, rules_directory: rules } };
  }
  common.replication_factor = m.replicationFactor ?? 1;
  common.ring = { kvstore };
  if (m.cluster) common.compactor_address = m.cluster.compactorAddress;

  const ruler: Record<string, unknown> = {
    storage: { type: 'local', local: { directory: rules } },
    rule_path: `${data}/rules-temp`,
  };
  if (m.alertmanagerUrls.length) {
    ruler.alertmanager_url = m.alertmanagerUrls.join(',');
    ruler.enable_alertmanager_v2 = true;
  }
  ruler.ring = { kvstore };
  ruler.enable_api = true;
  if (m.remoteWriteUrl) {
    ruler.wal = { dir: `${data}/ruler-wal` };
    ruler.remote_write = { enabled: true, clients: { default: { url: m.remoteWriteUrl } } };
  }

  const doc: Record<string, unknown> = {
    auth_enabled: false,
    server: { http_listen_port: LOKI_HTTP_PORT, grpc_listen_port: m.grpcPort ?? LOKI_GRPC_PORT, log_level: m.logLevel },
    common,
    ...(m.cluster ? { memberlist: { join_members: [...m.cluster.joinMembers], bind_port: LOKI_MEMBERLIST_PORT } } : {}),
    schema_config: {
      configs: [
        {
          from: m.schemaStartDate,
          store: 'tsdb',
          object_store: s3 ? 's3' : 'filesystem',
          schema: 'v13',
          index: { prefix: 'index_', period: '24h' },
        },
      ],
    },
    limits_config: {
      retention_period: m.retentionPeriod,
      max_query_length: m.limits.maxQueryLength,
      max_query_parallelism: m.limits.maxQueryParallelism,
      max_query_series: m.limits.maxQuerySeries,
      max_entries_limit_per_query: m.limits.maxEntriesLimitPerQuery,
      ingestion_rate_mb: m.limits.ingestionRateMb,
      ingestion_burst_size_mb: m.limits.ingestionBurstSizeMb,
      per_stream_rate_limit: m.limits.perStreamRateLimit,
      reject_old_samples: m.limits.rejectOldSamples,
      reject_old_samples_max_age: m.limits.rejectOldSamplesMaxAge,
      allow_structured_metadata: m.limits.allowStructuredMetadata,
      volume_enabled: m.limits.volumeEnabled,
    },
    compactor: {
      working_directory: `${data}/compactor`,
      compaction_interval: m.compactionInterval,
      retention_enabled: true,
      retention_delete_delay: m.retentionDeleteDelay,
      delete_request_store: s3 ? 's3' : 'filesystem',
    },
    ruler,
  };
  return m.rawConfig ? mergeRawConfig(doc, m.rawConfig).config : doc;
}
