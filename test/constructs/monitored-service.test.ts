import { parse } from 'yaml';
import { Testing } from 'cdktf';
import { AlertRoute } from '../../constructs/alert-route';
import { BlackboxExporter } from '../../constructs/blackbox-exporter';
import { MonitoredService, MonitoredServiceProps } from '../../constructs/monitored-service';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Matcher } from '../../lib/alertmanager/matchers';
import { Receiver } from '../../lib/alertmanager/receivers';
import { Sli } from '../../lib/slo/sli';
import { ObservabilityStack } from '../../stacks/observability-stack';
import { amtoolCheckConfig, amtoolRoutesTest, container, containerFiles, haveTool, promtoolCheckConfig, promtoolCheckRules, resources, synthJson, testStack } from '../helpers/synth';

const runbookBaseUrl = 'https://wiki.example.com/runbooks';
const demo: MonitoredServiceProps = {
  service: 'demo-app',
  team: 'shop',
  container: { image: 'registry.example.com/demo-app:1.4.2', port: 8080 },
  environment: 'demo',
  healthCheck: '/health',
  runbookBaseUrl,
};

function inStack(props: Partial<MonitoredServiceProps> = {}) {
  const stack = new ObservabilityStack(Testing.app(), 'obs');
  const service = stack.addService('Demo', { ...demo, ...props });
  return { stack, service, json: synthJson(stack) };
}

describe('MonitoredService in an ObservabilityStack (the seed demo-app)', () => {
  const { stack, service, json } = inStack({
    receiver: Receiver.webhook('shop-slack', { url: 'http://shop-bot:8080/alerts' }),
    alerts: { errorRatio: 0.05, p99LatencySeconds: 1 },
    slos: [{ name: 'availability', objective: 99.5, sli: Sli.availability({ selector: 'service="demo-app"' }) }],
  });
  const prom = containerFiles(json, 'prometheus');
  const config = parse(prom['/etc/prometheus/prometheus.yml']);

  test('runs the container with the OTel SDK environment pointing at the stack Collector', () => {
    const c = container(json, 'demo-app');
    expect(c.env).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317',
      'OTEL_EXPORTER_OTLP_PROTOCOL=grpc',
      'OTEL_RESOURCE_ATTRIBUTES=deployment.environment=demo,service.namespace=shop',
      'OTEL_SERVICE_NAME=demo-app',
    ]);
    expect(c.ports).toEqual([{ internal: 8080, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(c.restart).toBe('unless-stopped');
    expect(service.resource).toBe(service.node.findChild('Resource'));
  });

  test('a scrape job with service and team labels, and a probe of /health through the stack blackbox exporter', () => {
    const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'demo-app');
    expect(job).toEqual({ job_name: 'demo-app', static_configs: [{ targets: ['demo-app:8080'], labels: { service: 'demo-app', team: 'shop' } }] });
    const probe = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'demo-app-health');
    expect(probe.static_configs).toEqual([{ targets: ['http://demo-app:8080/health'], labels: { service: 'demo-app', team: 'shop' } }]);
    expect(probe.params).toEqual({ module: ['http_2xx'] });
  });

  test('the stack already records RED for every service, so no second rule writes the same series; alerts with the team label, SLO rules; promtool accepts them all', () => {
    expect(prom['/etc/prometheus/rules/red_demo-app.yml']).toBeUndefined();
    expect(Object.keys(prom)).toContain('/etc/prometheus/rules/http_rules.yml');
    const alerts = parse(prom['/etc/prometheus/rules/demo-app_alerts.yml']).groups[0].rules;
    expect(alerts.map((a: { alert: string }) => a.alert)).toEqual(['ServiceDown', 'ServiceProbeFailed', 'ServiceHighErrorRate', 'ServiceHighLatency']);
    expect(alerts[0]).toMatchObject({ expr: 'up{job="demo-app"} == 0', for: '2m', labels: { severity: 'critical', service: 'demo-app', team: 'shop' } });
    expect(alerts[0].annotations.runbook_url).toBe(`${runbookBaseUrl}/service-down`);
    expect(alerts[1].expr).toBe('probe_success{job="demo-app-health"} == 0');
    expect(Object.keys(prom).filter((f) => f.includes('slo_demo')).length).toBe(2);
    expect(service.slos[0].spec.labels).toEqual({ team: 'shop' });
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(prom)).toMatchObject({ code: 0 });
      expect(promtoolCheckRules(prom)).toMatchObject({ code: 0 });
    }
  });

  test('the team route comes first with continue, so the team channel and on-call paging both get critical alerts (amtool agrees)', () => {
    expect(service.teamRoute?.path).toBe('route.routes[0]');
    expect(stack.routing!.receiversFor({ alertname: 'ServiceDown', severity: 'critical', team: 'shop', service: 'demo-app' })).toEqual(['shop-slack', 'pagerduty-critical', 'slack-critical']);
    expect(stack.routing!.receiversFor({ alertname: 'ServiceHighLatency', severity: 'warning', team: 'shop' })).toEqual(['shop-slack', 'slack-warning']);
    if (haveTool('amtool')) {
      const am = containerFiles(json, 'alertmanager');
      expect(amtoolCheckConfig(am)).toMatchObject({ code: 0 });
      expect(amtoolRoutesTest(am, { alertname: 'ServiceDown', severity: 'critical', team: 'shop' }, ['shop-slack', 'pagerduty-critical', 'slack-critical'])).toMatchObject({ code: 0 });
    }
  });

  test('a RED dashboard preselecting the service, in the stack folder', () => {
    const dash = Object.values(resources(json, 'grafana_dashboard')).find((d) => String(d.config_json).includes('"uid":"service-demo-app"'));
    const model = JSON.parse(String(dash!.config_json).replace(/\$\$\{/g, '${'));
    expect(model.title).toBe('demo-app — RED');
    const variable = model.templating.list.find((v: { name: string }) => v.name === 'service');
    expect(variable.current).toEqual({ selected: true, text: ['demo-app'], value: ['demo-app'] });
    expect(dash!.folder).toBe('observability');
  });

  test('a second service of the same team reuses the team route', () => {
    const again = stack.addService('Other', { ...demo, service: 'other-app', container: { image: 'registry.example.com/other:2.0.0', port: 9000, hostPort: 9001 }, receiver: 'shop-slack' });
    expect(again.teamRoute).toBe(service.teamRoute);
  });
});

describe('MonitoredService variants', () => {
  test('an external service gets a scrape job on its address and no container; the OTel env is exposed for it', () => {
    const { service, json } = inStack({ container: undefined, external: { address: 'payments.internal:8443', scheme: 'https' }, healthCheck: 'https://payments.example.com/health' });
    expect(Object.values(resources(json, 'docker_container')).map((c) => c.name)).not.toContain('demo-app');
    expect(service.resource).toBeUndefined();
    const job = parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']).scrape_configs.find((j: { job_name: string }) => j.job_name === 'demo-app');
    expect(job).toMatchObject({ scheme: 'https', static_configs: [{ targets: ['payments.internal:8443'] }] });
    expect(service.otelEnvironment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4327');
  });

  test('docker-labels: the container opts in to the stack Prometheus discovery, whose relabeling maps service and team', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { prometheus: { dockerDiscovery: {}, mountDockerSocket: true } });
    const service = stack.addService('Demo', { ...demo, scrape: 'docker-labels', healthCheck: undefined });
    const json = synthJson(stack);
    const labels = Object.fromEntries((container(json, 'demo-app').labels as Array<{ label: string; value: string }>).map((l) => [l.label, l.value]));
    expect(labels).toMatchObject({ 'prometheus.scrape': 'true', 'prometheus.port': '8080', 'prometheus.path': '/metrics', 'prometheus.label.service': 'demo-app', 'prometheus.label.team': 'shop' });
    expect(service.upSelector).toBe('up{job="docker", service="demo-app"}');
    const alerts = parse(containerFiles(json, 'prometheus')['/etc/prometheus/rules/demo-app_alerts.yml']).groups[0].rules;
    // Docker discovery lists running containers only: a stopped one must still page.
    expect(alerts[0].expr).toBe('up{job="docker", service="demo-app"} == 0 or absent(up{job="docker", service="demo-app"})');
    const docker = parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']).scrape_configs.find((j: { job_name: string }) => j.job_name === 'docker');
    expect(docker.relabel_configs).toContainEqual({ regex: '__meta_docker_container_label_prometheus_label_(.+)', action: 'labelmap' });
  });

  test('without a Grafana no dashboard; without a Collector no OTLP endpoint; without stack-wide RED rules, its own', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const service = new MonitoredService(stack, 'Svc', { ...demo, healthCheck: undefined });
    const red = parse(containerFiles(synthJson(stack), 'prometheus')['/etc/prometheus/rules/red_demo-app.yml']).groups[0];
    expect(red.rules.map((r: { record: string }) => r.record)).toEqual(['service:http_requests:rate5m', 'service:http_errors:ratio5m', 'service:http_latency:p99_5m']);
    expect(red.rules[0].expr).toBe('sum by (service) (rate(http_requests_total{service="demo-app"}[5m]))');
    expect(service.dashboard).toBeUndefined();
    expect(service.otelEnvironment).toEqual({ OTEL_SERVICE_NAME: 'demo-app', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=demo,service.namespace=shop' });
    expect(resources(synthJson(stack), 'grafana_dashboard')).toEqual({});
  });

  test('addSlo works after construction', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const service = new MonitoredService(stack, 'Svc', { ...demo, healthCheck: undefined });
    const slo = service.addSlo({ name: 'latency', objective: 99, sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.5, selector: 'service="demo-app"' }) });
    expect(slo.spec.runbookUrl).toBe(`${runbookBaseUrl}/slo-demo-app-latency`);
    expect(slo.prometheus).toBe(service.prometheus);
  });
});

describe('MonitoredService in a stack with custom settings', () => {
  test('the stack hostIp reaches the service container; an external service gets the Collector published URL', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { hostIp: '10.0.0.5' });
    stack.addService('Demo', { ...demo, healthCheck: undefined });
    const ext = stack.addService('Ext', { ...demo, service: 'ext', container: undefined, external: { address: 'ext.internal:8080' }, healthCheck: undefined });
    const json = synthJson(stack);
    expect((container(json, 'demo-app').ports as Array<{ ip: string }>)[0].ip).toBe('10.0.0.5');
    expect(ext.otelEnvironment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://10.0.0.5:4327');
  });

  test("a team route placed by hand after the severity routes is not reused: the team's route goes first", () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs');
    const late = stack.routing!.addRoute({ receiver: 'slack-default', matchers: [Matcher.eq('team', 'shop')] });
    const service = stack.addService('Demo', { ...demo, healthCheck: undefined, receiver: 'slack-default' });
    expect(service.teamRoute).not.toBe(late);
    expect(service.teamRoute?.path).toBe('route.routes[0]');
    expect(stack.routing!.receiversFor({ alertname: 'ServiceDown', severity: 'critical', team: 'shop' })).toEqual(['slack-default', 'pagerduty-critical', 'slack-critical']);
  });

  test('alertmanager: false leaves the routing tree and its secret variables out', () => {
    const json = synthJson(new ObservabilityStack(Testing.app(), 'obs', { alertmanager: false }));
    expect(Object.keys(json.variable ?? {})).toEqual(['grafana_admin_password']);
  });
});

describe('MonitoredService errors', () => {
  const base = () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    return stack;
  };
  test.each<[string, Partial<MonitoredServiceProps>, RegExp]>([
    ['neither container nor external', { container: undefined }, /give exactly one of container .* or external .*\(got neither\)/],
    ['both container and external', { external: { address: 'x:1' } }, /give exactly one of container .*\(got both\)/],
    ['service name with upper case', { service: 'Demo App' }, /service must be lower-case letters.*\(got "Demo App"\)/],
    ['image with latest', { container: { image: 'demo:latest', port: 8080 } }, /container\.image tag must be pinned \(got "demo:latest"\)/],
    ['port out of range', { container: { image: 'demo:1.0', port: 70000 } }, /container\.port must be a port number from 1 to 65535 \(got 70000\)/],
    ['OTEL_ variable in env', { container: { image: 'demo:1.0', port: 8080, env: { OTEL_SERVICE_NAME: 'x' } } }, /container\.env sets OTEL_SERVICE_NAME, which this construct derives/],
    ['external address with a scheme', { container: undefined, external: { address: 'http://x:80' } }, /external\.address must be host:port \(got "http:\/\/x:80"\)/],
    ['docker-labels for an external service', { container: undefined, external: { address: 'x:80' }, scrape: 'docker-labels' }, /scrape "docker-labels" needs a container/],
    ['docker-labels without discovery', { scrape: 'docker-labels', healthCheck: undefined }, /needs Docker discovery on test\/Prometheus, which has none/],
    ['runbook base not a URL', { runbookBaseUrl: 'wiki/runbooks' }, /runbookBaseUrl must be an http\(s\) URL \(got "wiki\/runbooks"\)/],
    ['error ratio as a percent', { alerts: { errorRatio: 5 } }, /alerts\.errorRatio is a ratio strictly between 0 and 1 \(got 5\)\. Write 0\.05/],
    ['health check of an external service as a path', { container: undefined, external: { address: 'x:80' }, healthCheck: '/health' }, /healthCheck of an external service must be a full http\(s\) URL \(got "\/health"\)/],
    ['health check without a blackbox exporter', {}, /no BlackboxExporter in this stack to probe healthCheck/],
    ['receiver without an AlertRoute', { healthCheck: undefined, receiver: 'team-slack' }, /no AlertRoute in this stack to route the team's alerts/],
    ['resource attribute overriding service.name', { resourceAttributes: { 'service.name': 'x' } }, /resourceAttributes must not set service\.name/],
    ['metrics path without a slash', { metricsPath: 'metrics' }, /metricsPath must start with "\/" \(got "metrics"\)/],
    ['a literal password in env', { container: { image: 'demo:1.0', port: 8080, env: { DB_PASSWORD: 'hunter22' } } }, /container\.env DB_PASSWORD must not be a literal secret \(got a literal string of 8 characters\)/],
    ['a negative traffic floor', { alerts: { errorRatio: 0.05, minRequestRate: -5 } }, /alerts\.minRequestRate must be a number of requests per second, 0 or more \(got -5\)/],
    ['scrapeInterval with docker-labels', { scrape: 'docker-labels', scrapeInterval: '10s', healthCheck: undefined }, /scrapeInterval applies to a scrape job; with scrape "docker-labels"/],
  ])('%s', (_name, props, message) => {
    const stack = base();
    expect(() => new MonitoredService(stack, 'Svc', { ...demo, ...props } as MonitoredServiceProps)).toThrow(message);
  });

  test('a service whose job name is taken', () => {
    const stack = base();
    new BlackboxExporter(stack, 'Blackbox');
    new MonitoredService(stack, 'A', demo);
    expect(() => new MonitoredService(stack, 'B', { ...demo, container: { image: 'x:1', port: 81, hostPort: 8081 } })).toThrow(/test\/Prometheus already has a job named "demo-app"/);
  });

  test('a receiver with a taken name and other settings', () => {
    const stack = base();
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('team', { url: 'http://one:8080/' }), requireRouting: false });
    expect(() => new MonitoredService(stack, 'Svc', { ...demo, healthCheck: undefined, receiver: Receiver.webhook('team', { url: 'http://two:8080/' }) })).toThrow(
      /receiver "team" is already defined on test\/Routing with other settings\. Pass its name/,
    );
  });

  test('a Docker discovery job that does not read the prometheus.label.* labels', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { mountDockerSocket: true, scrapeJobs: [{ jobName: 'containers', dockerSdConfigs: [{}] }] });
    expect(() => new MonitoredService(stack, 'Svc', { ...demo, healthCheck: undefined, scrape: 'docker-labels' })).toThrow(/has "containers", which does not map prometheus\.label\.\* to target labels/);
  });

  test('a team route to an unknown receiver fails synth through the AlertRoute', () => {
    const stack = base();
    new AlertRoute(stack, 'Routing', { receiver: Receiver.null('blackhole'), requireRouting: false });
    new MonitoredService(stack, 'Svc', { ...demo, healthCheck: undefined, receiver: 'nobody' });
    expect(() => synthJson(stack)).toThrow(/nobody/);
  });
});
