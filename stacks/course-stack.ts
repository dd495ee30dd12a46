import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlackboxExporter, COURSE_BLACKBOX_MODULES } from '../constructs/blackbox-exporter';
import { NodeExporter } from '../constructs/node-exporter';
import { PrometheusServer } from '../constructs/prometheus-server';
import { RuleSets } from '../lib/prometheus/presets';
import { RuleGroup } from '../lib/prometheus/rules';
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

/** The course's `alerts.yml`: service, infrastructure and watchdog alerts. */
export const COURSE_ALERT_RULES: RuleGroup[] = [
  {
    name: 'service_alerts',
    rules: [
      {
        alert: 'HighErrorRate',
        expr: 'service:http_errors:ratio5m > 0.05',
        for: '5m',
        labels: { severity: 'critical', team: 'platform' },
        annotations: {
          summary: "Taux d'erreur élevé sur {{ $labels.service }}",
          description: "Le service {{ $labels.service }} a un taux d'erreur de {{ $value | humanizePercentage }} (seuil: 5%).",
          impact: 'Les utilisateurs reçoivent des erreurs 5xx.',
          dashboard_url: 'https://grafana.devopslab.ch/d/service-detail?var-service={{ $labels.service }}',
          runbook_url: 'https://wiki.devopslab.ch/runbooks/high-error-rate',
        },
      },
      {
        alert: 'HighLatencyP99',
        expr: 'service:http_latency:p99_5m > 1',
        for: '10m',
        labels: { severity: 'warning', team: 'platform' },
        annotations: {
          summary: 'Latence P99 élevée sur {{ $labels.service }}',
          description: 'Le P99 du service {{ $labels.service }} est à {{ $value | humanizeDuration }} (seuil: 1s).',
        },
      },
      {
        alert: 'SLOBudgetBurning',
        expr: 'slo:api_latency:error_budget_remaining < 0.25',
        for: '5m',
        labels: { severity: 'critical', team: 'platform' },
        annotations: {
          summary: "Error budget critique pour l'API",
          description: "Il ne reste que {{ $value | humanizePercentage }} de l'error budget. Gel des déploiements recommandé.",
        },
      },
    ],
  },
  {
    name: 'infrastructure_alerts',
    rules: [
      {
        alert: 'NodeDown',
        expr: 'up{job="node"} == 0',
        for: '2m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Nœud {{ $labels.instance }} injoignable', description: 'Le node exporter de {{ $labels.instance }} ne répond plus depuis 2 minutes.' },
      },
      {
        alert: 'HighCPU',
        expr: 'instance:node_cpu:utilization > 0.85',
        for: '15m',
        labels: { severity: 'warning' },
        annotations: { summary: 'CPU élevé sur {{ $labels.instance }}', description: 'CPU à {{ $value | humanizePercentage }} depuis 15 minutes.' },
      },
      {
        alert: 'DiskFillingUp',
        expr: 'instance:node_disk:predicted_full_hours > 0 and instance:node_disk:predicted_full_hours < 24',
        for: '30m',
        labels: { severity: 'warning' },
        annotations: { summary: 'Disque de {{ $labels.instance }} bientôt plein', description: 'Au rythme actuel, le disque sera plein dans {{ $value | humanizeDuration }}.' },
      },
      {
        alert: 'SSLCertExpiringSoon',
        expr: '(probe_ssl_earliest_cert_expiry - time()) / 86400 < 14',
        for: '1h',
        labels: { severity: 'warning' },
        annotations: { summary: 'Certificat SSL de {{ $labels.instance }} expire dans {{ $value | humanize }} jours' },
      },
      {
        alert: 'HighMemory',
        expr: 'instance:node_memory:utilization > 0.9',
        for: '10m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Mémoire critique sur {{ $labels.instance }}', description: 'Utilisation mémoire à {{ $value | humanizePercentage }}.' },
      },
    ],
  },
  {
    name: 'watchdog',
    rules: [{ alert: 'Watchdog', expr: 'vector(1)', labels: { severity: 'none' }, annotations: { summary: "Watchdog — l'alerting fonctionne" } }],
  },
];

/**
 * The course's metrics stack on Docker: Prometheus (global settings, the `prometheus`,
 * `node` and `blackbox-http` jobs, RED/USE/SLO recording rules and the course's alerts),
 * the node exporter and the blackbox exporter with the course's modules.
 */
export class CourseStack extends TerraformStack {
  public readonly prometheus: PrometheusServer;
  public readonly nodeExporter: NodeExporter;
  public readonly blackbox: BlackboxExporter;

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
    for (const g of COURSE_ALERT_RULES) this.prometheus.addRuleGroup(g);

    for (const [id, url] of [
      ['PrometheusUrl', this.prometheus.deployment.publishedUrl('http')],
      ['NodeExporterUrl', this.nodeExporter.deployment.publishedUrl('http')],
      ['BlackboxUrl', this.blackbox.deployment.publishedUrl('http')],
    ] as const) {
      if (url) new TerraformOutput(this, id, { value: url });
    }
  }
}
