// Example: bring your own Grafana (e.g. Grafana Cloud): folders, data sources, dashboards and
// the alerting tree applied to an existing instance; nothing runs in Docker.
// Run: `npm run build && node dist/examples/grafana-cloud/main.js`, then `cdktf deploy` with
// TF_VAR_grafana_auth (a service account token) and TF_VAR_slack_webhook_url set.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import {
  AlertRoute,
  Dashboard,
  ExistingGrafana,
  GrafanaDataSources,
  GrafanaFolder,
  Matcher,
  Receiver,
  redDashboard,
  secretVariable,
} from '../../index';

export class GrafanaCloudStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ExistingGrafana(this, 'Grafana', { url: 'https://example.grafana.net' });
    new GrafanaDataSources(this, 'DataSources', {
      prometheus: { url: 'https://prometheus.example.com' },
      loki: { url: 'https://loki.example.com' },
      tempo: { url: 'https://tempo.example.com' },
    });
    const folder = new GrafanaFolder(this, 'Team', { title: 'Checkout' });
    new Dashboard(this, 'Red', { dashboard: redDashboard(), folder });

    // README:dashboard:start
    new Dashboard(this, 'Checkout', {
      folder,
      dashboard: new DashboardBuilder('Checkout')
        .uid('checkout')
        .withPanel(
          new TimeseriesPanelBuilder()
            .title('Orders per second')
            .unit('reqps')
            .withTarget(new DataqueryBuilder().expr('sum(rate(app_orders_total{status="paid"}[$__rate_interval]))').legendFormat('paid')),
        ),
    });
    // README:dashboard:end

    const slack = secretVariable(this, 'slack_webhook_url', 'Slack incoming webhook URL').stringValue;
    new AlertRoute(this, 'Routing', {
      target: 'grafana',
      receiver: Receiver.slack('checkout-slack', { webhookUrl: slack, channel: '#checkout' }),
      receivers: [Receiver.slack('checkout-oncall', { webhookUrl: slack, channel: '#checkout-oncall' })],
      routes: [{ receiver: 'checkout-oncall', matchers: [Matcher.eq('severity', 'critical')] }],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new GrafanaCloudStack(app, 'grafana-cloud');
  app.synth();
}
