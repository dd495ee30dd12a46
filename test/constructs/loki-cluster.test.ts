import { AnnotationMetadataEntryType, TerraformVariable } from 'cdktf';
import { IConstruct } from 'constructs';
import { parse } from 'yaml';
import { AlertRoute } from '../../constructs/alert-route';
import { Alertmanager } from '../../constructs/alertmanager';
import { LokiCluster } from '../../constructs/loki-cluster';
import { Receiver } from '../../lib/alertmanager/receivers';
import { Observability } from '../../lib/observability';
import { container, containerFiles, haveTool, rawFiles, resources, synthJson, terraformEvaluate, testStack } from '../helpers/synth';

const CONFIG = '/etc/loki/config.yaml';
const OOM = 'count_over_time({job=~".+"} |= "OOM" [5m]) > 0';

function config(json: ReturnType<typeof synthJson>, name = 'loki') {
  return parse(containerFiles(json, name)[CONFIG]);
}

function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

function s3Stack() {
  const stack = testStack();
  const secret = new TerraformVariable(stack, 's3', { type: 'string', sensitive: true });
  const keyId = new TerraformVariable(stack, 's3_key_id', { type: 'string' });
  const loki = new LokiCluster(stack, 'Loki', {
    mode: 'simple-scalable',
    objectStorage: { endpoint: 'minio:9000', bucket: 'loki-chunks', accessKeyId: keyId.stringValue, secretAccessKey: secret.stringValue, insecure: true },
  });
  return { stack, loki };
}

describe('LokiCluster (monolithic)', () => {
  test("renders the course's loki-config.yml", () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki');
    const cfg = config(synthJson(stack));
    expect(cfg.auth_enabled).toBe(false);
    expect(cfg.server).toEqual({ http_listen_port: 3100, grpc_listen_port: 9096, log_level: 'info' });
    expect(cfg.common).toEqual({
      path_prefix: '/loki',
      storage: { filesystem: { chunks_directory: '/loki/chunks', rules_directory: '/etc/loki/rules' } },
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
    });
    expect(cfg.schema_config.configs).toEqual([
      { from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } },
    ]);
    expect(cfg.limits_config).toEqual({
      retention_period: '720h',
      max_query_length: '721h',
      max_query_parallelism: 32,
      max_query_series: 500,
      max_entries_limit_per_query: 10000,
      ingestion_rate_mb: 10,
      ingestion_burst_size_mb: 20,
      per_stream_rate_limit: '5MB',
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
      allow_structured_metadata: true,
      volume_enabled: true,
    });
    expect(cfg.compactor).toEqual({
      working_directory: '/loki/compactor',
      compaction_interval: '10m',
      retention_enabled: true,
      retention_delete_delay: '2h',
      delete_request_store: 'filesystem',
    });
    // No Alertmanager in the stack: no alertmanager_url at all.
    expect(cfg.ruler).toEqual({
      storage: { type: 'local', local: { directory: '/etc/loki/rules' } },
      rule_path: '/loki/rules-temp',
      ring: { kvstore: { store: 'inmemory' } },
      enable_api: true,
    });
    expect(cfg.memberlist).toBeUndefined();
  });

  test('container: pinned image, loki user, named volume at /loki, /ready healthcheck, 3100 on 127.0.0.1', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki');
    const json = synthJson(stack);
    const c = container(json, 'loki');
    expect(Object.values(resources(json, 'docker_image')).map((i) => i.name)).toContain('grafana/loki:3.7.6');
    expect(c.user).toBe('10001:10001');
    expect(c.command).toEqual(['-config.file=/etc/loki/config.yaml']);
    expect(c.env).toBeUndefined();
    expect(c.ports).toEqual([{ internal: 3100, external: 3100, ip: '127.0.0.1', protocol: 'tcp' }]);
    const volume = Object.values(resources(json, 'docker_volume')).find((v) => v.name === 'loki-data');
    expect(volume).toBeDefined();
    expect(c.volumes).toEqual([{ volume_name: expect.stringMatching(/^\$\{docker_volume\.Loki_Data_[0-9A-F]+\.name\}$/), container_path: '/loki' }]);
    // 3.7 is distroless without a shell or wget: the binary checks /ready itself (`-health`).
    expect((c.healthcheck as { test: string[] }).test).toEqual(['CMD', '/usr/bin/loki', '-health', '-health.url=http://127.0.0.1:3100/ready']);
    expect(Object.keys(containerFiles(json, 'loki'))).toEqual([CONFIG]);
  });

  test.each<[string, string[] | undefined]>([
    // busybox in the image (distroless/static:debug) up to 3.5.7
    ['grafana/loki:3.4.0', ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3100/ready']],
    ['grafana/loki:3.5.7', ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3100/ready']],
    // busybox removed (3.5.8 by the upgrade notes, 3.6.0 by the Dockerfile), `-health` not yet there
    ['grafana/loki:3.5.8', undefined],
    ['grafana/loki:3.6.4', undefined],
    // `loki -health` (cmd/loki/health.go) from 3.6.5
    ['grafana/loki:3.6.5', ['CMD', '/usr/bin/loki', '-health', '-health.url=http://127.0.0.1:3100/ready']],
    ['grafana/loki:main-1a2b3c4', ['CMD', '/usr/bin/loki', '-health', '-health.url=http://127.0.0.1:3100/ready']],
  ])('healthcheck follows the image: %s', (image, test) => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki', { image });
    const c = container(synthJson(stack), 'loki');
    expect((c.healthcheck as { test: string[] } | undefined)?.test).toEqual(test);
  });

  test('the ruler sends to every Alertmanager of the stack, found at synth (created after Loki)', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki');
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
    new Alertmanager(stack, 'Alertmanager');
    const cfg = config(synthJson(stack));
    expect(cfg.ruler.alertmanager_url).toBe('http://alertmanager:9093');
    expect(cfg.ruler.enable_alertmanager_v2).toBe(true);
    expect(cfg.ruler.enable_api).toBe(true);
  });

  test('an HA Alertmanager gives one comma-separated URL per replica', () => {
    const stack = testStack();
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
    new Alertmanager(stack, 'Alertmanager', { replicas: 3 });
    new LokiCluster(stack, 'Loki');
    expect(config(synthJson(stack)).ruler.alertmanager_url).toBe('http://alertmanager:9093,http://alertmanager-2:9093,http://alertmanager-3:9093');
  });

  test('LogQL rule groups become files under /etc/loki/rules/fake/, including groups added after construction', () => {
    const stack = testStack();
    const loki = new LokiCluster(stack, 'Loki', {
      remoteWriteUrl: 'http://prometheus:9090/api/v1/write',
      ruleGroups: [{ name: 'log-metrics', interval: '1m', rules: [{ record: 'service:log_errors:rate5m', expr: 'sum by (service) (rate({job="docker"} |= "error" [5m]))', labels: { source: 'loki' } }] }],
    });
    loki.addRuleGroup({
      name: 'log-alerts',
      rules: [
        {
          alert: 'OutOfMemoryInLogs',
          expr: OOM,
          for: '1m',
          labels: { severity: 'warning', team: 'platform' },
          annotations: { summary: 'OOM in {{ $labels.job }}', description: '{{ $value }} OOM lines in 5 minutes.' },
        },
      ],
    });
    const json = synthJson(stack);
    const files = containerFiles(json, 'loki');
    expect(Object.keys(files).sort()).toEqual([CONFIG, '/etc/loki/rules/fake/log-alerts.yaml', '/etc/loki/rules/fake/log-metrics.yaml']);
    expect(parse(files['/etc/loki/rules/fake/log-alerts.yaml'])).toEqual({
      groups: [
        {
          name: 'log-alerts',
          rules: [
            {
              alert: 'OutOfMemoryInLogs',
              expr: OOM,
              for: '1m',
              labels: { severity: 'warning', team: 'platform' },
              annotations: { summary: 'OOM in {{ $labels.job }}', description: '{{ $value }} OOM lines in 5 minutes.' },
            },
          ],
        },
      ],
    });
    expect(parse(files['/etc/loki/rules/fake/log-metrics.yaml']).groups[0]).toEqual({
      name: 'log-metrics',
      interval: '1m',
      rules: [{ record: 'service:log_errors:rate5m', expr: 'sum by (service) (rate({job="docker"} |= "error" [5m]))', labels: { source: 'loki' } }],
    });
    expect(files['/etc/loki/rules/fake/log-alerts.yaml']).toMatch(/^# Generated by /);
    const ruler = parse(files[CONFIG]).ruler;
    expect(ruler.remote_write).toEqual({ enabled: true, clients: { default: { url: 'http://prometheus:9090/api/v1/write' } } });
    expect(ruler.wal).toEqual({ dir: '/loki/ruler-wal' });
    expect(loki.ruleGroups.map((g) => g.name)).toEqual(['log-metrics', 'log-alerts']);
    expect(warnings(stack)).toEqual([]);
  });

  test('recording rules without remoteWriteUrl are accepted with a warning', () => {
    const stack = testStack();
    const loki = new LokiCluster(stack, 'Loki');
    loki.addRuleGroup({ name: 'm', rules: [{ record: 'job:log_lines:rate1m', expr: 'sum by (job) (rate({job=~".+"}[1m]))' }] });
    expect(warnings(loki).join('\n')).toMatch(/rule group "m" has recording rules but remoteWriteUrl is not set/);
    expect(parse(loki.renderConfig()).ruler.remote_write).toBeUndefined();
  });

  test('public API: endpoint, push, OTLP and query URLs, registration, renderConfig', () => {
    const stack = testStack();
    const loki = new LokiCluster(stack, 'Loki');
    expect(loki.endpoint).toEqual({ host: 'loki', port: 3100, address: 'loki:3100', url: 'http://loki:3100' });
    expect(loki.pushUrl).toBe('http://loki:3100/loki/api/v1/push');
    expect(loki.otlpUrl).toBe('http://loki:3100/otlp');
    expect(loki.queryUrl).toBe('http://loki:3100');
    expect(loki.deployments).toHaveLength(1);
    expect(loki.resource).toBe(loki.node.defaultChild);
    expect(Observability.of(stack).find('loki')).toEqual([loki]);
    expect(loki.renderConfig()).toBe(containerFiles(synthJson(stack), 'loki')[CONFIG]);
  });

  test('props: retention, schema date, limits, compactor, log level, name, host address', () => {
    const stack = testStack();
    const loki = new LokiCluster(stack, 'Loki', {
      name: 'logs',
      hostIp: '10.0.0.5',
      hostPort: 13100,
      retentionPeriod: '7d',
      schemaStartDate: '2025-02-28',
      compactionInterval: '5m',
      retentionDeleteDelay: '1d',
      logLevel: 'warn',
      limits: { ingestionRateMb: 4, ingestionBurstSizeMb: 6, maxQuerySeries: 1000, maxEntriesLimitPerQuery: 5000, allowStructuredMetadata: false, maxQueryLength: '30d' },
    });
    const json = synthJson(stack);
    const cfg = config(json, 'logs');
    expect(cfg.server.log_level).toBe('warn');
    expect(cfg.schema_config.configs[0].from).toBe('2025-02-28');
    expect(cfg.limits_config).toMatchObject({
      retention_period: '168h',
      ingestion_rate_mb: 4,
      ingestion_burst_size_mb: 6,
      max_query_series: 1000,
      max_entries_limit_per_query: 5000,
      allow_structured_metadata: false,
      max_query_length: '720h',
    });
    // Go durations: no "d" unit in compaction_interval / retention_delete_delay.
    expect(cfg.compactor).toMatchObject({ compaction_interval: '5m', retention_delete_delay: '24h' });
    expect(container(json, 'logs').ports).toEqual([{ internal: 3100, external: 13100, ip: '10.0.0.5', protocol: 'tcp' }]);
    expect(loki.pushUrl).toBe('http://logs:3100/loki/api/v1/push');
  });

  test('monolithic on S3: object_store s3, credentials from the environment', () => {
    const stack = testStack();
    const secret = new TerraformVariable(stack, 's3', { type: 'string', sensitive: true });
    new LokiCluster(stack, 'Loki', { objectStorage: { endpoint: 's3.eu-central-1.amazonaws.com', bucket: 'logs.example', region: 'eu-central-1', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: secret.stringValue } });
    const json = synthJson(stack);
    const cfg = config(json);
    expect(cfg.schema_config.configs[0].object_store).toBe('s3');
    expect(cfg.compactor.delete_request_store).toBe('s3');
    expect(cfg.common.storage).toEqual({
      s3: {
        endpoint: 's3.eu-central-1.amazonaws.com',
        bucketnames: 'logs.example',
        region: 'eu-central-1',
        access_key_id: '${LOKI_S3_ACCESS_KEY_ID}',
        secret_access_key: '${LOKI_S3_SECRET_ACCESS_KEY}',
        insecure: false,
        s3forcepathstyle: true,
      },
    });
    const c = container(json, 'loki');
    expect(c.command).toEqual(['-config.file=/etc/loki/config.yaml', '-config.expand-env=true']);
    expect(c.env).toEqual(['LOKI_S3_ACCESS_KEY_ID=AKIAEXAMPLE', 'LOKI_S3_SECRET_ACCESS_KEY=${var.s3}']);
  });
});

describe('LokiCluster (simple-scalable)', () => {
  test('three containers, read / write / backend targets, memberlist between them, one shared config', () => {
    const { stack, loki } = s3Stack();
    const json = synthJson(stack);
    const names = ['loki-read', 'loki-write', 'loki-backend'];
    expect(Object.values(resources(json, 'docker_container')).map((c) => c.name).sort()).toEqual([...names].sort());
    for (const [i, target] of ['read', 'write', 'backend'].entries()) {
      const c = container(json, names[i]);
      expect(c.command).toEqual(['-config.file=/etc/loki/config.yaml', `-target=${target}`, '-config.expand-env=true']);
      expect(c.user).toBe('10001:10001');
      expect(c.volumes).toEqual([{ volume_name: expect.any(String), container_path: '/loki' }]);
      expect(containerFiles(json, names[i])[CONFIG]).toBe(loki.renderConfig());
    }
    expect(Object.values(resources(json, 'docker_volume')).map((v) => v.name).sort()).toEqual(['loki-backend-data', 'loki-read-data', 'loki-write-data']);
    // Only the read side is published on the host.
    expect(container(json, 'loki-read').ports).toEqual([{ internal: 3100, external: 3100, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(container(json, 'loki-write').ports).toEqual([]);
    expect(container(json, 'loki-backend').ports).toEqual([]);

    const cfg = config(json, 'loki-read');
    expect(cfg.memberlist).toEqual({ join_members: ['loki-read:7946', 'loki-write:7946', 'loki-backend:7946'], bind_port: 7946 });
    expect(cfg.common.ring).toEqual({ kvstore: { store: 'memberlist' } });
    expect(cfg.ruler.ring).toEqual({ kvstore: { store: 'memberlist' } });
    expect(cfg.common.compactor_address).toBe('http://loki-backend:3100');
    expect(cfg.common.storage.s3).toEqual({
      endpoint: 'minio:9000',
      bucketnames: 'loki-chunks',
      access_key_id: '${LOKI_S3_ACCESS_KEY_ID}',
      secret_access_key: '${LOKI_S3_SECRET_ACCESS_KEY}',
      insecure: true,
      s3forcepathstyle: true,
    });
    expect(cfg.schema_config.configs[0]).toMatchObject({ store: 'tsdb', schema: 'v13', object_store: 's3' });
  });

  test('the secret is not in the JSON: only a variable reference in the environment', () => {
    const { stack } = s3Stack();
    const json = synthJson(stack);
    for (const name of ['loki-read', 'loki-write', 'loki-backend']) {
      expect(container(json, name).env).toEqual(['LOKI_S3_ACCESS_KEY_ID=${var.s3_key_id}', 'LOKI_S3_SECRET_ACCESS_KEY=${var.s3}']);
      // The config holds escaped placeholders ($${...}) that Terraform turns into ${...}.
      expect(rawFiles(json, name)[CONFIG]).toContain('secret_access_key: "$${LOKI_S3_SECRET_ACCESS_KEY}"');
      expect(rawFiles(json, name)[CONFIG]).not.toContain('var.s3');
    }
    expect(json.variable?.s3).toMatchObject({ sensitive: true });
  });

  test('endpoints and rules: queries on loki-read, pushes on loki-write, rule files on loki-backend only', () => {
    const { stack, loki } = s3Stack();
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
    new Alertmanager(stack, 'Alertmanager');
    loki.addRuleGroup({ name: 'oom', rules: [{ alert: 'OutOfMemoryInLogs', expr: OOM, for: '5m', labels: { severity: 'warning' }, annotations: { summary: 'OOM', description: 'OOM lines in the logs.' } }] });
    const json = synthJson(stack);
    expect(loki.queryUrl).toBe('http://loki-read:3100');
    expect(loki.endpoint.host).toBe('loki-read');
    expect(loki.pushUrl).toBe('http://loki-write:3100/loki/api/v1/push');
    expect(loki.otlpUrl).toBe('http://loki-write:3100/otlp');
    expect(loki.deployments).toHaveLength(3);
    expect(loki.resource).toBe(loki.node.defaultChild);
    expect(Object.keys(containerFiles(json, 'loki-backend')).sort()).toEqual([CONFIG, '/etc/loki/rules/fake/oom.yaml']);
    expect(Object.keys(containerFiles(json, 'loki-read'))).toEqual([CONFIG]);
    expect(Object.keys(containerFiles(json, 'loki-write'))).toEqual([CONFIG]);
    expect(config(json, 'loki-backend').ruler.alertmanager_url).toBe('http://alertmanager:9093');
  });

  (haveTool('terraform') ? test : test.skip)('the real terraform binary leaves ${LOKI_S3_...} for Loki to expand', () => {
    const { stack } = s3Stack();
    const evaluated = terraformEvaluate({ config: rawFiles(synthJson(stack), 'loki-write')[CONFIG] });
    expect(evaluated.config).toContain('access_key_id: "${LOKI_S3_ACCESS_KEY_ID}"');
    expect(evaluated.config).toContain('secret_access_key: "${LOKI_S3_SECRET_ACCESS_KEY}"');
  });
});

describe('LokiCluster remote write to the stack Prometheus', () => {
  test('switches on the Prometheus remote-write receiver it writes to', () => {
    const { PrometheusServer } = require('../../constructs/prometheus-server') as typeof import('../../constructs/prometheus-server');
    const { LokiCluster } = require('../../constructs/loki-cluster') as typeof import('../../constructs/loki-cluster');
    const { container, synthJson, testStack } = require('../helpers/synth') as typeof import('../helpers/synth');
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    new LokiCluster(stack, 'Loki', { remoteWriteUrl: 'http://prometheus:9090/api/v1/write' });
    expect(container(synthJson(stack), 'prometheus').command).toContain('--web.enable-remote-write-receiver');
  });
});
