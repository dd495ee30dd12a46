// Example: the course's demo-app, monitored the way the course asks of a service — OTel SDK
// environment pointing at the Collector, a scrape job with service and team labels, RED
// rules and a RED dashboard, two SLOs with burn-rate alerts, a blackbox probe of /health,
// and the team's alerts routed to its Slack channel (on-call paging still applies).
// Run: `npm run build && node dist/examples/service-with-slo/main.js`, then `cdktf deploy`
// with the TF_VAR_* secrets set (see README). The image is yours: the seed builds
// ./demo-app; push it to your registry and pin its tag.
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { ObservabilityStack, Receiver, Sli, secretVariable } from '../../index';

export class ServiceWithSloStack extends ObservabilityStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { alertPack: { runbookBaseUrl: 'https://wiki.example.com/runbooks' } });
    const slack = secretVariable(this, 'shop_slack_webhook_url', 'Slack webhook of the shop team').stringValue;

    // README:service:start
    this.addService('DemoApp', {
      service: 'demo-app',
      team: 'shop',
      container: { image: 'registry.example.com/demo-app:1.4.2', port: 8080 },
      environment: 'demo',
      resourceAttributes: { 'service.version': '1.4.2' },
      healthCheck: '/health',
      runbookBaseUrl: 'https://wiki.example.com/runbooks',
      receiver: Receiver.slack('shop-slack', { webhookUrl: slack, channel: '#shop-alerts' }),
      alerts: { errorRatio: 0.05, p99LatencySeconds: 1 },
      slos: [
        { name: 'availability', objective: 99.5, sli: Sli.availability({ selector: 'service="demo-app"' }) },
        { name: 'latency', objective: 99, window: '28d', sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.5, selector: 'service="demo-app"' }) },
      ],
    });
    // README:service:end
  }
}

if (require.main === module) {
  const app = new App();
  new ServiceWithSloStack(app, 'service-with-slo');
  app.synth();
}
