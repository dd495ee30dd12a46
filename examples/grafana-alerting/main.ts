// Example: one alert definition, either engine. The same AlertingRule model goes to a
// Prometheus rule file (engine 'prometheus', the default) or to a Grafana-managed rule group
// (engine 'grafana'); the course's routing tree is deployed to Alertmanager and to Grafana, so
// both kinds of alerts reach the same receivers.
// Run: `npm run build && node dist/examples/grafana-alerting/main.js`.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  Alertmanager,
  AlertingRule,
  GrafanaAlertRules,
  GrafanaDataSources,
  GrafanaFolder,
  GrafanaServer,
  PrometheusServer,
  RuleSets,
  Sli,
  SloBudget,
  courseAlertRoute,
} from '../../index';

const RUNBOOKS = 'https://wiki.example.com/runbooks';

/** The checkout alert, written once. */
export const CHECKOUT_ERRORS: AlertingRule = {
  alert: 'CheckoutErrors',
  expr: 'service:http_errors:ratio5m{service="checkout"} > 0.05',
  for: '5m',
  labels: { severity: 'critical', team: 'business' },
  annotations: {
    summary: 'Checkout errors above 5 %',
    description: 'Checkout fails for {{ $value | humanizePercentage }} of requests.',
    runbook_url: `${RUNBOOKS}/checkout-errors`,
  },
};

export class GrafanaAlertingStack extends TerraformStack {
  /** The Grafana-managed groups, for the tests. */
  public readonly grafanaRules: GrafanaAlertRules[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // README:grafana-alerting:start
    const prometheus = new PrometheusServer(this, 'Prometheus', { evaluationInterval: '30s' });
    prometheus.addRuleGroup(RuleSets.red());
    // The routing tree on both engines: alertmanager.yml, and Grafana's contact points and policy.
    courseAlertRoute(this, 'Routing', { target: 'both' });
    new Alertmanager(this, 'Alertmanager');
    new GrafanaServer(this, 'Grafana');
    new GrafanaDataSources(this, 'DataSources');

    // The same rule, evaluated by Prometheus ...
    prometheus.addRuleGroup({ name: 'checkout_prometheus', rules: [CHECKOUT_ERRORS] });
    // ... or by Grafana: a grafana_rule_group in the "Alert rules" folder, same PromQL and labels.
    prometheus.addRuleGroup({ name: 'checkout_grafana', engine: 'grafana', rules: [{ ...CHECKOUT_ERRORS, alert: 'CheckoutErrorsGrafana' }] });

    // Explicit folder and states, when the defaults (OK on no data, Error on failure) do not fit.
    const folder = new GrafanaFolder(this, 'Business', { title: 'Business' });
    this.grafanaRules.push(
      new GrafanaAlertRules(this, 'BusinessRules', {
        folder,
        noDataState: 'Alerting', // this query always returns a series: no data means the exporter died
        group: {
          name: 'orders',
          interval: '1m',
          rules: [
            {
              alert: 'NoOrders',
              expr: 'sum(rate(app_orders_total{status="paid"}[15m])) == 0',
              for: '15m',
              labels: { severity: 'warning', team: 'business' },
              annotations: { summary: 'No paid orders for 15 minutes', description: 'Paid orders: {{ $value }} per second.' },
            },
          ],
        },
      }),
    );

    // SLO burn-rate alerts evaluated by Grafana; the recording rules stay in Prometheus.
    new SloBudget(this, 'CheckoutAvailability', {
      service: 'checkout',
      name: 'availability',
      objective: 99.9,
      sli: Sli.availability({ selector: 'service="checkout"', errorSelector: 'status=~"5.."' }),
      runbookUrl: `${RUNBOOKS}/slo-checkout-availability`,
      alertEngine: 'grafana',
    });
    // README:grafana-alerting:end
    this.grafanaRules.push(...prometheus.grafanaRuleGroups);
  }
}

if (require.main === module) {
  const app = new App();
  new GrafanaAlertingStack(app, 'grafana-alerting');
  app.synth();
}
