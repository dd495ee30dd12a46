/**
 * The generated configurations checked against facts read from each engine's own source at
 * the pinned release tag (test/fixtures/engines, written by hand with repository, tag and
 * commit). None of these engines runs here, so these facts are the check: every key path the
 * library writes is a field at the tag, every Collector component is in the contrib
 * distribution's manifest under the name that release uses, every Alloy component exists and
 * is generally available with the arguments written, and the pins and healthchecks follow.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { LOKI_IMAGE, LokiCluster } from '../../../constructs/loki-cluster';
import { ALLOY_IMAGE, LogAgent, PROMTAIL_IMAGE } from '../../../constructs/log-agent';
import { OTEL_COLLECTOR_IMAGE, OtelCollector } from '../../../constructs/otel-collector';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { TEMPO_IMAGE, TempoBackend } from '../../../constructs/tempo-backend';
import { LogPipelineSpec, alloyComponents, renderPromtailPipeline } from '../../../lib/alloy/pipeline';
import { AlloyBlock, AlloyStatement, AlloyValue, isReference } from '../../../lib/alloy/syntax';
import { logqlProblem } from '../../../lib/core/logql';
import { secretVariable } from '../../../lib/core/secrets';
import { LokiConfigModel, lokiHealthcheck, renderLokiDocument, resolveLokiLimits } from '../../../lib/loki/config';
import { RENAMED_EXPORTER_TYPES, renderCollectorConfig } from '../../../lib/otel/config';
import { TempoGeneration, renderTempoConfig, tempoHealthcheck } from '../../../lib/tempo/config';
import { container, containerFiles, synthJson, testStack } from '../../helpers/synth';

type Facts = Record<string, any>;
function facts(file: string): Facts {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/engines', file), 'utf8'));
}
const LOKI = facts('loki-3.7.6.json');
const TEMPO = facts('tempo-3.0.3.json');
const ALLOY = facts('alloy-1.18.1.json');
const OTELCOL = facts('otelcol-contrib-0.159.0.json');
const PROMTAIL = facts('promtail-3.6.11.json');

/**
 * Key paths of a configuration document: `a.b`, `a[].c` for list items that are objects;
 * below a free map nothing is followed; below a named map the key becomes `<name>`.
 */
function keyPaths(doc: unknown, free: readonly string[] = [], named: readonly string[] = []): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object') walk(x, `${at}[]`);
      return;
    }
    if (!v || typeof v !== 'object' || free.includes(at)) return;
    for (const [k, x] of Object.entries(v)) {
      const p = at ? `${at}.${named.includes(at) ? '<name>' : k}` : k;
      out.add(p);
      walk(x, p);
    }
  };
  walk(doc, '');
  return [...out].sort();
}

function image(ref: { repository: string; tag: string }): string {
  return `${ref.repository}:${ref.tag}`;
}

/** `-flag=value` / `--flag=value` → `-flag` / `--flag`. */
function flagNames(args: unknown): string[] {
  return (args as string[]).filter((a) => a.startsWith('-')).map((a) => a.split('=')[0]);
}

describe('Loki: the configuration against grafana/loki v3.7.6', () => {
  const limits = resolveLokiLimits().limits;
  const base: Omit<LokiConfigModel, 'alertmanagerUrls'> = { logLevel: 'info', schemaStartDate: '2024-01-01', retentionPeriod: '720h', compactionInterval: '10m', retentionDeleteDelay: '2h', limits };
  const documents = {
    'monolithic, filesystem, ruler to Alertmanager and remote write': renderLokiDocument({ ...base, alertmanagerUrls: ['http://alertmanager:9093'], remoteWriteUrl: 'http://prometheus:9090/api/v1/write' }),
    'simple-scalable, S3, memberlist': renderLokiDocument({
      ...base,
      alertmanagerUrls: [],
      objectStorage: { endpoint: 'minio:9000', bucket: 'loki-chunks', accessKeyId: 'id', secretAccessKey: 'secret', region: 'eu-central-1', insecure: true },
      cluster: { joinMembers: ['loki-read:7946'], compactorAddress: 'http://loki-backend:3100' },
      replicationFactor: 3,
      grpcPort: 9095,
    }),
  };

  test('the pin is the fixture\'s release', () => {
    expect(image(LOKI_IMAGE)).toBe(LOKI.image);
  });

  test.each(Object.entries(documents))('every key written is a field at the tag: %s', (_, doc) => {
    const unknown = keyPaths(doc, [], LOKI.namedMaps).filter((p) => !(p in LOKI.keys));
    expect(unknown).toEqual([]);
  });

  test('the container: flags Loki knows, the healthcheck the image can run', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki', { mode: 'simple-scalable', objectStorage: { endpoint: 'minio:9000', bucket: 'loki-chunks', accessKeyId: 'id', secretAccessKey: secretVariable(stack, 'loki_s3_secret').stringValue } });
    const json = synthJson(stack);
    for (const name of ['loki-read', 'loki-write', 'loki-backend']) {
      const c = container(json, name);
      expect(flagNames(c.command).filter((f) => !LOKI.flags.includes(f))).toEqual([]);
      const hc = (c.healthcheck as { test: string[] }).test;
      expect(hc[1]).toBe(LOKI.container.entrypoint);
      expect(flagNames(hc.slice(2))).toEqual([LOKI.container.healthcheck.flag, LOKI.container.healthcheck.urlFlag]);
      expect(String(c.user).split(':')[0]).toBe(LOKI.container.user);
    }
    expect(lokiHealthcheck(LOKI.container.healthcheck.firstTag)).toContain(LOKI.container.healthcheck.flag);
  });

  test('LogQL: the range aggregations Loki accepts with and without unwrap, and with grouping', () => {
    const { rangeOps, withUnwrap, withoutUnwrap, grouping } = LOKI.logql as Record<string, string[]>;
    for (const op of rangeOps) {
      const arg = op === 'quantile_over_time' ? '0.9, ' : '';
      const plain = logqlProblem(`${op}(${arg}{job="api"} [5m])`);
      const unwrapped = logqlProblem(`${op}(${arg}{job="api"} | unwrap latency [5m])`);
      const grouped = logqlProblem(`${op}(${arg}{job="api"} | unwrap latency [5m]) by (route)`);
      expect([op, plain === undefined]).toEqual([op, withoutUnwrap.includes(op)]);
      expect([op, unwrapped === undefined]).toEqual([op, withUnwrap.includes(op)]);
      if (withUnwrap.includes(op)) expect([op, grouped === undefined]).toEqual([op, grouping.includes(op)]);
    }
    expect(logqlProblem('{job=~".*"}')).toContain(LOKI.logql.messages.emptyMatchers);
    expect(logqlProblem('label_replace(rate({a="b"}[5m]), "d", "$1", "s", "((")')).toContain(LOKI.logql.messages.labelReplaceRegex);
  });
});

describe('Tempo: the configuration against grafana/tempo v3.0.3 (and v2.6.0 for a 2.x pin)', () => {
  const generator = { externalLabels: { source: 'tempo' }, serviceGraphDimensions: ['service.namespace'], spanMetricsDimensions: ['http.method'], traceIdLabelName: 'trace_id', remoteWriteUrl: 'http://prometheus:9090/api/v1/write' };
  const s3 = { endpoint: 'minio:9000', bucket: 'tempo-traces', accessKey: 'a', secretKey: 'b', region: 'eu-central-1', prefix: 'p', insecure: true, forcePathStyle: true };
  const documents = (generation: TempoGeneration) => [
    renderTempoConfig({ generation, maxBlockDuration: '1m', blockRetention: '14d', metricsGenerator: generator }),
    renderTempoConfig({ generation, blockRetention: '7d', objectStorage: s3 }),
  ];

  test('the pin is the fixture\'s release', () => {
    expect(image(TEMPO_IMAGE)).toBe(TEMPO.image);
  });

  test.each<[TempoGeneration, string]>([
    [3, 'generation3'],
    [2, 'generation2'],
  ])('Tempo %s: every key written is a field at the tag, none of the removed sections', (generation, key) => {
    const g = TEMPO[key];
    for (const doc of documents(generation)) {
      const paths = keyPaths(doc, g.freeMaps);
      expect(paths.filter((p) => !(p in g.keys))).toEqual([]);
      if (generation === 3) expect(paths.filter((p) => TEMPO.generation3.removed.some((r: string) => p === r || p.startsWith(`${r}.`)))).toEqual([]);
    }
  });

  test('the container: flags Tempo knows, `tempo -health` for the pinned image', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    new TempoBackend(stack, 'Tempo', { objectStorage: { endpoint: 'minio:9000', bucket: 'tempo-traces', accessKey: secretVariable(stack, 'tempo_s3_key').stringValue, secretKey: secretVariable(stack, 'tempo_s3_secret').stringValue } });
    const json = synthJson(stack);
    const c = container(json, 'tempo');
    expect(flagNames(c.command).filter((f) => !TEMPO.flags.includes(f))).toEqual([]);
    const hc = (c.healthcheck as { test: string[] }).test;
    expect(hc.slice(0, 3)).toEqual(['CMD', TEMPO.container.entrypoint, TEMPO.container.healthcheck.flag]);
    expect(flagNames(hc.slice(3))).toEqual([TEMPO.container.healthcheck.urlFlag]);
    expect(tempoHealthcheck('2.7.0')).toBeUndefined();
    expect(c.user).toBe(TEMPO.container.user);
    const cfg = parse(Object.values(containerFiles(json, 'tempo'))[0]);
    expect(keyPaths(cfg, TEMPO.generation3.freeMaps).filter((p) => !(p in TEMPO.generation3.keys))).toEqual([]);
  });
});

describe('Collector: the configuration against otelcol-contrib 0.159.0', () => {
  function everyComponent() {
    const stack = testStack();
    const collector = new OtelCollector(stack, 'Collector', {
      receivers: [{ type: 'otlp' }, { type: 'prometheus', name: 'self', scrapeConfigs: [{ jobName: 'collector', targets: ['localhost:8888'] }] }],
      processors: [
        { type: 'memory_limiter', limitMib: 400, spikeLimitMib: 80 },
        { type: 'batch', timeout: '5s', sendBatchSize: 1000, sendBatchMaxSize: 2000 },
        { type: 'attributes', actions: [{ key: 'environment', value: 'production', action: 'upsert' }] },
        { type: 'resource', actions: [{ key: 'deployment.environment', value: 'production', action: 'upsert' }] },
        { type: 'tail_sampling', policies: [{ name: 'errors', type: 'status_code', statusCodes: ['ERROR'] }] },
        { type: 'filter', traces: { span: ['attributes["http.route"] == "/health"'] } },
      ],
      exporters: [
        { type: 'otlp', name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true, insecureSkipVerify: false, caFile: '/etc/ca.pem' }, compression: 'gzip' },
        { type: 'otlphttp', name: 'loki', endpoint: 'http://loki:3100/otlp', headers: { 'X-Scope-OrgID': 'tenant' } },
        { type: 'prometheus' },
        { type: 'prometheusremotewrite', endpoint: 'http://prometheus:9090/api/v1/write' },
        { type: 'debug', verbosity: 'basic' },
      ],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'filter', 'attributes', 'resource', 'tail_sampling', 'batch'], exporters: ['otlp/tempo', 'debug'] },
        metrics: { receivers: ['otlp', 'prometheus/self'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus', 'prometheusremotewrite'] },
        logs: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlphttp/loki'] },
      },
    });
    return { collector, cfg: parse(containerFiles(synthJson(stack), 'otel-collector')['/etc/otel/config.yml']) };
  }

  test('the pin is the fixture\'s release', () => {
    expect(image(OTEL_COLLECTOR_IMAGE)).toBe(OTELCOL.image);
  });

  test('every component type written is in the contrib manifest at the tag, under its current name', () => {
    const { cfg } = everyComponent();
    const types = (section: Record<string, unknown> | undefined) => Object.keys(section ?? {}).map((id) => id.split('/')[0]);
    const written: Record<string, string[]> = {
      receiver: types(cfg.receivers),
      processor: types(cfg.processors),
      exporter: types(cfg.exporters),
      extension: types(cfg.extensions),
    };
    for (const [kind, list] of Object.entries(written)) {
      expect([kind, list.filter((t) => !(t in OTELCOL.components[kind]))]).toEqual([kind, []]);
      if (kind === 'exporter') expect(list.filter((t) => t in OTELCOL.deprecatedTypes)).toEqual([]);
    }
    // Every type of the manifest excerpt is written by this test, so a type added to the library shows up here.
    for (const kind of Object.keys(OTELCOL.components)) expect([kind, [...new Set(written[kind])].sort()]).toEqual([kind, Object.keys(OTELCOL.components[kind]).sort()]);
    const pipelineExporters = Object.values(cfg.service.pipelines as Record<string, { exporters: string[] }>).flatMap((p) => p.exporters);
    expect(pipelineExporters.filter((id) => !(id in cfg.exporters))).toEqual([]);
  });

  test('the renames the library applies are the ones recorded, with their first release', () => {
    const recorded = Object.fromEntries(Object.entries(OTELCOL.deprecatedTypes as Record<string, { exporter: string; since: string }>).map(([old, r]) => [old, { name: r.exporter, since: r.since }]));
    expect(RENAMED_EXPORTER_TYPES).toEqual(recorded);
  });

  test('core components: every field written exists at v0.159.0', () => {
    const { cfg } = everyComponent();
    const sections: Record<string, Record<string, unknown>> = { receiver: cfg.receivers, processor: cfg.processors, exporter: cfg.exporters };
    for (const [id, fields] of Object.entries(OTELCOL.fields as Record<string, string[]>)) {
      const [kind, type] = id.split('/');
      const written = Object.entries(sections[kind]).filter(([cid]) => cid.split('/')[0] === type);
      expect([id, written.length > 0]).toEqual([id, true]);
      for (const [, body] of written) {
        const paths = keyPaths(body, ['headers']).filter((p) => !fields.some((f) => f === p || f.startsWith(`${p}.`)));
        expect([id, paths]).toEqual([id, []]);
      }
    }
  });

  test('a model rendered without an image follows the newest names', () => {
    const doc = renderCollectorConfig({ receivers: [{ type: 'otlp' }], processors: [], exporters: [{ type: 'otlp', endpoint: 'tempo:4317' }], pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp'] } } });
    expect(Object.keys(doc.exporters as object)).toEqual(['otlp_grpc']);
  });
});

/** A log pipeline using every stage and source the agents write (logs only: Promtail's part). */
const LOG_PIPELINE: LogPipelineSpec = {
  docker: { host: 'unix:///var/run/docker.sock', refreshInterval: { ms: 5000, text: '5s' } },
  hostLogPaths: ['/var/log/*.log'],
  format: 'json',
  fields: { level: 'level', trace_id: 'trace_id' },
  labels: ['level'],
  structuredMetadata: ['trace_id'],
  drop: { expression: '.*GET /health.*', reason: 'healthcheck' },
  lokiPushUrl: 'http://loki:3100/loki/api/v1/push',
  tenantId: 'tenant',
};

describe('Alloy: the pipeline against grafana/alloy v1.18.1', () => {
  const spec: LogPipelineSpec = {
    ...LOG_PIPELINE,
    metrics: { host: 'unix:///var/run/docker.sock', refreshInterval: { ms: 30000, text: '30s' }, scrapeInterval: { ms: 15000, text: '15s' }, labelPrefix: 'prometheus', remoteWriteUrl: 'http://prometheus:9090/api/v1/write' },
    profiles: { listenPort: 9999, pyroscopeUrl: 'http://pyroscope:4040' },
  };
  const components = [...alloyComponents(spec), ...alloyComponents({ ...spec, format: 'logfmt' })];

  function references(v: AlloyValue | undefined, out: string[] = []): string[] {
    if (isReference(v)) out.push(v.path);
    else if (Array.isArray(v)) for (const x of v) references(x, out);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) references(x as AlloyValue, out);
    return out;
  }
  const attributesOf = (body: readonly AlloyStatement[]) => body.filter((s) => s.kind === 'attribute') as Array<{ name: string; value: AlloyValue }>;
  const blocksOf = (body: readonly AlloyStatement[]) => body.filter((s): s is AlloyBlock => s.kind === 'block');

  test('the pin is the fixture\'s release', () => {
    expect(image(ALLOY_IMAGE)).toBe(ALLOY.image);
  });

  test('every component exists and is generally available, with the arguments, blocks and exports used', () => {
    expect(components.map((c) => c.name)).toEqual(expect.arrayContaining(Object.keys(ALLOY.components)));
    for (const c of components) {
      const f = ALLOY.components[c.name];
      expect([c.name, f?.stability]).toEqual([c.name, 'generally-available']);
      const attributes = attributesOf(c.body);
      expect([c.name, attributes.map((a) => a.name).filter((n) => !f.attributes.includes(n))]).toEqual([c.name, []]);
      expect([c.name, f.required.filter((n: string) => !attributes.some((a) => a.name === n))]).toEqual([c.name, []]);
      for (const b of blocksOf(c.body)) {
        expect([c.name, b.name, f.blocks.includes(b.name)]).toEqual([c.name, b.name, true]);
        const allowed: string[] = ALLOY.blocks[`${c.name}/${b.name}`];
        expect([c.name, b.name, attributesOf(b.body).map((a) => a.name).filter((n) => !allowed.includes(n))]).toEqual([c.name, b.name, []]);
      }
      for (const r of attributes.flatMap((a) => references(a.value))) {
        const parts = r.split('.');
        const target = parts.slice(0, -2).join('.');
        expect([r, ALLOY.components[target]?.exports.includes(parts[parts.length - 1])]).toEqual([r, true]);
      }
    }
  });

  test('the container: the run flags Alloy knows', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki');
    new LogAgent(stack, 'Agent', { mountDockerSocket: true });
    const args = container(synthJson(stack), 'alloy').command as string[];
    expect(args.slice(0, 2)).toEqual(['run', '/etc/alloy/config.alloy']);
    expect(flagNames(args).filter((f) => !ALLOY.run.flags.includes(f))).toEqual([]);
  });
});

describe('Promtail: the configuration against its last release, 3.6.11', () => {
  test('the pin is the last release', () => {
    expect(image(PROMTAIL_IMAGE)).toBe(PROMTAIL.image);
    expect(PROMTAIL_IMAGE.tag).toBe(PROMTAIL.lastRelease.version);
  });

  test.each(['json', 'logfmt'] as const)('every key written is a field at the tag (%s logs)', (format) => {
    const yaml = renderPromtailPipeline({ ...LOG_PIPELINE, format }, { httpPort: 9080, positionsDir: '/var/lib/promtail' });
    expect(keyPaths(parse(yaml), PROMTAIL.freeMaps).filter((p) => !(p in PROMTAIL.keys))).toEqual([]);
  });
});
