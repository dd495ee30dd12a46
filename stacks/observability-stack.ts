import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { checkPrimitive, checkShape, spreadCopiesAll, withVouchedShape } from '../lib/core/shape';
import { AlertRoute, AlertRouteProps } from '../constructs/alert-route';
import { Alertmanager, AlertmanagerProps } from '../constructs/alertmanager';
import { BlackboxExporter, BlackboxExporterProps, COURSE_BLACKBOX_MODULES } from '../constructs/blackbox-exporter';
import { Dashboard } from '../constructs/dashboard';
import { GrafanaDataSources, GrafanaDataSourcesProps } from '../constructs/grafana-data-sources';
import { GrafanaFolder } from '../constructs/grafana-folder';
import { GrafanaServer, GrafanaServerProps, IGrafana } from '../constructs/grafana-server';
import { LogAgent, LogAgentProps } from '../constructs/log-agent';
import { LokiCluster, LokiClusterProps } from '../constructs/loki-cluster';
import { MonitoredService, MonitoredServiceProps } from '../constructs/monitored-service';
import { NodeExporter, NodeExporterProps } from '../constructs/node-exporter';
import { OtelCollector, OtelCollectorProps } from '../constructs/otel-collector';
import { PrometheusServer, PrometheusServerProps } from '../constructs/prometheus-server';
import { ProfilingBackend, ProfilingBackendProps } from '../constructs/profiling-backend';
import { TempoBackend, TempoBackendProps } from '../constructs/tempo-backend';
import { AlertPacks, CourseAlertPackOptions } from '../lib/alerting/alert-rule';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { secretVariable } from '../lib/core/secrets';
import { nodeUseDashboard, redDashboard } from '../lib/grafana/dashboards';
import { RuleSets } from '../lib/prometheus/presets';
import { DockerRuntime, DockerRuntimeProps } from '../lib/runtime/docker-runtime';
import type { KubernetesRuntimeProps } from '../lib/runtime/kubernetes-options';
import { loadKubernetesRuntime } from '../lib/runtime/kubernetes-loader';
import { IRuntime } from '../lib/runtime/runtime';
import { IDeployment } from '../lib/runtime/runtime';
import { courseAlertRoute } from './course-alerting';

/**
 * One part of the stack: `false` leaves it out, props configure the library's construct
 * (merged over the stack's defaults), a function builds your own construct in its place
 * (called with the stack and the part's id, at the point where the part is created, so the
 * parts created after it discover it).
 */
export type StackPart<P, C> = false | P | ((scope: Construct, id: string) => C);

/** How long each signal is kept: the one place retention is set. */
export interface RetentionOptions {
  /** Prometheus TSDB (`--storage.tsdb.retention.time`). @default '30d' */
  readonly metrics?: DurationLike;
  /** Loki (`limits_config.retention_period`, by the compactor). @default '30d' */
  readonly logs?: DurationLike;
  /** Tempo (`compactor.compaction.block_retention`). @default '14d' */
  readonly traces?: DurationLike;
  /** Pyroscope (`limits.retention_period`), when `profiling` is on. @default '14d' */
  readonly profiles?: DurationLike;
}

/** One S3-compatible object store for the stack's logs and traces. */
export interface StackObjectStorage {
  /** `host[:port]`, e.g. `s3.eu-central-1.amazonaws.com` or `minio:9000`. */
  readonly endpoint: string;
  /** @default - none */
  readonly region?: string;
  /** Bucket for Loki's chunks and index. */
  readonly logsBucket: string;
  /** Bucket for Tempo's trace blocks. */
  readonly tracesBucket: string;
  /** Plain HTTP (MinIO in a lab). @default false */
  readonly insecure?: boolean;
  /** Path-style addressing (MinIO). @default false */
  readonly forcePathStyle?: boolean;
}

/** Properties of an ObservabilityStack. */
export interface ObservabilityStackProps {
  /** Docker runtime settings (daemon host, name prefix, network name). @default - local Docker, network `observability` */
  readonly docker?: DockerRuntimeProps;
  /**
   * Run the stack on Kubernetes instead of Docker (see docs/kubernetes.md): the engines go
   * to pinned Helm charts, with HA defaults. Loki and Tempo then need `objectStorage`, and
   * the log agent is left out (pod logs are not collected yet).
   * @default - Docker
   */
  readonly kubernetes?: KubernetesRuntimeProps;
  /**
   * Host address every published port binds to, unless a part sets its own `hostIp`.
   * `0.0.0.0` exposes the stack on every interface (reported as a warning).
   * @default '127.0.0.1'
   */
  readonly hostIp?: string;
  /**
   * Keep logs and traces in an S3-compatible object store (required on Kubernetes). The keys
   * are the sensitive variables `object_storage_access_key_id` and
   * `object_storage_secret_access_key`, created by the stack. A `loki` or `tempo` part with
   * its own `objectStorage` keeps it.
   * @default - local volumes (Docker)
   */
  readonly objectStorage?: StackObjectStorage;
  /** Retention per signal (metrics 30 d, logs 30 d, traces 14 d). @default - as listed */
  readonly retention?: RetentionOptions;
  /** Labels on every series and alert leaving Prometheus, e.g. `{ cluster: 'production' }`. @default - none */
  readonly externalLabels?: Record<string, string>;
  /**
   * Mount the Docker socket (read-only) into Alloy so it reads container logs. Off by
   * default: the socket grants control of the host; without it Alloy tails the host's
   * /var/log.
   * @default false
   */
  readonly mountDockerSocket?: boolean;
  /**
   * The RED and USE recording rules, and the course's alert pack when `alertPack` is given.
   * @default true
   */
  readonly recordingRules?: boolean;
  /**
   * The course's alert pack (`AlertPacks.course`): its runbook base URL is required, since
   * its critical alerts page people. @default - no alert pack
   */
  readonly alertPack?: CourseAlertPackOptions;
  /** RED and USE dashboards in an "Observability" folder. @default true (with Grafana) */
  readonly dashboards?: boolean;

  /** @default - Prometheus v3.14.0 on 9090, remote-write receiver, exemplars, native histograms */
  readonly prometheus?: StackPart<PrometheusServerProps, PrometheusServer>;
  /**
   * The routing tree Alertmanager runs.
   * @default - the course's alertmanager.yml (`courseAlertRoute`): Slack, PagerDuty and email,
   * credentials from the sensitive variables `slack_webhook_url`, `pagerduty_routing_key`, `smtp_password`
   */
  readonly routing?: StackPart<AlertRouteProps, AlertRoute>;
  /** @default - one Alertmanager v0.34.0 on 9093 (with `false`, `routing` defaults to `false` too) */
  readonly alertmanager?: StackPart<AlertmanagerProps, Alertmanager>;
  /** @default - node exporter v1.12.1 on 9100 */
  readonly nodeExporter?: StackPart<NodeExporterProps, NodeExporter>;
  /** @default - blackbox exporter v0.28.0 on 9115 with the course's modules */
  readonly blackbox?: StackPart<BlackboxExporterProps, BlackboxExporter>;
  /** @default - Loki 3.7.6 on 3100, monolithic, ruler → Alertmanager */
  readonly loki?: StackPart<LokiClusterProps, LokiCluster>;
  /** @default - Tempo 3.0.3 on 3200/4317/4318, metrics generator → Prometheus */
  readonly tempo?: StackPart<TempoBackendProps, TempoBackend>;
  /**
   * Profiles, the fourth signal: a ProfilingBackend (Pyroscope) with its Grafana data source,
   * linked from Tempo's spans (`tracesToProfiles`). `true` for the defaults, props to
   * configure it, a function for your own.
   * @default false - no profiling
   */
  readonly profiling?: boolean | StackPart<ProfilingBackendProps, ProfilingBackend>;
  /** @default - Collector contrib 0.159.0 on 4327/4328 (OTLP) and 8889 (metrics) */
  readonly collector?: StackPart<OtelCollectorProps, OtelCollector>;
  /** @default - Alloy v1.18.1 on 12345 (left out when `loki` is false) */
  readonly logAgent?: StackPart<LogAgentProps, LogAgent>;
  /**
   * Grafana 13.2.3 on 3000, or your own (`(scope, id) => new ExistingGrafana(scope, id, ...)`).
   * @default - a GrafanaServer; admin password from the sensitive variable `grafana_admin_password`
   */
  readonly grafana?: StackPart<GrafanaServerProps, IGrafana & Construct>;
  /** @default - data sources for every part, wired for correlation */
  readonly dataSources?: StackPart<GrafanaDataSourcesProps, GrafanaDataSources>;
}

/**
 * The course's whole LGTM stack on one Docker network, secure by default: Grafana,
 * Prometheus, Alertmanager, Loki, Tempo, the OpenTelemetry Collector, Alloy, the node and
 * blackbox exporters, each with its named volume (stateful parts) and restart policy, wired
 * to each other, on the course's port plan bound to 127.0.0.1, secrets as sensitive
 * variables, one Terraform output per URL, retention per signal in one place. Every part can
 * be left out (`false`), configured (props) or replaced (a function building your own).
 *
 * Add your services with `addService()` (a `MonitoredService`).
 */
export class ObservabilityStack extends TerraformStack {
  public readonly runtime: IRuntime;
  public readonly prometheus?: PrometheusServer;
  public readonly routing?: AlertRoute;
  public readonly alertmanager?: Alertmanager;
  public readonly nodeExporter?: NodeExporter;
  public readonly blackbox?: BlackboxExporter;
  public readonly loki?: LokiCluster;
  public readonly tempo?: TempoBackend;
  /** Pyroscope, when `profiling` is on. */
  public readonly profiling?: ProfilingBackend;
  public readonly collector?: OtelCollector;
  public readonly logAgent?: LogAgent;
  public readonly grafana?: IGrafana & Construct;
  public readonly dataSources?: GrafanaDataSources;
  /** The "Observability" folder of the stack's dashboards, when Grafana is part of it. */
  public readonly folder?: GrafanaFolder;
  public readonly dashboards: Dashboard[] = [];
  public readonly services: MonitoredService[] = [];
  private readonly hostIp?: string;
  /**
   * The retention per signal of the parts the stack built (a part you replace with your own
   * construct keeps the retention you give it).
   */
  public readonly retention: { readonly metrics: string; readonly logs: string; readonly traces: string; readonly profiles: string };

  constructor(scope: Construct, id: string, props: ObservabilityStackProps = {}) {
    super(scope, id);
    checkShape(this, 'ObservabilityStackProps', props, 'props');
    const problems: string[] = [];
    const retention = { metrics: props.retention?.metrics ?? '30d', logs: props.retention?.logs ?? '30d', traces: props.retention?.traces ?? '14d', profiles: props.retention?.profiles ?? '14d' };
    for (const [signal, value] of Object.entries(retention)) {
      const r = resolveDuration(value);
      if (r.problem) problems.push(`retention.${signal} ${r.problem}`);
      else if ((r.ms ?? 0) < 3_600_000) problems.push(`retention.${signal} must be at least 1h (got ${JSON.stringify(r.text)}). Use e.g. "30d".`);
      else if (signal === 'logs' && r.ms! % 86_400_000 !== 0) {
        problems.push(`retention.logs must be a whole number of days (got ${JSON.stringify(r.text)}): Loki's compactor deletes whole 24h index tables. Use e.g. "7d" or "30d".`);
      }
    }
    // Retention is set here only: a part's own retention prop would silently win over it.
    for (const [part, key, signal] of [
      ['prometheus', 'retentionTime', 'metrics'],
      ['loki', 'retentionPeriod', 'logs'],
      ['tempo', 'retention', 'traces'],
      ['profiling', 'retention', 'profiles'],
    ] as const) {
      const given = props[part];
      if (given && typeof given === 'object' && (given as Record<string, unknown>)[key] !== undefined) {
        problems.push(`${part}.${key} is set (got ${JSON.stringify((given as Record<string, unknown>)[key])}), but the stack sets retention in one place. Use retention.${signal} instead.`);
      }
    }
    if (props.alertPack && props.recordingRules === false) {
      problems.push('alertPack reads the RED and USE recording rules, which recordingRules: false leaves out. Keep the recording rules, or drop alertPack.');
    }
    throwIfProblems(this, problems);
    this.retention = {
      metrics: resolveDuration(retention.metrics).text,
      logs: resolveDuration(retention.logs).text,
      traces: resolveDuration(retention.traces).text,
      profiles: resolveDuration(retention.profiles).text,
    };
    const hostIp = props.hostIp;
    this.hostIp = hostIp;
    const at = <P extends object>(p: P | undefined): P => ({ ...(hostIp !== undefined ? { hostIp } : {}), ...(p ?? {}) }) as P;

    if (props.kubernetes && props.docker) {
      throw new ValidationError('docker and kubernetes are both set: a stack runs on one target. Keep one of them.', this);
    }
    if (props.kubernetes && props.hostIp !== undefined) {
      throw new ValidationError(`hostIp is a Docker option (got ${JSON.stringify(props.hostIp)}); on Kubernetes nothing is published on a node. Remove it and expose Grafana with an Ingress.`, this);
    }
    this.runtime = props.kubernetes ? new (loadKubernetesRuntime(this))(this, 'Kubernetes', props.kubernetes) : new DockerRuntime(this, 'Docker', props.docker);
    const onKubernetes = this.runtime.kind === 'kubernetes';

    // Metrics.
    this.prometheus = build(this, 'Prometheus', props.prometheus, (p) =>
      new PrometheusServer(this, 'Prometheus', {
        enableRemoteWriteReceiver: true,
        enableExemplarStorage: true,
        enableNativeHistograms: true,
        externalLabels: props.externalLabels,
        ...at(p),
        retentionTime: this.retention.metrics,
      }),
    );
    this.nodeExporter = build(this, 'NodeExporter', props.nodeExporter, (p) => new NodeExporter(this, 'NodeExporter', at(p)));
    this.blackbox = build(this, 'Blackbox', props.blackbox, (p) => new BlackboxExporter(this, 'Blackbox', { modules: COURSE_BLACKBOX_MODULES, ...at(p) }));
    if (this.prometheus && this.nodeExporter) this.prometheus.scrape(this.nodeExporter);
    if (this.prometheus && (props.recordingRules ?? true)) {
      this.prometheus.addRuleGroup(RuleSets.red());
      this.prometheus.addRuleGroup(RuleSets.nodeUse());
    }
    if (props.alertPack) {
      if (!this.prometheus) throw new ValidationError('alertPack needs the stack\'s Prometheus (prometheus is false). Drop alertPack, or keep a Prometheus.', this);
      for (const g of AlertPacks.course(props.alertPack)) this.prometheus.addRuleGroup(g);
    }

    // Alerting.
    // Without an Alertmanager (and without your own tree), the routing tree and its secrets are left out.
    const routing = props.routing ?? (props.alertmanager === false ? false : undefined);
    this.routing = build(this, 'Routing', routing, (p) => (p ? new AlertRoute(this, 'Routing', p) : courseAlertRoute(this, 'Routing')));
    this.alertmanager = build(this, 'Alertmanager', props.alertmanager, (p) => new Alertmanager(this, 'Alertmanager', at(p)));

    // Logs and traces, on the stack's object store when it has one.
    const store = props.objectStorage;
    const keys = store
      ? {
          id: secretVariable(this, 'object_storage_access_key_id', 'Access key id of the object store for logs and traces').stringValue,
          secret: secretVariable(this, 'object_storage_secret_access_key', 'Secret access key of the object store for logs and traces').stringValue,
        }
      : undefined;
    const common = store ? { endpoint: store.endpoint, region: store.region, insecure: store.insecure, forcePathStyle: store.forcePathStyle ?? false } : undefined;
    this.loki = build(this, 'Loki', props.loki, (p) =>
      new LokiCluster(this, 'Loki', {
        ...(common && keys ? { objectStorage: { ...common, bucket: store!.logsBucket, accessKeyId: keys.id, secretAccessKey: keys.secret } } : {}),
        ...at(p),
        retentionPeriod: this.retention.logs,
      }),
    );
    this.tempo = build(this, 'Tempo', props.tempo, (p) =>
      new TempoBackend(this, 'Tempo', {
        ...(common && keys ? { objectStorage: { ...common, bucket: store!.tracesBucket, accessKey: keys.id, secretKey: keys.secret } } : {}),
        ...at(p),
        retention: this.retention.traces,
      }),
    );
    // Profiles: off unless asked for (true, props or your own).
    const profiling = props.profiling === true ? undefined : (props.profiling ?? false);
    this.profiling = build(this, 'Profiling', profiling, (p) => new ProfilingBackend(this, 'Profiling', { ...at(p), retention: this.retention.profiles }));
    this.collector = build(this, 'Collector', props.collector, (p) => new OtelCollector(this, 'Collector', at(p)));
    if (this.prometheus && this.collector) this.prometheus.scrape(this.collector);
    const socket = props.mountDockerSocket ?? false;
    // The log agent ships to the stack's Loki: without one (and without your own settings), it is left out.
    const logAgent = props.logAgent ?? (this.loki && !onKubernetes ? undefined : false);
    this.logAgent = build(this, 'Alloy', logAgent, (p) =>
      new LogAgent(this, 'Alloy', (p?.mountDockerSocket ?? socket) ? { mountDockerSocket: true, ...at(p) } : { containerLogs: false, readHostLogs: true, ...at(p) }),
    );

    // Grafana.
    this.grafana = build(this, 'Grafana', props.grafana, (p) => new GrafanaServer(this, 'Grafana', { featureToggles: ['traceQLStreaming', 'metricsSummary'], ...at(p) }));
    if (this.grafana) {
      this.dataSources = build(this, 'DataSources', props.dataSources, (p) => new GrafanaDataSources(this, 'DataSources', { grafana: this.grafana, ...(p ?? {}) }));
      if (props.dashboards ?? true) {
        this.folder = new GrafanaFolder(this, 'StackFolder', { title: 'Observability', uid: 'observability', grafana: this.grafana });
        if (this.prometheus) {
          this.dashboards.push(new Dashboard(this, 'RedDashboard', { dashboard: redDashboard(), folder: this.folder, grafana: this.grafana }));
          if (this.nodeExporter) this.dashboards.push(new Dashboard(this, 'UseDashboard', { dashboard: nodeUseDashboard(), folder: this.folder, grafana: this.grafana }));
        }
      }
    }

    // One output per URL published on the host.
    const outputs: Array<[string, IDeployment | undefined, string, string]> = [
      ['PrometheusUrl', this.prometheus?.deployment, 'http', 'Prometheus UI and API'],
      ['NodeExporterUrl', this.nodeExporter?.deployment, 'http', 'node exporter metrics'],
      ['BlackboxUrl', this.blackbox?.deployment, 'http', 'blackbox exporter'],
      ['AlertmanagerUrl', this.alertmanager?.deployments[0], 'http', 'Alertmanager UI and API'],
      ['GrafanaUrl', this.grafana instanceof GrafanaServer ? this.grafana.deployment : undefined, 'http', 'Grafana'],
      ['LokiUrl', this.loki?.deployments[0], 'http', 'Loki API (push and query)'],
      ['TempoUrl', this.tempo?.deployment, 'http', 'Tempo API'],
      ['TempoOtlpGrpcUrl', this.tempo?.deployment, 'otlp-grpc', 'Tempo OTLP/gRPC receiver'],
      ['TempoOtlpHttpUrl', this.tempo?.deployment, 'otlp-http', 'Tempo OTLP/HTTP receiver'],
      ['PyroscopeUrl', this.profiling?.deployment, 'http', 'Pyroscope UI, API and profile ingestion'],
      ['CollectorOtlpGrpcUrl', this.collector?.deployment, 'otlp-grpc', 'OpenTelemetry Collector OTLP/gRPC: point your SDKs here'],
      ['CollectorOtlpHttpUrl', this.collector?.deployment, 'otlp-http', 'OpenTelemetry Collector OTLP/HTTP'],
      ['CollectorMetricsUrl', this.collector?.deployment, 'prometheus', 'OpenTelemetry Collector Prometheus exporter'],
      ['AlloyUrl', this.logAgent?.deployment, 'http', 'log agent UI'],
    ];
    for (const [outputId, deployment, port, description] of outputs) {
      const url = deployment?.publishedUrl(port);
      if (url) new TerraformOutput(this, outputId, { value: url, description });
    }
    this.alertmanager?.deployments.slice(1).forEach((d, i) => {
      const url = d.publishedUrl('http');
      if (url) new TerraformOutput(this, `AlertmanagerUrl${i + 2}`, { value: url, description: `Alertmanager replica ${i + 2} on the host` });
    });
  }

  /** Adds a service of yours, monitored the way the course asks (see `MonitoredService`). */
  public addService(id: string, props: MonitoredServiceProps): MonitoredService {
    checkPrimitive(this, 'string', id, 'addService(id)');
    checkShape(this, 'MonitoredServiceProps', props, 'addService(props)');
    const container = props.container && this.hostIp !== undefined ? { hostIp: this.hostIp, ...props.container } : props.container;
    const copy: MonitoredServiceProps = { folder: this.folder, ...props, container };
    const make = (p: MonitoredServiceProps) => new MonitoredService(this, id, p);
    // The props as just checked, with the stack's folder and host address: not walked again,
    // unless the copies left out something the check read (then walked, as they always were).
    const whole = spreadCopiesAll(props) && (container === props.container || spreadCopiesAll(props.container));
    const service = whole ? withVouchedShape('MonitoredServiceProps', copy, make) : make(copy);
    this.services.push(service);
    return service;
  }
}

/** Builds a part: left out, the library's construct with props, or the user's own. */
function build<P extends object, C>(scope: Construct, id: string, part: StackPart<P, C> | undefined, make: (props: P | undefined) => C): C | undefined {
  if (part === false) return undefined;
  if (typeof part === 'function') return (part as (scope: Construct, id: string) => C)(scope, id);
  return make(part);
}
