/**
 * A typed model of the OpenTelemetry Collector's configuration (receivers, processors,
 * exporters, extensions, service pipelines), its validation and its YAML renderer.
 *
 * Written against otel/opentelemetry-collector-contrib 0.115.0 and re-checked for 0.159.0
 * (test/fixtures/engines/otelcol-contrib-0.159.0.json): every component below is in the
 * contrib distribution's manifest at open-telemetry/opentelemetry-collector-releases v0.159.0;
 * the core components' fields (otlp receiver, memory_limiter, batch, otlp_grpc / otlp_http /
 * debug exporters, configtls, configgrpc, confighttp) were read in open-telemetry/
 * opentelemetry-collector at v0.159.0. Three exporters were renamed (RENAMED_EXPORTER_TYPES),
 * written by the name the pinned release uses. Contrib components' fields were read at v0.115.0
 * (`config.go` / README per component); the contrib repository could not be fetched at 0.159.0.
 * References:
 * - configuration layout, component ids `type[/name]`, `$$` escaping and `${env:...}` /
 *   `${file:...}` expansion: https://opentelemetry.io/docs/collector/configuration/
 * - receivers: `otlpreceiver` (opentelemetry-collector), `prometheusreceiver` (contrib)
 * - processors: `memorylimiterprocessor`, `batchprocessor` (core); `attributesprocessor`,
 *   `resourceprocessor`, `tailsamplingprocessor`, `filterprocessor` (contrib)
 * - exporters: `otlpexporter` (type `otlp_grpc`), `otlphttpexporter` (`otlp_http`),
 *   `debugexporter` (core); `prometheusexporter`, `prometheusremotewriteexporter`
 *   (`prometheus_remote_write`) (contrib)
 * - extensions: `healthcheckextension` (contrib)
 * The course's `otel-collector-config.yml` (module 6) is the starting point of the defaults.
 */
import { goDurationText } from '../core/duration';
import { Token } from 'cdktf';
import { DurationLike, resolveDuration } from '../core/duration';
import { editDistance, fileSafeName, labelNameProblem, re2Problem } from '../core/names';
import { headerCarriesCredential, literalSecretProblem, urlSecretProblem } from '../core/secrets';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { versionAtLeast } from '../core/releases';
import { deepMerge, prepareRawConfig, rawComponentIds } from './raw-config';

// ---------------------------------------------------------------------------------------------
// Durations: the Collector and Tempo are Go programs and parse durations with
// time.ParseDuration, which has no `d`, `w` or `y` unit ("14d" fails to load). Values are
// accepted in the library's usual form (Prometheus durations, `Duration`) and rendered in
// Go's form (`14d` → `336h`).
// ---------------------------------------------------------------------------------------------

/**
 * Normalises a DurationLike for a Go program: the text uses only h, m, s and ms. Returns a
 * problem (without location) for an invalid string; unresolved tokens pass through unchecked.
 */
export function goDuration(value: DurationLike): { text: string; ms?: number; problem?: string } {
  const r = resolveDuration(value);
  if (r.problem) {
    return {
      text: r.text,
      problem: `is not a valid duration (got ${JSON.stringify(value)}). Use a number and a unit (ms, s, m, h, d), e.g. "5s", "1m30s" or "14d"; days are written out as hours for the Go program ("14d" becomes "336h").`,
    };
  }
  if (r.ms === undefined) return { text: r.text };
  return { text: goDurationText(r.ms), ms: r.ms };
}


// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/** The three kinds of telemetry a pipeline carries. */
export type Signal = 'traces' | 'metrics' | 'logs';
const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];
/**
 * What a pipeline carries: the three signals, or profiles (OTLP profiles, alpha in the
 * Collector: its pipelines load only with the `service.profilesSupport` feature gate on).
 */
export type PipelineSignal = Signal | 'profiles';
const WITH_PROFILES: readonly PipelineSignal[] = [...SIGNALS, 'profiles'];
/** The Collector feature gate that lets `profiles` pipelines load. */
export const PROFILES_FEATURE_GATE = 'service.profilesSupport';

/** Fields every component has: its type and an optional name, giving the id `type[/name]`. */
interface ComponentBase {
  /**
   * Second part of the component id `type/name`, to define several components of one type
   * (`otlp/tempo`, `otlp/backup`). Letters, digits, `_`, `.` and `-`.
   * @default - the id is the type alone
   */
  readonly name?: string;
}

/** One OTLP protocol listener. */
export interface OtlpProtocol {
  /** `host:port` to listen on. @default - `0.0.0.0:4317` (gRPC) or `0.0.0.0:4318` (HTTP) */
  readonly endpoint?: string;
}

/** `otlp` receiver: OTLP over gRPC and HTTP (the course: 4317 and 4318). */
export interface OtlpReceiver extends ComponentBase {
  readonly type: 'otlp';
  /** gRPC listener; `false` turns it off. @default - `0.0.0.0:4317` */
  readonly grpc?: OtlpProtocol | false;
  /** HTTP listener; `false` turns it off. @default - `0.0.0.0:4318` */
  readonly http?: OtlpProtocol | false;
}

/** A scrape job of the Collector's `prometheus` receiver. */
export interface CollectorScrapeConfig {
  readonly jobName: string;
  /** `host:port` targets. */
  readonly targets: string[];
  /** Prometheus duration. @default - the receiver's default (1m) */
  readonly scrapeInterval?: DurationLike;
  /** @default '/metrics' */
  readonly metricsPath?: string;
}

/** `prometheus` receiver: the Collector scrapes Prometheus endpoints itself (metrics only). */
export interface PrometheusReceiver extends ComponentBase {
  readonly type: 'prometheus';
  readonly scrapeConfigs: CollectorScrapeConfig[];
}

/** A receiver. */
export type ReceiverConfig = OtlpReceiver | PrometheusReceiver;

/** `memory_limiter`: refuses data before the Collector runs out of memory. First in every pipeline. */
export interface MemoryLimiterProcessor extends ComponentBase {
  readonly type: 'memory_limiter';
  /** How often memory is measured. @default '1s' */
  readonly checkInterval?: DurationLike;
  /** Hard limit in MiB. */
  readonly limitMib: number;
  /** Headroom below the hard limit (the soft limit is `limitMib - spikeLimitMib`). @default - 20 % of limitMib */
  readonly spikeLimitMib?: number;
}

/** `batch`: groups data before export. */
export interface BatchProcessor extends ComponentBase {
  readonly type: 'batch';
  /** Send a batch after this long, whatever its size. @default - the processor's default (200ms) */
  readonly timeout?: DurationLike;
  /** Send once this many spans, points or records are queued. @default - the processor's default (8192) */
  readonly sendBatchSize?: number;
  /** Upper bound of a batch; 0 means none. Must be ≥ sendBatchSize. @default 0 */
  readonly sendBatchMaxSize?: number;
}

/** What an attribute action does. */
export type AttributeActionType = 'insert' | 'update' | 'upsert' | 'delete' | 'hash' | 'extract';
const ATTRIBUTE_ACTIONS: readonly AttributeActionType[] = ['insert', 'update', 'upsert', 'delete', 'hash', 'extract'];

/**
 * One action of the `attributes` or `resource` processor. `insert`, `update` and `upsert`
 * need `key` and one of `value`, `fromAttribute`, `fromContext`; `delete` and `hash` need
 * `key` or `pattern`; `extract` needs `key` and a `pattern` with named groups.
 */
export interface AttributeAction {
  readonly action: AttributeActionType;
  /** @default - none */
  readonly key?: string;
  /** @default - none */
  readonly value?: string | number | boolean;
  /** Copy the value of this attribute. @default - none */
  readonly fromAttribute?: string;
  /** Copy a value from the request context (e.g. `metadata.x-tenant`). @default - none */
  readonly fromContext?: string;
  /** RE2 regex: the keys to delete/hash, or the named groups to extract. @default - none */
  readonly pattern?: string;
}

/** `attributes`: changes span, log and data point attributes. */
export interface AttributesProcessor extends ComponentBase {
  readonly type: 'attributes';
  readonly actions: AttributeAction[];
}

/** `resource`: changes resource attributes (rendered as the processor's `attributes` list). */
export interface ResourceProcessor extends ComponentBase {
  readonly type: 'resource';
  readonly actions: AttributeAction[];
}

/** Span status codes, as the tail sampler names them. */
export type SpanStatusCode = 'ERROR' | 'OK' | 'UNSET';
const STATUS_CODES: readonly SpanStatusCode[] = ['ERROR', 'OK', 'UNSET'];

/** Keep traces containing a span with one of these statuses. */
export interface StatusCodePolicy {
  readonly name: string;
  readonly type: 'status_code';
  readonly statusCodes: SpanStatusCode[];
}
/** Keep a share of traces, chosen by trace id. */
export interface ProbabilisticPolicy {
  readonly name: string;
  readonly type: 'probabilistic';
  /** Percentage between 0 and 100. */
  readonly samplingPercentage: number;
  /** @default - none */
  readonly hashSalt?: string;
}
/** Keep traces that last longer than a threshold. */
export interface LatencyPolicy {
  readonly name: string;
  readonly type: 'latency';
  /** Milliseconds, > 0. */
  readonly thresholdMs: number;
  /** Keep only traces shorter than this. @default - no upper bound */
  readonly upperThresholdMs?: number;
}
/** Keep every trace. */
export interface AlwaysSamplePolicy {
  readonly name: string;
  readonly type: 'always_sample';
}
/** Keep traces with an attribute among values. */
export interface StringAttributePolicy {
  readonly name: string;
  readonly type: 'string_attribute';
  readonly key: string;
  readonly values: string[];
  /** Treat values as RE2 regexes. @default false */
  readonly enabledRegexMatching?: boolean;
  /**
   * Keep traces that do NOT match. Since the tail-sampling processor made its
   * `disableinvertdecisions` gate permanent (contrib #48976, 2026), this flips this policy's
   * decision only; it no longer overrides the other policies (it did in 0.115.0).
   * @default false
   */
  readonly invertMatch?: boolean;
}
/** A tail-sampling policy; a trace is kept when any policy keeps it. */
export type SamplingPolicy = StatusCodePolicy | ProbabilisticPolicy | LatencyPolicy | AlwaysSamplePolicy | StringAttributePolicy;
const POLICY_TYPES = ['status_code', 'probabilistic', 'latency', 'always_sample', 'string_attribute'];

/** `tail_sampling`: decides per whole trace (traces pipelines only). */
export interface TailSamplingProcessor extends ComponentBase {
  readonly type: 'tail_sampling';
  /** Wait after a trace's first span before deciding. @default - the processor's default (30s) */
  readonly decisionWait?: DurationLike;
  /** Traces kept in memory. @default - the processor's default (50000) */
  readonly numTraces?: number;
  /** @default - the processor's default (0) */
  readonly expectedNewTracesPerSec?: number;
  readonly policies: SamplingPolicy[];
}

/** `filter`: drops data matching OTTL conditions. */
export interface FilterProcessor extends ComponentBase {
  readonly type: 'filter';
  /** @default 'propagate' */
  readonly errorMode?: 'propagate' | 'ignore' | 'silent';
  /** @default - none */
  readonly traces?: { readonly span?: string[]; readonly spanevent?: string[] };
  /** @default - none */
  readonly metrics?: { readonly metric?: string[]; readonly datapoint?: string[] };
  /** @default - none */
  readonly logs?: { readonly logRecord?: string[] };
}

/** A processor. */
export type ProcessorConfig = MemoryLimiterProcessor | BatchProcessor | AttributesProcessor | ResourceProcessor | TailSamplingProcessor | FilterProcessor;

/** Client TLS of an exporter. */
export interface ExporterTls {
  /** Plain text (no TLS), for a backend on the shared network. @default false */
  readonly insecure?: boolean;
  /** @default false */
  readonly insecureSkipVerify?: boolean;
  /** CA bundle path inside the Collector container. @default - system roots */
  readonly caFile?: string;
}

interface HeaderOptions {
  /**
   * Headers sent with every request. Values of credential headers (authorization, api key,
   * token, secret, password, cookie) must be tokens (e.g. `secretVariable(...).stringValue`);
   * token values are written to a file the Collector reads with `${file:...}`.
   * @default - none
   */
  readonly headers?: Record<string, string>;
}

/** `otlp` exporter (OTLP/gRPC), e.g. to Tempo. */
export interface OtlpExporter extends ComponentBase, HeaderOptions {
  readonly type: 'otlp';
  /** `host:port` (or `http(s)://host:port`). */
  readonly endpoint: string;
  /** @default - TLS with system roots */
  readonly tls?: ExporterTls;
  /** @default 'gzip' */
  readonly compression?: 'gzip' | 'zstd' | 'snappy' | 'none';
}

/** `otlphttp` exporter, e.g. to Loki's OTLP endpoint `http://loki:3100/otlp`. */
export interface OtlpHttpExporter extends ComponentBase, HeaderOptions {
  readonly type: 'otlphttp';
  /** Base URL; `/v1/traces`, `/v1/metrics`, `/v1/logs` are appended. */
  readonly endpoint: string;
  /** @default - TLS settings from the URL */
  readonly tls?: ExporterTls;
  /** @default 'gzip' */
  readonly compression?: 'gzip' | 'zstd' | 'snappy' | 'none';
}

/** `prometheus` exporter: serves metrics for Prometheus to scrape (metrics only). */
export interface PrometheusExporter extends ComponentBase {
  readonly type: 'prometheus';
  /** `host:port` to serve on. @default '0.0.0.0:8889' */
  readonly endpoint?: string;
  /** Prefix of every metric name, e.g. `otel`. @default - none */
  readonly namespace?: string;
  /** @default - none */
  readonly constLabels?: Record<string, string>;
  /** Serve OpenMetrics, which carries exemplars (trace ids). @default false */
  readonly enableOpenMetrics?: boolean;
  /** Turn resource attributes into labels. @default false */
  readonly resourceToTelemetryConversion?: boolean;
  /** @default false */
  readonly sendTimestamps?: boolean;
  /** @default - the exporter's default (5m) */
  readonly metricExpiration?: DurationLike;
}

/** `prometheusremotewrite` exporter (metrics only). */
export interface PrometheusRemoteWriteExporter extends ComponentBase, HeaderOptions {
  readonly type: 'prometheusremotewrite';
  /** Remote-write URL, e.g. `http://prometheus:9090/api/v1/write`. */
  readonly endpoint: string;
  /** @default - none */
  readonly namespace?: string;
  /** @default - none */
  readonly externalLabels?: Record<string, string>;
  /** @default false */
  readonly resourceToTelemetryConversion?: boolean;
  /** @default - TLS settings from the URL */
  readonly tls?: ExporterTls;
}

/** `debug` exporter: prints to the Collector's log. */
export interface DebugExporter extends ComponentBase {
  readonly type: 'debug';
  /** @default 'basic' */
  readonly verbosity?: 'basic' | 'normal' | 'detailed';
}

/** An exporter. */
export type ExporterConfig = OtlpExporter | OtlpHttpExporter | PrometheusExporter | PrometheusRemoteWriteExporter | DebugExporter;

/** A service pipeline: component ids, in order. */
export interface PipelineConfig {
  readonly receivers: string[];
  /** Run in order; `memory_limiter` first. @default - none */
  readonly processors?: string[];
  readonly exporters: string[];
}

/** The whole Collector configuration. */
export interface CollectorModel {
  readonly receivers: readonly ReceiverConfig[];
  readonly processors: readonly ProcessorConfig[];
  readonly exporters: readonly ExporterConfig[];
  /** By pipeline id (`traces`, `metrics`, `logs`, or `<signal>/<name>`), in order. */
  readonly pipelines: Readonly<Record<string, PipelineConfig>>;
  /** `host:port` of the health_check extension. @default - no extension */
  readonly healthCheckEndpoint?: string;
  /**
   * The exporter types as the Collector that reads the file names them, model type → written
   * type (`otlp` → `otlp_grpc`); types not listed are written as they are. The model, and
   * the ids users write in pipelines, always use the library's names (`otlp`, `otlphttp`,
   * `prometheusremotewrite`). See `exporterTypeNames`.
   * @default - the newest names (every rename in RENAMED_EXPORTER_TYPES)
   */
  readonly exporterTypes?: Readonly<Record<string, string>>;
  /**
   * Escape hatch deep-merged over the rendered document (see lib/otel/raw-config.ts).
   * @default - none
   */
  readonly rawConfig?: Readonly<Record<string, unknown>>;
}

/**
 * Exporter types renamed to lower snake case by the Collector, with the first release that
 * has the new name (the old one stays as a deprecated alias that logs a warning):
 * - `otlp` → `otlp_grpc`, `otlphttp` → `otlp_http`: 0.144.0 (open-telemetry/opentelemetry-
 *   collector CHANGELOG v1.50.0/v0.144.0; at v0.159.0 exporter/otlpexporter/metadata.yaml says
 *   `type: otlp_grpc`, `deprecated_type: otlp`, exporter/otlphttpexporter/metadata.yaml
 *   `type: otlp_http`, `deprecated_type: otlphttp`);
 * - `prometheusremotewrite` → `prometheus_remote_write`: 0.154.0 (opentelemetry-collector-
 *   contrib pull request 48705, merged 2026-05-27, after 0.153.0 was released on 2026-05-26).
 */
export const RENAMED_EXPORTER_TYPES: Readonly<Record<string, { readonly name: string; readonly since: string }>> = {
  otlp: { name: 'otlp_grpc', since: '0.144.0' },
  otlphttp: { name: 'otlp_http', since: '0.144.0' },
  prometheusremotewrite: { name: 'prometheus_remote_write', since: '0.154.0' },
};

/** The exporter type names of a Collector image tag (tags naming no release are the newest). */
export function exporterTypeNames(tag: string): Record<string, string> {
  return Object.fromEntries(Object.entries(RENAMED_EXPORTER_TYPES).filter(([, r]) => versionAtLeast(tag, r.since, true)).map(([type, r]) => [type, r.name]));
}

/** An exporter id as written (`otlp/tempo` → `otlp_grpc/tempo`). */
export function renderedExporterId(id: string, types: Readonly<Record<string, string>> = exporterTypeNames('latest')): string {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  const renamed = types[type];
  return renamed ? renamed + id.slice(type.length) : id;
}

/** The kinds of components. */
export type ComponentKind = 'receiver' | 'processor' | 'exporter';
type AnyComponent = ReceiverConfig | ProcessorConfig | ExporterConfig;

/** Types each kind knows, and the signals each type handles. */
// Profiles (alpha): the OTLP receiver, memory_limiter, and the OTLP, OTLP/HTTP and debug exporters.
const TYPES: Record<ComponentKind, Record<string, readonly PipelineSignal[]>> = {
  receiver: { otlp: WITH_PROFILES, prometheus: ['metrics'] },
  processor: { memory_limiter: WITH_PROFILES, batch: SIGNALS, attributes: SIGNALS, resource: SIGNALS, tail_sampling: ['traces'], filter: SIGNALS },
  exporter: { otlp: WITH_PROFILES, otlphttp: WITH_PROFILES, prometheus: ['metrics'], prometheusremotewrite: ['metrics'], debug: WITH_PROFILES },
};

/** Where the Collector reads secret files (`${file:...}`). */
export const COLLECTOR_SECRET_DIR = '/etc/otel/secrets';
/** The health_check extension's conventional port. */
export const HEALTH_CHECK_PORT = 13133;

// ---------------------------------------------------------------------------------------------
// The course's components (module 6, otel-collector-config.yml)
// ---------------------------------------------------------------------------------------------

/** The course's receiver: OTLP on 0.0.0.0:4317 (gRPC) and 0.0.0.0:4318 (HTTP). */
export const COURSE_OTLP_RECEIVER: OtlpReceiver = { type: 'otlp', grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } };
/** The course's memory limiter: checked every second, 512 MiB, 128 MiB spike headroom. */
export const COURSE_MEMORY_LIMITER: MemoryLimiterProcessor = { type: 'memory_limiter', checkInterval: '1s', limitMib: 512, spikeLimitMib: 128 };
/** The course's batch processor: 5 s or 1,000 items. */
export const COURSE_BATCH: BatchProcessor = { type: 'batch', timeout: '5s', sendBatchSize: 1000 };
/** The course's tail sampling: every error, 10 % of the rest, every trace slower than 2 s. */
export const COURSE_TAIL_SAMPLING: TailSamplingProcessor = {
  type: 'tail_sampling',
  policies: [
    { name: 'errors', type: 'status_code', statusCodes: ['ERROR'] },
    { name: 'sampling', type: 'probabilistic', samplingPercentage: 10 },
    { name: 'slow-traces', type: 'latency', thresholdMs: 2000 },
  ],
};
/** The course's attributes processor: `environment=production` on logs. */
export const COURSE_ENVIRONMENT_ATTRIBUTES: AttributesProcessor = { type: 'attributes', actions: [{ key: 'environment', value: 'production', action: 'upsert' }] };
/**
 * The course's Prometheus exporter on 0.0.0.0:8889, namespace `otel`, resource attributes as
 * labels; OpenMetrics on so exemplars (`trace_id`) reach Prometheus.
 */
export const COURSE_PROMETHEUS_EXPORTER: PrometheusExporter = {
  type: 'prometheus',
  endpoint: '0.0.0.0:8889',
  namespace: 'otel',
  enableOpenMetrics: true,
  resourceToTelemetryConversion: true,
};

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** `type` or `type/name`. */
export function componentId(c: { readonly type: string; readonly name?: string }): string {
  return c.name !== undefined ? `${c.type}/${c.name}` : c.type;
}

/** The type part of a component id (`otlp/tempo` → `otlp`). */
export function componentType(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):(\d{1,5})$/;
const URL = /^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/;

function q(v: unknown): string {
  return JSON.stringify(v);
}

function hostPortProblem(what: string, value: string | undefined, example: string): string | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const m = HOST_PORT.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
    return `${what} is not host:port (got ${q(value)}). Use e.g. "${example}", without a scheme or path.`;
  }
  return undefined;
}

function urlProblem(what: string, value: string | undefined, example: string): string | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  if (!URL.test(value)) return `${what} is not an http(s) URL (got ${q(value)}). Use e.g. "${example}".`;
  const secret = urlSecretProblem(value);
  return secret ? `${what} ${secret}` : undefined;
}

function durationProblemAt(what: string, value: DurationLike | undefined, positive = false): string | undefined {
  if (value === undefined) return undefined;
  const d = goDuration(value);
  if (d.problem) return `${what} ${d.problem}`;
  if (positive && d.ms === 0) return `${what} must be greater than zero (got ${q(d.text)}). Use e.g. "1s".`;
  return undefined;
}

function intProblem(what: string, n: number | undefined, min: number): string | undefined {
  if (n === undefined) return undefined;
  if (!Number.isSafeInteger(n) || n < min) return `${what} must be an integer ≥ ${min} (got ${q(n)}).`;
  return undefined;
}


function suggestion(value: string, options: readonly string[]): string {
  const v = value.toLowerCase();
  const close = options.find((o) => editDistance(o, v) <= 2) ?? options.find((o) => v.startsWith(o) || o.startsWith(v));
  return close ? ` (did you mean ${q(close)}?)` : '';
}

/**
 * Problems with one component on its own (type, name, fields). Messages start with
 * `<kind> "<id>"`.
 */
export function componentProblems(kind: ComponentKind, c: AnyComponent): string[] {
  const id = componentId(c);
  const where = `${kind} ${q(id)}`;
  const known = Object.keys(TYPES[kind]);
  if (!known.includes(c.type)) {
    const hint = kind === 'exporter' && String(c.type) === 'logging' ? ' The logging exporter was removed from the Collector; use "debug".' : '';
    return [`${where}: type ${q(c.type)} is not ${kind === 'exporter' ? 'an' : 'a'} ${kind} type this library knows${suggestion(String(c.type), known)}. Use one of ${known.join(', ')}.${hint}`];
  }
  const out: string[] = [];
  if (c.name !== undefined && !NAME.test(c.name)) {
    out.push(`${where}: name must be letters, digits, '_', '.' or '-' (got ${q(c.name)}); the id is "<type>/<name>", e.g. "otlp/tempo".`);
  }
  if (kind === 'receiver') out.push(...receiverProblems(where, c as ReceiverConfig));
  if (kind === 'processor') out.push(...processorProblems(where, c as ProcessorConfig));
  if (kind === 'exporter') out.push(...exporterProblems(where, c as ExporterConfig));
  return out;
}

function receiverProblems(where: string, r: ReceiverConfig): string[] {
  const out: string[] = [];
  if (r.type === 'otlp') {
    if (r.grpc === false && r.http === false) out.push(`${where}: both grpc and http are off (got grpc: false, http: false). Keep at least one protocol.`);
    for (const [p, def] of [['grpc', '0.0.0.0:4317'], ['http', '0.0.0.0:4318']] as const) {
      const proto = r[p];
      if (proto) {
        const e = hostPortProblem(`${where}: ${p}.endpoint`, proto.endpoint, def);
        if (e) out.push(e);
      }
    }
  }
  if (r.type === 'prometheus') {
    if (!r.scrapeConfigs?.length) out.push(`${where}: scrapeConfigs is empty (got ${q(r.scrapeConfigs)}). Give at least one job, e.g. { jobName: 'app', targets: ['app:8080'] }.`);
    const seen = new Set<string>();
    (r.scrapeConfigs ?? []).forEach((s, i) => {
      const at = `${where}: scrapeConfigs[${i}]`;
      if (!s.jobName) out.push(`${at}.jobName is empty (got ${q(s.jobName)}). Give the job a name.`);
      if (seen.has(s.jobName)) out.push(`${at}: job ${q(s.jobName)} is defined twice. Job names must be unique.`);
      seen.add(s.jobName);
      if (!s.targets?.length) out.push(`${at} has no targets (got ${q(s.targets)}). Give host:port targets such as "app:8080".`);
      (s.targets ?? []).forEach((t, ti) => {
        const p = hostPortProblem(`${at}.targets[${ti}]`, t, 'app:8080');
        if (p) out.push(p);
      });
      if (s.scrapeInterval !== undefined) {
        const p = resolveDuration(s.scrapeInterval).problem;
        if (p) out.push(`${at}.scrapeInterval ${p}`);
      }
      if (s.metricsPath !== undefined && !s.metricsPath.startsWith('/')) out.push(`${at}.metricsPath must start with "/" (got ${q(s.metricsPath)}).`);
    });
  }
  return out;
}

function actionProblems(where: string, actions: AttributeAction[] | undefined, field: string): string[] {
  const out: string[] = [];
  if (!actions?.length) return [`${where}: ${field} is empty (got ${q(actions)}). Give at least one action, e.g. { key: 'environment', value: 'production', action: 'upsert' }.`];
  actions.forEach((a, i) => {
    const at = `${where}: ${field}[${i}]`;
    if (!ATTRIBUTE_ACTIONS.includes(a.action)) {
      out.push(`${at}: action ${q(a.action)} is not an attribute action${suggestion(String(a.action), ATTRIBUTE_ACTIONS)}. Use one of ${ATTRIBUTE_ACTIONS.join(', ')}.`);
      return;
    }
    const sources = [a.value !== undefined, a.fromAttribute !== undefined, a.fromContext !== undefined].filter(Boolean).length;
    const keyMissing = a.key === undefined || a.key === '';
    if (a.action === 'insert' || a.action === 'update' || a.action === 'upsert') {
      if (keyMissing) out.push(`${at}: ${a.action} needs a key (got ${q(a.key)}). Set key to the attribute to write.`);
      if (sources !== 1) out.push(`${at}: ${a.action} needs exactly one of value, fromAttribute, fromContext (got ${sources}). Set the value to write, or where to copy it from.`);
      if (a.pattern !== undefined) out.push(`${at}: pattern is only used by delete, hash and extract (got ${q(a.pattern)}). Remove it.`);
    } else {
      if (sources) out.push(`${at}: ${a.action} takes no value, fromAttribute or fromContext. Remove them, or use upsert to write a value.`);
      if (a.action === 'extract') {
        if (keyMissing) out.push(`${at}: extract needs the key to read from (got ${q(a.key)}).`);
        if (a.pattern === undefined) out.push(`${at}: extract needs a pattern with named groups (got undefined), e.g. "^/api/(?P<version>v\\\\d+)/".`);
        else if (!/\(\?P?<[A-Za-z_]\w*>/.test(a.pattern)) out.push(`${at}: extract pattern has no named group (got ${q(a.pattern)}). Each (?P<name>...) group becomes an attribute.`);
      } else if (keyMissing && a.pattern === undefined) {
        out.push(`${at}: ${a.action} needs a key or a pattern (got neither). Set key to one attribute, or pattern to a regex of keys.`);
      }
    }
    if (a.pattern !== undefined) {
      const p = re2Problem(a.pattern);
      if (p) out.push(`${at}: pattern ${p}`);
    }
  });
  return out;
}

function policyProblems(where: string, policies: SamplingPolicy[] | undefined): string[] {
  if (!policies?.length) {
    return [`${where}: policies is empty (got ${q(policies)}). tail_sampling drops every trace without a policy; add one, e.g. { name: 'errors', type: 'status_code', statusCodes: ['ERROR'] }.`];
  }
  const out: string[] = [];
  const names = new Set<string>();
  policies.forEach((p, i) => {
    const at = `${where}: policy ${p.name ? q(p.name) : `#${i}`}`;
    if (!p.name) out.push(`${at} has no name (got ${q(p.name)}). Name every policy.`);
    else if (names.has(p.name)) out.push(`${at} is defined twice. Policy names must be unique.`);
    names.add(p.name);
    if (!POLICY_TYPES.includes(p.type)) {
      out.push(`${at}: type ${q(p.type)} is not a policy type this library knows${suggestion(String(p.type), POLICY_TYPES)}. Use one of ${POLICY_TYPES.join(', ')}.`);
      return;
    }
    switch (p.type) {
      case 'status_code':
        if (!p.statusCodes?.length) out.push(`${at}: statusCodes is empty (got ${q(p.statusCodes)}). Use e.g. ["ERROR"].`);
        (p.statusCodes ?? []).forEach((s, si) => {
          if (!STATUS_CODES.includes(s)) out.push(`${at}: statusCodes[${si}] is not a span status (got ${q(s)}). Use ERROR, OK or UNSET (upper case).`);
        });
        break;
      case 'probabilistic':
        if (typeof p.samplingPercentage !== 'number' || !(p.samplingPercentage >= 0 && p.samplingPercentage <= 100)) {
          out.push(`${at}: samplingPercentage must be between 0 and 100 (got ${q(p.samplingPercentage)}). It is a percentage: 10 keeps one trace in ten.`);
        }
        break;
      case 'latency':
        if (typeof p.thresholdMs !== 'number' || !(p.thresholdMs > 0)) out.push(`${at}: thresholdMs must be greater than 0 (got ${q(p.thresholdMs)}). Use the latency in milliseconds above which traces are kept, e.g. 2000.`);
        if (p.upperThresholdMs !== undefined && !(p.upperThresholdMs > p.thresholdMs)) out.push(`${at}: upperThresholdMs must be greater than thresholdMs (got ${q(p.upperThresholdMs)} ≤ ${q(p.thresholdMs)}).`);
        break;
      case 'string_attribute':
        if (!p.key) out.push(`${at}: key is empty (got ${q(p.key)}). Give the attribute to match, e.g. "http.route".`);
        if (!p.values?.length) out.push(`${at}: values is empty (got ${q(p.values)}). Give the values to keep.`);
        if (p.enabledRegexMatching) {
          (p.values ?? []).forEach((v, vi) => {
            const r = re2Problem(v);
            if (r) out.push(`${at}: values[${vi}] ${r}`);
          });
        }
        break;
      case 'always_sample':
        break;
    }
  });
  return out;
}

function processorProblems(where: string, p: ProcessorConfig): string[] {
  const out: string[] = [];
  const push = (x: string | undefined) => x && out.push(x);
  switch (p.type) {
    case 'memory_limiter':
      push(durationProblemAt(`${where}: checkInterval`, p.checkInterval, true));
      if (!Number.isSafeInteger(p.limitMib) || p.limitMib <= 0) {
        out.push(`${where}: limitMib must be a positive integer (got ${q(p.limitMib)}). Use the memory the Collector may use, in MiB, e.g. 512.`);
      } else if (p.spikeLimitMib !== undefined && (!Number.isSafeInteger(p.spikeLimitMib) || p.spikeLimitMib < 0 || p.spikeLimitMib >= p.limitMib)) {
        out.push(`${where}: spikeLimitMib must be an integer ≥ 0 and below limitMib ${p.limitMib} (got ${q(p.spikeLimitMib)}). The course uses 128 for 512.`);
      }
      break;
    case 'batch':
      push(durationProblemAt(`${where}: timeout`, p.timeout));
      push(intProblem(`${where}: sendBatchSize`, p.sendBatchSize, 0));
      push(intProblem(`${where}: sendBatchMaxSize`, p.sendBatchMaxSize, 0));
      if (p.sendBatchMaxSize && p.sendBatchSize !== undefined && p.sendBatchMaxSize < p.sendBatchSize) {
        out.push(`${where}: sendBatchMaxSize must be 0 or ≥ sendBatchSize (got ${p.sendBatchMaxSize} < ${p.sendBatchSize}).`);
      }
      break;
    case 'attributes':
      out.push(...actionProblems(where, p.actions, 'actions'));
      break;
    case 'resource':
      out.push(...actionProblems(where, p.actions, 'actions'));
      break;
    case 'tail_sampling':
      push(durationProblemAt(`${where}: decisionWait`, p.decisionWait, true));
      push(intProblem(`${where}: numTraces`, p.numTraces, 1));
      push(intProblem(`${where}: expectedNewTracesPerSec`, p.expectedNewTracesPerSec, 0));
      out.push(...policyProblems(where, p.policies));
      break;
    case 'filter': {
      const lists = [p.traces?.span, p.traces?.spanevent, p.metrics?.metric, p.metrics?.datapoint, p.logs?.logRecord];
      if (!lists.some((l) => l?.length)) out.push(`${where} has no condition. Give OTTL conditions, e.g. traces: { span: ['attributes["http.route"] == "/health"'] }.`);
      for (const l of lists) {
        (l ?? []).forEach((c) => {
          if (typeof c !== 'string' || !c.trim()) out.push(`${where}: an OTTL condition is empty (got ${q(c)}).`);
        });
      }
      if (p.errorMode !== undefined && !['propagate', 'ignore', 'silent'].includes(p.errorMode)) {
        out.push(`${where}: errorMode must be propagate, ignore or silent (got ${q(p.errorMode)}).`);
      }
      break;
    }
  }
  return out;
}

function headerProblems(where: string, headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) out.push(`${where}: header name ${q(k)} is not a valid HTTP header name. Use letters, digits and '-'.`);
    if (headerCarriesCredential(k, v)) {
      const p = literalSecretProblem(v);
      if (p) out.push(`${where}: header ${q(k)} carries a credential and ${p}`);
    }
  }
  return out;
}

const COMPRESSIONS = ['gzip', 'zstd', 'snappy', 'none'];

function compressionProblems(where: string, compression: string | undefined): string[] {
  if (compression === undefined || COMPRESSIONS.includes(compression)) return [];
  return [`${where}: compression must be one of ${COMPRESSIONS.join(', ')} (got ${q(compression)}); the Collector refuses others at startup.`];
}

function exporterProblems(where: string, e: ExporterConfig): string[] {
  const out: string[] = [];
  const push = (x: string | undefined) => x && out.push(x);
  switch (e.type) {
    case 'otlp':
      if (!e.endpoint) out.push(`${where}: endpoint is required (got ${q(e.endpoint)}). Use e.g. "tempo:4317".`);
      else if (!Token.isUnresolved(e.endpoint) && !URL.test(e.endpoint)) push(hostPortProblem(`${where}: endpoint`, e.endpoint, 'tempo:4317'));
      out.push(...headerProblems(where, e.headers), ...compressionProblems(where, e.compression));
      break;
    case 'otlphttp':
      if (!e.endpoint) out.push(`${where}: endpoint is required (got ${q(e.endpoint)}). Use e.g. "http://loki:3100/otlp".`);
      else push(urlProblem(`${where}: endpoint`, e.endpoint, 'http://loki:3100/otlp'));
      out.push(...headerProblems(where, e.headers), ...compressionProblems(where, e.compression));
      break;
    case 'prometheus':
      push(hostPortProblem(`${where}: endpoint`, e.endpoint, '0.0.0.0:8889'));
      if (e.namespace !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(e.namespace)) {
        out.push(`${where}: namespace is not a metric name prefix (got ${q(e.namespace)}). Use letters, digits and '_', e.g. "otel".`);
      }
      for (const k of Object.keys(e.constLabels ?? {})) {
        const p = labelNameProblem(k);
        if (p) out.push(`${where}: constLabels key ${p}`);
      }
      push(durationProblemAt(`${where}: metricExpiration`, e.metricExpiration, true));
      break;
    case 'prometheusremotewrite':
      if (!e.endpoint) out.push(`${where}: endpoint is required (got ${q(e.endpoint)}). Use e.g. "http://prometheus:9090/api/v1/write".`);
      else push(urlProblem(`${where}: endpoint`, e.endpoint, 'http://prometheus:9090/api/v1/write'));
      for (const k of Object.keys(e.externalLabels ?? {})) {
        const p = labelNameProblem(k);
        if (p) out.push(`${where}: externalLabels key ${p}`);
      }
      out.push(...headerProblems(where, e.headers));
      break;
    case 'debug':
      if (e.verbosity !== undefined && !['basic', 'normal', 'detailed'].includes(e.verbosity)) {
        out.push(`${where}: verbosity must be basic, normal or detailed (got ${q(e.verbosity)}).`);
      }
      break;
  }
  return out;
}

const PIPELINE_ID = /^(traces|metrics|logs|profiles)(\/[A-Za-z0-9_.-]+)?$/;

/** The signal of a pipeline id (`traces/tail` → `traces`), or undefined when it is not one. */
export function pipelineSignal(id: string): PipelineSignal | undefined {
  const m = PIPELINE_ID.exec(id);
  return m ? (m[1] as PipelineSignal) : undefined;
}

/** `--feature-gates=service.profilesSupport` when a pipeline carries profiles, else nothing. */
export function featureGateArgs(model: CollectorModel): string[] {
  return Object.keys(model.pipelines).some((id) => pipelineSignal(id) === 'profiles') ? [`--feature-gates=${PROFILES_FEATURE_GATE}`] : [];
}

/**
 * Problems with one pipeline that its ids alone reveal: the id, empty receiver or exporter
 * lists, repeated ids, components whose type does not handle the pipeline's signal,
 * memory_limiter not first. Whether each id is defined is checked by
 * `pipelineReferenceProblems`, once every component is known.
 */
export function pipelineProblems(id: string, p: PipelineConfig): string[] {
  const where = `pipeline ${q(id)}`;
  const signal = pipelineSignal(id);
  if (!signal) {
    return [`${where}: the id must be traces, metrics, logs or profiles, optionally followed by /<name> (got ${q(id)}). Use e.g. "traces" or "traces/sampled".`];
  }
  const out: string[] = [];
  if (!p.receivers?.length) out.push(`${where} has no receivers (got ${q(p.receivers ?? [])}). A pipeline needs at least one receiver, e.g. ["otlp"].`);
  if (!p.exporters?.length) out.push(`${where} has no exporters (got ${q(p.exporters ?? [])}). A pipeline needs at least one exporter, e.g. ["debug"].`);
  const lists: Array<[ComponentKind, string[]]> = [['receiver', p.receivers ?? []], ['processor', p.processors ?? []], ['exporter', p.exporters ?? []]];
  for (const [kind, ids] of lists) {
    const seen = new Set<string>();
    for (const ref of ids) {
      if (seen.has(ref)) out.push(`${where} lists ${kind} ${q(ref)} twice. Keep it once.`);
      seen.add(ref);
      const signals = TYPES[kind][componentType(ref)];
      if (signals && !signals.includes(signal)) {
        const why = componentType(ref) === 'tail_sampling' ? ' tail_sampling decides on whole traces, so it only works in traces pipelines.' : '';
        out.push(`${where}: ${kind} ${q(ref)} does not handle ${signal} (it handles ${signals.join(', ')}).${why} Move it to a ${signals.join(' or ')} pipeline.`);
      }
    }
  }
  const procs = p.processors ?? [];
  const ml = procs.findIndex((x) => componentType(x) === 'memory_limiter');
  if (ml > 0) {
    out.push(`${where}: memory_limiter must be the first processor (got ${q(procs)}). Move ${q(procs[ml])} first, so data is refused before other processors spend memory on it.`);
  }
  return out;
}

/** Pipelines naming components that are not defined. */
export function pipelineReferenceProblems(model: CollectorModel): string[] {
  // Components of rawConfig count as defined; a connector is both an exporter and a receiver.
  const raw = (s: string) => rawComponentIds(model.rawConfig, s);
  const defined: Record<ComponentKind, string[]> = {
    receiver: [...model.receivers.map(componentId), ...raw('receivers'), ...raw('connectors')],
    processor: [...model.processors.map(componentId), ...raw('processors')],
    exporter: [...model.exporters.map(componentId), ...raw('exporters'), ...raw('connectors')],
  };
  const out: string[] = [];
  for (const [id, p] of Object.entries(model.pipelines)) {
    const lists: Array<[ComponentKind, string[]]> = [['receiver', p.receivers ?? []], ['processor', p.processors ?? []], ['exporter', p.exporters ?? []]];
    for (const [kind, ids] of lists) {
      for (const ref of ids) {
        if (!defined[kind].includes(ref)) {
          out.push(
            `pipeline ${q(id)} uses ${kind} ${q(ref)}, which is not defined (defined ${kind}s: ${defined[kind].join(', ') || 'none'}). ` +
              `Add it with add${kind[0].toUpperCase()}${kind.slice(1)}() or fix the name.`,
          );
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/** A value the Collector expands itself (`${file:...}`): not escaped. */
class Expansion {
  constructor(public readonly text: string) {}
}

/** A secret header value written to a file and read with `${file:...}`. */
export interface CollectorSecretFile {
  /** Absolute path inside the container. */
  readonly path: string;
  /** Token resolving to the secret. */
  readonly content: string;
}

function slugPart(s: string): string {
  return fileSafeName(s);
}

function secretPath(exporterId: string, header: string): string {
  return `${COLLECTOR_SECRET_DIR}/${slugPart(exporterId)}.${slugPart(header.toLowerCase())}`;
}

/** Header values that are tokens, as files the Collector reads. */
export function collectorSecretFiles(model: CollectorModel): CollectorSecretFile[] {
  const out: CollectorSecretFile[] = [];
  for (const e of model.exporters) {
    if (e.type !== 'otlp' && e.type !== 'otlphttp' && e.type !== 'prometheusremotewrite') continue;
    for (const [k, v] of Object.entries(e.headers ?? {})) {
      if (Token.isUnresolved(v)) out.push({ path: secretPath(componentId(e), k), content: v });
    }
  }
  if (model.rawConfig) out.push(...prepareRawConfig(model.rawConfig, (id) => renderedExporterId(id, model.exporterTypes), COLLECTOR_SECRET_DIR).files);
  return out;
}

function headers(id: string, h: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!h || !Object.keys(h).length) return undefined;
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Token.isUnresolved(v) ? new Expansion(`\${file:${secretPath(id, k)}}`) : v]));
}

function tls(t: ExporterTls | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return clean({ insecure: t.insecure, insecure_skip_verify: t.insecureSkipVerify, ca_file: t.caFile });
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function goText(d: DurationLike | undefined): string | undefined {
  return d === undefined ? undefined : goDuration(d).text;
}

function renderActions(actions: AttributeAction[]): Array<Record<string, unknown>> {
  return actions.map((a) => clean({ key: a.key, value: a.value, from_attribute: a.fromAttribute, from_context: a.fromContext, pattern: a.pattern, action: a.action }));
}

function renderPolicy(p: SamplingPolicy): Record<string, unknown> {
  const base = { name: p.name, type: p.type };
  switch (p.type) {
    case 'status_code':
      return { ...base, status_code: { status_codes: p.statusCodes } };
    case 'probabilistic':
      return { ...base, probabilistic: clean({ sampling_percentage: p.samplingPercentage, hash_salt: p.hashSalt }) };
    case 'latency':
      return { ...base, latency: clean({ threshold_ms: p.thresholdMs, upper_threshold_ms: p.upperThresholdMs }) };
    case 'string_attribute':
      return { ...base, string_attribute: clean({ key: p.key, values: p.values, enabled_regex_matching: p.enabledRegexMatching, invert_match: p.invertMatch }) };
    case 'always_sample':
      return base;
  }
}

function renderReceiver(r: ReceiverConfig): Record<string, unknown> {
  if (r.type === 'otlp') {
    const protocols: Record<string, unknown> = {};
    if (r.grpc !== false) protocols.grpc = { endpoint: r.grpc?.endpoint ?? '0.0.0.0:4317' };
    if (r.http !== false) protocols.http = { endpoint: r.http?.endpoint ?? '0.0.0.0:4318' };
    return { protocols };
  }
  return {
    config: {
      scrape_configs: r.scrapeConfigs.map((s) =>
        clean({
          job_name: s.jobName,
          scrape_interval: s.scrapeInterval === undefined ? undefined : resolveDuration(s.scrapeInterval).text,
          metrics_path: s.metricsPath,
          static_configs: [{ targets: s.targets }],
        }),
      ),
    },
  };
}

function renderProcessor(p: ProcessorConfig): Record<string, unknown> {
  switch (p.type) {
    case 'memory_limiter':
      return clean({ check_interval: goText(p.checkInterval ?? '1s'), limit_mib: p.limitMib, spike_limit_mib: p.spikeLimitMib });
    case 'batch':
      return clean({ timeout: goText(p.timeout), send_batch_size: p.sendBatchSize, send_batch_max_size: p.sendBatchMaxSize });
    case 'attributes':
      return { actions: renderActions(p.actions) };
    case 'resource':
      // The resource processor calls its action list `attributes`.
      return { attributes: renderActions(p.actions) };
    case 'tail_sampling':
      return clean({
        decision_wait: goText(p.decisionWait),
        num_traces: p.numTraces,
        expected_new_traces_per_sec: p.expectedNewTracesPerSec,
        policies: p.policies.map(renderPolicy),
      });
    case 'filter': {
      const sub = (o: Record<string, string[] | undefined>) => {
        const c = clean(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v?.length ? v : undefined])));
        return Object.keys(c).length ? c : undefined;
      };
      return clean({
        error_mode: p.errorMode,
        traces: sub({ span: p.traces?.span, spanevent: p.traces?.spanevent }),
        metrics: sub({ metric: p.metrics?.metric, datapoint: p.metrics?.datapoint }),
        logs: sub({ log_record: p.logs?.logRecord }),
      });
    }
  }
}

function renderExporter(e: ExporterConfig): Record<string, unknown> {
  const id = componentId(e);
  switch (e.type) {
    case 'otlp':
    case 'otlphttp':
      return clean({ endpoint: e.endpoint, tls: tls(e.tls), headers: headers(id, e.headers), compression: e.compression });
    case 'prometheus':
      return clean({
        endpoint: e.endpoint ?? '0.0.0.0:8889',
        namespace: e.namespace,
        const_labels: e.constLabels,
        send_timestamps: e.sendTimestamps,
        metric_expiration: goText(e.metricExpiration),
        enable_open_metrics: e.enableOpenMetrics,
        resource_to_telemetry_conversion: e.resourceToTelemetryConversion === undefined ? undefined : { enabled: e.resourceToTelemetryConversion },
      });
    case 'prometheusremotewrite':
      return clean({
        endpoint: e.endpoint,
        namespace: e.namespace,
        external_labels: e.externalLabels,
        headers: headers(id, e.headers),
        tls: tls(e.tls),
        resource_to_telemetry_conversion: e.resourceToTelemetryConversion === undefined ? undefined : { enabled: e.resourceToTelemetryConversion },
      });
    case 'debug':
      return clean({ verbosity: e.verbosity });
  }
}

/**
 * The Collector expands `${...}` in every value and reads `$$` as a literal `$` (so the
 * prometheus receiver's `$1` must be written `$$1`): escape `$` in literal values, keep our own
 * `${file:...}` expansions and cdktf tokens.
 */
function escapeDollars(v: unknown): unknown {
  if (v instanceof Expansion) return v.text;
  if (typeof v === 'string') return Token.isUnresolved(v) ? v : v.replace(/\$/g, () => '$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}

/** The configuration as the YAML document's object (after `$` escaping). */
export function renderCollectorConfig(model: CollectorModel): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (model.healthCheckEndpoint) doc.extensions = { health_check: { endpoint: model.healthCheckEndpoint } };
  doc.receivers = Object.fromEntries(model.receivers.map((r) => [componentId(r), renderReceiver(r)]));
  doc.processors = Object.fromEntries(model.processors.map((p) => [componentId(p), renderProcessor(p)]));
  const exporterId = (id: string) => renderedExporterId(id, model.exporterTypes);
  doc.exporters = Object.fromEntries(model.exporters.map((e) => [exporterId(componentId(e)), renderExporter(e)]));
  const service: Record<string, unknown> = {};
  if (model.healthCheckEndpoint) service.extensions = ['health_check'];
  service.pipelines = Object.fromEntries(
    Object.entries(model.pipelines).map(([id, p]) => [id, clean({ receivers: p.receivers, processors: p.processors?.length ? p.processors : undefined, exporters: p.exporters.map(exporterId) })]),
  );
  doc.service = service;
  if (!model.processors.length) delete doc.processors;
  const escaped = escapeDollars(doc) as Record<string, unknown>;
  if (!model.rawConfig) return escaped;
  // Raw values are written as the Collector reads them (not escaped): see lib/otel/raw-config.ts.
  return deepMerge(escaped, prepareRawConfig(model.rawConfig, exporterId, COLLECTOR_SECRET_DIR).doc) as Record<string, unknown>;
}

/** The Collector's config.yml. */
export function renderCollectorYaml(model: CollectorModel): string {
  return toYaml(renderCollectorConfig(model), GENERATED_HEADER);
}

/** `host:port` → port, or undefined (tokens, bad values). */
export function endpointPort(endpoint: string | undefined): number | undefined {
  if (endpoint === undefined || Token.isUnresolved(endpoint)) return undefined;
  const m = HOST_PORT.exec(endpoint);
  return m ? Number(m[2]) : undefined;
}
