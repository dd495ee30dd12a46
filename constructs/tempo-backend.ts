import { Annotations, Aspects, TerraformResource } from 'cdktf';
import { IRemoteWriteTarget } from './prometheus-server';
import { checkShape } from '../lib/core/shape';
import { rawLiteralSecretsWarning } from '../lib/core/secrets';
import { mergeRawConfig, rawConfigHoldsSecret, rawConfigProblems, rawOverrideWarning } from '../lib/core/raw-config';
import { Construct, IConstruct } from 'constructs';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { throwIfProblems } from '../lib/core/errors';
import { Observability } from '../lib/observability';
import { Endpoint, endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, engineOptionProblems, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment } from '../lib/runtime/runtime';
import {
  COURSE_SERVICE_GRAPH_DIMENSIONS,
  COURSE_SPAN_METRICS_DIMENSIONS,
  TEMPO_DATA_PATH,
  TEMPO_HTTP_PORT,
  TEMPO_OTLP_GRPC_PORT,
  TEMPO_OTLP_HTTP_PORT,
  TEMPO_S3_ACCESS_KEY_ENV,
  TEMPO_S3_SECRET_KEY_ENV,
  TempoGeneration,
  TempoModel,
  TempoS3Storage,
  renderTempoConfig,
  renderTempoYaml,
  tempoGeneration,
  tempoHealthcheck,
  tempoProblems,
} from '../lib/tempo/config';
import { TEMPO_CHART_GENERATION } from '../lib/kubernetes/values';

/**
 * The image this library is verified against: grafana/tempo tag v3.0.3 (commit
 * 1900ed7bb5cad1a3edc285783d7d4ac4278337dc), the newest stable release; facts in
 * test/fixtures/engines/tempo-3.0.3.json. Distroless, uid 10001 owning /var/tempo; the
 * healthcheck runs `tempo -health`. An image pinned to 2.x gets the 2.x configuration layout
 * (ingester, compactor) and its healthcheck (busybox wget up to 2.6, none for 2.7 to 2.10).
 */
export const TEMPO_IMAGE = { repository: 'grafana/tempo', tag: '3.0.3' };

const CONFIG_PATH = '/etc/tempo/tempo-config.yml';

/** Properties of a TempoBackend. */
export interface TempoBackendProps extends ComponentOptions {
  /**
   * Cut a block after this long: `live_store.max_block_duration` on Tempo 3,
   * `ingester.max_block_duration` on Tempo 2.
   * @default - Tempo 3: Tempo's own (30s, not written); Tempo 2: the course's '5m'
   */
  readonly maxBlockDuration?: DurationLike;
  /**
   * How long traces are kept, rendered in hours: `backend_worker.compaction.block_retention`
   * on Tempo 3, `compactor.compaction.block_retention` on Tempo 2.
   * @default '14d' (336h)
   */
  readonly retention?: DurationLike;
  /**
   * Store trace blocks in S3 instead of the local volume. The credentials must be tokens;
   * they reach Tempo as environment variables expanded with `-config.expand-env=true`.
   * @default - local blocks on the named volume at /var/tempo
   */
  readonly objectStorage?: TempoS3Storage;
  /** Run the metrics generator (service graphs and span metrics). @default true */
  readonly metricsGenerator?: boolean;
  /** @default - the course's: http.method, http.status_code, service.version */
  readonly spanMetricsDimensions?: string[];
  /** @default - the course's: service.namespace */
  readonly serviceGraphDimensions?: string[];
  /** Labels on every generated series (the course also sets `cluster`). @default { source: 'tempo' } */
  readonly externalLabels?: Record<string, string>;
  /**
   * The Prometheus that receives the generated metrics; its remote-write receiver and
   * exemplar storage are turned on.
   * @default - the stack's PrometheusServer (found now, or at synth if created later)
   */
  readonly prometheus?: IRemoteWriteTarget;
  /**
   * A remote-write URL of your own (Mimir, a Prometheus elsewhere), instead of a Prometheus of
   * the stack.
   * @default - the stack's Prometheus
   */
  readonly remoteWriteUrl?: string;
  /**
   * Ingester replicas; the replication factor is 3, or the replica count when lower
   * (reported as a warning). Kubernetes only (tempo-distributed chart).
   * @default - 3 on Kubernetes
   */
  readonly replicas?: number;
  /** Host port of OTLP/gRPC. @default 4317 */
  readonly otlpGrpcHostPort?: number;
  /** Host port of OTLP/HTTP. @default 4318 */
  readonly otlpHttpHostPort?: number;
  /**
   * Escape hatch: tempo.yaml keys in Tempo's own spelling (of the generation the image reads:
   * `ingester`/`compactor` on 2.x, `live_store`/`backend_worker` on 3.x), deep-merged over
   * the configuration the construct renders (maps merge key by key, a list or scalar
   * replaces, `null` removes the key), e.g. `{ query_frontend: { search: { duration_slo: '5s' } } }`.
   * Raw keys are not checked by the library (Tempo refuses unknown keys at start); a key that
   * replaces one the construct manages is reported as a synth warning. Used by
   * `cdktf-observability import`.
   * @default - none
   */
  readonly rawConfig?: Record<string, unknown>;
}

/**
 * Grafana Tempo (single binary): OTLP ingestion on 4317/4318, the API on 3200, blocks and WAL
 * on a named volume (or S3), and the metrics generator writing service graphs and span
 * metrics, with exemplars, to the stack's Prometheus.
 *
 * Prometheus wiring: with the `prometheus` prop, or when a PrometheusServer already exists,
 * its remote-write receiver and exemplar storage are turned on at construction; a Prometheus
 * created after Tempo is found at synth (an aspect turns the same flags on, before anything is
 * rendered), so construction order does not matter. The remote_write URL is resolved at
 * synth.
 */
export class TempoBackend extends Construct {
  /** The main resource (the container on Docker), for escape hatches (`addOverride`). */
  public readonly resource: TerraformResource;
  /** The deployed component (endpoints, volumes). */
  public readonly deployment: IDeployment;
  /** The HTTP API (`tempo:3200`): queries, `/ready`, `/metrics`. */
  public readonly endpoint: Endpoint;
  /** OTLP over gRPC (`tempo:4317`), for the Collector's `otlp` exporter. */
  public readonly otlpGrpcEndpoint: Endpoint;
  /** OTLP over HTTP (`http://tempo:4318`). */
  public readonly otlpHttpEndpoint: Endpoint;
  /** The URL Grafana's Tempo data source queries (`http://tempo:3200`). */
  public readonly queryUrl: string;
  /** The component name (container and host name). */
  public readonly componentName: string;
  /** Run distributed (the Kubernetes target's tempo-distributed chart: distributors, ingesters, queriers). */
  public readonly distributed: boolean;
  /** Ingester replicas when distributed, else 1. */
  public readonly replicas: number;

  private readonly model: Omit<TempoModel, 'metricsGenerator'>;
  private readonly generator?: { externalLabels: Record<string, string>; spanMetricsDimensions: string[]; serviceGraphDimensions: string[] };
  private readonly explicitPrometheus?: IRemoteWriteTarget;
  private readonly remoteWriteUrl?: string;
  private wired?: IRemoteWriteTarget;

  constructor(scope: Construct, id: string, props: TempoBackendProps = {}) {
    super(scope, id);
    checkShape(this, 'TempoBackendProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, TEMPO_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, TEMPO_HTTP_PORT);
    problems.push(...port.problems);
    const runtime = props.runtime ?? Observability.of(this).runtime;
    const engines = runtime.engines;
    // The layout follows the Tempo that reads it: the image's on Docker, the chart's on Kubernetes.
    const generation: TempoGeneration = engines ? TEMPO_CHART_GENERATION : tempoGeneration(image.ref.tag);
    this.model = {
      generation,
      maxBlockDuration: props.maxBlockDuration,
      blockRetention: props.retention ?? '14d',
      objectStorage: props.objectStorage,
      rawConfig: props.rawConfig,
    };
    if (props.metricsGenerator ?? true) {
      this.generator = {
        externalLabels: props.externalLabels ?? { source: 'tempo' },
        spanMetricsDimensions: props.spanMetricsDimensions ?? [...COURSE_SPAN_METRICS_DIMENSIONS],
        serviceGraphDimensions: props.serviceGraphDimensions ?? [...COURSE_SERVICE_GRAPH_DIMENSIONS],
      };
    } else if (props.prometheus || props.remoteWriteUrl || props.spanMetricsDimensions || props.serviceGraphDimensions || props.externalLabels) {
      problems.push('metricsGenerator is false, but prometheus, remoteWriteUrl, dimensions or externalLabels are set; they only configure the metrics generator. Remove them or turn the generator on.');
    }
    if (props.prometheus && props.remoteWriteUrl) {
      problems.push(`prometheus and remoteWriteUrl are both set (got ${props.prometheus.node.path} and ${JSON.stringify(props.remoteWriteUrl)}). Keep one: the generator writes to a single place.`);
    }
    problems.push(...tempoProblems({ ...this.model, metricsGenerator: this.generator && { ...this.generator, remoteWriteUrl: props.remoteWriteUrl, traceIdLabelName: 'trace_id' } }));
    for (const [what, n] of [['otlpGrpcHostPort', props.otlpGrpcHostPort], ['otlpHttpHostPort', props.otlpHttpHostPort]] as const) {
      if (n !== undefined && (!Number.isSafeInteger(n) || n < 1 || n > 65535)) problems.push(`${what} must be an integer between 1 and 65535 (got ${JSON.stringify(n)}).`);
    }
    const replicas = props.replicas ?? 3;
    if (engines) {
      if (!props.objectStorage) {
        problems.push('objectStorage is required on the Kubernetes target (got none): Tempo runs distributed there, and its ingesters, queriers and compactor share trace blocks through an S3-compatible bucket, not a local disk. Pass objectStorage: { endpoint, bucket, accessKey, secretKey } with the keys from sensitive variables.');
      }
      for (const [prop, value] of [['otlpGrpcHostPort', props.otlpGrpcHostPort], ['otlpHttpHostPort', props.otlpHttpHostPort]] as const) {
        if (value !== undefined) problems.push(`${prop} is a Docker option; the Kubernetes target publishes nothing on a node (got ${value}). Remove it: senders reach the distributor at <name>-distributor.<namespace>.svc.`);
      }
      if (!Number.isSafeInteger(replicas) || replicas < 1) {
        problems.push(`replicas must be a positive integer (got ${JSON.stringify(props.replicas)}). Use 3, which replication factor 3 needs.`);
      } else if (replicas < 3) {
        Annotations.of(this).addWarning(`replicas is ${replicas}: with fewer than 3 ingesters the replication factor drops to ${replicas} and losing a pod loses traces not yet flushed. Use 3 (the default on Kubernetes).`);
      }
    } else if (props.replicas !== undefined) {
      problems.push(`replicas is a Kubernetes option (got ${JSON.stringify(props.replicas)}): the Docker target runs Tempo as one container. Remove it, or deploy on Kubernetes (KubernetesRuntime).`);
    }
    if (runtime.engines) problems.push(...engineOptionProblems('Tempo', props));
    problems.push(...rawConfigProblems(props.rawConfig));
    throwIfProblems(this, problems);
    this.explicitPrometheus = props.prometheus;
    this.remoteWriteUrl = props.remoteWriteUrl;

    this.componentName = props.name ?? 'tempo';
    const ep = (p: number): Endpoint => endpoint(this.componentName, p);
    this.endpoint = ep(TEMPO_HTTP_PORT);
    this.otlpGrpcEndpoint = ep(TEMPO_OTLP_GRPC_PORT);
    this.otlpHttpEndpoint = ep(TEMPO_OTLP_HTTP_PORT);
    this.queryUrl = this.endpoint.url;

    const hostIp = port.publish?.hostIp;
    const healthTest = tempoHealthcheck(image.ref.tag);
    const env: Record<string, string> | undefined = props.objectStorage
      ? { [TEMPO_S3_ACCESS_KEY_ENV]: props.objectStorage.accessKey, [TEMPO_S3_SECRET_KEY_ENV]: props.objectStorage.secretKey }
      : undefined;
    this.distributed = !!engines;
    this.replicas = engines ? replicas : 1;
    if (engines) {
      this.deployment = engines.tempo(this, {
        name: this.componentName,
        image: image.ref,
        replicas,
        objectStorage: props.objectStorage!,
        metricsGenerator: this.generator !== undefined,
        resources: props.resources,
        document: () => renderTempoConfig(this.resolvedModel()),
      });
      this.endpoint = this.deployment.endpoint('http');
      this.otlpGrpcEndpoint = this.deployment.endpoint('otlp-grpc');
      this.otlpHttpEndpoint = this.deployment.endpoint('otlp-http');
      this.queryUrl = this.endpoint.url;
    } else this.deployment = deployComponent(runtime, props, 
      this,
      {
        name: this.componentName,
        image: image.ref,
        // The image's own user; it owns /var/tempo, which Docker copies into the new volume.
        user: '10001:10001',
        env,
        ports: [
          { name: 'http', containerPort: TEMPO_HTTP_PORT, publish: port.publish },
          { name: 'otlp-grpc', containerPort: TEMPO_OTLP_GRPC_PORT, publish: port.publish && { hostPort: props.otlpGrpcHostPort ?? TEMPO_OTLP_GRPC_PORT, hostIp } },
          { name: 'otlp-http', containerPort: TEMPO_OTLP_HTTP_PORT, publish: port.publish && { hostPort: props.otlpHttpHostPort ?? TEMPO_OTLP_HTTP_PORT, hostIp } },
        ],
        volumes: [{ name: 'data', path: TEMPO_DATA_PATH }],
        // By image: busybox wget (≤ 2.6), nothing (2.7 to 2.10, distroless), `tempo -health` (3.x).
        healthcheck: healthTest ? { test: healthTest, startPeriod: '30s' } : undefined,
        labels: props.labels,
        resources: props.resources,
      },
      {
        files: () => [{ path: CONFIG_PATH, content: this.renderConfig(), ...(rawConfigHoldsSecret(props.rawConfig, this) ? { secret: true } : {}) }],
        args: () => [`-config.file=${CONFIG_PATH}`, ...(props.objectStorage ? ['-config.expand-env=true'] : [])],
      },
    );
    this.resource = this.deployment.resource;

    if (this.generator && !this.remoteWriteUrl) {
      // Wire now when possible; otherwise (Prometheus created later) at synth, before rendering.
      const now = this.explicitPrometheus ?? (Observability.of(this).find('prometheus').length === 1 ? this.resolvePrometheus() : undefined);
      if (now) this.wire(now);
      // Aspects run at synth before validation and rendering, so the flags are set in time.
      Aspects.of(this).add({ visit: (node: IConstruct) => (node === this ? this.wireAtSynth() : undefined) });
    }
    const literalInRaw = rawLiteralSecretsWarning(props.rawConfig, 'rawConfig');
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    if (props.rawConfig) {
      // The keys the construct renders (the remote-write URL is resolved at synth: any stands in).
      const generator = this.generator && { ...this.generator, remoteWriteUrl: this.remoteWriteUrl ?? 'http://prometheus:9090/api/v1/write', traceIdLabelName: Observability.of(this).correlation.exemplarTraceIdLabel };
      const rendered = renderTempoConfig({ ...this.model, rawConfig: undefined, metricsGenerator: generator });
      const warning = rawOverrideWarning('TempoBackend', mergeRawConfig(rendered, props.rawConfig).overridden);
      if (warning) Annotations.of(this).addWarning(warning);
    }
    Observability.of(this).register('tempo', this);
  }

  /**
   * The Prometheus receiving the generated metrics: the `prometheus` prop, else the stack's
   * only PrometheusServer. Undefined when there is none or the generator is off.
   */
  /** How long traces are kept, as written (`14d`). */
  public get retention(): string {
    return resolveDuration(this.model.blockRetention).text;
  }

  public get prometheus(): IRemoteWriteTarget | undefined {
    if (!this.generator || this.remoteWriteUrl) return undefined;
    return this.resolvePrometheus();
  }

  /** tempo-config.yml as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    return renderTempoYaml(this.resolvedModel());
  }

  /** At synth (aspect): turns on the flags of a Prometheus created after Tempo, or warns. */
  private wireAtSynth(): void {
    if (!this.generator || this.remoteWriteUrl) return;
    const target = this.resolvePrometheus();
    if (target) {
      this.wire(target);
    } else if (!this.node.metadata.some((m) => String(m.data).startsWith('the metrics generator has no Prometheus'))) {
      Annotations.of(this).addWarning('the metrics generator has no Prometheus to write to (no PrometheusServer in this stack), so service graphs and span metrics are computed and dropped. Add a PrometheusServer, pass `prometheus` or `remoteWriteUrl`, or set metricsGenerator: false.');
    }
  }

  private wire(target: IRemoteWriteTarget): void {
    if (this.wired === target) return;
    target.enableRemoteWriteReceiver();
    target.enableExemplarStorage();
    this.wired = target;
  }

  private resolvePrometheus(): IRemoteWriteTarget | undefined {
    if (this.explicitPrometheus) return this.explicitPrometheus;
    const registry = Observability.of(this);
    if (registry.find('prometheus').length === 0) return undefined;
    return registry.single<IRemoteWriteTarget>('prometheus', this, {
      noun: 'PrometheusServer',
      whenNone: '',
      prop: 'prometheus',
    });
  }

  private resolvedModel(): TempoModel {
    if (!this.generator) return this.model;
    const target = this.remoteWriteUrl ? undefined : this.resolvePrometheus();
    // Normally wired already (constructor or aspect); rendering outside synth wires it here.
    if (target) this.wire(target);
    return {
      ...this.model,
      metricsGenerator: {
        ...this.generator,
        remoteWriteUrl: this.remoteWriteUrl ?? (target ? `${target.endpoint.url}/api/v1/write` : undefined),
        // Every replica of the target (on Kubernetes, each pod, not the load-balanced Service).
        remoteWriteUrls: this.remoteWriteUrl === undefined ? target?.remoteWriteUrls : undefined,
        traceIdLabelName: Observability.of(this).correlation.exemplarTraceIdLabel,
      },
    };
  }
}
