// Example: Prometheus with exporters, probes, a secured job and rules, on the local Docker.
// Run: `npm run build && node dist/examples/prometheus-only/main.js` writes cdktf.out;
// or point a cdktf.json "app" at it and run `cdktf deploy`.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  BlackboxExporter,
  DockerRuntime,
  NodeExporter,
  PrometheusServer,
  Relabel,
  RuleSets,
  secretVariable,
} from '../../index';

export class PrometheusOnlyStack extends TerraformStack {
  public readonly prometheus: PrometheusServer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // README:prometheus-only:start
    new DockerRuntime(this, 'Docker', { namePrefix: 'demo-' });

    const prometheus = new PrometheusServer(this, 'Prometheus', {
      externalLabels: { cluster: 'demo' },
      retentionTime: '15d',
    });

    // Exporters are wired by object: the job and its address come from the construct.
    prometheus.scrape(new NodeExporter(this, 'NodeExporter'));
    const blackbox = new BlackboxExporter(this, 'Blackbox');
    prometheus.scrape(blackbox.probe('blackbox-http', { module: 'http_2xx', targets: ['https://example.com'] }));

    // A job of your own, with typed relabeling and a password from a sensitive variable.
    prometheus.addScrapeJob({
      jobName: 'payment-api',
      targets: ['payment-api:8080'],
      labels: { service: 'payment-api', team: 'payments' },
      basicAuth: { username: 'prometheus', password: secretVariable(this, 'payment_api_scrape_password').stringValue },
      metricRelabelConfigs: [Relabel.drop(['__name__'], 'go_gc_.*')],
    });

    // Ready-made recording rules and an alert of your own, all parsed at synth.
    prometheus.addRuleGroup(RuleSets.red({ service: 'payment-api' }));
    prometheus.addRuleGroup(RuleSets.nodeUse());
    prometheus.addRuleGroup({
      name: 'payment_api_alerts',
      rules: [
        {
          alert: 'PaymentApiErrors',
          expr: 'service:http_errors:ratio5m{service="payment-api"} > 0.05 and service:http_requests:rate5m{service="payment-api"} > 10',
          for: '5m',
          labels: { severity: 'critical', team: 'payments' },
          annotations: {
            summary: 'payment-api returns errors',
            description: 'Error ratio {{ $value | humanizePercentage }} over 5 minutes.',
            runbook_url: 'https://wiki.example.com/runbooks/payment-api-errors',
          },
        },
      ],
    });
    // README:prometheus-only:end
    this.prometheus = prometheus;
  }
}

if (require.main === module) {
  const app = new App();
  new PrometheusOnlyStack(app, 'prometheus-only');
  app.synth();
}
