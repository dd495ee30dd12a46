import { Annotations, TerraformResource } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { checkPrimitive, checkShape } from '../lib/core/shape';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { Observability } from '../lib/observability';
import {
  COURSE_BATCH,
  COURSE_MEMORY_LIMITER,
  COURSE_OTLP_RECEIVER,
  COURSE_PROMETHEUS_EXPORTER,
  CollectorModel,
  ComponentKind,
  ExporterConfig,
  HEALTH_CHECK_PORT,
  PipelineConfig,
  ProcessorConfig,
  ReceiverConfig,
  TailSamplingProcessor,
  collectorSecretFiles,
  componentId,
  componentProblems,
  endpointPort,
  exporterTypeNames,
  featureGateArgs,
  pipelineProblems,
  pipelineReferenceProblems,
  pipelineSignal,
  renderCollectorYaml,
} from '../lib/otel/config';
import { rawConfigProblems, rawComponentIds } from '../lib/otel/raw-config';
import { IScrapeTarget, ScrapeJobOptions } from '../lib/prometheus/scrape';
import { ConfigFile, Endpoint, PortSpec } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, componentEndpoint } from '../lib/runtime/runtime';
import { rawLiteralSecretsWarning } from '../lib/core/secrets';

/**
 * The image this library is verified against: otel/opentelemetry-collector-contrib 0.159.0
 * (open-telemetry/opentelemetry-collector-releases tag v0.159.0, commit
 * f817832365a9a2b829bc7c25feffcf8834585dea, whose distributions/otelcol-contrib/manifest.yaml
 * lists every component the library writes; facts in
 * test/fixtures/engines/otelcol-contrib-0.159.0.json). Built `FROM scratch` (binary only,
 * uid 10001): there is no shell, wget or curl in it, so no Docker healthcheck can run inside;
 * the `health_check` extension serves http://<name>:13133/ on the network instead, for an
 * external check. Exporter types are written as the pinned Collector names them
 * (`otlp_grpc`, `otlp_http` from 0.144.0, `prometheus_remote_write` from 0.154.0;
 * RENAMED_EXPORTER_TYPES); an older pin gets the old names.
 */
export const OTEL_COLLECTOR_IMAGE = { repository: 'otel/opentelemetry-collector-contrib', tag: '0.159.0' };

const CONFIG_PATH = '/etc/otel/config.yml';
const OTLP_GRPC = 4317;
const OTLP_HTTP = 4318;
const PROMETHEUS = 8889;
/** The course's host ports: 4327/4328 so they do not clash with Tempo's 4317/4318 on the host. */
const COURSE_HOST_PORTS: Record<number, number> = { [OTLP_GRPC]: 4327, [OTLP_HTTP]: 4328, [PROMETHEUS]: 8889 };

/** A trace backend reached over OTLP/gRPC (a `TempoBackend` fits). */
export interface ITempoOtlpTarget extends IConstruct {
  readonly otlpGrpcEndpoint: Endpoint;
}

/** A log backend with an OTLP/HTTP endpoint (Loki 3: `http://loki:3100/otlp`). */
export interface ILokiOtlpTarget extends IConstruct {
  readonly otlpUrl: string;
}

/** A profiles backend taking OTLP/HTTP at `<pushUrl>/v1development/profiles` (a `ProfilingBackend` fits). */
export interface IProfilesOtlpTarget extends IConstruct {
  readonly pushUrl: string;
}

/** Properties of an OtelCollector. */
export interface OtelCollectorProps extends ComponentOptions {
  /**
   * Receivers; more with `addReceiver`. Giving any of receivers, processors, exporters or
   * pipelines replaces the whole default configuration.
   * @default - the course's collector: `otlp` (4317, 4318); `memory_limiter` and `batch`;
   * traces → `otlp/tempo` (the stack's TempoBackend), metrics → `prometheus` (0.0.0.0:8889),
   * logs → `otlphttp/loki` when the stack has a Loki
   */
  readonly receivers?: ReceiverConfig[];
  /** Processors; more with `addProcessor`. @default - see `receivers` */
  readonly processors?: ProcessorConfig[];
  /** Exporters; more with `addExporter`. @default - see `receivers` */
  readonly exporters?: ExporterConfig[];
  /** Pipelines by id (`traces`, `metrics`, `logs`, `<signal>/<name>`); more with `addPipeline`. @default - see `receivers` */
  readonly pipelines?: Record<string, PipelineConfig>;
  /** Where the default traces pipeline sends spans. @default - the stack's TempoBackend (else `tempo:4317`, with a warning) */
  readonly tempo?: ITempoOtlpTarget;
  /** Where the default logs pipeline sends logs. @default - the stack's Loki, if any (else no logs pipeline) */
  readonly loki?: ILokiOtlpTarget;
  /**
   * Where the default profiles pipeline sends OTLP profiles (`otlphttp/pyroscope`). A
   * profiles pipeline turns on the Collector's `service.profilesSupport` feature gate.
   * @default - the stack's ProfilingBackend, if any (else no profiles pipeline)
   */
  readonly pyroscope?: IProfilesOtlpTarget;
  /** Host port of OTLP/HTTP (4318 inside). @default 4328 */
  readonly otlpHttpHostPort?: number;
  /** Host port of the Prometheus exporter (8889 inside). @default 8889 */
  readonly metricsHostPort?: number;
  /**
   * Tail sampling in the default traces pipeline, between `memory_limiter` and `batch` as in
   * the course (`COURSE_TAIL_SAMPLING`: errors, traces slower than 2 s, 10 % of the rest).
   * Only with the default configuration: with your own processors and pipelines, add the
   * processor to them.
   * @default - none: every trace is kept
   */
  readonly tailSampling?: TailSamplingProcessor;
  /**
   * Escape hatch: Collector configuration the typed props cannot express (other component
   * types, extra keys of a typed component such as an exporter's `retry_on_failure`,
   * `extensions`, `connectors`, `service.telemetry`), in config.yml's spelling, deep-merged
   * over the rendered document: mappings merge key by key (yours win), lists replace, `null`
   * removes a key. Only the sections receivers, processors, exporters, connectors,
   * extensions and service are accepted. Components defined here may be named in pipelines.
   * Exporter ids use the library's names (`otlp/x`, `otlphttp/x`, `prometheusremotewrite`)
   * and are renamed for the pinned Collector like typed ones. Strings are written as the
   * Collector reads them (`${env:X}` expanded, `$$` a literal `$`); tokens (secret variables)
   * go to files under /etc/otel/secrets, read with `${file:...}`. Not validated beyond its
   * shape: the Collector (`otelcol validate`) is the check, and `service.extensions` given
   * here replaces the library's `[health_check]` (keep it listed). Used by
   * `cdktf-observability import`.
   * @default - none
   */
  readonly rawConfig?: Record<string, unknown>;
}

/**
 * The OpenTelemetry Collector (contrib): a typed configuration of receivers, processors,
 * exporters and pipelines, validated at synth (types, ids, pipeline references, signals,
 * durations, sampling policies, endpoints, secrets) and rendered to /etc/otel/config.yml.
 *
 * Ports are published on 127.0.0.1 as in the course: 4327→4317 (OTLP/gRPC), 4328→4318
 * (OTLP/HTTP), 8889 (Prometheus exporter). Ports are taken from the components given at
 * construction; components added later are reachable on the shared network only.
 */
export class OtelCollector extends Construct implements IScrapeTarget {
  /** The main resource (the container on Docker), for escape hatches (`addOverride`). */
  public readonly resource: TerraformResource;
  /** The deployed component (endpoints, volumes). */
  public readonly deployment: IDeployment;
  /** Where applications send OTLP/gRPC (`otel-collector:4317`). */
  public readonly endpoint: Endpoint;
  /** OTLP over gRPC (`otel-collector:4317`). */
  public readonly otlpGrpcEndpoint: Endpoint;
  /** OTLP over HTTP (`http://otel-collector:4318`). */
  public readonly otlpHttpEndpoint: Endpoint;
  /** The health_check extension (`http://otel-collector:13133/`). */
  public readonly healthCheckEndpoint: Endpoint;
  /** The component name (container and host name). */
  public readonly componentName: string;

  private readonly receivers = new Map<string, ReceiverConfig>();
  private readonly processors = new Map<string, ProcessorConfig>();
  private readonly exporters = new Map<string, ExporterConfig>();
  private readonly pipelines = new Map<string, PipelineConfig>();
  private readonly courseDefaults: boolean;
  /** Id of the tail_sampling processor of the default traces pipeline, when set. */
  private readonly tailSampling?: string;
  private readonly tempo?: ITempoOtlpTarget;
  private readonly loki?: ILokiOtlpTarget;
  private readonly pyroscope?: IProfilesOtlpTarget;
  private readonly memoryMiB?: number;
  private readonly exporterTypes: Record<string, string>;
  private readonly rawConfig?: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: OtelCollectorProps = {}) {
    super(scope, id);
    checkShape(this, 'OtelCollectorProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, OTEL_COLLECTOR_IMAGE);
    if (image.problem) problems.push(image.problem);
    // Exporter types as this Collector names them (otlp_grpc, otlp_http from 0.144.0, prometheus_remote_write from 0.154.0).
    this.exporterTypes = exporterTypeNames(image.ref.tag);
    // The course's host port 4327 applies on Docker; the Kubernetes target publishes nothing.
    const onDocker = (props.runtime ?? Observability.of(this).runtime).kind !== 'kubernetes';
    const main = mainPortPublish(this, { ...props, hostPort: props.hostPort ?? (onDocker ? COURSE_HOST_PORTS[OTLP_GRPC] : undefined) }, OTLP_GRPC);
    problems.push(...main.problems);
    for (const [what, n] of [['otlpHttpHostPort', props.otlpHttpHostPort], ['metricsHostPort', props.metricsHostPort]] as const) {
      if (n !== undefined && (!Number.isSafeInteger(n) || n < 1 || n > 65535)) problems.push(`${what} must be an integer between 1 and 65535 (got ${JSON.stringify(n)}).`);
    }

    this.courseDefaults = !props.receivers && !props.processors && !props.exporters && !props.pipelines;
    const receivers = props.receivers ?? (this.courseDefaults ? [COURSE_OTLP_RECEIVER] : []);
    const processors = props.processors ?? (this.courseDefaults ? [COURSE_MEMORY_LIMITER, COURSE_BATCH] : []);
    if (props.tailSampling !== undefined) {
      if (!this.courseDefaults) {
        problems.push('tailSampling goes into the default traces pipeline, but receivers, processors, exporters or pipelines are given, which replace the defaults. Add the tail_sampling processor to your processors and to your traces pipeline instead (e.g. processors: ["memory_limiter", "tail_sampling", "batch"]).');
      } else if (props.tailSampling?.type !== 'tail_sampling') {
        problems.push(`tailSampling must be a tail_sampling processor (got type ${JSON.stringify(props.tailSampling?.type)}), e.g. COURSE_TAIL_SAMPLING.`);
      } else {
        processors.push(props.tailSampling);
        this.tailSampling = componentId(props.tailSampling);
      }
    }
    const exporters = props.exporters ?? (this.courseDefaults ? [COURSE_PROMETHEUS_EXPORTER] : []);
    // The traces and logs pipelines of the defaults depend on the stack's Tempo and Loki: added at synth.
    const pipelines = props.pipelines ?? (this.courseDefaults ? { metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus'] } } : {});
    // Every problem of the initial configuration is reported at once.
    for (const r of receivers) problems.push(...this.collect('receiver', this.receivers, r));
    for (const p of processors) problems.push(...this.collect('processor', this.processors, p));
    for (const e of exporters) problems.push(...this.collect('exporter', this.exporters, e));
    for (const [pid, p] of Object.entries(pipelines)) {
      const pp = pipelineProblems(pid, p);
      problems.push(...pp);
      if (!pp.length) this.pipelines.set(pid, p);
    }
    if (props.rawConfig !== undefined) problems.push(...rawConfigProblems(props.rawConfig));
    throwIfProblems(this, problems);
    this.rawConfig = props.rawConfig;
    if (props.rawConfig !== undefined) {
      Annotations.of(this).addInfo(`rawConfig: ${Object.keys(props.rawConfig).join(', ')} merged over the rendered config.yml unchecked by the library (the Collector validates it at start).`);
      // A bare `key` is an attribute name in the Collector (attributes actions, policies), not a credential.
      const literalInRaw = rawLiteralSecretsWarning(props.rawConfig, 'rawConfig', ['key']);
      if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    }
    this.tempo = props.tempo;
    this.loki = props.loki;
    this.pyroscope = props.pyroscope;
    this.memoryMiB = props.resources?.memoryMiB;

    this.componentName = props.name ?? 'otel-collector';
    const ep = (p: number): Endpoint => componentEndpoint(props.runtime ?? Observability.of(this).runtime, this.componentName, p);
    this.otlpGrpcEndpoint = ep(OTLP_GRPC);
    this.otlpHttpEndpoint = ep(OTLP_HTTP);
    this.endpoint = this.otlpGrpcEndpoint;
    this.healthCheckEndpoint = ep(HEALTH_CHECK_PORT);

    const hostPorts: Record<number, number> = {
      [OTLP_GRPC]: props.hostPort ?? COURSE_HOST_PORTS[OTLP_GRPC],
      [OTLP_HTTP]: props.otlpHttpHostPort ?? COURSE_HOST_PORTS[OTLP_HTTP],
      [PROMETHEUS]: props.metricsHostPort ?? COURSE_HOST_PORTS[PROMETHEUS],
    };
    const runtime = props.runtime ?? Observability.of(this).runtime;
    this.deployment = deployComponent(runtime, props, 
      this,
      {
        name: this.componentName,
        image: image.ref,
        user: '10001:10001',
        ports: this.portSpecs(main.publish?.hostIp, main.publish !== undefined, hostPorts),
        // No healthcheck: the image has no shell or HTTP client (see OTEL_COLLECTOR_IMAGE).
        labels: props.labels,
        resources: props.resources,
      },
      {
        files: () => this.renderFiles(),
        args: () => [`--config=${CONFIG_PATH}`, ...featureGateArgs(this.model())],
      },
    );
    this.resource = this.deployment.resource;
    this.node.addValidation({ validate: () => this.synthProblems() });
    Observability.of(this).register('otel-collector', this);
  }

  /** Adds a receiver. Throws when it is invalid or its id (`type[/name]`) is taken. */
  public addReceiver(receiver: ReceiverConfig): void {
    checkShape(this, 'ReceiverConfig', receiver, 'addReceiver(receiver)');
    throwIfProblems(this, this.collect('receiver', this.receivers, receiver));
  }

  /** Adds a processor. Throws when it is invalid or its id is taken. */
  public addProcessor(processor: ProcessorConfig): void {
    checkShape(this, 'ProcessorConfig', processor, 'addProcessor(processor)');
    throwIfProblems(this, this.collect('processor', this.processors, processor));
  }

  /** Adds an exporter. Throws when it is invalid or its id is taken. */
  public addExporter(exporter: ExporterConfig): void {
    checkShape(this, 'ExporterConfig', exporter, 'addExporter(exporter)');
    throwIfProblems(this, this.collect('exporter', this.exporters, exporter));
  }

  /**
   * Adds a pipeline (`traces`, `metrics`, `logs` or `<signal>/<name>`). Its components may be
   * added before or after; undefined ones fail synth.
   */
  public addPipeline(id: string, pipeline: PipelineConfig): void {
    checkPrimitive(this, 'string', id, 'addPipeline(id)');
    checkShape(this, 'PipelineConfig', pipeline, 'addPipeline(pipeline)');
    const problems = pipelineProblems(id, pipeline);
    if (this.pipelines.has(id)) problems.unshift(`pipeline ${JSON.stringify(id)} is already defined. Pipeline ids must be unique; use "<signal>/<name>" for a second one, e.g. "${pipelineSignal(id) ?? 'traces'}/2".`);
    throwIfProblems(this, problems);
    this.pipelines.set(id, pipeline);
  }

  /** The pipeline ids, in order, as rendered (default pipelines resolved). */
  public get pipelineIds(): string[] {
    return Object.keys(this.model().pipelines);
  }

  /**
   * A job per `prometheus` exporter, for `PrometheusServer.scrape(collector)`. `honor_labels`
   * keeps the `job` and `instance` the exporter derives from each service's resource.
   */
  public scrapeJobs(): ScrapeJobOptions[] {
    return [...this.exporters.values()]
      .filter((e): e is Extract<ExporterConfig, { type: 'prometheus' }> => e.type === 'prometheus')
      .map((e) => ({
        jobName: e.name ? `${this.componentName}-${e.name}` : this.componentName,
        targets: [`${this.componentName}:${endpointPort(e.endpoint ?? `0.0.0.0:${PROMETHEUS}`) ?? PROMETHEUS}`],
        honorLabels: true,
      }));
  }

  /** config.yml as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    return renderCollectorYaml(this.model());
  }

  /** The configuration as rendered: components given or added, and the defaults resolved now. */
  public model(): CollectorModel {
    const exporters = [...this.exporters.values()];
    const pipelines: Record<string, PipelineConfig> = {};
    if (this.courseDefaults && !this.pipelines.has('traces')) {
      if (!this.exporters.has('otlp/tempo')) exporters.unshift({ type: 'otlp', name: 'tempo', endpoint: this.tempoAddress(), tls: { insecure: true } });
      pipelines.traces = { receivers: ['otlp'], processors: ['memory_limiter', ...(this.tailSampling ? [this.tailSampling] : []), 'batch'], exporters: ['otlp/tempo'] };
    }
    for (const [id, p] of this.pipelines) pipelines[id] = p;
    const loki = this.courseDefaults && !this.pipelines.has('logs') ? this.resolveLoki() : undefined;
    if (loki) {
      if (!this.exporters.has('otlphttp/loki')) exporters.push({ type: 'otlphttp', name: 'loki', endpoint: loki.otlpUrl });
      pipelines.logs = { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlphttp/loki'] };
    }
    const profiles = this.courseDefaults && !this.pipelines.has('profiles') ? this.resolvePyroscope() : undefined;
    if (profiles) {
      // OTLP/HTTP to Pyroscope's /v1development/profiles; batch does not handle profiles.
      if (!this.exporters.has('otlphttp/pyroscope')) exporters.push({ type: 'otlphttp', name: 'pyroscope', endpoint: profiles.pushUrl });
      pipelines.profiles = { receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['otlphttp/pyroscope'] };
    }
    return {
      receivers: [...this.receivers.values()],
      processors: [...this.processors.values()],
      exporters,
      pipelines,
      healthCheckEndpoint: `0.0.0.0:${HEALTH_CHECK_PORT}`,
      exporterTypes: this.exporterTypes,
      rawConfig: this.rawConfig,
    };
  }

  private collect<T extends ReceiverConfig | ProcessorConfig | ExporterConfig>(kind: ComponentKind, into: Map<string, T>, c: T): string[] {
    const problems = componentProblems(kind, c);
    const id = componentId(c);
    if (into.has(id)) problems.unshift(`${kind} ${JSON.stringify(id)} is defined twice. Component ids ("type/name") must be unique among ${kind}s; give one a name, e.g. { type: '${c.type}', name: 'second' }.`);
    if (!problems.length) into.set(id, c);
    return problems;
  }

  private tempoAddress(): string {
    if (this.tempo) return this.tempo.otlpGrpcEndpoint.address;
    const registry = Observability.of(this);
    if (!registry.find('tempo').length) return 'tempo:4317';
    return registry.single<ITempoOtlpTarget>('tempo', this, { noun: 'TempoBackend', whenNone: '', prop: 'tempo' }).otlpGrpcEndpoint.address;
  }

  private resolveLoki(): ILokiOtlpTarget | undefined {
    if (this.loki) return this.loki;
    const registry = Observability.of(this);
    if (!registry.find('loki').length) return undefined;
    return registry.single<ILokiOtlpTarget>('loki', this, { noun: 'Loki', whenNone: '', prop: 'loki' });
  }

  private resolvePyroscope(): IProfilesOtlpTarget | undefined {
    if (this.pyroscope) return this.pyroscope;
    const registry = Observability.of(this);
    if (!registry.find('pyroscope').length) return undefined;
    return registry.single<IProfilesOtlpTarget>('pyroscope', this, { noun: 'ProfilingBackend', whenNone: '', prop: 'pyroscope' });
  }

  private renderFiles(): ConfigFile[] {
    const model = this.model();
    return [{ path: CONFIG_PATH, content: renderCollectorYaml(model) }, ...collectorSecretFiles(model).map((f) => ({ ...f, secret: true }))];
  }

  /** Ports of the initial configuration: OTLP receivers and Prometheus exporters, plus the health check. */
  private portSpecs(hostIp: string | undefined, publish: boolean, hostPorts: Record<number, number>): PortSpec[] {
    const found: Array<{ name: string; port: number }> = [];
    for (const r of this.receivers.values()) {
      if (r.type !== 'otlp') continue;
      if (r.grpc !== false) found.push({ name: 'otlp-grpc', port: endpointPort(r.grpc?.endpoint ?? `0.0.0.0:${OTLP_GRPC}`) ?? OTLP_GRPC });
      if (r.http !== false) found.push({ name: 'otlp-http', port: endpointPort(r.http?.endpoint ?? `0.0.0.0:${OTLP_HTTP}`) ?? OTLP_HTTP });
    }
    for (const e of this.exporters.values()) {
      if (e.type === 'prometheus') found.push({ name: 'prometheus', port: endpointPort(e.endpoint ?? `0.0.0.0:${PROMETHEUS}`) ?? PROMETHEUS });
    }
    const specs: PortSpec[] = [];
    const seen = new Set<number>();
    for (const f of found) {
      if (seen.has(f.port)) continue;
      seen.add(f.port);
      const name = specs.some((s) => s.name === f.name) ? `${f.name}-${f.port}` : f.name;
      specs.push({ name, containerPort: f.port, publish: publish ? { hostPort: hostPorts[f.port] ?? f.port, hostIp } : undefined });
    }
    specs.push({ name: 'health', containerPort: HEALTH_CHECK_PORT });
    return specs;
  }

  private synthProblems(): string[] {
    let model: CollectorModel;
    try {
      model = this.model();
    } catch (e) {
      if (e instanceof ValidationError) return [e.detail];
      throw e;
    }
    const out = pipelineReferenceProblems(model);
    const rawService = model.rawConfig?.service as { pipelines?: Record<string, unknown> } | undefined;
    if (!Object.keys(model.pipelines).length && !rawComponentIds(rawService as Record<string, unknown> | undefined, 'pipelines').length) {
      out.push('the Collector has no pipeline, and refuses to start without one. Add one with addPipeline(), e.g. addPipeline("traces", { receivers: ["otlp"], exporters: ["debug"] }).');
    }
    const warn = (message: string) => {
      if (!this.node.metadata.some((m) => m.data === message)) Annotations.of(this).addWarning(message);
    };
    if (this.courseDefaults && !this.tempo && !this.pipelines.has('traces') && !this.exporters.has('otlp/tempo') && !Observability.of(this).find('tempo').length) {
      warn('no TempoBackend in this stack: the traces pipeline exports to "tempo:4317", the course\'s address. Add a TempoBackend, pass `tempo`, or give your own exporters and pipelines.');
    }
    const limiter = model.processors.find((p) => p.type === 'memory_limiter');
    if (limiter && limiter.type === 'memory_limiter' && this.memoryMiB !== undefined && limiter.limitMib >= this.memoryMiB) {
      warn(`memory_limiter allows ${limiter.limitMib} MiB but the container is limited to ${this.memoryMiB} MiB: the kernel kills the Collector before the limiter refuses data. Keep limitMib about 20 % below the container limit.`);
    }
    const label = Observability.of(this).correlation.exemplarTraceIdLabel;
    if (label !== 'trace_id' && model.exporters.some((e) => e.type === 'prometheus' && e.enableOpenMetrics)) {
      warn(`the prometheus exporter writes exemplars with the label "trace_id", but the stack's correlation settings expect "${label}" (exemplarTraceIdLabel): Grafana will not link these exemplars to traces.`);
    }
    return out;
  }
}
