import { TerraformStack } from 'cdktf';
import { LogAgent } from '../../../constructs/log-agent';
import { LokiCluster } from '../../../constructs/loki-cluster';
import { NodeExporter } from '../../../constructs/node-exporter';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { TempoBackend } from '../../../constructs/tempo-backend';
import { ValidationError } from '../../../lib/core/errors';
import { secretVariable } from '../../../lib/core/secrets';
import { DockerRuntime } from '../../../lib/runtime/docker-runtime';
import { KubernetesRuntime, KubernetesRuntimeProps } from '../../../lib/runtime/kubernetes-runtime';
import { CHARTS } from '../../../lib/kubernetes/charts';
import { testStack } from '../../helpers/synth';

function onKubernetes(props: KubernetesRuntimeProps = {}): TerraformStack {
  const stack = testStack();
  new KubernetesRuntime(stack, 'Kubernetes', props);
  return stack;
}

function onDocker(): TerraformStack {
  const stack = testStack();
  new DockerRuntime(stack, 'Docker');
  return stack;
}

/** The ValidationError thrown by `fn` (fails the test when there is none or another kind). */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

function s3(stack: TerraformStack) {
  return { endpoint: 's3.example.com', bucket: 'logs', accessKeyId: secretVariable(stack, 'ak').stringValue, secretAccessKey: secretVariable(stack, 'sk').stringValue };
}

describe('options that exist on one target only', () => {
  test('mountDockerSocket on Kubernetes', () => {
    const stack = onKubernetes();
    const e = validationError(() => new PrometheusServer(stack, 'Prometheus', { mountDockerSocket: true }));
    expect(e.constructPath).toBe('test/Prometheus');
    expect(e.message).toMatch(/^\[test\/Prometheus\] mountDockerSocket is a Docker option \(got true\); there is no Docker socket on the Kubernetes target\. Remove it and use kubernetesPodDiscovery/);
  });

  test('dockerDiscovery on Kubernetes', () => {
    const stack = onKubernetes();
    expect(() => new PrometheusServer(stack, 'Prometheus', { dockerDiscovery: { host: 'tcp://proxy:2375' } })).toThrow(/dockerDiscovery is a Docker option \(got \{"host":"tcp:\/\/proxy:2375"\}\)/);
  });

  test.each([
    ['publishPorts', { publishPorts: true }, /publishPorts is a Docker option; the Kubernetes target publishes nothing on a node \(got true\)\. Remove it: components are reached at <name>\.<namespace>\.svc/],
    ['hostPort', { hostPort: 19100 }, /hostPort is a Docker option; the Kubernetes target publishes nothing on a node \(got 19100\)/],
    ['hostIp', { hostIp: '0.0.0.0' }, /hostIp is a Docker option; the Kubernetes target publishes nothing on a node \(got "0\.0\.0\.0"\)/],
  ])('%s on Kubernetes', (_prop, props, pattern) => {
    const stack = onKubernetes();
    const e = validationError(() => new NodeExporter(stack, 'NodeExporter', props));
    expect(e.message).toMatch(pattern);
  });

  test('publishPorts: false is accepted on Kubernetes (it says what happens anyway)', () => {
    const stack = onKubernetes();
    expect(() => new NodeExporter(stack, 'NodeExporter', { publishPorts: false })).not.toThrow();
  });

  test('mimir on Docker', () => {
    const stack = onDocker();
    const e = validationError(() => new PrometheusServer(stack, 'Prometheus', { mimir: { objectStorage: { ...s3(stack), bucket: 'blocks' } } }));
    expect(e.message).toMatch(/mimir is only available on the Kubernetes target \(the mimir-distributed chart\) \(got \["objectStorage"\]\)\. Remove it, or create a KubernetesRuntime first/);
  });

  test('Prometheus replicas on Docker', () => {
    const stack = onDocker();
    expect(() => new PrometheusServer(stack, 'Prometheus', { replicas: 2 })).toThrow(/replicas is a Kubernetes option \(got 2\): the Docker target runs one Prometheus container/);
  });

  test('Loki and Tempo replicas on Docker', () => {
    const stack = onDocker();
    expect(() => new LokiCluster(stack, 'Loki', { replicas: 3 })).toThrow(/replicas is a Kubernetes option \(got 3\)/);
    expect(() => new TempoBackend(stack, 'Tempo', { replicas: 3 })).toThrow(/replicas is a Kubernetes option \(got 3\)/);
  });

  test('Alertmanager addresses of your own on Kubernetes', () => {
    const stack = onKubernetes();
    expect(() => new PrometheusServer(stack, 'Prometheus', { alertmanagers: ['am:9093'] })).toThrow(/alertmanagers is not used on the Kubernetes target \(got \["am:9093"\]\)/);
  });

  test('container logs through Docker on Kubernetes', () => {
    const stack = onKubernetes();
    expect(() => new LogAgent(stack, 'Alloy')).toThrow(/containerLogs reads containers through Docker \(got true\), which the Kubernetes target does not have\. Remove it \(set containerLogs: false\)/);
  });
});

describe('engines on Kubernetes', () => {
  test('Loki without object storage', () => {
    const stack = onKubernetes();
    const e = validationError(() => new LokiCluster(stack, 'Loki'));
    expect(e.message).toMatch(/^\[test\/Loki\] objectStorage is required on the Kubernetes target \(got none\): Loki runs simple-scalable there.*Pass objectStorage: \{ endpoint, bucket, accessKeyId, secretAccessKey \}/);
  });

  test('Loki monolithic', () => {
    const stack = onKubernetes();
    expect(() => new LokiCluster(stack, 'Loki', { mode: 'monolithic', objectStorage: s3(stack) })).toThrow(/mode "monolithic" is not available on the Kubernetes target \(got "monolithic"\)/);
  });

  test('Loki with a literal secret key', () => {
    const stack = onKubernetes();
    expect(() => new LokiCluster(stack, 'Loki', { objectStorage: { ...s3(stack), secretAccessKey: 'hunter2hunter2' } })).toThrow(/objectStorage\.secretAccessKey must not be a literal secret \(got a literal string of 14 characters\)/);
  });

  test('Tempo without object storage', () => {
    const stack = onKubernetes();
    expect(() => new TempoBackend(stack, 'Tempo')).toThrow(/objectStorage is required on the Kubernetes target \(got none\): Tempo runs distributed there/);
  });

  test('replicas of 0', () => {
    const stack = onKubernetes();
    expect(() => new PrometheusServer(stack, 'Prometheus', { replicas: 0 })).toThrow(/replicas must be a positive integer \(got 0\)\. Use 2/);
  });

  test('a second PrometheusServer on one Kubernetes runtime', () => {
    const stack = onKubernetes();
    new PrometheusServer(stack, 'Prometheus');
    expect(() => new PrometheusServer(stack, 'Other', { name: 'other' })).toThrow(/\[test\/Other\] the Kubernetes target runs one PrometheusServer per runtime .* and prometheus is already deployed/);
  });

  test('mimir with a literal key', () => {
    const stack = onKubernetes();
    expect(() => new PrometheusServer(stack, 'Prometheus', { mimir: { objectStorage: { ...s3(stack), accessKeyId: 'AKIAEXAMPLE' } } })).toThrow(/mimir\.objectStorage\.accessKeyId must not be a literal secret/);
  });
});

describe('the runtime itself', () => {
  test.each([['^65.1.1'], ['latest'], [''], ['>=65'], ['65']])('chart version %p is not pinned', (version) => {
    const stack = testStack();
    const e = validationError(() => new KubernetesRuntime(stack, 'Kubernetes', { chartVersions: { loki: version } }));
    expect(e.message).toBe(`[test/Kubernetes] chartVersions.loki must be an exact chart version such as "${CHARTS.loki.version}" (got ${JSON.stringify(version)}). A range or "latest" lets the chart change under you on the next apply; pin the version you tested.`);
  });

  test('an unknown chart', () => {
    const stack = testStack();
    expect(() => new KubernetesRuntime(stack, 'Kubernetes', { chartVersions: { lokii: '1.0.0' } as never })).toThrow(/chartVersions has an unknown chart "lokii"\. Use one of kubePrometheusStack, loki, tempoDistributed, grafana, mimirDistributed/);
  });

  test('a namespace that is not a DNS label', () => {
    const stack = testStack();
    expect(() => new KubernetesRuntime(stack, 'Kubernetes', { namespace: 'Observability_Prod' })).toThrow(/namespace must be a DNS label .* \(got "Observability_Prod"\)\. Use e\.g\. "observability"/);
  });

  test('two components with one name', () => {
    const stack = onKubernetes();
    new NodeExporter(stack, 'A');
    expect(() => new NodeExporter(stack, 'B')).toThrow(/\[test\/B\] Kubernetes name "node-exporter" in namespace "observability" is already used by test\/A\. Give this component another name/);
  });

  test('a component name that is not a Kubernetes name', () => {
    const stack = onKubernetes();
    expect(() => new NodeExporter(stack, 'A', { name: 'node_exporter' })).toThrow(/component name "node_exporter" is not a Kubernetes name .* Set the `name` prop, e\.g\. "node-exporter"/);
  });
});

describe('names the charts cut', () => {
  test('a Prometheus name longer than kube-prometheus-stack keeps (26 characters)', () => {
    const stack = onKubernetes();
    const e = validationError(() => new PrometheusServer(stack, 'Prometheus', { name: 'payments-production-prometheus' }));
    expect(e.message).toMatch(/name "payments-production-prometheus" is 30 characters; kube-prometheus-stack cuts its release name to 26.*Use a name of at most 26 characters, e\.g\. "payments-production-promet"/);
  });
});
