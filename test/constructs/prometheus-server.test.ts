import { Container } from '@cdktf/provider-docker/lib/container';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { AnnotationMetadataEntryType, TerraformVariable } from 'cdktf';
import { parse } from 'yaml';
import { NodeExporter } from '../../constructs/node-exporter';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Relabel } from '../../lib/prometheus/relabel';
import { RuleSets } from '../../lib/prometheus/presets';
import { DockerRuntime } from '../../lib/runtime/docker-runtime';
import { EVERY_PROMETHEUS_FLAG } from '../helpers/engines';
import { container, containerFiles, haveTool, promtoolCheckConfig, promtoolCheckRules, rawFiles, resources, synthJson, synthString, testStack } from '../helpers/synth';

const CONFIG = '/etc/prometheus/prometheus.yml';

function promConfig(json: ReturnType<typeof synthJson>) {
  return parse(containerFiles(json, 'prometheus')[CONFIG]);
}

describe('PrometheusServer defaults', () => {
  const stack = testStack();
  new PrometheusServer(stack, 'Prometheus');
  const json = synthJson(stack);
  const synthesized = synthString(stack);

  test('runs the pinned image, restarts unless stopped, as nobody', () => {
    const c = container(json, 'prometheus');
    expect(c.restart).toBe('unless-stopped');
    expect(c.user).toBe('65534:65534');
    expect(synthesized).toHaveResourceWithProperties({ tfResourceType: 'docker_image' }, { name: 'prom/prometheus:v3.14.0', keep_locally: true });
  });

  test('publishes 9090 on 127.0.0.1 only', () => {
    expect(synthesized).toHaveResourceWithProperties(Container, { ports: [{ internal: 9090, external: 9090, ip: '127.0.0.1', protocol: 'tcp' }] });
  });

  test('keeps the TSDB on a named volume mounted at /prometheus', () => {
    expect(synthesized).toHaveResourceWithProperties(Volume, { name: 'prometheus-data' });
    const c = container(json, 'prometheus');
    expect(c.volumes).toEqual([{ volume_name: expect.stringMatching(/^\$\{docker_volume\.Prometheus_Data_[0-9A-F]+\.name\}$/), container_path: '/prometheus' }]);
  });

  test('passes the config, TSDB path and 30d retention as flags; no optional features', () => {
    expect(container(json, 'prometheus').command).toEqual([
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=30d',
    ]);
  });

  test('has a readiness healthcheck', () => {
    expect((container(json, 'prometheus').healthcheck as { test: string[] }).test).toEqual(['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:9090/-/ready']);
  });

  test('scrapes itself and has no rule files', () => {
    const config = promConfig(json);
    expect(config.scrape_configs).toEqual([{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }]);
    expect(config.rule_files).toBeUndefined();
    expect(config.alerting).toBeUndefined();
  });

  test('the main resource is the container, reachable for escape hatches', () => {
    const s = testStack();
    const p = new PrometheusServer(s, 'Prometheus');
    expect(p.resource).toBeInstanceOf(Container);
    expect(p.node.defaultChild).toBe(p.resource);
    p.resource.addOverride('log_driver', 'journald');
    expect(container(synthJson(s), 'prometheus').log_driver).toBe('journald');
  });
});

describe('PrometheusServer configuration', () => {
  test('global settings and flags', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', EVERY_PROMETHEUS_FLAG);
    const json = synthJson(stack);
    // Native histograms are a scrape setting from Prometheus 3.8 on (the flag is a no-op from 3.9).
    expect(promConfig(json).global).toEqual({ scrape_interval: '30s', scrape_timeout: '20s', evaluation_interval: '1m', external_labels: { cluster: 'production' }, scrape_native_histograms: true });
    expect(container(json, 'prometheus').command).toEqual([
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=15d',
      '--storage.tsdb.retention.size=50GB',
      '--web.enable-remote-write-receiver',
      '--enable-feature=exemplar-storage',
    ]);
  });

  test.each([
    ['prom/prometheus:v2.53.0', 'flag'],
    ['prom/prometheus:v3.7.3', 'flag'],
    ['prom/prometheus:v3.8.0', 'config'],
    ['quay.io/prometheus/prometheus:v3.14.0-busybox', 'config'],
    ['registry.example.com/prometheus:3.15.2', 'config'],
  ])('native histograms on %s are turned on by the %s, never both', (image, via) => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { image, enableNativeHistograms: true });
    const json = synthJson(stack);
    const args = container(json, 'prometheus').command as string[];
    const global = promConfig(json).global;
    expect(args.includes('--enable-feature=native-histograms')).toBe(via === 'flag');
    expect(global.scrape_native_histograms).toBe(via === 'config' ? true : undefined);
  });

  test('an image tag that names no version is written for the pinned default, with a warning', () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus', { image: 'registry.example.com/prometheus:main-2026-11', enableNativeHistograms: true });
    const json = synthJson(stack);
    expect(promConfig(json).global.scrape_native_histograms).toBe(true);
    const warnings = p.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data);
    expect(warnings).toEqual([expect.stringContaining('image tag "main-2026-11" names no Prometheus version: the configuration is written for v3.14.0')]);
  });

  test('a versioned tag gives no warning', () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus', { image: 'prom/prometheus:v2.53.0' });
    expect(p.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN)).toEqual([]);
  });

  test('PromQL functions are checked against the pinned version: 3.x-only and experimental functions are refused', () => {
    const group = (expr: string) => ({ name: 'g', rules: [{ record: 'job:x:y', expr }] });
    const server = (image?: string) => new PrometheusServer(testStack(), 'Prometheus', { image });
    // Experimental in 3.14.0 (promql/parser/functions.go): refused, the library passes no promql-experimental-functions.
    expect(() => server().addRuleGroup(group('double_exponential_smoothing(x[5m], 0.5, 0.5)'))).toThrow(
      /rule group "g", recording rule "job:x:y": expr uses double_exponential_smoothing, which prom\/prometheus:v3\.14\.0 only accepts with --enable-feature=promql-experimental-functions/,
    );
    expect(() => server().addRuleGroup(group('limitk(2, up)'))).toThrow(/uses limitk, which prom\/prometheus:v3\.14\.0 only accepts with --enable-feature=promql-experimental-functions/);
    expect(() => server('prom/prometheus:v2.53.0').addRuleGroup(group('sort_by_label(up, "job")'))).toThrow(/uses sort_by_label, which prom\/prometheus:v2\.53\.0 only accepts/);
    // Not in 2.53.0's table at all.
    expect(() => server('prom/prometheus:v2.53.0').addRuleGroup(group('first_over_time(up[5m])'))).toThrow(/uses first_over_time, which Prometheus 2\.x does not have \(the image is prom\/prometheus:v2\.53\.0/);
    expect(() => server('prom/prometheus:v3.13.2').addRuleGroup(group('first_over_time(up[5m])'))).toThrow(/first_over_time, which is experimental \(or missing\) before Prometheus 3\.14\.0/);
    // Stable in 3.14.0.
    expect(() => server().addRuleGroup(group('first_over_time(up[5m])'))).not.toThrow();
    expect(() => server().addRuleGroup(group('sum(rate(http_requests_total[5m]))'))).not.toThrow();
  });

  test('holt_winters (renamed double_exponential_smoothing in 3.0) is refused with the new name in the message', () => {
    const p = new PrometheusServer(testStack(), 'Prometheus');
    expect(() => p.addRuleGroup({ name: 'g', rules: [{ record: 'job:x:y', expr: 'holt_winters(x[5m], 0.5, 0.5)' }] })).toThrow(/holt_winters.*double_exponential_smoothing/s);
  });

  test('the distroless variant is refused on Docker (no wget for the healthcheck, uid 65532)', () => {
    expect(() => new PrometheusServer(testStack(), 'Prometheus', { image: 'prom/prometheus:v3.14.0-distroless' })).toThrow(
      /image prom\/prometheus:v3\.14\.0-distroless is the distroless variant: it has no wget .* Use the default busybox variant/,
    );
  });

  test('a 5s scrape interval without timeout is valid (Prometheus defaults the timeout to the interval)', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { scrapeInterval: '5s' });
    const files = containerFiles(synthJson(stack), 'prometheus');
    expect(parse(files[CONFIG]).global).toEqual({ scrape_interval: '5s', evaluation_interval: '15s' });
    if (haveTool('promtool')) expect(promtoolCheckConfig(files).code).toBe(0);
  });

  test('jobs, rule groups and Alertmanagers added after construction are rendered', () => {
    const stack = testStack();
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.addScrapeJob({
      jobName: 'api',
      targets: ['api:8080'],
      labels: { team: 'payments' },
      metricsPath: '/internal/metrics',
      scheme: 'https',
      params: { format: ['prometheus'] },
      scrapeInterval: '30s',
      scrapeTimeout: '5s',
      honorLabels: true,
      tlsConfig: { insecureSkipVerify: false, serverName: 'api.internal' },
      relabelConfigs: [Relabel.labelmap('__meta_(.+)'), Relabel.hashmod(['__address__'], 4, '__tmp_hash'), Relabel.keep(['__tmp_hash'], '0')],
      metricRelabelConfigs: [Relabel.drop(['__name__'], 'go_gc_.*'), Relabel.labeldrop('pod_template_hash')],
    });
    prom.addRuleGroup(RuleSets.red());
    prom.addAlertmanager('alertmanager:9093');
    const json = synthJson(stack);
    const config = promConfig(json);
    expect(config.scrape_configs[1]).toEqual({
      job_name: 'api',
      honor_labels: true,
      scrape_interval: '30s',
      scrape_timeout: '5s',
      metrics_path: '/internal/metrics',
      scheme: 'https',
      params: { format: ['prometheus'] },
      tls_config: { insecure_skip_verify: false, server_name: 'api.internal' },
      static_configs: [{ targets: ['api:8080'], labels: { team: 'payments' } }],
      relabel_configs: [
        { regex: '__meta_(.+)', action: 'labelmap' },
        { source_labels: ['__address__'], modulus: 4, target_label: '__tmp_hash', action: 'hashmod' },
        { source_labels: ['__tmp_hash'], regex: '0', action: 'keep' },
      ],
      metric_relabel_configs: [
        { source_labels: ['__name__'], regex: 'go_gc_.*', action: 'drop' },
        { regex: 'pod_template_hash', action: 'labeldrop' },
      ],
    });
    expect(config.rule_files).toEqual(['rules/*.yml']);
    expect(config.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
    expect(Object.keys(containerFiles(json, 'prometheus'))).toContain('/etc/prometheus/rules/http_rules.yml');
    if (haveTool('promtool')) {
      const files = containerFiles(json, 'prometheus');
      expect(promtoolCheckConfig(files).code).toBe(0);
      expect(promtoolCheckRules(files).code).toBe(0);
    }
  });

  test('scrape(exporter) produces the exporter job from the object, not a hand-typed address', () => {
    const stack = testStack();
    const prom = new PrometheusServer(stack, 'Prometheus');
    const node = new NodeExporter(stack, 'Node', { name: 'node-a' });
    prom.scrape(node);
    const job = promConfig(synthJson(stack)).scrape_configs[1];
    expect(job.job_name).toBe('node');
    expect(job.static_configs).toEqual([{ targets: ['node-a:9100'] }]);
  });

  test('ready-made RED and USE rule sets carry the course record names', () => {
    const stack = testStack();
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.addRuleGroup(RuleSets.red({ service: 'payment-api' }));
    prom.addRuleGroup(RuleSets.nodeUse());
    const files = containerFiles(synthJson(stack), 'prometheus');
    const red = parse(files['/etc/prometheus/rules/red_payment-api.yml']);
    expect(red.groups[0].rules.map((r: { record: string }) => r.record)).toEqual(['service:http_requests:rate5m', 'service:http_errors:ratio5m', 'service:http_latency:p99_5m']);
    expect(red.groups[0].rules[0].expr).toBe('sum by (service) (rate(http_requests_total{service="payment-api"}[5m]))');
    const use = parse(files['/etc/prometheus/rules/node_rules.yml']);
    expect(use.groups[0]).toMatchObject({ name: 'node_rules', interval: '1m' });
    expect(use.groups[0].rules.map((r: { record: string }) => r.record)).toEqual(['instance:node_cpu:utilization', 'instance:node_memory:utilization', 'instance:node_disk:predicted_full_hours']);
    if (haveTool('promtool')) expect(promtoolCheckRules(files).code).toBe(0);
  });

  test('credentials come from sensitive variables, written to their own files', () => {
    const stack = testStack();
    const password = new TerraformVariable(stack, 'scrape_password', { type: 'string', sensitive: true });
    const token = new TerraformVariable(stack, 'scrape_token', { type: 'string', sensitive: true });
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.addScrapeJob({ jobName: 'secured', targets: ['secure:443'], scheme: 'https', basicAuth: { username: 'prom', password: password.stringValue } });
    prom.addScrapeJob({ jobName: 'bearer', targets: ['api:443'], bearerToken: token.stringValue });
    const json = synthJson(stack);
    const raw = rawFiles(json, 'prometheus');
    expect(raw['/etc/prometheus/secrets/secured.basic_auth_password']).toBe('${var.scrape_password}');
    expect(raw['/etc/prometheus/secrets/bearer.bearer_token']).toBe('${var.scrape_token}');
    const config = promConfig(json);
    expect(config.scrape_configs[1].basic_auth).toEqual({ username: 'prom', password_file: 'secrets/secured.basic_auth_password' });
    expect(config.scrape_configs[2].authorization).toEqual({ type: 'Bearer', credentials_file: 'secrets/bearer.bearer_token' });
    expect(json.variable?.scrape_password).toMatchObject({ sensitive: true });
    if (haveTool('promtool')) expect(promtoolCheckConfig(containerFiles(json, 'prometheus')).code).toBe(0);
  });

  test('Kubernetes pod discovery renders the course annotations job', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { kubernetesPodDiscovery: { namespaces: ['shop'] } });
    const json = synthJson(stack);
    const job = promConfig(json).scrape_configs[1];
    expect(job.job_name).toBe('kubernetes-pods');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['shop'] } }]);
    expect(job.relabel_configs[0]).toEqual({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' });
    expect(job.relabel_configs[2]).toMatchObject({ regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__' });
    // Not run through promtool: Debian's Prometheus 2.42 build leaves out Kubernetes discovery
    // ("field kubernetes_sd_configs not found"), so only the upstream binary can check this job.
  });

  test('ports can be unpublished, or published elsewhere on request', () => {
    const a = testStack();
    new PrometheusServer(a, 'Prometheus', { publishPorts: false });
    expect(container(synthJson(a), 'prometheus').ports).toEqual([]);
    const b = testStack();
    new PrometheusServer(b, 'Prometheus', { hostIp: '0.0.0.0', hostPort: 19090 });
    expect(container(synthJson(b), 'prometheus').ports).toEqual([{ internal: 9090, external: 19090, ip: '0.0.0.0', protocol: 'tcp' }]);
    const warnings = b.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
    expect(warnings.join('\n')).toMatch(/published on every interface \(0\.0\.0\.0\)/);
  });

  test('two servers in one stack get distinct names and volumes; a DockerRuntime prefix applies', () => {
    const stack = testStack();
    new DockerRuntime(stack, 'Docker', { namePrefix: 'staging-' });
    new PrometheusServer(stack, 'A', { name: 'prometheus-a', hostPort: 9090 });
    new PrometheusServer(stack, 'B', { name: 'prometheus-b', hostPort: 9091 });
    const json = synthJson(stack);
    expect(Object.values(resources(json, 'docker_container')).map((c) => c.name).sort()).toEqual(['staging-prometheus-a', 'staging-prometheus-b']);
    expect(Object.values(resources(json, 'docker_volume')).map((v) => v.name).sort()).toEqual(['staging-prometheus-a-data', 'staging-prometheus-b-data']);
    expect(Object.values(resources(json, 'docker_network')).map((n) => n.name)).toEqual(['staging-observability']);
    expect(Object.keys(resources(json, 'docker_image'))).toHaveLength(1);
  });

  test('changing config content does not touch the volume resource', () => {
    const build = (job: string) => {
      const s = testStack();
      const p = new PrometheusServer(s, 'Prometheus');
      p.addScrapeJob({ jobName: job, targets: ['x:1'] });
      return synthJson(s);
    };
    const a = build('one');
    const b = build('two');
    expect(rawFiles(a, 'prometheus')[CONFIG]).not.toEqual(rawFiles(b, 'prometheus')[CONFIG]);
    expect(resources(a, 'docker_volume')).toEqual(resources(b, 'docker_volume'));
    expect(Object.keys(resources(a, 'docker_volume'))).toEqual([expect.stringMatching(/^Prometheus_Data_[0-9A-F]{8}$/)]);
  });
});
