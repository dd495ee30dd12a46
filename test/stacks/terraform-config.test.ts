// The real terraform binary reads every synthesized stack: expressions, references and
// depends_on must be valid Terraform, which cdktf does not check (a `${...}` in depends_on
// synthesizes fine and fails `terraform init`).
import { App, TerraformStack, Testing } from 'cdktf';
import { CourseStack } from '../../stacks/course-stack';
import { ObservabilityStack } from '../../stacks/observability-stack';
import { AlertingStack } from '../../examples/alerting/main';
import { FullStack } from '../../examples/full-stack/main';
import { GrafanaCloudStack } from '../../examples/grafana-cloud/main';
import { PaymentsSloStack } from '../../examples/kubernetes/main';
import { LogsAndTracesStack } from '../../examples/logs-and-traces/main';
import { PrometheusOnlyStack } from '../../examples/prometheus-only/main';
import { ServiceWithSloStack } from '../../examples/service-with-slo/main';
import { haveTool, synthJson, terraformConfigErrors } from '../helpers/synth';

const STACKS: Array<[string, (app: App) => TerraformStack]> = [
  ['default app (CourseStack)', (app) => new CourseStack(app, 'observability')],
  ['ObservabilityStack with services', (app) => {
    const s = new ObservabilityStack(app, 'obs', { alertmanager: { replicas: 2 } });
    s.addService('Demo', { service: 'demo', team: 'shop', container: { image: 'demo:1.0.0', port: 8080 }, runbookBaseUrl: 'https://wiki.example.com' });
    return s;
  }],
  ['examples/prometheus-only', (app) => new PrometheusOnlyStack(app, 'p')],
  ['examples/alerting', (app) => new AlertingStack(app, 'a')],
  ['examples/grafana-cloud', (app) => new GrafanaCloudStack(app, 'g')],
  ['examples/logs-and-traces', (app) => new LogsAndTracesStack(app, 'l')],
  ['examples/service-with-slo', (app) => new ServiceWithSloStack(app, 's')],
  ['examples/full-stack', (app) => new FullStack(app, 'f')],
  ['examples/kubernetes (docker)', (app) => new PaymentsSloStack(app, 'd', { target: 'docker' })],
  ['examples/kubernetes (kubernetes)', (app) => new PaymentsSloStack(app, 'k', { target: 'kubernetes' })],
  ['ObservabilityStack on Kubernetes', (app) => new ObservabilityStack(app, 'ok', { kubernetes: {}, objectStorage: { endpoint: 's3.example.com', logsBucket: 'obs-logs', tracesBucket: 'obs-traces' } })],
];

describe('terraform init reads the synthesized configuration without an error', () => {
  test.each(STACKS)('%s', (_name, build) => {
    const json = synthJson(build(Testing.app()));
    if (!haveTool('terraform')) return;
    expect(terraformConfigErrors(json)).toEqual([]);
  });

  test('the check catches an interpolation in depends_on', () => {
    if (!haveTool('terraform')) return;
    const json = synthJson(new PrometheusOnlyStack(Testing.app(), 'p'));
    const container = Object.values(json.resource!.docker_container)[0];
    container.depends_on = ['${docker_network.x}'];
    expect(terraformConfigErrors(json)).toEqual([expect.stringMatching(/^Error: Invalid expression/)]);
  });
});
