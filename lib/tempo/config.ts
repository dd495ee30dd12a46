/**
 * A typed model of Grafana Tempo's configuration (single binary), its validation and its
 * YAML renderer, in the layout of the Tempo generation that reads it.
 *
 * Tempo 3 (grafana/tempo tag v3.0.3, commit 1900ed7bb5cad1a3edc285783d7d4ac4278337dc; facts in
 * test/fixtures/engines/tempo-3.0.3.json), read from the source at the tag:
 * - cmd/tempo/app/config.go: the top-level sections; `ingester`, `compactor` and
 *   `ingester_client` are gone, and cmd/tempo/main.go reads the file with yaml.UnmarshalStrict,
 *   so a 2.x file with them does not start;
 * - modules/livestore/config.go: `live_store.max_block_duration` (default 30s) cuts blocks;
 * - modules/backendworker/config.go and tempodb/config.go: `backend_worker.compaction.
 *   block_retention` (default 336h) is the retention the worker applies in the single binary;
 * - modules/generator/config.go: `traces_storage` is gone (the local-blocks processor with it);
 * - modules/overrides/config.go: the scoped `overrides.defaults.metrics_generator` format
 *   (Tempo 3 refuses the legacy flat one); docs/sources/tempo/release-notes/v3-0.md and
 *   set-up-for-tracing/setup-tempo/migrate-to-3.md for the monolithic migration.
 * Tempo 2 (2.6.0, as before): `ingester.max_block_duration`, `compactor.compaction.
 * block_retention`, `metrics_generator.traces_storage`; the overrides format of
 * grafana/tempo#3074 (Tempo ≥ 2.4). Both: S3 fields (bucket, endpoint, region, access_key,
 * secret_key, insecure, forcepathstyle, prefix; tempodb/backend/s3/config.go),
 * `-config.expand-env` with `${VAR}`. The course's `tempo-config.yml` (module 6) gives the
 * defaults.
 */
import { Token } from 'cdktf';
import { DurationLike } from '../core/duration';
import { labelNameProblem } from '../core/names';
import { literalSecretProblem, urlSecretProblem } from '../core/secrets';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { goDuration } from '../otel/config';
import { versionAtLeast } from '../core/releases';
import { mergeRawConfig } from '../core/raw-config';

/** Tempo's HTTP port (API, `/ready`, queries from Grafana). */
export const TEMPO_HTTP_PORT = 3200;
/** OTLP/gRPC port of the distributor. */
export const TEMPO_OTLP_GRPC_PORT = 4317;
/** OTLP/HTTP port of the distributor. */
export const TEMPO_OTLP_HTTP_PORT = 4318;
/** Everything Tempo writes lives under this path (one named volume). */
export const TEMPO_DATA_PATH = '/var/tempo';

/** Environment variables holding the S3 credentials (expanded by `-config.expand-env=true`). */
export const TEMPO_S3_ACCESS_KEY_ENV = 'TEMPO_S3_ACCESS_KEY';
export const TEMPO_S3_SECRET_KEY_ENV = 'TEMPO_S3_SECRET_KEY';

/** The course's span-metrics dimensions. */
export const COURSE_SPAN_METRICS_DIMENSIONS = ['http.method', 'http.status_code', 'service.version'];
/** The course's service-graph dimensions. */
export const COURSE_SERVICE_GRAPH_DIMENSIONS = ['service.namespace'];

/** S3 (or S3-compatible: MinIO, Ceph) storage for trace blocks. */
export interface TempoS3Storage {
  /** Host and optional port, without scheme, e.g. `s3.eu-central-1.amazonaws.com` or `minio:9000`. */
  readonly endpoint: string;
  /** Bucket name. */
  readonly bucket: string;
  /** Access key id: a token (sensitive variable), passed in the environment. */
  readonly accessKey: string;
  /** Secret access key: a token (sensitive variable), passed in the environment. */
  readonly secretKey: string;
  /** @default - inferred from the endpoint */
  readonly region?: string;
  /** Object key prefix, to share a bucket. @default - none */
  readonly prefix?: string;
  /** Plain HTTP to the endpoint (MinIO on the shared network). @default false */
  readonly insecure?: boolean;
  /** Path-style requests (MinIO). @default false */
  readonly forcePathStyle?: boolean;
}

/** The metrics generator's settings. */
export interface TempoMetricsGenerator {
  /** Where span metrics and service graphs are written. @default - not written (no remote_write) */
  readonly remoteWriteUrl?: string;
  /**
   * Several remote-write URLs, each receiving every series (one per Prometheus replica on
   * Kubernetes). Takes precedence over remoteWriteUrl. @default - [remoteWriteUrl]
   */
  readonly remoteWriteUrls?: string[];
  /** Labels added to every generated series. */
  readonly externalLabels: Record<string, string>;
  readonly serviceGraphDimensions: string[];
  readonly spanMetricsDimensions: string[];
  /** Exemplar label holding the trace id (Tempo's own default is `traceID`). */
  readonly traceIdLabelName: string;
}

/**
 * The configuration layout: 2 (ingester and compactor) or 3 (live-store, backend scheduler
 * and worker). Tempo 3 refuses the 2.x sections and the reverse.
 */
export type TempoGeneration = 2 | 3;

/** The layout a Tempo image tag reads; tags naming no release (`main-...`) are the newest. */
export function tempoGeneration(tag: string): TempoGeneration {
  return versionAtLeast(tag, '3.0.0', true) ? 3 : 2;
}

/**
 * The Docker healthcheck for a Tempo image tag (GET /ready), or none: busybox `wget` up to
 * 2.6 (Alpine); nothing from 2.7 (distroless, grafana/tempo#4556) until `tempo -health`
 * arrives in 3.0.0 (cmd/tempo/health.go, grafana/tempo#6608). Tags naming no release are the
 * newest.
 */
export function tempoHealthcheck(tag: string): string[] | undefined {
  const url = `http://127.0.0.1:${TEMPO_HTTP_PORT}/ready`;
  if (versionAtLeast(tag, '3.0.0', true)) return ['CMD', '/tempo', '-health', `-health.url=${url}`];
  if (!versionAtLeast(tag, '2.7.0', false)) return ['CMD', 'wget', '-q', '-O', '/dev/null', url];
  return undefined;
}

/** The course's head-block duration (Tempo 2's ingester; its default is 30m). */
export const COURSE_MAX_BLOCK_DURATION = '5m';

/** Everything tempo.yml holds. */
export interface TempoModel {
  /** The layout to write. */
  readonly generation: TempoGeneration;
  /**
   * Cut a block after this long: `ingester.max_block_duration` (Tempo 2) or
   * `live_store.max_block_duration` (Tempo 3).
   * @default - Tempo 2: the course's 5m; Tempo 3: not written (the live-store's 30s)
   */
  readonly maxBlockDuration?: DurationLike;
  readonly blockRetention: DurationLike;
  /** @default - local blocks under /var/tempo/traces */
  readonly objectStorage?: TempoS3Storage;
  /** @default - no metrics generator */
  readonly metricsGenerator?: TempoMetricsGenerator;
  /** Deep-merged over the rendered document (lib/core/raw-config.ts). @default - none */
  readonly rawConfig?: Record<string, unknown>;
}

function q(v: unknown): string {
  return JSON.stringify(v);
}

/** Problems with the parts of a model that come from the user (messages without location). */
export function tempoProblems(m: TempoModel): string[] {
  const out: string[] = [];
  const mbd = m.maxBlockDuration === undefined ? undefined : goDuration(m.maxBlockDuration);
  if (mbd?.problem) out.push(`maxBlockDuration ${mbd.problem}`);
  else if (mbd?.ms === 0) out.push(`maxBlockDuration must be greater than zero (got ${q(mbd.text)}). The course uses "5m".`);
  const ret = goDuration(m.blockRetention);
  if (ret.problem) out.push(`retention ${ret.problem}`);
  else if (ret.ms !== undefined && ret.ms < 3_600_000) out.push(`retention must be at least 1h (got ${q(ret.text)}); Tempo would delete traces before you look at them. The course keeps 14d (336h).`);
  if (m.objectStorage) out.push(...s3Problems(m.objectStorage));
  const g = m.metricsGenerator;
  if (g) {
    for (const k of Object.keys(g.externalLabels)) {
      const p = labelNameProblem(k);
      if (p) out.push(`externalLabels key ${p}`);
    }
    for (const [what, dims] of [['spanMetricsDimensions', g.spanMetricsDimensions], ['serviceGraphDimensions', g.serviceGraphDimensions]] as const) {
      dims.forEach((d, i) => {
        if (typeof d !== 'string' || !d.trim() || /\s/.test(d)) out.push(`${what}[${i}] is not an attribute name (got ${q(d)}). Use a span or resource attribute such as "http.route".`);
      });
      const dup = dims.find((d, i) => dims.indexOf(d) !== i);
      if (dup !== undefined) out.push(`${what} lists ${q(dup)} twice. Keep it once.`);
    }
    if (g.remoteWriteUrl !== undefined && !Token.isUnresolved(g.remoteWriteUrl) && !/^https?:\/\/[^\s/]+\/\S*$/.test(g.remoteWriteUrl)) {
      out.push(`remoteWriteUrl is not an http(s) URL with a path (got ${q(g.remoteWriteUrl)}). Use e.g. "http://prometheus:9090/api/v1/write".`);
    } else if (g.remoteWriteUrl !== undefined && urlSecretProblem(g.remoteWriteUrl)) {
      out.push(`remoteWriteUrl ${urlSecretProblem(g.remoteWriteUrl)}`);
    }
  }
  if (m.objectStorage) {
    // With -config.expand-env=true Tempo substitutes `$VAR` / `${VAR}` in the whole file.
    const literals = [m.objectStorage.bucket, m.objectStorage.endpoint, m.objectStorage.prefix, m.objectStorage.region, ...Object.entries(g?.externalLabels ?? {}).flat(), ...(g?.spanMetricsDimensions ?? []), ...(g?.serviceGraphDimensions ?? [])];
    for (const v of literals) {
      if (typeof v === 'string' && !Token.isUnresolved(v) && v.includes('$')) {
        out.push(`${q(v)} contains "$", which Tempo would expand as an environment variable (object storage turns on -config.expand-env). Remove the "$".`);
      }
    }
  }
  return out;
}

function s3Problems(s: TempoS3Storage): string[] {
  const out: string[] = [];
  if (!s.endpoint) out.push(`objectStorage.endpoint is required (got ${q(s.endpoint)}). Use e.g. "s3.eu-central-1.amazonaws.com" or "minio:9000".`);
  else if (!Token.isUnresolved(s.endpoint) && !/^[^\s:/]+(:\d{1,5})?$/.test(s.endpoint)) {
    const fix = /^https?:\/\//.test(s.endpoint) ? ' Drop the scheme; set insecure: true for plain http.' : '';
    out.push(`objectStorage.endpoint must be a host with an optional port, without scheme or path (got ${q(s.endpoint)}).${fix} Use e.g. "minio:9000".`);
  }
  if (!s.bucket) out.push(`objectStorage.bucket is required (got ${q(s.bucket)}). Give the bucket name, e.g. "tempo-traces".`);
  else if (!Token.isUnresolved(s.bucket) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket)) {
    out.push(`objectStorage.bucket is not a valid S3 bucket name (got ${q(s.bucket)}). Use 3 to 63 lower-case letters, digits, '.' or '-', e.g. "tempo-traces".`);
  }
  for (const [what, v] of [['accessKey', s.accessKey], ['secretKey', s.secretKey]] as const) {
    if (v === undefined || v === '') {
      out.push(`objectStorage.${what} is required (got ${q(v)}). Pass a token, e.g. secretVariable(this, 'tempo_s3_${what === 'accessKey' ? 'access_key' : 'secret_key'}').stringValue.`);
      continue;
    }
    const p = literalSecretProblem(v);
    if (p) out.push(`objectStorage.${what} ${p}`);
  }
  return out;
}

const PLACEHOLDER = (name: string) => `\${${name}}`;

/** The tempo.yml document (object form). */
export function renderTempoConfig(m: TempoModel): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    // Grafana 11 streams TraceQL results over HTTP (the course turns on traceQLStreaming).
    stream_over_http_enabled: true,
    server: { http_listen_port: TEMPO_HTTP_PORT },
    distributor: {
      receivers: {
        otlp: {
          protocols: {
            // Explicit 0.0.0.0: newer receivers default to localhost, unreachable from other containers.
            grpc: { endpoint: `0.0.0.0:${TEMPO_OTLP_GRPC_PORT}` },
            http: { endpoint: `0.0.0.0:${TEMPO_OTLP_HTTP_PORT}` },
          },
        },
      },
    },
  };
  const retention = { block_retention: goDuration(m.blockRetention).text };
  if (m.generation === 2) {
    doc.ingester = { max_block_duration: goDuration(m.maxBlockDuration ?? COURSE_MAX_BLOCK_DURATION).text };
    doc.compactor = { compaction: retention };
  } else {
    // Tempo 3: the live-store cuts the blocks, the backend worker applies the retention.
    if (m.maxBlockDuration !== undefined) doc.live_store = { max_block_duration: goDuration(m.maxBlockDuration).text };
    doc.backend_worker = { compaction: retention };
  }
  const g = m.metricsGenerator;
  if (g) {
    const storage: Record<string, unknown> = { path: `${TEMPO_DATA_PATH}/generator/wal` };
    const urls = g.remoteWriteUrls ?? (g.remoteWriteUrl !== undefined ? [g.remoteWriteUrl] : []);
    if (urls.length) storage.remote_write = urls.map((url) => ({ url, send_exemplars: true }));
    doc.metrics_generator = {
      registry: { external_labels: g.externalLabels },
      storage,
      // Tempo 2 only: Tempo 3 removed it with the local-blocks processor.
      ...(m.generation === 2 ? { traces_storage: { path: `${TEMPO_DATA_PATH}/generator/traces` } } : {}),
      processor: {
        service_graphs: { dimensions: g.serviceGraphDimensions, enable_client_server_prefix: true },
        span_metrics: { dimensions: g.spanMetricsDimensions },
      },
    };
  }
  const trace: Record<string, unknown> = { backend: m.objectStorage ? 's3' : 'local', wal: { path: `${TEMPO_DATA_PATH}/wal` } };
  if (m.objectStorage) {
    const s = m.objectStorage;
    trace.s3 = Object.fromEntries(
      Object.entries({
        bucket: s.bucket,
        endpoint: s.endpoint,
        region: s.region,
        prefix: s.prefix,
        // Never inline: Tempo substitutes these from its environment at start.
        access_key: PLACEHOLDER(TEMPO_S3_ACCESS_KEY_ENV),
        secret_key: PLACEHOLDER(TEMPO_S3_SECRET_KEY_ENV),
        insecure: s.insecure,
        forcepathstyle: s.forcePathStyle,
      }).filter(([, v]) => v !== undefined),
    );
  } else {
    trace.local = { path: `${TEMPO_DATA_PATH}/traces` };
  }
  doc.storage = { trace };
  if (g) {
    doc.overrides = {
      defaults: {
        metrics_generator: {
          processors: ['service-graphs', 'span-metrics'],
          // The exemplar label Grafana's Prometheus data source links to Tempo with.
          trace_id_label_name: g.traceIdLabelName,
        },
      },
    };
  }
  // No anonymous usage reports to grafana.com (Grafana's own reporting is off too).
  doc.usage_report = { reporting_enabled: false };
  return m.rawConfig ? mergeRawConfig(doc, m.rawConfig).config : doc;
}

/** tempo.yml as the container reads it. */
export function renderTempoYaml(m: TempoModel): string {
  // Quote the placeholders: Tempo substitutes them as text before parsing the YAML, and a
  // secret holding `#` or `: ` must stay one string.
  return toYaml(renderTempoConfig(m), GENERATED_HEADER).replace(
    new RegExp(`: (\\$\\{(?:${TEMPO_S3_ACCESS_KEY_ENV}|${TEMPO_S3_SECRET_KEY_ENV})\\})$`, 'gm'),
    ': "$1"',
  );
}
