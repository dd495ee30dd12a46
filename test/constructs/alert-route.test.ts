import { AnnotationMetadataEntryType, TerraformVariable, Testing } from 'cdktf';
import { parse } from 'yaml';
import { GrafanaProvider } from '../../.gen/providers/grafana/provider';
import { AlertRoute } from '../../constructs/alert-route';
import { Alertmanager } from '../../constructs/alertmanager';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Matcher } from '../../lib/alertmanager/matchers';
import { Receiver } from '../../lib/alertmanager/receivers';
import { CourseStack } from '../../stacks/course-stack';
import { courseAlertRoute } from '../../stacks/course-alerting';
import { amtoolCheckConfig, amtoolRoutesTest, containerFiles, haveTool, rawFiles, resources, synthJson, testStack } from '../helpers/synth';

const AM = '/etc/alertmanager/alertmanager.yml';
const hasAmtool = haveTool('amtool');

describe('the course alertmanager.yml through AlertRoute', () => {
  const stack = new CourseStack(Testing.app(), 'observability');
  const json = synthJson(stack);
  const files = containerFiles(json, 'alertmanager');

  test('renders the course tree, inhibitions and receivers', () => {
    const config = parse(files[AM]);
    expect(config.route).toMatchObject({ receiver: 'slack-default', group_by: ['alertname', 'cluster', 'service'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' });
    expect(config.route.routes.map((r: { receiver: string }) => r.receiver)).toEqual(['pagerduty-critical', 'slack-critical', 'slack-warning', 'slack-business', 'null']);
    expect(config.route.routes[0]).toEqual({ receiver: 'pagerduty-critical', matchers: ['severity="critical"'], group_wait: '10s', repeat_interval: '1h', continue: true });
    expect(config.inhibit_rules).toEqual([
      { source_matchers: ['alertname="ClusterDown"'], target_matchers: ['severity=~"warning|info"'], equal: ['cluster'] },
      { source_matchers: ['alertname="NodeDown"'], target_matchers: ['alertname!="NodeDown"'], equal: ['instance'] },
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service'] },
    ]);
    expect(config.receivers.map((r: { name: string }) => r.name)).toEqual(['slack-default', 'null', 'slack-critical', 'slack-warning', 'slack-business', 'pagerduty-critical']);
    expect(config.global.smtp_auth_password_file).toBe('/etc/alertmanager/secrets/global.smtp_password');
  });

  test('credentials are files holding sensitive variables, never literals', () => {
    const raw = rawFiles(json, 'alertmanager');
    expect(raw['/etc/alertmanager/secrets/pagerduty-critical.pagerduty_routing_key.0']).toBe('${var.pagerduty_routing_key}');
    expect(raw['/etc/alertmanager/secrets/slack-critical.slack_url.0']).toBe('${var.slack_webhook_url}');
    for (const v of ['pagerduty_routing_key', 'slack_webhook_url', 'smtp_password']) expect(json.variable?.[v]).toMatchObject({ sensitive: true });
    expect(raw[AM]).not.toMatch(/hooks\.slack\.com/);
  });

  test('Prometheus is wired to the stack Alertmanager automatically', () => {
    const prom = parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(prom.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
  });

  (hasAmtool ? test : test.skip)('amtool check-config accepts it', () => {
    const r = amtoolCheckConfig(files);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.stdout).toMatch(/3 inhibit rules\n - 6 receivers/);
    expect(r.code).toBe(0);
  });

  const cases: Array<[Record<string, string>, string[]]> = [
    [{ severity: 'critical' }, ['pagerduty-critical', 'slack-critical']],
    [{ severity: 'warning' }, ['slack-warning']],
    [{ team: 'business' }, ['slack-business']],
    [{ alertname: 'Watchdog' }, ['null']],
    [{ severity: 'critical', team: 'business' }, ['pagerduty-critical', 'slack-critical']],
    [{ severity: 'info' }, ['slack-default']],
    [{ alertname: 'Watchdog', severity: 'none' }, ['null']],
  ];
  test.each(cases)('our routing simulation sends %j to %j', (labels, expected) => {
    expect(stack.routing.receiversFor(labels)).toEqual(expected);
  });
  (hasAmtool ? test.each(cases) : test.skip.each(cases))('amtool routes test agrees: %j → %j', (labels, expected) => {
    const r = amtoolRoutesTest(files, labels, expected);
    expect(r.stdout + r.stderr).not.toMatch(/WARNING|Expected/);
    expect(r.code).toBe(0);
  });
  (hasAmtool ? test : test.skip)('amtool routes test fails on a wrong expectation (the check can fail)', () => {
    expect(amtoolRoutesTest(files, { severity: 'warning' }, ['slack-critical']).code).not.toBe(0);
  });
});

describe('AlertRoute features', () => {
  test('nested routes, regex and negative matchers, time intervals, templates, webhook and email receivers', () => {
    const stack = testStack();
    const hook = new TerraformVariable(stack, 'hook_url', { type: 'string', sensitive: true });
    const smtp = new TerraformVariable(stack, 'smtp', { type: 'string', sensitive: true });
    const routing = new AlertRoute(stack, 'Routing', {
      receiver: Receiver.webhook('default-hook', { url: 'http://hook.internal:8080/alerts', maxAlerts: 10 }),
      templates: { slack: '{{ define "slack.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}' },
      timeIntervals: [{ name: 'offhours', timeIntervals: [{ weekdays: ['saturday', 'sunday'] }, { times: [{ startTime: '00:00', endTime: '08:00' }], location: 'Europe/Zurich' }] }],
    });
    routing.addReceiver(Receiver.webhook('secret-hook', { url: hook.stringValue }));
    routing.addReceiver(Receiver.email('mail', { to: 'oncall@example.com', from: 'alerts@example.com', smarthost: 'smtp.example.com:587', authUsername: 'u', authPassword: smtp.stringValue }));
    const team = routing.addRoute({ receiver: 'mail', matchers: [Matcher.re('team', 'payments|billing')], muteTimeIntervals: ['offhours'] });
    team.addRoute({ receiver: 'secret-hook', matchers: [Matcher.notRe('env', 'dev|test'), Matcher.ne('severity', 'warning')] });
    new Alertmanager(stack, 'Alertmanager');
    const json = synthJson(stack);
    const files = containerFiles(json, 'alertmanager');
    const config = parse(files[AM]);
    expect(config.templates).toEqual(['templates/*.tmpl']);
    expect(files['/etc/alertmanager/templates/slack.tmpl']).toContain('{{ define "slack.title" }}');
    expect(config.route.routes[0]).toEqual({
      receiver: 'mail',
      matchers: ['team=~"payments|billing"'],
      mute_time_intervals: ['offhours'],
      routes: [{ receiver: 'secret-hook', matchers: ['env!~"dev|test"', 'severity!="warning"'] }],
    });
    expect(config.time_intervals).toEqual([
      { name: 'offhours', time_intervals: [{ weekdays: ['saturday', 'sunday'] }, { times: [{ start_time: '00:00', end_time: '08:00' }], location: 'Europe/Zurich' }] },
    ]);
    expect(config.receivers[0]).toEqual({ name: 'default-hook', webhook_configs: [{ url: 'http://hook.internal:8080/alerts', max_alerts: 10, send_resolved: true }] });
    // a token URL is inlined JSON-encoded at apply time, not as a literal
    expect(rawFiles(json, 'alertmanager')[AM]).toContain('url: ${jsonencode(var.hook_url)}');
    expect(config.receivers[2].email_configs[0]).toMatchObject({ to: 'oncall@example.com', auth_password_file: '/etc/alertmanager/secrets/mail.smtp_password.0' });
    expect(routing.receiversFor({ team: 'billing', env: 'prod', severity: 'critical' })).toEqual(['secret-hook']);
    expect(routing.receiversFor({ team: 'billing', env: 'dev' })).toEqual(['mail']);
    if (hasAmtool) {
      const withUrl = { ...files, [AM]: files[AM].replace(/url: <jsonencode\(var\.hook_url\)>|url: stand-in-for-jsonencode_var.hook_url_/, 'url: "https://hooks.example.com/x"') };
      const r = amtoolCheckConfig(withUrl);
      expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
      expect(amtoolRoutesTest(withUrl, { team: 'billing', env: 'prod', severity: 'critical' }, ['secret-hook']).code).toBe(0);
    }
  });

  test('Grafana target: one contact point per receiver, one notification policy, mute timings and templates, secrets as references', () => {
    const stack = testStack();
    new GrafanaProvider(stack, 'Grafana', { url: 'http://grafana:3000' });
    courseAlertRoute(stack, 'Routing', { target: 'grafana' });
    const json = synthJson(stack);
    const cps = resources(json, 'grafana_contact_point');
    expect(Object.values(cps).map((c) => c.name).sort()).toEqual(['pagerduty-critical', 'slack-business', 'slack-critical', 'slack-default', 'slack-warning']);
    const critical = Object.values(cps).find((c) => c.name === 'slack-critical')!;
    expect(critical.slack).toEqual([expect.objectContaining({ url: '${var.slack_webhook_url}', recipient: '#alerts-critical', title: '🚨 CRITICAL: {{ .CommonLabels.alertname }}' })]);
    const pd = Object.values(cps).find((c) => c.name === 'pagerduty-critical')!;
    expect(pd.pagerduty).toEqual([expect.objectContaining({ integration_key: '${var.pagerduty_routing_key}', severity: 'critical' })]);
    const policies = Object.values(resources(json, 'grafana_notification_policy'));
    expect(policies).toHaveLength(1);
    const policy = policies[0] as { contact_point: string; group_by: string[]; policy: Array<Record<string, unknown>> };
    expect(policy.contact_point).toMatch(/^\$\{grafana_contact_point\.Routing_Grafana_ContactPoint-slack-default_[0-9A-F]+\.name\}$/);
    expect(policy.group_by).toEqual(['alertname', 'cluster', 'service']);
    expect(policy.policy[0]).toEqual({
      contact_point: expect.stringMatching(/ContactPoint-pagerduty-critical.*\.name\}$/),
      matcher: [{ label: 'severity', match: '=', value: 'critical' }],
      group_wait: '10s',
      repeat_interval: '1h',
      continue: true,
    });
    // Watchdog → null: a real contact point, always muted
    expect(policy.policy[4]).toMatchObject({ contact_point: expect.stringMatching(/ContactPoint-slack-default/), mute_timings: [expect.stringMatching(/grafana_mute_timing\.Routing_Grafana_MuteTiming-null-receiver_[0-9A-F]+\.name/)] });
    expect(Object.values(resources(json, 'grafana_mute_timing'))).toEqual([expect.objectContaining({ name: 'null-receiver', intervals: [{}] })]);
    // no Alertmanager container was asked for
    expect(resources(json, 'docker_container')).toEqual({});
    // inhibit rules do not exist in Grafana: the user is told
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
    expect(warnings.join('\n')).toMatch(/3 inhibit rule\(s\) have no effect with target "grafana": Grafana-managed alerting has no inhibition/);
    expect(warnings.join('\n')).toMatch(/receiver "slack-default": Slack actions \(buttons\) exist in Alertmanager only/);
  });

  test('both targets from one tree', () => {
    const stack = testStack();
    new GrafanaProvider(stack, 'Grafana', { url: 'http://grafana:3000' });
    courseAlertRoute(stack, 'Routing', { target: 'both' });
    new Alertmanager(stack, 'Alertmanager');
    const json = synthJson(stack);
    expect(Object.keys(resources(json, 'grafana_contact_point'))).toHaveLength(5);
    expect(Object.values(resources(json, 'docker_container')).map((c) => c.name)).toEqual(['alertmanager']);
  });

  test('any token value in YAML is inlined with jsonencode, so a "#channel" stays a string', () => {
    const stack = testStack();
    const channel = new TerraformVariable(stack, 'channel', { type: 'string' });
    const url = new TerraformVariable(stack, 'slack', { type: 'string', sensitive: true });
    new AlertRoute(stack, 'Routing', { receiver: Receiver.slack('s', { webhookUrl: url.stringValue, channel: channel.stringValue }) });
    new Alertmanager(stack, 'Alertmanager');
    expect(rawFiles(synthJson(stack), 'alertmanager')[AM]).toContain('channel: ${jsonencode(var.channel)}');
  });

  test('Grafana strings are escaped for Terraform templates', () => {
    const stack = testStack();
    new GrafanaProvider(stack, 'Grafana', { url: 'http://grafana:3000' });
    const url = new TerraformVariable(stack, 'slack', { type: 'string', sensitive: true });
    new AlertRoute(stack, 'Routing', { target: 'grafana', receiver: Receiver.slack('s', { webhookUrl: url.stringValue, text: 'see ${__value.raw}' }) });
    const cp = Object.values(resources(synthJson(stack), 'grafana_contact_point'))[0] as { slack: Array<{ text: string }> };
    expect(cp.slack[0].text).toBe('see $${__value.raw}');
  });
});

describe('Alertmanager', () => {
  function withRoute() {
    const stack = testStack();
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
    return stack;
  }

  test('one replica: data volume, healthcheck, gossip off, port on 127.0.0.1', () => {
    const stack = withRoute();
    new Alertmanager(stack, 'Alertmanager');
    const json = synthJson(stack);
    const c = Object.values(resources(json, 'docker_container'))[0];
    expect(c.command).toEqual([
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--data.retention=120h',
      '--web.listen-address=:9093',
      '--web.external-url=http://127.0.0.1:9093',
      '--cluster.listen-address=',
    ]);
    expect(c.volumes).toEqual([{ volume_name: expect.stringContaining('docker_volume.Alertmanager_Data_'), container_path: '/alertmanager' }]);
    expect(c.ports).toEqual([{ internal: 9093, external: 9093, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect((c.healthcheck as { test: string[] }).test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9093/-/healthy']);
  });

  test('three replicas form a gossip cluster, each with its own volume, and Prometheus sends to all', () => {
    const stack = withRoute();
    new Alertmanager(stack, 'Alertmanager', { replicas: 3 });
    new PrometheusServer(stack, 'Prometheus');
    const json = synthJson(stack);
    const byName = Object.fromEntries(Object.values(resources(json, 'docker_container')).map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['alertmanager', 'alertmanager-2', 'alertmanager-3', 'prometheus']);
    expect(byName['alertmanager-2'].command).toEqual(expect.arrayContaining(['--cluster.listen-address=0.0.0.0:9094', '--cluster.peer=alertmanager:9094', '--cluster.peer=alertmanager-3:9094']));
    expect(byName['alertmanager-3'].ports).toEqual([{ internal: 9093, external: 9095, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(Object.values(resources(json, 'docker_volume')).map((v) => v.name).sort()).toEqual(['alertmanager-2-data', 'alertmanager-3-data', 'alertmanager-data', 'prometheus-data']);
    const prom = parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093', 'alertmanager-2:9093', 'alertmanager-3:9093']);
  });

  test('going from 1 to 3 replicas keeps the first replica\'s container and volume addresses', () => {
    const addresses = (replicas: number) => {
      const stack = withRoute();
      new Alertmanager(stack, 'Alertmanager', { replicas });
      const json = synthJson(stack);
      return { volumes: Object.keys(resources(json, 'docker_volume')), containers: Object.keys(resources(json, 'docker_container')) };
    };
    const one = addresses(1);
    const three = addresses(3);
    expect(three.volumes).toEqual(expect.arrayContaining(one.volumes));
    expect(three.containers).toEqual(expect.arrayContaining(one.containers));
  });

  test('IPv6 host addresses are bracketed in URLs', () => {
    const stack = withRoute();
    new Alertmanager(stack, 'Alertmanager', { hostIp: '::1' });
    const c = Object.values(resources(synthJson(stack), 'docker_container'))[0];
    expect(c.command).toContain('--web.external-url=http://[::1]:9093');
  });

  test('explicit Alertmanager addresses win over discovery', () => {
    const stack = withRoute();
    new Alertmanager(stack, 'Alertmanager');
    new PrometheusServer(stack, 'Prometheus', { alertmanagers: ['am.example.internal:9093'] });
    const prom = parse(containerFiles(synthJson(stack), 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['am.example.internal:9093']);
  });
});
