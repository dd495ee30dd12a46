import { Testing } from 'cdktf';
import { PrometheusOnlyStack } from '../examples/prometheus-only/main';
import { amtoolCheckConfig, amtoolRoutesTest, containerFiles, haveTool, promtoolCheckConfig, promtoolCheckRules, rawFiles, synthJson } from './helpers/synth';

describe('examples synthesize and their configs pass the real tools', () => {
  test('prometheus-only', () => {
    const stack = new PrometheusOnlyStack(Testing.app(), 'prometheus-only');
    const json = synthJson(stack);
    const files = containerFiles(json, 'demo-prometheus');
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['/etc/prometheus/prometheus.yml', '/etc/prometheus/rules/red_payment-api.yml', '/etc/prometheus/rules/payment_api_alerts.yml']),
    );
    expect(rawFiles(json, 'demo-prometheus')['/etc/prometheus/secrets/payment-api.basic_auth_password']).toBe('${var.payment_api_scrape_password}');
    expect(json.variable?.payment_api_scrape_password).toMatchObject({ sensitive: true });
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(files).code).toBe(0);
      expect(promtoolCheckRules(files).code).toBe(0);
    }
  });
});

describe('alerting example', () => {
  const { AlertingStack } = require('../examples/alerting/main') as typeof import('../examples/alerting/main');
  const stack = new AlertingStack(Testing.app(), 'alerting');
  const json = synthJson(stack);

  test('deploys three clustered Alertmanagers and the Grafana resources', () => {
    const names = Object.values(json.resource?.docker_container ?? {}).map((c) => c.name).sort();
    expect(names).toEqual(['alertmanager', 'alertmanager-2', 'alertmanager-3', 'node-exporter', 'prometheus']);
    expect(Object.keys(json.resource?.grafana_contact_point ?? {})).toHaveLength(6);
    expect(Object.keys(json.resource?.grafana_notification_policy ?? {})).toHaveLength(1);
  });

  test('the checkout alert reaches business-mail first (continue), then the course route', () => {
    const routing = stack.node.findChild('Routing') as import('../constructs/alert-route').AlertRoute;
    expect(routing.receiversFor({ alertname: 'CheckoutErrors', severity: 'warning', team: 'business' })).toEqual(['business-mail', 'slack-warning']);
    expect(routing.receiversFor({ alertname: 'HighCPU', severity: 'warning' })).toEqual(['slack-warning']);
    if (haveTool('amtool')) {
      const r = amtoolRoutesTest(containerFiles(json, 'alertmanager'), { alertname: 'CheckoutErrors', severity: 'warning', team: 'business' }, ['business-mail', 'slack-warning']);
      expect(r.code).toBe(0);
    }
  });

  (haveTool('amtool') ? test : test.skip)('amtool accepts the config of every replica', () => {
    for (const n of ['alertmanager', 'alertmanager-2', 'alertmanager-3']) {
      const r = amtoolCheckConfig(containerFiles(json, n));
      expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    }
  });

  (haveTool('promtool') ? test : test.skip)('promtool accepts the rules', () => {
    expect(promtoolCheckRules(containerFiles(json, 'prometheus')).code).toBe(0);
  });
});

describe('bring your own Grafana (Grafana Cloud) example', () => {
  const { GrafanaCloudStack } = require('../examples/grafana-cloud/main') as typeof import('../examples/grafana-cloud/main');
  const json = synthJson(new GrafanaCloudStack(Testing.app(), 'grafana-cloud'));

  test('manages Grafana objects only, with the token from a sensitive variable', () => {
    expect(json.resource?.docker_container).toBeUndefined();
    expect((json.provider as Record<string, unknown[]>).grafana).toEqual([{ url: 'https://example.grafana.net', auth: '${var.grafana_auth}' }]);
    expect(Object.keys(json.resource?.grafana_dashboard ?? {})).toHaveLength(2);
    expect(Object.keys(json.resource?.grafana_data_source ?? {})).toHaveLength(3);
    expect(Object.keys(json.resource?.grafana_contact_point ?? {})).toHaveLength(2);
    expect(json.variable?.grafana_auth).toMatchObject({ sensitive: true });
  });
});

describe('logs and traces example (the course configs through the API)', () => {
  const { LogsAndTracesStack } = require('../examples/logs-and-traces/main') as typeof import('../examples/logs-and-traces/main');
  const { parse } = require('yaml') as typeof import('yaml');
  const json = synthJson(new LogsAndTracesStack(Testing.app(), 'logs-and-traces'));

  test('the collector renders the course pipelines with tail sampling on traces', () => {
    const otel = parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']);
    expect(otel.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp/tempo'] });
    expect(otel.processors.tail_sampling.policies.map((p: { type: string }) => p.type)).toEqual(['status_code', 'probabilistic', 'latency']);
    expect(otel.exporters['otlphttp/loki'].endpoint).toBe('http://loki:3100/otlp');
  });

  test('Loki, Tempo and Alloy are wired, and Prometheus scrapes the collector', () => {
    expect(Object.values(json.resource?.docker_container ?? {}).map((c) => c.name).sort()).toEqual(['alertmanager', 'alloy', 'loki', 'otel-collector', 'prometheus', 'tempo']);
    const prom = containerFiles(json, 'prometheus');
    expect(parse(prom['/etc/prometheus/prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name)).toContain('otel-collector');
    if (haveTool('promtool')) expect(promtoolCheckConfig(prom).code).toBe(0);
  });
});
