// Example: the payment-api SLO stack on Docker or Kubernetes, with only the target switched.
// Run: `npm run build && TARGET=kubernetes node dist/examples/kubernetes/main.js`, then
// `cdktf deploy` with a kubeconfig (Kubernetes) or a Docker daemon (Docker).
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  Alertmanager,
  DockerRuntime,
  LokiCluster,
  PrometheusServer,
  SloBudget,
  Sli,
  TempoBackend,
  courseAlertRoute,
  secretVariable,
} from '../../index';
import { KubernetesRuntime } from '../../kubernetes';

/** Where the stack runs. */
export type Target = 'docker' | 'kubernetes';

/** Properties of the payments SLO stack. */
export interface PaymentsSloStackProps {
  /** The one switch between the targets. */
  readonly target: Target;
}

/** Prometheus, Alertmanager, the payment-api latency SLO, Loki and Tempo. */
export class PaymentsSloStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PaymentsSloStackProps) {
    super(scope, id);
    // The target, selected once: everything below is the same on both.
    if (props.target === 'kubernetes') {
      new KubernetesRuntime(this, 'Kubernetes', { namespace: 'observability' });
    } else {
      new DockerRuntime(this, 'Docker');
    }

    const prometheus = new PrometheusServer(this, 'Prometheus', { externalLabels: { cluster: 'payments' } });
    prometheus.addScrapeJob({ jobName: 'payment-api', targets: ['payment-api:8080'], labels: { service: 'payment-api', team: 'payments' } });

    // The course's routing tree (Slack, PagerDuty, email), credentials from sensitive variables.
    courseAlertRoute(this, 'Routing');
    // One replica on Docker, three on Kubernetes (the target's HA default).
    new Alertmanager(this, 'Alertmanager');

    new SloBudget(this, 'PaymentApiLatency', {
      service: 'payment-api',
      name: 'latency',
      objective: 99.9,
      window: '30d',
      sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.3, selector: 'service="payment-api"' }),
      runbookUrl: 'https://wiki.example.com/runbooks/slo-payment-api-latency',
      labels: { team: 'payments' },
    });

    // Object storage: optional on Docker, required on Kubernetes (Loki simple-scalable, Tempo
    // distributed). Keys come from sensitive variables, never literals.
    const accessKey = secretVariable(this, 's3_access_key_id', 'S3 access key id').stringValue;
    const secretKey = secretVariable(this, 's3_secret_access_key', 'S3 secret access key').stringValue;
    const endpoint = 's3.eu-central-1.amazonaws.com';
    new LokiCluster(this, 'Loki', {
      objectStorage: { endpoint, region: 'eu-central-1', bucket: 'payments-logs', accessKeyId: accessKey, secretAccessKey: secretKey, forcePathStyle: false },
    });
    new TempoBackend(this, 'Tempo', {
      objectStorage: { endpoint, region: 'eu-central-1', bucket: 'payments-traces', accessKey, secretKey },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new PaymentsSloStack(app, 'payments-slo', { target: process.env.TARGET === 'kubernetes' ? 'kubernetes' : 'docker' });
  app.synth();
}
