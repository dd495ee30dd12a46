// Example: the whole LGTM stack in one construct, customized the way a platform team does:
// retention per signal, the stack published on a private interface, three Alertmanagers,
// the course's alert pack, container logs, and a service of its own.
// Run: `npm run build && node dist/examples/full-stack/main.js`, then `cdktf deploy` with the
// TF_VAR_* secrets set (see README).
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { ObservabilityStack, Sli } from '../../index';

export class FullStack extends ObservabilityStack {
  constructor(scope: Construct, id: string) {
    // README:full-stack:start
    super(scope, id, {
      docker: { namePrefix: 'obs-' },
      hostIp: '10.0.0.5', // a private interface of the host, behind the VPN
      retention: { metrics: '45d', logs: '14d', traces: '7d' },
      externalLabels: { cluster: 'eu-1', env: 'prod' },
      alertPack: { runbookBaseUrl: 'https://wiki.example.com/runbooks', grafanaUrl: 'https://grafana.example.com' },
      alertmanager: { replicas: 3 },
      mountDockerSocket: true, // Alloy reads container logs (read-only socket)
    });

    this.addService('Checkout', {
      service: 'checkout',
      team: 'shop',
      external: { address: 'checkout.internal:8080' },
      healthCheck: 'http://checkout.internal:8080/health',
      runbookBaseUrl: 'https://wiki.example.com/runbooks',
      slos: [{ name: 'availability', objective: 99.9, sli: Sli.availability({ selector: 'service="checkout"' }) }],
    });
    // README:full-stack:end
  }
}

if (require.main === module) {
  const app = new App();
  new FullStack(app, 'full-stack');
  app.synth();
}
