import { Testing } from 'cdktf';
import { PrometheusOnlyStack } from '../examples/prometheus-only/main';
import { parse } from 'yaml';
import { amtoolCheckConfig, amtoolRoutesTest, container, containerFiles, haveTool, promtoolCheckConfig, promtoolCheckRules, rawFiles, synthJson } from './helpers/synth';

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
    expect(otel.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp_grpc/tempo'] });
    expect(otel.processors.tail_sampling.policies.map((p: { type: string }) => p.type)).toEqual(['status_code', 'probabilistic', 'latency']);
    expect(otel.exporters['otlp_http/loki'].endpoint).toBe('http://loki:3100/otlp');
  });

  test('Loki, Tempo and Alloy are wired, and Prometheus scrapes the collector', () => {
    expect(Object.values(json.resource?.docker_container ?? {}).map((c) => c.name).sort()).toEqual(['alertmanager', 'alloy', 'loki', 'otel-collector', 'prometheus', 'tempo']);
    const prom = containerFiles(json, 'prometheus');
    expect(parse(prom['/etc/prometheus/prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name)).toContain('otel-collector');
    if (haveTool('promtool')) expect(promtoolCheckConfig(prom).code).toBe(0);
  });
});

describe('service with an SLO and routes example (the seed demo-app)', () => {
  const { ServiceWithSloStack } = require('../examples/service-with-slo/main') as typeof import('../examples/service-with-slo/main');
  const stack = new ServiceWithSloStack(Testing.app(), 'service-with-slo');
  const json = synthJson(stack);
  const prom = containerFiles(json, 'prometheus');

  test('the demo-app runs next to the stack with its OTel environment, scrape job, probe, rules, SLOs and dashboard', () => {
    expect(container(json, 'demo-app').env).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317');
    const jobs = parse(prom['/etc/prometheus/prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name);
    expect(jobs).toEqual(['prometheus', 'node', 'otel-collector', 'demo-app', 'demo-app-health']);
    expect(Object.keys(prom).filter((f) => /demo[-_]app/.test(f)).sort()).toEqual([
      '/etc/prometheus/rules/demo-app_alerts.yml',
      '/etc/prometheus/rules/slo_demo_app_availability.yml',
      '/etc/prometheus/rules/slo_demo_app_availability_budget.yml',
      '/etc/prometheus/rules/slo_demo_app_latency.yml',
      '/etc/prometheus/rules/slo_demo_app_latency_budget.yml',
    ]);
    expect(Object.values(json.resource?.grafana_dashboard ?? {}).some((d) => String(d.config_json).includes('"uid":"service-demo-app"'))).toBe(true);
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(prom).code).toBe(0);
      expect(promtoolCheckRules(prom).code).toBe(0);
    }
  });

  test("the shop team's alerts reach its Slack channel first, critical ones still page on-call (amtool)", () => {
    const am = containerFiles(json, 'alertmanager');
    if (!haveTool('amtool')) return;
    expect(amtoolCheckConfig(am).code).toBe(0);
    expect(amtoolRoutesTest(am, { alertname: 'SLOFastBurn', severity: 'critical', team: 'shop', service: 'demo-app' }, ['shop-slack', 'pagerduty-critical', 'slack-critical']).code).toBe(0);
    expect(amtoolRoutesTest(am, { alertname: 'SLOSlowBurn', severity: 'warning', team: 'shop' }, ['shop-slack', 'slack-warning']).code).toBe(0);
    expect(amtoolRoutesTest(am, { alertname: 'HighCPU', severity: 'warning' }, ['slack-warning']).code).toBe(0);
  });
});

describe('full stack example', () => {
  const { FullStack } = require('../examples/full-stack/main') as typeof import('../examples/full-stack/main');
  const json = synthJson(new FullStack(Testing.app(), 'full-stack'));

  test('prefixed names, the private interface, retention per signal, three Alertmanagers, an external service', () => {
    const names = Object.values(json.resource?.docker_container ?? {}).map((c) => c.name).sort();
    expect(names).toEqual(['obs-alertmanager', 'obs-alertmanager-2', 'obs-alertmanager-3', 'obs-alloy', 'obs-blackbox-exporter', 'obs-grafana', 'obs-loki', 'obs-node-exporter', 'obs-otel-collector', 'obs-prometheus', 'obs-tempo']);
    expect(container(json, 'obs-prometheus').command).toContain('--storage.tsdb.retention.time=45d');
    expect(json.output?.GrafanaUrl.value).toBe('http://10.0.0.5:3000');
    const prom = containerFiles(json, 'obs-prometheus');
    const config = parse(prom['/etc/prometheus/prometheus.yml']);
    expect(config.global.external_labels).toEqual({ cluster: 'eu-1', env: 'prod' });
    expect(config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'checkout').static_configs[0].targets).toEqual(['checkout.internal:8080']);
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093', 'alertmanager-2:9093', 'alertmanager-3:9093']);
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(prom).code).toBe(0);
      expect(promtoolCheckRules(prom).code).toBe(0);
    }
  });
});

describe('profiling example: Pyroscope as the fourth signal', () => {
  const { ProfilingStack } = require('../examples/profiling/main') as typeof import('../examples/profiling/main');
  const { parse } = require('yaml') as typeof import('yaml');
  const json = synthJson(new ProfilingStack(Testing.app(), 'profiling'));

  test('Pyroscope with its volume and retention, the service pushing to it, Grafana and the Collector wired', () => {
    const names = Object.values(json.resource?.docker_container ?? {}).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['pyroscope', 'checkout', 'tempo', 'grafana', 'otel-collector']));
    expect(parse(containerFiles(json, 'pyroscope')['/etc/pyroscope/config.yaml']).limits.retention_period).toBe('336h');
    expect(container(json, 'checkout').env).toEqual(expect.arrayContaining(['PYROSCOPE_SERVER_ADDRESS=http://pyroscope:4040', 'PYROSCOPE_APPLICATION_NAME=checkout']));
    const types = Object.values(json.resource?.grafana_data_source ?? {}).map((d) => d.type);
    expect(types).toContain('grafana-pyroscope-datasource');
    expect(parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']).service.pipelines.profiles).toBeDefined();
    expect(json.output?.PyroscopeUrl.value).toBe('http://127.0.0.1:4040');
  });
});

describe('migrating example: an existing Compose setup kept as it is', () => {
  const { MigratingStack } = require('../examples/migrating/main') as typeof import('../examples/migrating/main');
  const stack = new MigratingStack(Testing.app(), 'migrating');
  const json = synthJson(stack);

  test('keeps the flags, the volumes and the node instance labels; scrapes the extra containers', () => {
    expect((container(json, 'prometheus').command as string[]).slice(-1)).toEqual(['--web.enable-lifecycle']);
    expect(Object.values(json.resource?.docker_volume ?? {}).map((v) => v.name).sort()).toEqual(['monitoring_alertmanager_data', 'monitoring_grafana_data', 'monitoring_prometheus_data']);
    const files = containerFiles(json, 'prometheus');
    const config = parse(files['/etc/prometheus/prometheus.yml']) as { scrape_configs: Array<{ job_name: string; relabel_configs?: unknown }> };
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(['prometheus', 'node', 'cadvisor', 'pushgateway']);
    expect(config.scrape_configs.find((j) => j.job_name === 'node')?.relabel_configs).toBeUndefined();
    expect(Object.values(json.resource?.grafana_data_source ?? {}).map((d) => d.type)).toEqual(['prometheus']);
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(files).code).toBe(0);
      expect(promtoolCheckRules(files).code).toBe(0);
    }
    if (haveTool('amtool')) expect(amtoolCheckConfig(containerFiles(json, 'alertmanager')).code).toBe(0);
  });

  test('the old rules pass with warnings (alertPolicy: warn), and no secret is literal', () => {
    const warnings = stack.prometheus.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/alert "monitor_service_down": critical alerts need annotations\.runbook_url/)]));
    expect(container(json, 'caddy').env).toEqual(['ADMIN_PASSWORD_HASH=${var.caddy_admin_password_hash}', 'ADMIN_USER=admin']);
  });
});

describe('grafana-alerting example: one alert definition, either engine', () => {
  const { GrafanaAlertingStack, CHECKOUT_ERRORS } = require('../examples/grafana-alerting/main') as typeof import('../examples/grafana-alerting/main');
  const { allSchemaProblems, grafanaRoute } = require('./helpers/grafana') as typeof import('./helpers/grafana');
  const stack = new GrafanaAlertingStack(Testing.app(), 'grafana-alerting');
  const json = synthJson(stack);
  const groups = Object.values(json.resource?.grafana_rule_group ?? {}) as Array<{ name: string; rule: Array<{ name: string; labels: Record<string, string>; no_data_state: string; data: Array<{ model: string }> }> }>;

  test('the checkout rule in a Prometheus rule file and in a Grafana-managed group, with the same PromQL', () => {
    const promRules = parse(containerFiles(json, 'prometheus')['/etc/prometheus/rules/checkout_prometheus.yml']);
    expect(promRules.groups[0].rules[0]).toMatchObject({ alert: 'CheckoutErrors', expr: CHECKOUT_ERRORS.expr });
    const grafana = groups.find((g) => g.name === 'checkout_grafana')!;
    expect(grafana.rule.map((r) => r.name)).toEqual(['CheckoutErrorsGrafana']);
    expect(JSON.parse(grafana.rule[0].data[0].model).expr).toBe(CHECKOUT_ERRORS.expr);
    expect(groups.map((g) => g.name).sort()).toEqual(['checkout_grafana', 'orders', 'slo_checkout_availability_alerts']);
    expect(groups.find((g) => g.name === 'orders')!.rule[0].no_data_state).toBe('Alerting');
    expect(allSchemaProblems(json, 'grafana_rule_group')).toEqual([]);
  });

  test('both engines route the checkout alert to the same receivers', () => {
    const labels = { alertname: 'CheckoutErrors', ...CHECKOUT_ERRORS.labels! };
    const grafana = grafanaRoute(json, { ...labels, grafana_folder: 'Alert rules' }).map((d) => d.contactPoint);
    expect(grafana).toEqual(['pagerduty-critical', 'slack-critical']);
    if (haveTool('amtool')) expect(amtoolRoutesTest(containerFiles(json, 'alertmanager'), labels, grafana).code).toBe(0);
  });

  (haveTool('promtool') ? test : test.skip)('promtool accepts the rules Prometheus keeps (the SLO recording rules included)', () => {
    expect(promtoolCheckRules(containerFiles(json, 'prometheus')).code).toBe(0);
  });
});

describe('multi-stack example (platform + one stack per team)', () => {
  const { buildEstate, generatedTeams } = require('../examples/multi-stack/main') as typeof import('../examples/multi-stack/main');
  const app = Testing.app();
  const estate = buildEstate(app, generatedTeams(2, 2));
  const platform = synthJson(estate.platform);
  const team1 = synthJson(estate.teams[0]);
  const team2 = synthJson(estate.teams[1]);

  test('the platform routes each team to its receiver and depends on no team stack', () => {
    expect(estate.platform.routing!.receiversFor({ alertname: 'ServiceDown', team: 'team1', severity: 'critical' })).toContain('team1');
    expect(estate.platform.routing!.receiversFor({ alertname: 'ServiceDown', team: 'team2', severity: 'critical' })).toContain('team2');
    expect(estate.platform.dependencies).toEqual([]);
    expect(JSON.stringify(platform)).not.toMatch(/team1-svc|terraform_remote_state/);
    if (haveTool('amtool')) {
      const labels = { alertname: 'ServiceDown', team: 'team1', severity: 'warning' };
      const expected = estate.platform.routing!.receiversFor(labels);
      expect(expected[0]).toBe('team1');
      expect(amtoolRoutesTest(containerFiles(platform, 'alertmanager'), labels, expected).code).toBe(0);
    }
  });

  test('a team stack holds its services, its Prometheus shard (scrape jobs, rules, the platform Alertmanager) and its dashboards, and depends only on the platform', () => {
    expect(estate.teams.map((t) => t.dependencies)).toEqual([[estate.platform], [estate.platform]]);
    const names = Object.values(team1.resource?.docker_container ?? {}).map((c) => c.name).sort();
    expect(names).toEqual(['team1-prometheus', 'team1-team1-svc-1', 'team1-team1-svc-2']);
    const files = containerFiles(team1, 'team1-prometheus');
    const config = parse(files['/etc/prometheus/prometheus.yml']);
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['10.0.0.5:9093']);
    expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(expect.arrayContaining(['team1-svc-1', 'team1-svc-2']));
    expect(Object.keys(files).filter((f) => f.includes('/rules/')).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(team1.resource?.grafana_dashboard ?? {})).toHaveLength(2);
    expect(Object.values(team1.resource?.grafana_data_source ?? {}).map((d) => d.uid)).toEqual(['prometheus-team1']);
    // No team stack reads another's state or the platform's (static addresses): no remote state.
    expect(JSON.stringify(team1)).not.toMatch(/team2|terraform_remote_state/);
    expect(JSON.stringify(team2)).not.toMatch(/team1-svc/);
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(files).code).toBe(0);
    }
  });
});
