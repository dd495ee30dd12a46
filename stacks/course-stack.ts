import { Construct } from 'constructs';
import { AlertRoute } from '../constructs/alert-route';
import { Alertmanager } from '../constructs/alertmanager';
import { BlackboxExporter } from '../constructs/blackbox-exporter';
import { Dashboard } from '../constructs/dashboard';
import { GrafanaFolder } from '../constructs/grafana-folder';
import { GrafanaServer } from '../constructs/grafana-server';
import { LogAgent } from '../constructs/log-agent';
import { LokiCluster } from '../constructs/loki-cluster';
import { NodeExporter } from '../constructs/node-exporter';
import { OtelCollector } from '../constructs/otel-collector';
import { PrometheusServer } from '../constructs/prometheus-server';
import { SloBudget } from '../constructs/slo-budget';
import { TempoBackend } from '../constructs/tempo-backend';
import { sloDashboard } from '../lib/grafana/dashboards';
import { COURSE_TAIL_SAMPLING } from '../lib/otel/config';
import { RuleGroup } from '../lib/prometheus/rules';
import { DockerRuntimeProps } from '../lib/runtime/docker-runtime';
import { Sli } from '../lib/slo/sli';
import { courseAlertRoute } from './course-alerting';
import { ObservabilityStack } from './observability-stack';

/** Properties of the course's stack. */
export interface CourseStackProps {
  /** Docker runtime settings (daemon host, name prefix). @default - local Docker, network `observability` */
  readonly docker?: DockerRuntimeProps;
  /**
   * Discover containers labelled `prometheus.scrape=true` through the Docker socket (mounted
   * read-only into Prometheus). Off by default: the socket grants control of the host.
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
 * The course's stack: an `ObservabilityStack` (Grafana, Prometheus, Alertmanager, Loki,
 * Tempo, the OpenTelemetry Collector, Alloy, node and blackbox exporters) filled with the
 * seed's content — its global settings and scrape jobs (`prometheus`, `node`,
 * `blackbox-http`), the RED, USE and SLO recording rules and its alert pack, the
 * alertmanager.yml routes and inhibitions deployed to Alertmanager and to Grafana (contact
 * points, one notification policy, mute timings), the Collector's tail sampling, the
 * payment-api SLOs with their burn-rate alerts, a Loki alert, and the RED, USE and SLO
 * dashboards. The default app.
 */
export class CourseStack extends ObservabilityStack {
  declare public readonly prometheus: PrometheusServer;
  declare public readonly nodeExporter: NodeExporter;
  declare public readonly blackbox: BlackboxExporter;
  declare public readonly routing: AlertRoute;
  declare public readonly alertmanager: Alertmanager;
  declare public readonly grafana: GrafanaServer;
  declare public readonly loki: LokiCluster;
  declare public readonly tempo: TempoBackend;
  declare public readonly collector: OtelCollector;
  declare public readonly logAgent: LogAgent;
  /** The payment-api SLOs: latency (300 ms, 99.9 %, 30 d) and availability (99.9 %, 30 d). */
  public readonly slos: SloBudget[];

  constructor(scope: Construct, id: string, props: CourseStackProps = {}) {
    const runbooks = props.runbookBaseUrl ?? 'https://wiki.devopslab.ch/runbooks';
    // Every part is present (none is left out), so the narrowed declarations above hold.
    super(scope, id, {
      docker: props.docker,
      externalLabels: { cluster: 'production', env: 'prod' },
      retention: { metrics: '30d', logs: '30d', traces: '14d' },
      alertPack: { runbookBaseUrl: runbooks, grafanaUrl: 'https://grafana.devopslab.ch' },
      prometheus: {
        scrapeInterval: '15s',
        evaluationInterval: '15s',
        dockerDiscovery: props.dockerDiscovery ? {} : undefined,
        mountDockerSocket: props.dockerDiscovery ?? false,
      },
      // The course's routing tree, deployed to both engines: alertmanager.yml for Prometheus'
      // alerts, contact points + one notification policy + mute timings in Grafana for
      // Grafana-managed rules (the course's "Alerting via Terraform").
      routing: (scope, id) => courseAlertRoute(scope, id, { target: 'both' }),
      alertmanager: { replicas: props.alertmanagerReplicas },
      // The course's collector samples traces by tail: errors, traces slower than 2 s, 10 % of the rest.
      collector: { tailSampling: COURSE_TAIL_SAMPLING },
      // The composition opts in to the Docker socket for Alloy (read-only): it reads container logs.
      mountDockerSocket: true,
    });

    this.prometheus.scrape(
      this.blackbox.probe('blackbox-http', {
        module: 'http_2xx',
        targets: props.probeUrls ?? ['https://devopslab.ch', 'https://api.devopslab.ch/health'],
      }),
    );
    this.prometheus.addRuleGroup(COURSE_SLO_RULES);

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

    // The payments team's folder, one SLO dashboard per SLO.
    const teamFolder = new GrafanaFolder(this, 'PaymentsFolder', { title: 'Payments', uid: 'payments' });
    for (const slo of this.slos) {
      this.dashboards.push(
        new Dashboard(this, `${slo.node.id}Dashboard`, {
          dashboard: sloDashboard({ service: slo.spec.service, name: slo.spec.name, objective: slo.spec.objective, windowDays: slo.spec.windowDays }),
          folder: teamFolder,
        }),
      );
    }
  }
}
