// Example: the course's alerts and routing tree, to an HA Alertmanager and to Grafana.
// Run: `npm run build && node dist/examples/alerting/main.js` writes cdktf.out.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { GrafanaProvider } from '../../.gen/providers/grafana/provider';
import {
  AlertPacks,
  AlertRule,
  Alertmanager,
  Matcher,
  NodeExporter,
  PrometheusServer,
  Receiver,
  RuleSets,
  courseAlertRoute,
  secretVariable,
} from '../../index';

export class AlertingStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new GrafanaProvider(this, 'Grafana', {
      url: 'https://grafana.example.com',
      auth: secretVariable(this, 'grafana_token', 'Grafana service account token').stringValue,
    });

    // README:alerting:start
    const prometheus = new PrometheusServer(this, 'Prometheus');
    prometheus.scrape(new NodeExporter(this, 'NodeExporter'));
    prometheus.addRuleGroup(RuleSets.red());
    prometheus.addRuleGroup(RuleSets.nodeUse());
    // The course's alerts.yml, with runbooks on every critical alert.
    for (const group of AlertPacks.course({ runbookBaseUrl: 'https://wiki.example.com/runbooks' })) {
      prometheus.addRuleGroup(group);
    }
    // An alert of your own: a traffic floor keeps one failed request out of two quiet.
    prometheus.addRuleGroup({
      name: 'checkout',
      rules: [
        {
          alert: 'CheckoutErrors',
          expr: AlertRule.trafficFloor({
            ratio: 'service:http_errors:ratio5m{service="checkout"}',
            above: 0.02,
            rate: 'service:http_requests:rate5m{service="checkout"}',
            minRate: 5,
          }),
          for: '5m',
          labels: { severity: 'warning', team: 'business' },
          annotations: { summary: 'Checkout errors', description: '{{ $value | humanizePercentage }} of checkouts fail.' },
        },
      ],
    });

    // The course's alertmanager.yml, deployed to Alertmanager and Grafana from one tree.
    const routing = courseAlertRoute(this, 'Routing', { target: 'both' });
    routing.addTimeInterval({ name: 'business-hours', timeIntervals: [{ weekdays: ['monday:friday'], times: [{ startTime: '08:00', endTime: '18:00' }], location: 'Europe/Zurich' }] });
    routing.addReceiver(Receiver.email('business-mail', { to: 'business@example.com' }));
    // First route (index 0), with continue: the alert also goes on to the course routes.
    routing.addRoute(
      {
        receiver: 'business-mail',
        matchers: [Matcher.eq('team', 'business'), Matcher.re('alertname', 'Checkout.*')],
        activeTimeIntervals: ['business-hours'],
        continue: true,
      },
      0,
    );

    // Three Alertmanagers gossip so each notification goes out once; Prometheus finds them.
    new Alertmanager(this, 'Alertmanager', { replicas: 3 });
    // README:alerting:end
  }
}

if (require.main === module) {
  const app = new App();
  new AlertingStack(app, 'alerting');
  app.synth();
}
