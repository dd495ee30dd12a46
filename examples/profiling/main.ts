// Example: profiles as the fourth signal. The whole stack with Pyroscope (`profiling: true`),
// its Grafana data source, Tempo's spans linked to their profiles, and the Collector
// forwarding OTLP profiles; a service pushes its profiles with the Pyroscope SDK.
// Run: `npm run build && node dist/examples/profiling/main.js`, then `cdktf deploy` with the
// TF_VAR_* secrets set (see README). The image is yours: pin its tag.
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { ObservabilityStack } from '../../index';

export class ProfilingStack extends ObservabilityStack {
  constructor(scope: Construct, id: string) {
    // Pyroscope on 127.0.0.1:4040, profiles kept 14 days (retention set with the others).
    super(scope, id, { profiling: true, retention: { traces: '14d', profiles: '14d' } });
    const pyroscope = this.profiling!;

    // A service pushing CPU profiles with the Pyroscope SDK (server address and name from
    // its environment); its spans carry profile ids, so Tempo opens each span's flame graph.
    this.addService('Checkout', {
      service: 'checkout',
      team: 'shop',
      container: {
        image: 'registry.example.com/checkout:2.3.0',
        port: 8080,
        env: { PYROSCOPE_SERVER_ADDRESS: pyroscope.pushUrl, PYROSCOPE_APPLICATION_NAME: 'checkout' },
      },
      runbookBaseUrl: 'https://wiki.example.com/runbooks',
    });
  }
}

if (require.main === module) {
  const app = new App();
  new ProfilingStack(app, 'profiling');
  app.synth();
}
