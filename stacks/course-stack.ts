import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlackboxExporter, COURSE_BLACKBOX_MODULES } from '../constructs/blackbox-exporter';
import { NodeExporter } from '../constructs/node-exporter';
import { PrometheusServer } from '../constructs/prometheus-server';
import { RuleSets } from '../lib/prometheus/presets';
import { RuleGroup } from '../lib/prometheus/rules';
import { Alertmanager } from '../constructs/alertmanager';
import { AlertRoute } from '../constructs/alert-route';
import { AlertPacks } from '../lib/alerting/alert-rule';
import { courseAlertRoute } from './course-alerting';
import { SloBudget } from '../constructs/slo-budget';
import { Dashboard } from '../constructs/dashboard';
import { GrafanaDataSources } from '../constructs/grafana-data-sources';
import { GrafanaFolder } from '../constructs/grafana-folder';
import { GrafanaServer } from '../constructs/grafana-server';
import { LogAgent } from '../constructs/log-agent';
import { LokiCluster } from '../constructs/loki-cluster';
import { OtelCollector } from '../constructs/otel-collector';
import { TempoBackend } from '../constructs/tempo-backend';
import { nodeUseDashboard, redDashboard, sloDashboard } from '../lib/grafana/dashboards';
import { Sli } from '../lib/slo/sli';
import { DockerRuntime, DockerRuntimeProps } from '../lib/runtime/docker-runtime';

/** Properties of the course's metrics stack. */
export interface CourseStackProps {
  /** Docker runtime settings (daemon host, name prefix). @default - local Docker, network `observability` */
  readonly docker?: DockerRuntimeProps;
  /**
   * Discover containers labelled `prometheus.scrape=true` through the Docker socket (mounted
   * read-only). Off by default: the socket grants control of the host.
   * @default false
   */
  readonly dockerDiscovery?: boolean;
  /** URLs probed by the `blackbox-http` job. @default - the course's two URLs */
  readonly probeUrls?: string[];
  /** Alertmanager instances (more than one forms a gossip cluster). @default 1 */
  readonly alertmanagerReplicas?: number;
  /** Base URL of the runbooks linked from the alerts. @default 'https://wiki.devopslab.ch/runbooks' */
  readonly runbookBaseUrl?: string;
}

/** The course's `slo_rules` group (the SLI ratio and the remaining error budget of `api`). */
export const COURSE_SLO_RULES: RuleGroup = {
  name: 'slo_rules',
  interval: '30s',
  rules: [
    {
      record: 'slo:api_latency:ratio5m',
      expr: 'sum(rate(http_request_duration_seconds_bucket{service="api", le="0.3"}[5m]))\n/\nsum(rate(http_request_duration_seconds_count{service="api"}[5m]))',
    },
    { record: 'slo:api_latency:error_budget_remaining', expr: '1 - (\n  (1 - slo:api_latency:ratio5m)\n  /\n  (1 - 0.999)\n)' },
  ],
};

/**
 * The course's metrics and alerting stack on Docker: Prometheus (global settings, the
 * `prometheus`, `node` and `blackbox-http` jobs, RED/USE/SLO recording rules and the
 * course's alert pack), the payment-api SLOs with their burn-rate alerts, Alertmanager with
 * the course's routing tree, the node exporter and the blackbox exporter with the course's
 * modules, Loki, Tempo, the OpenTelemetry Collector and Alloy, and Grafana with correlated
 * data sources and the RED, USE and SLO dashboards.
 */
export class CourseStack extends TerraformStack {
  public readonly prometheus: PrometheusServer;
  public readonly nodeExporter: NodeExporter;
  public readonly blackbox: BlackboxExporter;
  public readonly routing: AlertRoute;
  public readonly alertmanager: Alertmanager;
  /** The payment-api SLOs: latency (300 ms, 99.9 %, 30 d) and availability (99.9 %, 30 d). */
  public readonly slos: SloBudget[];
  public readonly grafana: GrafanaServer;
  public readonly loki: LokiCluster;
  public readonly tempo: TempoBackend;
  public readonly collector: OtelCollector;
  public readonly logAgent: LogAgent;
  public readonly dashboards: Dashboard[];

  constructor(scope: Construct, id: string, props: CourseStackProps = {}) {
    super(scope, id);
    new DockerRuntime(this, 'Docker', props.docker);

    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      externalLabels: { cluster: 'production', env: 'prod' },
      retentionTime: '30d',
      enableRemoteWriteReceiver: true,
      enableExemplarStorage: true,
      enableNativeHistograms: true,
      dockerDiscovery: props.dockerDiscovery ? {} : undefined,
      mountDockerSocket: props.dockerDiscovery ?? false,
    });
    this.nodeExporter = new NodeExporter(this, 'NodeExporter');
    this.blackbox = new BlackboxExporter(this, 'Blackbox', { modules: COURSE_BLACKBOX_MODULES });

    this.prometheus.scrape(this.nodeExporter);
    this.prometheus.scrape(
      this.blackbox.probe('blackbox-http', {
        module: 'http_2xx',
        targets: props.probeUrls ?? ['https://devopslab.ch', 'https://api.devopslab.ch/health'],
      }),
    );
    this.prometheus.addRuleGroup(RuleSets.red());
    this.prometheus.addRuleGroup(RuleSets.nodeUse());
    this.prometheus.addRuleGroup(COURSE_SLO_RULES);
    for (const g of AlertPacks.course({ runbookBaseUrl: props.runbookBaseUrl ?? 'https://wiki.devopslab.ch/runbooks', grafanaUrl: 'https://grafana.devopslab.ch' })) {
      this.prometheus.addRuleGroup(g);
    }

    const runbooks = props.runbookBaseUrl ?? 'https://wiki.devopslab.ch/runbooks';
    this.slos = [
      // README:slo:start
      new SloBudget(this, 'PaymentApiLatency', {
        service: 'payment-api',
        name: 'latency',
        objective: 99.9,
        window: '30d',
        sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.3, selector: 'service="payment-api", method!="OPTIONS"' }),
        runbookUrl: `${runbooks}/slo-payment-api-latency`,
        labels: { team: 'payments' },
      }),
      new SloBudget(this, 'PaymentApiAvailability', {
        service: 'payment-api',
        name: 'availability',
        objective: 99.9,
        sli: Sli.availability({ selector: 'service="payment-api"', errorSelector: 'status=~"5.."' }),
        runbookUrl: `${runbooks}/slo-payment-api-availability`,
        labels: { team: 'payments' },
      }),
      // README:slo:end
    ];

    this.routing = courseAlertRoute(this, 'Routing');
    this.alertmanager = new Alertmanager(this, 'Alertmanager', { replicas: props.alertmanagerReplicas });

    // Logs and traces: Loki (30 d retention, ruler → Alertmanager), Tempo (14 d, metrics
    // generator → Prometheus with exemplars), the OpenTelemetry Collector (OTLP in, traces to
    // Tempo, metrics scraped by Prometheus, logs to Loki) and Alloy reading container logs.
    this.loki = new LokiCluster(this, 'Loki', { retentionPeriod: '30d' });
    this.loki.addRuleGroup({
      name: 'log_alerts',
      rules: [
        {
          alert: 'OutOfMemoryInLogs',
          expr: 'sum by (container) (count_over_time({job=~".+"} |= "OOM" [5m])) > 0',
          for: '1m',
          labels: { severity: 'warning' },
          annotations: { summary: 'OOM dans les logs de {{ $labels.container }}', description: 'Des lignes "OOM" sont apparues dans les 5 dernières minutes.' },
        },
      ],
    });
    this.tempo = new TempoBackend(this, 'Tempo', { retention: '14d' });
    this.collector = new OtelCollector(this, 'Collector');
    this.prometheus.scrape(this.collector);
    // The composition opts in to the Docker socket for Alloy (read-only): it reads container logs.
    this.logAgent = new LogAgent(this, 'Alloy', { mountDockerSocket: true });

    // Grafana: the data sources wired for correlation, a folder for the stack and one for the
    // payments team, RED, USE and SLO dashboards.
    this.grafana = new GrafanaServer(this, 'Grafana', { featureToggles: ['traceQLStreaming', 'metricsSummary'] });
    new GrafanaDataSources(this, 'DataSources');
    const stackFolder = new GrafanaFolder(this, 'StackFolder', { title: 'Observability', uid: 'observability' });
    const teamFolder = new GrafanaFolder(this, 'PaymentsFolder', { title: 'Payments', uid: 'payments' });
    this.dashboards = [
      new Dashboard(this, 'RedDashboard', { dashboard: redDashboard(), folder: stackFolder }),
      new Dashboard(this, 'UseDashboard', { dashboard: nodeUseDashboard(), folder: stackFolder }),
      ...this.slos.map(
        (slo) =>
          new Dashboard(this, `${slo.node.id}Dashboard`, {
            dashboard: sloDashboard({ service: slo.spec.service, name: slo.spec.name, objective: slo.spec.objective, windowDays: slo.spec.windowDays }),
            folder: teamFolder,
          }),
      ),
    ];

    for (const [id, url] of [
      ['PrometheusUrl', this.prometheus.deployment.publishedUrl('http')],
      ['NodeExporterUrl', this.nodeExporter.deployment.publishedUrl('http')],
      ['BlackboxUrl', this.blackbox.deployment.publishedUrl('http')],
      ['AlertmanagerUrl', this.alertmanager.deployments[0].publishedUrl('http')],
      ['GrafanaUrl', this.grafana.deployment.publishedUrl('http')],
      ['LokiUrl', this.loki.deployments[0].publishedUrl('http')],
      ['TempoUrl', this.tempo.deployment.publishedUrl('http')],
    ] as const) {
      if (url) new TerraformOutput(this, id, { value: url });
    }
  }
}
