import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { CourseStack } from '../../stacks/course-stack';
import { snapshotStack } from '../../lib/testing/snapshot';
import {
  blackboxCheck,
  container,
  containerFiles,
  haveTool,
  promtoolCheckConfig,
  promtoolCheckRules,
  rawFiles,
  resources,
  run,
  synthJson,
  terraformEvaluate,
} from '../helpers/synth';
import { allSchemaProblems } from '../helpers/grafana';

function synthCourse(props = {}) {
  const app = Testing.app();
  const stack = new CourseStack(app, 'observability', props);
  return { stack, json: synthJson(stack) };
}

describe('CourseStack (the default app)', () => {
  const { json } = synthCourse();
  const promFiles = containerFiles(json, 'prometheus');

  test('contains the whole LGTM stack on one network', () => {
    const containers = Object.values(resources(json, 'docker_container'));
    expect(containers.map((c) => c.name).sort()).toEqual(['alertmanager', 'alloy', 'blackbox-exporter', 'grafana', 'loki', 'node-exporter', 'otel-collector', 'prometheus', 'tempo']);
    expect(Object.keys(resources(json, 'docker_network'))).toHaveLength(1);
    for (const c of containers) {
      expect(c.networks_advanced).toEqual([{ name: expect.stringContaining('docker_network.'), aliases: [c.name] }]);
    }
  });

  test('renders the course jobs and every rule group as files', () => {
    const config = parse(promFiles['/etc/prometheus/prometheus.yml']);
    expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(['prometheus', 'node', 'otel-collector', 'blackbox-http']);
    expect(config.global).toEqual({ scrape_interval: '15s', evaluation_interval: '15s', external_labels: { cluster: 'production', env: 'prod' }, scrape_native_histograms: true });
    expect(Object.keys(promFiles).sort()).toEqual(
      [
        'prometheus.yml',
        'rules/http_rules.yml',
        'rules/infrastructure_alerts.yml',
        'rules/node_rules.yml',
        'rules/service_alerts.yml',
        'rules/slo_rules.yml',
        'rules/watchdog.yml',
        'rules/slo_payment_api_latency.yml',
        'rules/slo_payment_api_latency_budget.yml',
        'rules/slo_payment_api_availability.yml',
        'rules/slo_payment_api_availability_budget.yml',
      ]
        .map((f) => `/etc/prometheus/${f}`)
        .sort(),
    );
    const node = config.scrape_configs[1];
    expect(node.relabel_configs[0]).toEqual({ source_labels: ['__address__'], regex: '(.+):9100', target_label: 'instance', replacement: '${1}', action: 'replace' });
  });

  test('escapes the relabel replacement for Terraform in the synthesized JSON', () => {
    expect(rawFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']).toContain('replacement: $${1}');
  });

  const hasPromtool = haveTool('promtool');
  (hasPromtool ? test : test.skip)('promtool check config accepts prometheus.yml and the rule files it lists', () => {
    const r = promtoolCheckConfig(promFiles);
    expect(r.stderr + r.stdout).toContain('SUCCESS');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 10 rule files found/);
  });

  (hasPromtool ? test : test.skip)('promtool check rules accepts every rule file (57 rules)', () => {
    const r = promtoolCheckRules(promFiles);
    expect(r.code).toBe(0);
    const counts = [...r.stdout.matchAll(/SUCCESS: (\d+) rules found/g)].map((m) => Number(m[1]));
    // RED 3, USE 3, course SLO 2, course alerts 3 + 5 + 1, and per payment-api SLO 17 recording + 3 alerting
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3 + 3 + 2 + 3 + 5 + 1 + 2 * (17 + 3));
  });

  (hasPromtool ? test : test.skip)('the payment-api SLOs pass their generated promtool unit tests', () => {
    const stack = new CourseStack(Testing.app(), 'observability');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-tests-'));
    try {
      for (const slo of stack.slos) {
        const file = slo.writeUnitTests(dir);
        const r = run('promtool', ['test', 'rules', path.basename(file)], dir, 300_000);
        expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
        expect(r.code).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  (haveTool('prometheus-blackbox-exporter') ? test : test.skip)('blackbox --config.check accepts the course modules', () => {
    const r = blackboxCheck(containerFiles(json, 'blackbox-exporter')['/etc/blackbox_exporter/config.yml']);
    expect(r.stderr + r.stdout).toMatch(/Config file is ok/);
    expect(r.code).toBe(0);
  });

  (hasPromtool && haveTool('terraform') ? test : test.skip)('files evaluated by the real terraform binary are what promtool accepts', () => {
    const uploads = rawFiles(json, 'prometheus');
    const evaluated = terraformEvaluate(uploads);
    expect(evaluated).toEqual(promFiles);
    expect(evaluated['/etc/prometheus/prometheus.yml']).toContain('replacement: ${1}');
    const r = promtoolCheckConfig(evaluated);
    expect(r.code).toBe(0);
  });

  test('Docker discovery is off by default and the socket is not mounted', () => {
    const prom = Object.values(resources(json, 'docker_container')).find((c) => c.name === 'prometheus')!;
    expect(JSON.stringify(prom)).not.toContain('docker.sock');
  });

  test('opting in to Docker discovery mounts the socket read-only and adds the job', () => {
    const { json: j } = synthCourse({ dockerDiscovery: true });
    const prom = Object.values(resources(j, 'docker_container')).find((c) => c.name === 'prometheus')!;
    expect(prom.mounts).toEqual([{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true }]);
    const config = parse(containerFiles(j, 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(config.scrape_configs.map((c: { job_name: string }) => c.job_name)).toContain('docker');
    if (hasPromtool) expect(promtoolCheckConfig(containerFiles(j, 'prometheus')).code).toBe(0);
  });

  test('Grafana: four correlated data sources (Loki and Tempo discovered in the stack), a folder for the stack and the team, RED, USE and SLO dashboards', () => {
    expect(Object.values(resources(json, 'grafana_data_source')).map((d) => d.uid).sort()).toEqual(['alertmanager', 'loki', 'prometheus', 'tempo']);
    expect(Object.values(resources(json, 'grafana_folder')).map((f) => f.uid).sort()).toEqual(['observability', 'payments']);
    const uids = Object.values(resources(json, 'grafana_dashboard')).map((d) => JSON.parse(String(d.config_json).replace(/\$\$\{/g, '${')).uid).sort();
    expect(uids).toEqual(['node-use', 'service-overview', 'slo-payment-api-availability', 'slo-payment-api-latency']);
  });

  test('security scan: every secret is a sensitive variable reference, never a literal', () => {
    const secrets: Array<[string, string]> = [];
    const walk = (v: unknown, where: string) => {
      if (typeof v === 'string') {
        if (/(password|auth|token|routing_key|integration_key|webhook)/i.test(where) || /PASSWORD=|TOKEN=/.test(v)) secrets.push([where, v]);
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
    };
    walk(json.resource, 'resource');
    walk(json.provider, 'provider');
    for (const c of Object.values(resources(json, 'docker_container'))) {
      for (const u of (c.upload ?? []) as Array<{ file: string; content: string }>) if (u.file.includes('/secrets/')) secrets.push([u.file, u.content]);
    }
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const [where, value] of secrets) {
      const literal = value.replace(/\$\{var\.[a-z_]+\}/g, '').replace(/^(GF_SECURITY_ADMIN_PASSWORD=|admin:)/, '');
      expect([where, literal]).toEqual([where, '']);
    }
    const sensitive = Object.entries(json.variable ?? {}).filter(([, v]) => v.sensitive).map(([k]) => k).sort();
    expect(sensitive).toEqual(['grafana_admin_password', 'pagerduty_routing_key', 'slack_webhook_url', 'smtp_password']);
    for (const v of Object.values(json.variable ?? {})) expect(v).not.toHaveProperty('default');
  });

  test('no port is published beyond 127.0.0.1; only Alloy (opted in) mounts the Docker socket, read-only', () => {
    const withSocket: string[] = [];
    for (const c of Object.values(resources(json, 'docker_container'))) {
      for (const p of (c.ports ?? []) as Array<{ ip: string }>) expect(p.ip).toBe('127.0.0.1');
      for (const m of (c.mounts ?? []) as Array<{ source: string; read_only: boolean }>) {
        if (m.source.includes('docker.sock')) {
          withSocket.push(String(c.name));
          expect(m.read_only).toBe(true);
        }
      }
    }
    expect(withSocket).toEqual(['alloy']);
  });

  test('stateful components keep their data on named volumes at their data paths', () => {
    const mounts = Object.fromEntries(
      Object.values(resources(json, 'docker_container')).map((c) => [c.name, ((c.volumes ?? []) as Array<{ container_path: string }>).map((v) => v.container_path)]),
    );
    expect(mounts).toMatchObject({ prometheus: ['/prometheus'], alertmanager: ['/alertmanager'], grafana: ['/var/lib/grafana'], loki: ['/loki'], tempo: ['/var/tempo'] });
  });

  test('logs and traces are wired: Alloy → Loki, Collector → Tempo and Loki, Tempo → Prometheus with exemplars, Loki ruler → Alertmanager', () => {
    const alloy = Object.values(containerFiles(json, 'alloy'))[0];
    expect(alloy).toContain('"http://loki:3100/loki/api/v1/push"');
    const otel = parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']);
    expect(JSON.stringify(otel.exporters)).toContain('tempo:4317');
    expect(JSON.stringify(otel.exporters)).toContain('http://loki:3100/otlp');
    const tempo = parse(Object.values(containerFiles(json, 'tempo'))[0]);
    expect(JSON.stringify(tempo.metrics_generator)).toContain('http://prometheus:9090/api/v1/write');
    expect(container(json, 'prometheus').command).toEqual(expect.arrayContaining(['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage']));
    const loki = parse(containerFiles(json, 'loki')['/etc/loki/loki-config.yml'] ?? Object.values(containerFiles(json, 'loki'))[0]);
    expect(loki.ruler.alertmanager_url).toBe('http://alertmanager:9093');
    expect(parse(promFiles['/etc/prometheus/prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name)).toContain('otel-collector');
  });

  test('the routing tree on both engines: alertmanager.yml and Grafana contact points, one notification policy, mute timings', () => {
    expect(Object.values(resources(json, 'grafana_contact_point')).map((c) => c.name).sort()).toEqual(['pagerduty-critical', 'slack-business', 'slack-critical', 'slack-default', 'slack-warning']);
    expect(Object.keys(resources(json, 'grafana_notification_policy'))).toHaveLength(1);
    expect(Object.values(resources(json, 'grafana_mute_timing')).map((m) => m.name)).toEqual(['null-receiver']);
    // The course defines no message templates: none are created (its Slack texts are inline).
    expect(resources(json, 'grafana_message_template')).toEqual({});
    for (const t of ['grafana_contact_point', 'grafana_notification_policy', 'grafana_mute_timing']) {
      for (const r of Object.values(resources(json, t))) expect(r).toMatchObject({ provider: 'grafana', depends_on: [expect.stringMatching(/^docker_container\.Grafana_/)] });
      expect(allSchemaProblems(json, t)).toEqual([]);
    }
    expect(Object.keys(containerFiles(json, 'alertmanager'))).toContain('/etc/alertmanager/alertmanager.yml');
  });

  test("the Collector's traces pipeline samples by tail as the course does: errors, > 2 s, 10 % of the rest", () => {
    const config = parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']);
    expect(config.processors.tail_sampling).toEqual({
      policies: [
        { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
        { name: 'sampling', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
        { name: 'slow-traces', type: 'latency', latency: { threshold_ms: 2000 } },
      ],
    });
    expect(config.service.pipelines.traces.processors).toEqual(['memory_limiter', 'tail_sampling', 'batch']);
    expect(config.service.pipelines.metrics.processors).toEqual(['memory_limiter', 'batch']);
  });

  test('whole-stack snapshot, files as text (review the diff when it changes)', () => {
    expect(snapshotStack(new CourseStack(Testing.app(), 'observability'))).toMatchSnapshot();
  });
});
