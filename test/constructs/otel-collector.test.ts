import { AnnotationMetadataEntryType } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { OtelCollector } from '../../constructs/otel-collector';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { TempoBackend } from '../../constructs/tempo-backend';
import { Duration } from '../../lib/core/duration';
import { secretVariable } from '../../lib/core/secrets';
import { Observability } from '../../lib/observability';
import { COURSE_ENVIRONMENT_ATTRIBUTES, COURSE_TAIL_SAMPLING } from '../../lib/otel/config';
import { container, containerFiles, haveTool, promtoolCheckConfig, rawFiles, synthJson, testStack } from '../helpers/synth';

const CONFIG = '/etc/otel/config.yml';

function collectorConfig(json: ReturnType<typeof synthJson>, name = 'otel-collector') {
  return parse(containerFiles(json, name)[CONFIG]);
}

function warnings(c: Construct): string[] {
  return c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

/** Stands in for the Loki construct (not in the library yet): registered as 'loki', with `otlpUrl`. */
class FakeLoki extends Construct {
  public readonly otlpUrl = 'http://loki:3100/otlp';
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Observability.of(this).register('loki', this);
  }
}

describe('OtelCollector', () => {
  test('defaults: the course collector, config at /etc/otel/config.yml, host ports 4327/4328/8889 on 127.0.0.1, no Docker healthcheck', () => {
    const stack = testStack();
    const collector = new OtelCollector(stack, 'Collector');
    const json = synthJson(stack);
    const c = container(json, 'otel-collector');
    expect(c.command).toEqual(['--config=/etc/otel/config.yml']);
    expect(c.user).toBe('10001:10001');
    expect(c.ports).toEqual([
      { internal: 4317, external: 4327, ip: '127.0.0.1', protocol: 'tcp' },
      { internal: 4318, external: 4328, ip: '127.0.0.1', protocol: 'tcp' },
      { internal: 8889, external: 8889, ip: '127.0.0.1', protocol: 'tcp' },
    ]);
    // The contrib image is FROM scratch: the health_check extension replaces a Docker healthcheck.
    expect(c.healthcheck).toBeUndefined();

    const cfg = collectorConfig(json);
    expect(Object.keys(cfg)).toEqual(['extensions', 'receivers', 'processors', 'exporters', 'service']);
    expect(cfg.extensions).toEqual({ health_check: { endpoint: '0.0.0.0:13133' } });
    expect(cfg.receivers).toEqual({ otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } });
    expect(cfg.processors).toEqual({
      memory_limiter: { check_interval: '1s', limit_mib: 512, spike_limit_mib: 128 },
      batch: { timeout: '5s', send_batch_size: 1000 },
    });
    expect(cfg.exporters).toEqual({
      // Collector 0.144+ names the OTLP exporters otlp_grpc / otlp_http (the model keeps otlp / otlphttp).
      'otlp_grpc/tempo': { endpoint: 'tempo:4317', tls: { insecure: true } },
      prometheus: { endpoint: '0.0.0.0:8889', namespace: 'otel', enable_open_metrics: true, resource_to_telemetry_conversion: { enabled: true } },
    });
    expect(cfg.service).toEqual({
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp_grpc/tempo'] },
        metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus'] },
      },
    });
    // No Loki in the stack: no logs pipeline. No Tempo: the course's address, with a warning.
    expect(collector.pipelineIds).toEqual(['traces', 'metrics']);
    expect(warnings(collector)).toEqual([expect.stringMatching(/^no TempoBackend in this stack: the traces pipeline exports to "tempo:4317"/)]);
    expect(collector.endpoint.address).toBe('otel-collector:4317');
    expect(collector.otlpHttpEndpoint.url).toBe('http://otel-collector:4318');
    expect(Observability.of(stack).find('otel-collector')).toEqual([collector]);
  });

  test.each<[string, string, string]>([
    ['otel/opentelemetry-collector-contrib:0.115.0', 'otlp/tempo', 'otlphttp/loki'],
    ['otel/opentelemetry-collector-contrib:0.143.0', 'otlp/tempo', 'otlphttp/loki'],
    ['otel/opentelemetry-collector-contrib:0.144.0', 'otlp_grpc/tempo', 'otlp_http/loki'],
    ['otel/opentelemetry-collector-contrib:nightly-20260801', 'otlp_grpc/tempo', 'otlp_http/loki'],
  ])('%s: OTLP exporters written %s and %s, in the exporters and the pipelines', (image, traces, logs) => {
    const stack = testStack();
    new FakeLoki(stack, 'Loki');
    const collector = new OtelCollector(stack, 'Collector', { image });
    const cfg = collectorConfig(synthJson(stack));
    expect(Object.keys(cfg.exporters)).toEqual([traces, 'prometheus', logs]);
    expect(cfg.service.pipelines.traces.exporters).toEqual([traces]);
    expect(cfg.service.pipelines.logs.exporters).toEqual([logs]);
    // The model, and the ids users write in pipelines, keep the type names of the library's API.
    expect(collector.model().exporters.map((e) => e.type)).toEqual(['otlp', 'prometheus', 'otlphttp']);
  });

  test.each<[string, string]>([
    ['0.153.0', 'prometheusremotewrite/mimir'],
    ['0.154.0', 'prometheus_remote_write/mimir'],
  ])('Collector %s writes the remote-write exporter %s', (tag, id) => {
    const stack = testStack();
    new OtelCollector(stack, 'Collector', {
      image: `otel/opentelemetry-collector-contrib:${tag}`,
      receivers: [{ type: 'otlp' }],
      exporters: [{ type: 'prometheusremotewrite', name: 'mimir', endpoint: 'http://mimir:8080/api/v1/push' }],
      pipelines: { metrics: { receivers: ['otlp'], exporters: ['prometheusremotewrite/mimir'] } },
    });
    const cfg = collectorConfig(synthJson(stack));
    expect(Object.keys(cfg.exporters)).toEqual([id]);
    expect(cfg.service.pipelines.metrics.exporters).toEqual([id]);
  });

  test('cross-wiring: Prometheus, Tempo and the Collector find each other in one stack', () => {
    const stack = testStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus');
    new TempoBackend(stack, 'Tempo');
    const collector = new OtelCollector(stack, 'Collector');
    prometheus.scrape(collector);
    const json = synthJson(stack);

    expect(collectorConfig(json).exporters['otlp_grpc/tempo'].endpoint).toBe('tempo:4317');
    const tempo = parse(containerFiles(json, 'tempo')['/etc/tempo/tempo-config.yml']);
    expect(tempo.metrics_generator.storage.remote_write).toEqual([{ url: 'http://prometheus:9090/api/v1/write', send_exemplars: true }]);
    const args = container(json, 'prometheus').command as string[];
    expect(args).toContain('--web.enable-remote-write-receiver');
    expect(args).toContain('--enable-feature=exemplar-storage');

    const files = containerFiles(json, 'prometheus');
    const jobs = parse(files['/etc/prometheus/prometheus.yml']).scrape_configs;
    expect(jobs[1]).toEqual({ job_name: 'otel-collector', honor_labels: true, static_configs: [{ targets: ['otel-collector:8889'] }] });
    if (haveTool('promtool')) expect(promtoolCheckConfig(files).code).toBe(0);
    expect(warnings(collector)).toEqual([]);
  });

  test('a Loki in the stack gets the logs pipeline over OTLP/HTTP; an explicit tempo prop wins over discovery', () => {
    const stack = testStack();
    new FakeLoki(stack, 'Loki');
    new TempoBackend(stack, 'Tempo');
    const other = new TempoBackend(stack, 'TracesArchive', { name: 'traces-archive', metricsGenerator: false, publishPorts: false });
    new OtelCollector(stack, 'Collector', { tempo: other });
    const cfg = collectorConfig(synthJson(stack));
    expect(cfg.exporters['otlp_grpc/tempo'].endpoint).toBe('traces-archive:4317');
    expect(cfg.exporters['otlp_http/loki']).toEqual({ endpoint: 'http://loki:3100/otlp' });
    expect(Object.keys(cfg.service.pipelines)).toEqual(['traces', 'metrics', 'logs']);
    expect(cfg.service.pipelines.logs).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp_http/loki'] });
  });

  test('a typed configuration renders with the Collector field names', () => {
    const stack = testStack();
    const collector = new OtelCollector(stack, 'Collector', {
      receivers: [
        { type: 'otlp', grpc: { endpoint: '0.0.0.0:4317' }, http: false },
        { type: 'prometheus', name: 'self', scrapeConfigs: [{ jobName: 'collector', targets: ['localhost:8888'], scrapeInterval: '30s' }] },
      ],
      processors: [
        { type: 'memory_limiter', limitMib: 400 },
        { type: 'batch', timeout: Duration.seconds(90), sendBatchSize: 512, sendBatchMaxSize: 1024 },
        COURSE_ENVIRONMENT_ATTRIBUTES,
        {
          type: 'attributes',
          name: 'scrub',
          actions: [
            { action: 'delete', key: 'http.request.header.authorization' },
            { action: 'hash', pattern: '^user\\..*$' },
            { action: 'extract', key: 'http.url', pattern: '^https?://[^/]+/api/(?P<api_version>v\\d+)/' },
            { action: 'insert', key: 'peer', fromAttribute: 'net.peer.name' },
          ],
        },
        { type: 'resource', actions: [{ action: 'upsert', key: 'deployment.environment', value: 'production' }] },
        { ...COURSE_TAIL_SAMPLING, decisionWait: '10s', numTraces: 50000, expectedNewTracesPerSec: 100 },
        {
          type: 'tail_sampling',
          name: 'checkout',
          policies: [
            { name: 'all', type: 'always_sample' },
            { name: 'routes', type: 'string_attribute', key: 'http.route', values: ['/checkout.*'], enabledRegexMatching: true },
          ],
        },
        { type: 'filter', name: 'health', errorMode: 'ignore', traces: { span: ['attributes["http.route"] == "/health"'] } },
      ],
      exporters: [
        { type: 'otlp', name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true } },
        { type: 'prometheusremotewrite', endpoint: 'http://prometheus:9090/api/v1/write', externalLabels: { source: 'otel' }, resourceToTelemetryConversion: true },
        { type: 'debug', verbosity: 'detailed' },
      ],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'filter/health', 'attributes/scrub', 'resource', 'tail_sampling', 'batch'], exporters: ['otlp/tempo'] },
        'traces/checkout': { receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling/checkout', 'batch'], exporters: ['debug'] },
        metrics: { receivers: ['otlp', 'prometheus/self'], processors: ['memory_limiter', 'batch'], exporters: ['prometheusremotewrite'] },
        logs: { receivers: ['otlp'], processors: ['memory_limiter', 'attributes', 'batch'], exporters: ['debug'] },
      },
    });
    const json = synthJson(stack);
    const cfg = collectorConfig(json);
    expect(cfg.receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } },
      'prometheus/self': { config: { scrape_configs: [{ job_name: 'collector', scrape_interval: '30s', static_configs: [{ targets: ['localhost:8888'] }] }] } },
    });
    expect(cfg.processors.memory_limiter).toEqual({ check_interval: '1s', limit_mib: 400 });
    expect(cfg.processors.batch).toEqual({ timeout: '1m30s', send_batch_size: 512, send_batch_max_size: 1024 });
    expect(cfg.processors.attributes).toEqual({ actions: [{ key: 'environment', value: 'production', action: 'upsert' }] });
    expect(cfg.processors['attributes/scrub'].actions).toEqual([
      { key: 'http.request.header.authorization', action: 'delete' },
      // `$` is the Collector's expansion character: written `$$`, read back as `$`.
      { pattern: '^user\\..*$$', action: 'hash' },
      { key: 'http.url', pattern: '^https?://[^/]+/api/(?P<api_version>v\\d+)/', action: 'extract' },
      { key: 'peer', from_attribute: 'net.peer.name', action: 'insert' },
    ]);
    // The resource processor calls its action list `attributes`.
    expect(cfg.processors.resource).toEqual({ attributes: [{ key: 'deployment.environment', value: 'production', action: 'upsert' }] });
    expect(cfg.processors.tail_sampling).toEqual({
      decision_wait: '10s',
      num_traces: 50000,
      expected_new_traces_per_sec: 100,
      policies: [
        { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
        { name: 'sampling', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
        { name: 'slow-traces', type: 'latency', latency: { threshold_ms: 2000 } },
      ],
    });
    expect(cfg.processors['tail_sampling/checkout'].policies).toEqual([
      { name: 'all', type: 'always_sample' },
      { name: 'routes', type: 'string_attribute', string_attribute: { key: 'http.route', values: ['/checkout.*'], enabled_regex_matching: true } },
    ]);
    expect(cfg.processors['filter/health']).toEqual({ error_mode: 'ignore', traces: { span: ['attributes["http.route"] == "/health"'] } });
    // prometheus_remote_write since 0.154.0 (prometheusremotewrite in the model and the pipeline ids given).
    expect(cfg.exporters.prometheus_remote_write).toEqual({ endpoint: 'http://prometheus:9090/api/v1/write', external_labels: { source: 'otel' }, resource_to_telemetry_conversion: { enabled: true } });
    expect(cfg.service.pipelines.metrics.exporters).toEqual(['prometheus_remote_write']);
    expect(cfg.exporters.debug).toEqual({ verbosity: 'detailed' });
    expect(Object.keys(cfg.service.pipelines)).toEqual(['traces', 'traces/checkout', 'metrics', 'logs']);
    expect(cfg.service.pipelines.traces.processors).toEqual(['memory_limiter', 'filter/health', 'attributes/scrub', 'resource', 'tail_sampling', 'batch']);
    // Only the ports of the given components are published; no prometheus exporter, no 8889.
    expect(container(json, 'otel-collector').ports).toEqual([{ internal: 4317, external: 4327, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(collector.scrapeJobs()).toEqual([]);
  });

  test('credential headers are tokens, read by the Collector from a secret file, never inlined', () => {
    const stack = testStack();
    new OtelCollector(stack, 'Collector', {
      receivers: [{ type: 'otlp' }],
      exporters: [
        {
          type: 'otlphttp',
          name: 'grafana-cloud',
          endpoint: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp',
          headers: { Authorization: secretVariable(stack, 'grafana_cloud_otlp_auth').stringValue, 'X-Scope-OrgID': 'tenant-1' },
        },
      ],
      pipelines: { traces: { receivers: ['otlp'], exporters: ['otlphttp/grafana-cloud'] } },
    });
    const json = synthJson(stack);
    const secretPath = '/etc/otel/secrets/otlphttp_grafana-cloud-2ab6c9c1.authorization'; // the id holds '/', so the file name carries a hash (distinct ids, distinct files)
    const cfg = collectorConfig(json);
    expect(cfg.exporters['otlp_http/grafana-cloud'].headers).toEqual({ Authorization: `\${file:${secretPath}}`, 'X-Scope-OrgID': 'tenant-1' });
    expect(rawFiles(json, 'otel-collector')[CONFIG]).not.toContain('var.grafana_cloud_otlp_auth');
    expect(rawFiles(json, 'otel-collector')[secretPath]).toBe('${var.grafana_cloud_otlp_auth}');
    // No processors: the key is left out rather than rendered empty.
    expect(cfg.processors).toBeUndefined();
    expect(cfg.service.pipelines.traces).toEqual({ receivers: ['otlp'], exporters: ['otlp_http/grafana-cloud'] });
  });

  test('components and pipelines added after construction count, in either order; the default traces pipeline yields to yours', () => {
    const stack = testStack();
    const collector = new OtelCollector(stack, 'Collector');
    collector.addPipeline('traces', { receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp/tempo', 'debug'] });
    collector.addProcessor(COURSE_TAIL_SAMPLING);
    collector.addExporter({ type: 'otlp', name: 'tempo', endpoint: 'tempo.example.internal:4317' });
    collector.addExporter({ type: 'debug' });
    const cfg = collectorConfig(synthJson(stack));
    expect(cfg.service.pipelines.traces.processors).toEqual(['memory_limiter', 'tail_sampling', 'batch']);
    expect(cfg.exporters['otlp_grpc/tempo']).toEqual({ endpoint: 'tempo.example.internal:4317' });
    expect(Object.keys(cfg.service.pipelines)).toEqual(['metrics', 'traces']);
    // Yours: no warning about a missing Tempo.
    expect(warnings(collector)).toEqual([]);
  });

  test('warnings: a memory limit above the container limit, exemplars under another label than the correlation settings expect', () => {
    const stack = testStack();
    Observability.of(stack).setCorrelation({ exemplarTraceIdLabel: 'traceID' });
    new TempoBackend(stack, 'Tempo');
    const collector = new OtelCollector(stack, 'Collector', { resources: { memoryMiB: 512 } });
    synthJson(stack);
    expect(warnings(collector)).toEqual([
      expect.stringMatching(/^memory_limiter allows 512 MiB but the container is limited to 512 MiB/),
      expect.stringMatching(/writes exemplars with the label "trace_id", but the stack's correlation settings expect "traceID"/),
    ]);
  });

  test('custom names and host ports', () => {
    const stack = testStack();
    const collector = new OtelCollector(stack, 'Collector', { name: 'otelcol', hostPort: 14317, otlpHttpHostPort: 14318, metricsHostPort: 18889 });
    const json = synthJson(stack);
    expect((container(json, 'otelcol').ports as Array<{ external: number }>).map((p) => p.external)).toEqual([14317, 14318, 18889]);
    expect(collector.scrapeJobs()).toEqual([{ jobName: 'otelcol', targets: ['otelcol:8889'], honorLabels: true }]);
  });
});
