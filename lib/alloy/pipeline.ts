import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { goDurationText as goDuration } from '../core/duration';
import { mergeRawConfig } from '../core/raw-config';
import { LogFormat } from '../grafana/correlation';
import { AlloyBlock, AlloyObject, AlloyStatement, AlloyValue, attrs, block, comment, component, exportOf, renderAlloy } from './syntax';

/**
 * The log pipeline of the course (Module 4, "Promtail" and "Grafana Alloy"), as one model
 * rendered either as an Alloy configuration or as a Promtail one with the same stages:
 *
 *   Docker discovery → relabel (container, service, stream, job) → container logs
 *   [+ /var/log files] → parse (json | logfmt) → labels (level) → structured metadata
 *   (trace_id, span_id) → drop health checks → Loki push
 *   [+ Docker discovery of `prometheus.scrape=true` containers → scrape → remote write]
 *
 * References followed (written against Alloy v1.5 and Promtail 3.4; re-checked at grafana/alloy
 * v1.18.1, commit 6012ec4a, and grafana/loki v3.6.11, Promtail's last release: every component
 * generally available, every argument the pipeline writes unchanged; test/fixtures/engines/alloy-1.18.1.json and
 * promtail-3.6.11.json):
 * - Alloy components: discovery.docker (host, refresh_interval), discovery.relabel
 *   (rule blocks; export `rules` used as loki.source.docker's relabel_rules, as in the
 *   loki.source.docker docs, so that __meta_docker_container_log_stream is available),
 *   loki.source.docker (host, targets, labels, relabel_rules, forward_to), local.file_match
 *   (path_targets), loki.source.file (targets, forward_to), loki.process with stage.json
 *   (expressions: JMESPath), stage.logfmt (mapping), stage.labels (values),
 *   stage.structured_metadata (values), stage.drop (expression, drop_counter_reason),
 *   loki.write (endpoint { url, tenant_id }), prometheus.scrape (targets, forward_to,
 *   job_name, scrape_interval), prometheus.remote_write (endpoint { url }).
 * - Promtail configuration: server, positions, clients, scrape_configs with
 *   docker_sd_configs (host, refresh_interval), relabel_configs, static_configs with
 *   `__path__`, pipeline_stages json / logfmt / labels / structured_metadata / drop
 *   (drop_counter_reason). Structured metadata needs Loki schema v13 and
 *   allow_structured_metadata (Loki 3 defaults).
 */

/** What the agent collects and where it sends it. All values are already validated. */
export interface LogPipelineSpec {
  /** Read container logs through this Docker daemon. @default - no container logs */
  readonly docker?: { readonly host: string; readonly refreshInterval: PipelineDuration };
  /** Files on the host to tail (globs under /var/log). @default - none */
  readonly hostLogPaths?: readonly string[];
  readonly format: LogFormat;
  /** Extracted name → field of the log line (json: a top-level key; logfmt: a key). */
  readonly fields: Readonly<Record<string, string>>;
  /** Extracted names promoted to Loki labels (indexed: low cardinality only). */
  readonly labels: readonly string[];
  /** Extracted names attached as structured metadata (not indexed: trace and span ids). */
  readonly structuredMetadata: readonly string[];
  /** Drop matching lines (RE2, unanchored), counted under `reason`. @default - drop nothing */
  readonly drop?: { readonly expression: string; readonly reason: string };
  /** Loki push URL, e.g. `http://loki:3100/loki/api/v1/push`. */
  readonly lokiPushUrl: string;
  /** `X-Scope-OrgID` for a multi-tenant Loki. @default - none */
  readonly tenantId?: string;
  /** Scrape containers labelled `<labelPrefix>.scrape=true` and remote-write them (Alloy only). */
  readonly metrics?: {
    readonly host: string;
    readonly refreshInterval: PipelineDuration;
    readonly scrapeInterval: PipelineDuration;
    readonly labelPrefix: string;
    readonly remoteWriteUrl: string;
  };
  /**
   * Relay profiles (Alloy only): `pyroscope.receive_http` on `listenPort` (Pyroscope's push
   * API: `/ingest` and `push.v1.PusherService/Push`) → `pyroscope.write` to `pyroscopeUrl`.
   * @default - no profiles
   */
  readonly profiles?: { readonly listenPort: number; readonly pyroscopeUrl: string };
}

/** A duration in milliseconds with its Prometheus text (`5s`, `1d`). */
export interface PipelineDuration {
  readonly ms: number;
  readonly text: string;
}

/** Container labels, as Docker discovery reports them (the course's relabel_configs). */
const DOCKER_RELABEL = [
  { sourceLabels: ['__meta_docker_container_name'], regex: '/(.*)', targetLabel: 'container' },
  { sourceLabels: ['__meta_docker_container_log_stream'], targetLabel: 'stream' },
  { sourceLabels: ['__meta_docker_container_label_com_docker_compose_service'], targetLabel: 'service' },
];


/** A JMESPath expression selecting the top-level key `field` (quoted unless an identifier). */
export function jmesPathField(field: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : JSON.stringify(field);
}

function metaName(label: string): string {
  return label.replace(/[^a-zA-Z0-9_]/g, '_');
}

function record(names: readonly string[]): AlloyObject {
  return Object.fromEntries(names.map((n) => [n, n]));
}

/** The `loki.process` stages, in order. */
function alloyStages(p: LogPipelineSpec): AlloyStatement[] {
  const stages: AlloyStatement[] = [];
  if (Object.keys(p.fields).length) {
    if (p.format === 'json') {
      stages.push(block('stage.json', attrs({ expressions: Object.fromEntries(Object.entries(p.fields).map(([k, f]) => [k, jmesPathField(f)])) })));
    } else {
      stages.push(block('stage.logfmt', attrs({ mapping: { ...p.fields } })));
    }
  }
  if (p.labels.length) stages.push(block('stage.labels', attrs({ values: record(p.labels) })));
  if (p.structuredMetadata.length) {
    stages.push(comment('High-cardinality ids: structured metadata (stored, filterable), never labels (indexed streams).'));
    stages.push(block('stage.structured_metadata', attrs({ values: record(p.structuredMetadata) })));
  }
  if (p.drop) stages.push(block('stage.drop', attrs({ expression: p.drop.expression, drop_counter_reason: p.drop.reason })));
  return stages;
}

/** The Alloy components of the pipeline, in dependency order. */
export function alloyComponents(p: LogPipelineSpec): AlloyBlock[] {
  const write = component('loki.write', 'default', [
    block('endpoint', attrs({ url: p.lokiPushUrl, tenant_id: p.tenantId })),
  ]);
  const process = component('loki.process', 'default', [
    ...attrs({ forward_to: [exportOf(write, 'receiver')] }),
    ...alloyStages(p),
  ]);
  const receiver = exportOf(process, 'receiver');
  const out: AlloyBlock[] = [];
  if (p.docker) {
    const discovery = component('discovery.docker', 'containers', attrs({ host: p.docker.host, refresh_interval: goDuration(p.docker.refreshInterval.ms) }));
    const relabel = component('discovery.relabel', 'containers', [
      ...attrs({ targets: [] }),
      ...DOCKER_RELABEL.map((r) => block('rule', attrs({ source_labels: r.sourceLabels, regex: r.regex, target_label: r.targetLabel }))),
    ]);
    const source = component('loki.source.docker', 'containers', attrs({
      host: p.docker.host,
      targets: exportOf(discovery, 'targets'),
      labels: { job: 'docker' },
      relabel_rules: exportOf(relabel, 'rules'),
      forward_to: [receiver],
    }));
    out.push(discovery, relabel, source);
  }
  if (p.hostLogPaths?.length) {
    const match = component('local.file_match', 'host_logs', attrs({
      path_targets: p.hostLogPaths.map((path): AlloyValue => ({ __path__: path, job: 'varlogs' })),
    }));
    const source = component('loki.source.file', 'host_logs', attrs({ targets: exportOf(match, 'targets'), forward_to: [receiver] }));
    out.push(match, source);
  }
  out.push(process, write);
  if (p.metrics) {
    const m = p.metrics;
    const prefix = metaName(m.labelPrefix);
    const remoteWrite = component('prometheus.remote_write', 'default', [block('endpoint', attrs({ url: m.remoteWriteUrl }))]);
    const discovery = component('discovery.docker', 'metrics', attrs({ host: m.host, refresh_interval: goDuration(m.refreshInterval.ms) }));
    // The same relabeling as the library's Prometheus Docker discovery (Discovery.dockerContainers).
    const relabel = component('discovery.relabel', 'metrics', [
      ...attrs({ targets: exportOf(discovery, 'targets') }),
      block('rule', attrs({ source_labels: [`__meta_docker_container_label_${prefix}_scrape`], regex: 'true', action: 'keep' })),
      block('rule', attrs({ source_labels: ['__address__', `__meta_docker_container_label_${prefix}_port`], regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__' })),
      block('rule', attrs({ source_labels: [`__meta_docker_container_label_${prefix}_path`], regex: '(.+)', target_label: '__metrics_path__' })),
      block('rule', attrs({ source_labels: ['__meta_docker_container_name'], regex: '/?(.*)', target_label: 'container' })),
    ]);
    const scrape = component('prometheus.scrape', 'containers', attrs({
      targets: exportOf(relabel, 'output'),
      job_name: 'docker',
      scrape_interval: goDuration(m.scrapeInterval.ms),
      forward_to: [exportOf(remoteWrite, 'receiver')],
    }));
    out.push(discovery, relabel, scrape, remoteWrite);
  }
  if (p.profiles) {
    const write = component('pyroscope.write', 'default', [block('endpoint', attrs({ url: p.profiles.pyroscopeUrl }))]);
    const receive = component('pyroscope.receive_http', 'default', [
      block('http', attrs({ listen_address: '0.0.0.0', listen_port: p.profiles.listenPort })),
      ...attrs({ forward_to: [exportOf(write, 'receiver')] }),
    ]);
    out.push(receive, write);
  }
  return out;
}

/** config.alloy as the container reads it. */
export function renderAlloyPipeline(p: LogPipelineSpec): string {
  return renderAlloy(alloyComponents(p), GENERATED_HEADER);
}

/** The Promtail pipeline_stages with the same stages as Alloy's loki.process. */
export function promtailStages(p: LogPipelineSpec): Array<Record<string, unknown>> {
  const stages: Array<Record<string, unknown>> = [];
  if (Object.keys(p.fields).length) {
    if (p.format === 'json') stages.push({ json: { expressions: Object.fromEntries(Object.entries(p.fields).map(([k, f]) => [k, jmesPathField(f)])) } });
    else stages.push({ logfmt: { mapping: { ...p.fields } } });
  }
  if (p.labels.length) stages.push({ labels: Object.fromEntries(p.labels.map((n) => [n, n])) });
  if (p.structuredMetadata.length) stages.push({ structured_metadata: Object.fromEntries(p.structuredMetadata.map((n) => [n, n])) });
  if (p.drop) stages.push({ drop: { expression: p.drop.expression, drop_counter_reason: p.drop.reason } });
  return stages;
}

/** promtail config.yml. Positions live under `positionsDir` (a named volume). */
export function renderPromtailPipeline(p: LogPipelineSpec, options: { httpPort: number; positionsDir: string; rawConfig?: Record<string, unknown> }): string {
  const doc = promtailDocument(p, options);
  return toYaml(options.rawConfig ? mergeRawConfig(doc, options.rawConfig).config : doc, GENERATED_HEADER);
}

/** promtail config.yml as an object, before any rawConfig. */
export function promtailDocument(p: LogPipelineSpec, options: { httpPort: number; positionsDir: string }): Record<string, unknown> {
  if (p.metrics || p.profiles) throw new Error('Promtail ships logs only; metrics scraping and profiles need the Alloy agent.');
  const stages = promtailStages(p);
  const scrapeConfigs: Array<Record<string, unknown>> = [];
  if (p.docker) {
    scrapeConfigs.push({
      job_name: 'docker',
      docker_sd_configs: [{ host: p.docker.host, refresh_interval: p.docker.refreshInterval.text }],
      relabel_configs: [
        ...DOCKER_RELABEL.map((r) => ({ source_labels: r.sourceLabels, ...(r.regex ? { regex: r.regex } : {}), target_label: r.targetLabel })),
        { target_label: 'job', replacement: 'docker' },
      ],
      pipeline_stages: stages,
    });
  }
  if (p.hostLogPaths?.length) {
    scrapeConfigs.push({
      job_name: 'system',
      static_configs: p.hostLogPaths.map((path) => ({ targets: ['localhost'], labels: { job: 'varlogs', __path__: path } })),
      pipeline_stages: stages,
    });
  }
  return {
    server: { http_listen_port: options.httpPort, grpc_listen_port: 0 },
    positions: { filename: `${options.positionsDir}/positions.yaml` },
    clients: [{ url: p.lokiPushUrl, ...(p.tenantId !== undefined ? { tenant_id: p.tenantId } : {}) }],
    scrape_configs: scrapeConfigs,
  };
}
