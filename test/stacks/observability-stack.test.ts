import { parse } from 'yaml';
import { Testing } from 'cdktf';
import { ExistingGrafana } from '../../constructs/grafana-server';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { secretVariable } from '../../lib/core/secrets';
import { snapshotStack } from '../../lib/testing/snapshot';
import { ObservabilityStack } from '../../stacks/observability-stack';
import { amtoolCheckConfig, container, containerFiles, haveTool, helmValues, promtoolCheckConfig, promtoolCheckRules, resources, synthJson } from '../helpers/synth';

type Port = { internal: number; external: number; ip: string };

describe('ObservabilityStack defaults', () => {
  const stack = new ObservabilityStack(Testing.app(), 'obs');
  const json = synthJson(stack);
  const containers = Object.values(resources(json, 'docker_container'));

  test('the nine parts on one network, each restarted unless stopped', () => {
    expect(containers.map((c) => c.name).sort()).toEqual(['alertmanager', 'alloy', 'blackbox-exporter', 'grafana', 'loki', 'node-exporter', 'otel-collector', 'prometheus', 'tempo']);
    expect(Object.values(resources(json, 'docker_network')).map((n) => n.name)).toEqual(['observability']);
    for (const c of containers) {
      expect([c.name, c.restart]).toEqual([c.name, 'unless-stopped']);
      expect(c.networks_advanced).toEqual([{ name: expect.stringMatching(/^\$\{docker_network\./), aliases: [c.name] }]);
    }
  });

  test("the seed's port plan, bound to 127.0.0.1", () => {
    const plan = Object.fromEntries(containers.map((c) => [c.name, ((c.ports ?? []) as Port[]).map((p) => `${p.ip}:${p.external}->${p.internal}`)]));
    expect(plan).toEqual({
      grafana: ['127.0.0.1:3000->3000'],
      prometheus: ['127.0.0.1:9090->9090'],
      alertmanager: ['127.0.0.1:9093->9093'],
      loki: ['127.0.0.1:3100->3100'],
      tempo: ['127.0.0.1:3200->3200', '127.0.0.1:4317->4317', '127.0.0.1:4318->4318'],
      'otel-collector': ['127.0.0.1:4327->4317', '127.0.0.1:4328->4318', '127.0.0.1:8889->8889'],
      alloy: ['127.0.0.1:12345->12345'],
      'node-exporter': ['127.0.0.1:9100->9100'],
      'blackbox-exporter': ['127.0.0.1:9115->9115'],
    });
  });

  test('one Terraform output per published URL', () => {
    expect(Object.fromEntries(Object.entries(json.output ?? {}).map(([k, v]) => [k, v.value]))).toEqual({
      PrometheusUrl: 'http://127.0.0.1:9090',
      NodeExporterUrl: 'http://127.0.0.1:9100',
      BlackboxUrl: 'http://127.0.0.1:9115',
      AlertmanagerUrl: 'http://127.0.0.1:9093',
      GrafanaUrl: 'http://127.0.0.1:3000',
      LokiUrl: 'http://127.0.0.1:3100',
      TempoUrl: 'http://127.0.0.1:3200',
      TempoOtlpGrpcUrl: 'http://127.0.0.1:4317',
      TempoOtlpHttpUrl: 'http://127.0.0.1:4318',
      CollectorOtlpGrpcUrl: 'http://127.0.0.1:4327',
      CollectorOtlpHttpUrl: 'http://127.0.0.1:4328',
      CollectorMetricsUrl: 'http://127.0.0.1:8889',
      AlloyUrl: 'http://127.0.0.1:12345',
    });
  });

  test('retention per signal: metrics 30 d, logs 30 d, traces 14 d', () => {
    expect(stack.retention).toEqual({ metrics: '30d', logs: '30d', traces: '14d', profiles: '14d' });
    // Profiles are the optional fourth signal: off by default.
    expect(stack.profiling).toBeUndefined();
    expect(containers.map((c) => c.name)).not.toContain('pyroscope');
    expect(container(json, 'prometheus').command).toContain('--storage.tsdb.retention.time=30d');
    expect(parse(containerFiles(json, 'loki')['/etc/loki/config.yaml']).limits_config.retention_period).toBe('720h');
    expect(parse(Object.values(containerFiles(json, 'tempo'))[0]).compactor.compaction.block_retention).toBe('336h');
  });

  test('secrets are sensitive variables: the seed .env becomes TF_VAR_*', () => {
    expect(Object.entries(json.variable ?? {}).filter(([, v]) => v.sensitive).map(([k]) => k).sort()).toEqual(['grafana_admin_password', 'pagerduty_routing_key', 'slack_webhook_url', 'smtp_password']);
  });

  test('without the Docker socket, Alloy tails the host /var/log read-only', () => {
    const mounts = container(json, 'alloy').mounts as Array<{ source: string; target: string; read_only: boolean }>;
    expect(mounts).toEqual([expect.objectContaining({ source: '/var/log', target: '/var/log', read_only: true })]);
  });

  test('recording rules, the course routing tree and Grafana wiring; promtool and amtool accept the configs', () => {
    const prom = containerFiles(json, 'prometheus');
    expect(Object.keys(prom).filter((f) => f.includes('/rules/')).sort()).toEqual(['/etc/prometheus/rules/http_rules.yml', '/etc/prometheus/rules/node_rules.yml']);
    expect(Object.values(resources(json, 'grafana_data_source')).map((d) => d.uid).sort()).toEqual(['alertmanager', 'loki', 'prometheus', 'tempo']);
    expect(Object.values(resources(json, 'grafana_dashboard')).length).toBe(2);
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(prom)).toMatchObject({ code: 0 });
      expect(promtoolCheckRules(prom)).toMatchObject({ code: 0 });
    }
    if (haveTool('amtool')) expect(amtoolCheckConfig(containerFiles(json, 'alertmanager'))).toMatchObject({ code: 0 });
  });
});

describe('ObservabilityStack options', () => {
  test('retention set in one place reaches Prometheus, Loki and Tempo', () => {
    const json = synthJson(new ObservabilityStack(Testing.app(), 'obs', { retention: { metrics: '90d', logs: '7d', traces: '48h' } }));
    expect(container(json, 'prometheus').command).toContain('--storage.tsdb.retention.time=90d');
    expect(parse(containerFiles(json, 'loki')['/etc/loki/config.yaml']).limits_config.retention_period).toBe('168h');
    expect(parse(Object.values(containerFiles(json, 'tempo'))[0]).compactor.compaction.block_retention).toBe('48h');
  });

  test('profiling: true adds Pyroscope (retention.profiles, 127.0.0.1:4040, an output), its data source, the Tempo link and the Collector profiles pipeline', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { profiling: true, retention: { profiles: '7d' } });
    const json = synthJson(stack);
    expect(stack.profiling?.componentName).toBe('pyroscope');
    expect(stack.retention.profiles).toBe('7d');
    const pyroscope = container(json, 'pyroscope');
    expect(pyroscope.ports).toEqual([{ internal: 4040, external: 4040, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(parse(containerFiles(json, 'pyroscope')['/etc/pyroscope/config.yaml']).limits).toEqual({ retention_period: '168h' });
    expect(json.output?.PyroscopeUrl?.value).toBe('http://127.0.0.1:4040');
    const sources = Object.values(resources(json, 'grafana_data_source'));
    expect(sources.find((d) => d.type === 'grafana-pyroscope-datasource')).toMatchObject({ uid: 'pyroscope', url: 'http://pyroscope:4040' });
    const tempo = JSON.parse(String(sources.find((d) => d.type === 'tempo')!.json_data_encoded).replace(/\$\$\{/g, '${'));
    expect(tempo.tracesToProfiles).toMatchObject({ datasourceUid: 'pyroscope' });
    expect(parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']).service.pipelines.profiles.exporters).toEqual([expect.stringMatching(/^otlp_?http\/pyroscope$/)]);
    expect(container(json, 'otel-collector').command).toContain('--feature-gates=service.profilesSupport');

    // Props configure it (hostIp from the stack), retention stays in one place.
    const custom = synthJson(new ObservabilityStack(Testing.app(), 'obs', { hostIp: '10.0.0.5', profiling: { hostPort: 14040, logLevel: 'warn' } }));
    expect(container(custom, 'pyroscope').ports).toEqual([{ internal: 4040, external: 14040, ip: '10.0.0.5', protocol: 'tcp' }]);
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { profiling: { retention: '30d' } })).toThrow(/profiling\.retention is set \(got "30d"\), but the stack sets retention in one place\. Use retention\.profiles instead/);
  });

  test('hostIp moves every published port; a part may still set its own', () => {
    const json = synthJson(new ObservabilityStack(Testing.app(), 'obs', { hostIp: '10.0.0.5', grafana: { hostIp: '127.0.0.1' } }));
    const ips = Object.fromEntries(Object.values(resources(json, 'docker_container')).map((c) => [c.name, [...new Set(((c.ports ?? []) as Port[]).map((p) => p.ip))]]));
    expect(ips.grafana).toEqual(['127.0.0.1']);
    expect(ips.prometheus).toEqual(['10.0.0.5']);
    expect(ips.tempo).toEqual(['10.0.0.5']);
    expect(ips['otel-collector']).toEqual(['10.0.0.5']);
  });

  test('every part can be left out', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { grafana: false, loki: false, tempo: false, collector: false, blackbox: false, alertmanager: false, routing: false, nodeExporter: false });
    const json = synthJson(stack);
    expect(Object.values(resources(json, 'docker_container')).map((c) => c.name)).toEqual(['prometheus']);
    expect(json.resource?.grafana_dashboard).toBeUndefined();
    expect(stack.logAgent).toBeUndefined();
    expect(Object.keys(json.output ?? {})).toEqual(['PrometheusUrl']);
  });

  test('a part can be replaced by your own construct, which the other parts discover', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', {
      prometheus: (scope, id) => new PrometheusServer(scope, id, { name: 'metrics', retentionTime: '90d', enableRemoteWriteReceiver: true }),
      grafana: (scope, id) => new ExistingGrafana(scope, id, { url: 'https://grafana.example.com', auth: secretVariable(scope, 'grafana_auth').stringValue }),
    });
    const json = synthJson(stack);
    const names = Object.values(resources(json, 'docker_container')).map((c) => c.name);
    expect(names).toContain('metrics');
    expect(names).not.toContain('grafana');
    const prometheusSource = Object.values(resources(json, 'grafana_data_source')).find((d) => d.uid === 'prometheus');
    expect(prometheusSource?.url).toBe('http://metrics:9090');
    expect(parse(Object.values(containerFiles(json, 'tempo'))[0]).metrics_generator.storage.remote_write[0].url).toBe('http://metrics:9090/api/v1/write');
    expect(parse(containerFiles(json, 'metrics')['/etc/prometheus/prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(['prometheus', 'node', 'otel-collector']);
  });

  test('errors: retention set on a part, a bad retention, an alert pack without recording rules', () => {
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { prometheus: { retentionTime: '15d' } })).toThrow(
      /\[obs\] prometheus\.retentionTime is set \(got "15d"\), but the stack sets retention in one place\. Use retention\.metrics instead\./,
    );
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { tempo: { retention: '1d' } })).toThrow(/tempo\.retention is set \(got "1d"\).*Use retention\.traces instead/);
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { retention: { logs: '30 days' } })).toThrow(/retention\.logs .*"30 days"/);
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { retention: { traces: '10m' } })).toThrow(/retention\.traces must be at least 1h \(got "10m"\)/);
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { recordingRules: false, alertPack: { runbookBaseUrl: 'https://wiki.example.com' } })).toThrow(
      /alertPack reads the RED and USE recording rules, which recordingRules: false leaves out/,
    );
  });
});

describe('snapshotStack (the snapshot helper)', () => {
  const snap = snapshotStack(new ObservabilityStack(Testing.app(), 'obs'));

  test('every generated file as the container reads it, Terraform escapes undone', () => {
    expect(Object.keys(snap.files)).toEqual(expect.arrayContaining(['prometheus:/etc/prometheus/prometheus.yml', 'alertmanager:/etc/alertmanager/alertmanager.yml', 'alloy:/etc/alloy/config.alloy', 'loki:/etc/loki/config.yaml']));
    expect(snap.files['prometheus:/etc/prometheus/prometheus.yml']).toContain('replacement: ${1}');
    expect(snap.files['prometheus:/etc/prometheus/prometheus.yml']).not.toContain('$${');
    // References stay references, never values.
    expect(snap.files['alertmanager:/etc/alertmanager/secrets/slack-default.slack_url.0']).toBe('${var.slack_webhook_url}');
  });

  test('the Terraform JSON points at the files and dashboards instead of repeating them', () => {
    const resource = snap.terraform.resource as Record<string, Record<string, { upload?: Array<{ file: string; content: string }>; config_json?: string }>>;
    const prometheus = Object.values(resource.docker_container).find((c) => (c.upload ?? []).some((u) => u.file === '/etc/prometheus/prometheus.yml'))!;
    expect(prometheus.upload!.find((u) => u.file === '/etc/prometheus/prometheus.yml')!.content).toBe('see files["prometheus:/etc/prometheus/prometheus.yml"]');
    expect(Object.values(resource.grafana_dashboard).map((d) => d.config_json).sort()).toEqual(['see dashboards["node-use"]', 'see dashboards["service-overview"]']);
    expect((snap.dashboards['service-overview'] as { title: string }).title).toBe('Service Overview');
  });
});

describe('ObservabilityStack storage and target', () => {
  const store = { endpoint: 's3.eu-central-1.amazonaws.com', region: 'eu-central-1', logsBucket: 'obs-logs', tracesBucket: 'obs-traces' };

  test('objectStorage puts logs and traces in their buckets, with the keys as sensitive variables the stack creates', () => {
    const json = synthJson(new ObservabilityStack(Testing.app(), 'obs', { objectStorage: store }));
    for (const v of ['object_storage_access_key_id', 'object_storage_secret_access_key']) expect(json.variable?.[v]).toMatchObject({ sensitive: true });
    const loki = parse(containerFiles(json, 'loki')['/etc/loki/config.yaml']);
    expect(JSON.stringify(loki)).toContain('obs-logs');
    const tempo = parse(Object.values(containerFiles(json, 'tempo'))[0]);
    expect(tempo.storage.trace).toMatchObject({ backend: 's3', s3: { bucket: 'obs-traces', endpoint: 's3.eu-central-1.amazonaws.com' } });
    expect(JSON.stringify(json)).not.toMatch(/"(access_key_id|secret_access_key|access_key|secret_key)":\s*"[A-Za-z0-9]/);
  });

  test('kubernetes: the same stack on Helm releases, no container, no published port, no log agent', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { kubernetes: { namespace: 'observability' }, objectStorage: store });
    const json = synthJson(stack);
    expect(json.resource?.docker_container).toBeUndefined();
    expect(Object.values(resources(json, 'helm_release')).map((r) => r.chart).sort()).toEqual(['grafana', 'kube-prometheus-stack', 'loki', 'tempo-distributed']);
    expect(stack.logAgent).toBeUndefined();
    expect(helmValues(json, 'prometheus').prometheus.prometheusSpec).toMatchObject({ replicas: 2, retention: '30d' });
    // Grafana's data sources point at the in-cluster Services.
    const urls = Object.values(resources(json, 'grafana_data_source')).map((d) => String(d.url));
    expect(urls).toHaveLength(4);
    for (const url of urls) expect(url).toMatch(/^http:\/\/[a-z0-9-]+\.observability\.svc:\d+/);
  });

  test('errors: both targets, or hostIp on Kubernetes', () => {
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { kubernetes: {}, docker: {} })).toThrow(/docker and kubernetes are both set: a stack runs on one target/);
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { kubernetes: {}, hostIp: '10.0.0.5' })).toThrow(/hostIp is a Docker option \(got "10\.0\.0\.5"\); on Kubernetes nothing is published/);
  });
});
