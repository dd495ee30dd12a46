import { AnnotationMetadataEntryType, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ALLOY_IMAGE, HEALTHCHECK_DROP_EXPRESSION, LogAgent, LogAgentProps, PROMTAIL_IMAGE } from '../../constructs/log-agent';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Observability } from '../../lib/observability';
import { SynthJson, container, containerFiles, resources, synthJson, testStack } from '../helpers/synth';

const PUSH_URL = 'http://loki:3100/loki/api/v1/push';
const ALLOY_CONFIG = '/etc/alloy/config.alloy';
const PROMTAIL_CONFIG = '/etc/promtail/config.yml';

/** Stands in for the LokiCluster (written in parallel): registered as `loki`, with `pushUrl`. */
class FakeLoki extends Construct {
  constructor(scope: Construct, id: string, private readonly url = PUSH_URL) {
    super(scope, id);
    Observability.of(this).register('loki', this);
  }
  public get pushUrl(): string {
    return this.url;
  }
}

function stackWithLoki(): TerraformStack {
  const stack = testStack();
  new FakeLoki(stack, 'Loki');
  return stack;
}

function alloyConfig(json: SynthJson, name = 'alloy'): string {
  return containerFiles(json, name)[ALLOY_CONFIG];
}

function render(props: LogAgentProps = {}, setup?: (stack: TerraformStack) => void): string {
  const stack = stackWithLoki();
  setup?.(stack);
  new LogAgent(stack, 'Agent', { mountDockerSocket: true, ...props });
  return alloyConfig(synthJson(stack), props.name ?? (props.agent ?? 'alloy'));
}

// ---------------------------------------------------------------------------------------
// A tiny tokenizer for the Alloy syntax: enough to list components, references and the
// blocks nested in each component, and to prove strings and braces are balanced.

interface Token {
  kind: 'ident' | 'string' | 'punct' | 'number';
  text: string;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (src[j] !== '"') {
        if (j >= src.length || src[j] === '\n') throw new Error(`unterminated string at ${i}: ${src.slice(i, i + 40)}`);
        if (src[j] === '\\') {
          const esc = src[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"' };
          if (esc in simple) {
            value += simple[esc];
            j += 2;
          } else if (esc === 'u') {
            value += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
          } else {
            throw new Error(`unknown escape \\${esc} at ${j}`);
          }
        } else {
          value += src[j++];
        }
      }
      out.push({ kind: 'string', text: value });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))!;
      out.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9.]+/.exec(src.slice(i))!;
      out.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if ('{}[]=,'.includes(ch)) {
      out.push({ kind: 'punct', text: ch });
      i++;
    } else {
      throw new Error(`unexpected character ${JSON.stringify(ch)} at ${i}`);
    }
  }
  return out;
}

interface ParsedComponent {
  type: string;
  label: string;
  /** Nested block names, in order (e.g. stage.json, stage.labels). */
  blocks: string[];
  /** Every token inside the component. */
  tokens: Token[];
}

interface ParsedConfig {
  components: ParsedComponent[];
  /** Unquoted dotted identifiers used as values (after `=`, in arrays). */
  references: string[];
}

function parseAlloy(src: string): ParsedConfig {
  const tokens = tokenize(src);
  const components: ParsedComponent[] = [];
  const references: string[] = [];
  let depth = 0;
  let current: ParsedComponent | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (depth === 0) {
      // Top level: only components `type "label" {`.
      expect(t.kind).toBe('ident');
      expect(tokens[i + 1]?.kind).toBe('string');
      expect(tokens[i + 2]?.text).toBe('{');
      current = { type: t.text, label: tokens[i + 1].text, blocks: [], tokens: [] };
      components.push(current);
      i += 2;
      depth = 1;
      continue;
    }
    if (t.text === '{' || t.text === '[') depth++;
    else if (t.text === '}' || t.text === ']') depth--;
    if (depth === 0) continue; // the component's closing brace
    current!.tokens.push(t);
    if (t.text === '{' || t.text === '[' || t.text === '}' || t.text === ']') continue;
    else if (t.kind === 'ident') {
      const next = tokens[i + 1];
      if (next?.text === '{') current!.blocks.push(t.text); // nested block
      else if (next?.text === '=') continue; // attribute or object key
      else if (!['true', 'false', 'null'].includes(t.text)) references.push(t.text);
    }
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  return { components, references };
}

/** The exports each component type used here has (Alloy v1.5 reference docs). */
const EXPORTS: Record<string, string[]> = {
  'discovery.docker': ['targets'],
  'discovery.relabel': ['output', 'rules'],
  'local.file_match': ['targets'],
  'loki.process': ['receiver'],
  'loki.write': ['receiver'],
  'prometheus.remote_write': ['receiver'],
};

function assertReferencesResolve(config: ParsedConfig): void {
  const defined = new Map(config.components.map((c) => [`${c.type}.${c.label}`, c.type]));
  expect(defined.size).toBe(config.components.length); // no component defined twice
  expect(config.references.length).toBeGreaterThan(0);
  for (const r of config.references) {
    const parts = r.split('.');
    const exportName = parts.pop()!;
    const owner = parts.join('.');
    if (!defined.has(owner)) throw new Error(`reference ${r} points to ${owner}, which is not defined (have ${[...defined.keys()].join(', ')})`);
    expect(EXPORTS[defined.get(owner)!]).toContain(exportName);
  }
}

function stringsAfter(component: ParsedComponent, name: string): string[] {
  // The strings and identifiers inside the first nested block `name { ... }` or the value of
  // the attribute `name = [ ... ]` / `name = { ... }`.
  const at = component.tokens.findIndex((t, i) => t.text === name && ['{', '='].includes(component.tokens[i + 1]?.text));
  expect(at).toBeGreaterThanOrEqual(0);
  const start = component.tokens[at + 1].text === '=' ? at + 1 : at;
  let depth = 0;
  const out: string[] = [];
  for (let i = start + 1; i < component.tokens.length; i++) {
    const t = component.tokens[i];
    if (t.text === '{' || t.text === '[') depth++;
    else if (t.text === '}' || t.text === ']') {
      if (--depth === 0) break;
    } else if (t.kind === 'string' || t.kind === 'ident') out.push(t.text);
  }
  return out;
}

function find(config: ParsedConfig, type: string, label?: string): ParsedComponent {
  const c = config.components.find((x) => x.type === type && (label === undefined || x.label === label));
  if (!c) throw new Error(`no ${type} ${label ?? ''} in ${config.components.map((x) => `${x.type} "${x.label}"`).join(', ')}`);
  return c;
}

// ---------------------------------------------------------------------------------------

describe('LogAgent (Alloy, the default)', () => {
  test('container: pinned image, the course command, UI on 127.0.0.1:12345, data volume', () => {
    const stack = stackWithLoki();
    const agent = new LogAgent(stack, 'Agent', { mountDockerSocket: true });
    const json = synthJson(stack);
    expect(agent.agent).toBe('alloy');
    expect(Object.values(resources(json, 'docker_image')).map((i) => i.name)).toContain(`${ALLOY_IMAGE.repository}:${ALLOY_IMAGE.tag}`);
    expect(ALLOY_IMAGE).toEqual({ repository: 'grafana/alloy', tag: 'v1.18.1' });
    const c = container(json, 'alloy');
    expect(c.command).toEqual(['run', '/etc/alloy/config.alloy', '--server.http.listen-addr=0.0.0.0:12345', '--storage.path=/var/lib/alloy/data']);
    expect(c.ports).toEqual([{ internal: 12345, external: 12345, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(c.volumes).toEqual([{ container_path: '/var/lib/alloy/data', volume_name: expect.stringContaining('docker_volume.') }]);
    expect(Object.values(resources(json, 'docker_volume')).map((v) => v.name)).toContain('alloy-data');
    expect(agent.endpoint.url).toBe('http://alloy:12345');
    expect(Object.keys(containerFiles(json, 'alloy'))).toEqual([ALLOY_CONFIG]);
  });

  test('the Docker socket is mounted read-only with the opt-in, and /var/log only with readHostLogs', () => {
    const stack = stackWithLoki();
    new LogAgent(stack, 'Agent', { mountDockerSocket: true });
    expect(container(synthJson(stack), 'alloy').mounts).toEqual([{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true }]);

    const stack2 = stackWithLoki();
    new LogAgent(stack2, 'Agent', { mountDockerSocket: true, readHostLogs: true });
    expect(container(synthJson(stack2), 'alloy').mounts).toEqual([
      { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true },
      { type: 'bind', source: '/var/log', target: '/var/log', read_only: true },
    ]);
  });

  test('without the opt-in there is no socket mount (host files only, or a TCP socket proxy)', () => {
    const stack = stackWithLoki();
    new LogAgent(stack, 'Files', { containerLogs: false, readHostLogs: true, name: 'alloy-files' });
    new LogAgent(stack, 'Proxy', { dockerHost: 'tcp://docker-proxy:2375', name: 'alloy-proxy', hostPort: 12346 });
    const json = synthJson(stack);
    const files = container(json, 'alloy-files');
    expect(files.mounts).toEqual([{ type: 'bind', source: '/var/log', target: '/var/log', read_only: true }]);
    expect(JSON.stringify(files)).not.toContain('docker.sock');
    const filesConfig = parseAlloy(alloyConfig(json, 'alloy-files'));
    expect(filesConfig.components.map((c) => c.type)).not.toContain('discovery.docker');
    expect(alloyConfig(json, 'alloy-files')).not.toContain('docker.sock');

    const proxy = container(json, 'alloy-proxy');
    expect(proxy.mounts ?? []).toEqual([]);
    expect(JSON.stringify(proxy)).not.toContain('docker.sock');
    expect(alloyConfig(json, 'alloy-proxy')).toContain('host             = "tcp://docker-proxy:2375"');
  });

  test('structure: every reference points to a defined component and one of its exports', () => {
    const config = parseAlloy(render({ readHostLogs: true }));
    assertReferencesResolve(config);
    expect(config.components.map((c) => `${c.type} "${c.label}"`)).toEqual([
      'discovery.docker "containers"',
      'discovery.relabel "containers"',
      'loki.source.docker "containers"',
      'local.file_match "host_logs"',
      'loki.source.file "host_logs"',
      'loki.process "default"',
      'loki.write "default"',
    ]);
    expect([...config.references].sort()).toEqual([
      'discovery.docker.containers.targets',
      'discovery.relabel.containers.rules',
      'local.file_match.host_logs.targets',
      'loki.process.default.receiver',
      'loki.process.default.receiver',
      'loki.write.default.receiver',
    ]);
    // The chain: both sources → loki.process → loki.write.
    for (const source of ['loki.source.docker', 'loki.source.file']) {
      expect(find(config, source).tokens.map((t) => t.text)).toContain('loki.process.default.receiver');
    }
    expect(find(config, 'loki.process').tokens.map((t) => t.text)).toContain('loki.write.default.receiver');
    expect(stringsAfter(find(config, 'loki.write'), 'endpoint')).toEqual(['url', PUSH_URL]);
    expect(stringsAfter(find(config, 'local.file_match'), 'path_targets')).toEqual(['__path__', '/var/log/*.log', 'job', 'varlogs']);
  });

  test('the course pipeline: discovery (5s), relabel, stages json → labels → structured metadata → drop', () => {
    const config = parseAlloy(render());
    const discovery = find(config, 'discovery.docker', 'containers');
    expect(discovery.tokens.map((t) => t.text)).toEqual(['host', '=', 'unix:///var/run/docker.sock', 'refresh_interval', '=', '5s']);
    const relabel = find(config, 'discovery.relabel');
    expect(relabel.blocks).toEqual(['rule', 'rule', 'rule']);
    const relabelText = relabel.tokens.map((t) => t.text);
    expect(relabelText).toEqual(expect.arrayContaining(['__meta_docker_container_name', '/(.*)', 'container', '__meta_docker_container_label_com_docker_compose_service', 'service']));
    const process = find(config, 'loki.process');
    expect(process.blocks).toEqual(['stage.json', 'stage.labels', 'stage.structured_metadata', 'stage.drop']);
    expect(stringsAfter(process, 'stage.json')).toEqual(['expressions', 'level', 'level', 'trace_id', 'trace_id', 'span_id', 'span_id']);
    expect(stringsAfter(process, 'stage.labels')).toEqual(['values', 'level', 'level']);
    expect(stringsAfter(process, 'stage.structured_metadata')).toEqual(['values', 'trace_id', 'trace_id', 'span_id', 'span_id']);
    expect(stringsAfter(process, 'stage.drop')).toEqual(['expression', HEALTHCHECK_DROP_EXPRESSION, 'drop_counter_reason', 'healthcheck']);
    expect(HEALTHCHECK_DROP_EXPRESSION).toBe('.*(GET|HEAD) /(health|healthz|ready|metrics).*');
  });

  test('the stages follow the stack correlation settings (trace id field)', () => {
    const config = parseAlloy(render({}, (stack) => Observability.of(stack).setCorrelation({ logTraceIdField: 'traceId' })));
    const process = find(config, 'loki.process');
    expect(stringsAfter(process, 'stage.json')).toEqual(['expressions', 'level', 'level', 'trace_id', 'traceId', 'span_id', 'span_id']);
    expect(stringsAfter(process, 'stage.structured_metadata')).toEqual(['values', 'trace_id', 'trace_id', 'span_id', 'span_id']);
    // Never a label.
    expect(stringsAfter(process, 'stage.labels')).toEqual(['values', 'level', 'level']);
  });

  test('logfmt logs use stage.logfmt, with the correlation field names as logfmt keys', () => {
    const config = parseAlloy(
      render({}, (stack) => Observability.of(stack).setCorrelation({ logFormat: 'logfmt', logTraceIdField: 'traceID', logSpanIdField: 'spanID' })),
    );
    const process = find(config, 'loki.process');
    expect(process.blocks).toEqual(['stage.logfmt', 'stage.labels', 'stage.structured_metadata', 'stage.drop']);
    expect(stringsAfter(process, 'stage.logfmt')).toEqual(['mapping', 'level', 'level', 'trace_id', 'traceID', 'span_id', 'spanID']);
  });

  test('a field that is not an identifier is quoted for JMESPath, then escaped for Alloy', () => {
    const text = render({ logLabels: { level: 'log.level' } }, (stack) => Observability.of(stack).setCorrelation({ logTraceIdField: 'trace.id' }));
    expect(text).toContain('trace_id = "\\"trace.id\\"",');
    expect(text).toContain('level    = "\\"log.level\\"",');
    const json = stringsAfter(find(parseAlloy(text), 'loki.process'), 'stage.json');
    expect(json).toEqual(['expressions', 'level', '"log.level"', 'trace_id', '"trace.id"', 'span_id', 'span_id']);
  });

  test('labels, extra structured metadata, a custom drop expression, no drop, tenant', () => {
    const config = parseAlloy(
      render({ logLabels: { level: 'severity', env: 'environment' }, structuredMetadata: { user_id: 'userId' }, dropExpression: '.*GET /ping.*', tenantId: 'team-a' }),
    );
    const process = find(config, 'loki.process');
    expect(stringsAfter(process, 'stage.json')).toEqual(['expressions', 'level', 'severity', 'env', 'environment', 'trace_id', 'trace_id', 'span_id', 'span_id', 'user_id', 'userId']);
    expect(stringsAfter(process, 'stage.labels')).toEqual(['values', 'level', 'level', 'env', 'env']);
    expect(stringsAfter(process, 'stage.structured_metadata')).toEqual(['values', 'trace_id', 'trace_id', 'span_id', 'span_id', 'user_id', 'user_id']);
    expect(stringsAfter(process, 'stage.drop')).toEqual(['expression', '.*GET /ping.*', 'drop_counter_reason', 'healthcheck']);
    expect(stringsAfter(find(config, 'loki.write'), 'endpoint')).toEqual(['url', PUSH_URL, 'tenant_id', 'team-a']);

    const kept = parseAlloy(render({ dropExpression: false }));
    expect(find(kept, 'loki.process').blocks).not.toContain('stage.drop');
  });

  test('the Loki is read lazily: one registered after the agent is found at synth', () => {
    const stack = testStack();
    new LogAgent(stack, 'Agent', { mountDockerSocket: true });
    new FakeLoki(stack, 'LateLoki', 'http://logs:3100/loki/api/v1/push');
    expect(alloyConfig(synthJson(stack))).toContain('url = "http://logs:3100/loki/api/v1/push"');
  });

  test('lokiUrl overrides the stack Loki; the loki prop picks one of several', () => {
    const stack = stackWithLoki();
    new LogAgent(stack, 'Agent', { mountDockerSocket: true, lokiUrl: 'https://logs.example.com/loki/api/v1/push' });
    expect(alloyConfig(synthJson(stack))).toContain('url = "https://logs.example.com/loki/api/v1/push"');

    const stack2 = stackWithLoki();
    const other = new FakeLoki(stack2, 'Other', 'http://loki-b:3100/loki/api/v1/push');
    new LogAgent(stack2, 'Agent', { mountDockerSocket: true, loki: other });
    expect(alloyConfig(synthJson(stack2))).toContain('url = "http://loki-b:3100/loki/api/v1/push"');
  });

  test('scrapeMetrics: containers labelled prometheus.scrape=true → remote write to the stack Prometheus, receiver turned on', () => {
    const stack = stackWithLoki();
    new PrometheusServer(stack, 'Prometheus'); // before the agent: its receiver is turned on
    new LogAgent(stack, 'Agent', { mountDockerSocket: true, scrapeMetrics: true });
    const json = synthJson(stack);
    expect(container(json, 'prometheus').command).toContain('--web.enable-remote-write-receiver');
    const config = parseAlloy(alloyConfig(json));
    assertReferencesResolve(config);
    expect(stringsAfter(find(config, 'prometheus.remote_write'), 'endpoint')).toEqual(['url', 'http://prometheus:9090/api/v1/write']);
    const scrape = find(config, 'prometheus.scrape');
    expect(scrape.tokens.map((t) => t.text)).toEqual(expect.arrayContaining(['discovery.relabel.metrics.output', 'prometheus.remote_write.default.receiver']));
    const relabel = find(config, 'discovery.relabel', 'metrics').tokens.map((t) => t.text);
    expect(relabel).toEqual(expect.arrayContaining(['__meta_docker_container_label_prometheus_scrape', 'true', 'keep', '([^:]+)(?::\\d+)?;(\\d+)', '$1:$2']));
    expect(find(config, 'discovery.docker', 'metrics').tokens.map((t) => t.text)).toContain('30s');
  });

  test('scrapeMetrics with an explicit prometheus prop, or a remoteWriteUrl', () => {
    const stack = stackWithLoki();
    new PrometheusServer(stack, 'A', { name: 'prom-a' });
    const b = new PrometheusServer(stack, 'B', { name: 'prom-b', hostPort: 9091 });
    new LogAgent(stack, 'Agent', { mountDockerSocket: true, scrapeMetrics: true, prometheus: b });
    const json = synthJson(stack);
    expect(container(json, 'prom-b').command).toContain('--web.enable-remote-write-receiver');
    expect(container(json, 'prom-a').command).not.toContain('--web.enable-remote-write-receiver');
    expect(alloyConfig(json)).toContain('url = "http://prom-b:9090/api/v1/write"');

    const text = render({ scrapeMetrics: true, remoteWriteUrl: 'https://metrics.example.com/api/v1/write' });
    expect(text).toContain('url = "https://metrics.example.com/api/v1/write"');
  });

  test('the rendered config is deterministic', () => {
    expect(render({ readHostLogs: true })).toBe(render({ readHostLogs: true }));
  });
});

describe('LogAgent (Promtail, legacy)', () => {
  function promtail(props: LogAgentProps = {}, setup?: (stack: TerraformStack) => void) {
    const stack = stackWithLoki();
    setup?.(stack);
    const agent = new LogAgent(stack, 'Agent', { agent: 'promtail', mountDockerSocket: true, ...props });
    const json = synthJson(stack);
    return { agent, json, config: parse(containerFiles(json, 'promtail')[PROMTAIL_CONFIG]) };
  }

  test('container: pinned image, config file, positions on a named volume, socket read-only', () => {
    const { agent, json, config } = promtail();
    // The last Promtail image grafana/loki's release workflow built (v3.6.11; gone from 3.6.12 and from Loki 3.7).
    expect(Object.values(resources(json, 'docker_image')).map((i) => i.name)).toContain('grafana/promtail:3.6.11');
    expect(PROMTAIL_IMAGE).toEqual({ repository: 'grafana/promtail', tag: '3.6.11' });
    expect(agent.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data))).toEqual([
      expect.stringMatching(/^Promtail reached end of life on 2026-03-02 .*no release after 3\.6\.11.*Use agent: "alloy" \(the default\)/),
    ]);
    const c = container(json, 'promtail');
    expect(c.command).toEqual(['-config.file=/etc/promtail/config.yml']);
    expect(c.volumes).toEqual([{ container_path: '/var/lib/promtail', volume_name: expect.stringContaining('docker_volume.') }]);
    expect(c.mounts).toEqual([{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true }]);
    expect(c.ports).toEqual([{ internal: 9080, external: 9080, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(config.positions).toEqual({ filename: '/var/lib/promtail/positions.yaml' });
    expect(agent.configPath).toBe(PROMTAIL_CONFIG);
  });

  test('same stages as Alloy, and clients[0].url is the Loki push URL', () => {
    const { config } = promtail({}, (stack) => Observability.of(stack).setCorrelation({ logTraceIdField: 'traceId' }));
    expect(config.clients[0].url).toBe(PUSH_URL);
    const job = config.scrape_configs[0];
    expect(job.docker_sd_configs).toEqual([{ host: 'unix:///var/run/docker.sock', refresh_interval: '5s' }]);
    expect(job.relabel_configs[0]).toEqual({ source_labels: ['__meta_docker_container_name'], regex: '/(.*)', target_label: 'container' });
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_docker_container_label_com_docker_compose_service'], target_label: 'service' });
    expect(job.pipeline_stages).toEqual([
      { json: { expressions: { level: 'level', trace_id: 'traceId', span_id: 'span_id' } } },
      { labels: { level: 'level' } },
      { structured_metadata: { trace_id: 'trace_id', span_id: 'span_id' } },
      { drop: { expression: HEALTHCHECK_DROP_EXPRESSION, drop_counter_reason: 'healthcheck' } },
    ]);

    // The same stage kinds, in the same order, as the Alloy rendering of the same stack.
    const alloyStages = find(parseAlloy(render({}, (stack) => Observability.of(stack).setCorrelation({ logTraceIdField: 'traceId' }))), 'loki.process').blocks;
    expect(job.pipeline_stages.map((s: object) => `stage.${Object.keys(s)[0]}`)).toEqual(alloyStages);
  });

  test('logfmt and host logs', () => {
    const { json, config } = promtail({ readHostLogs: true, hostLogPaths: ['/var/log/syslog', '/var/log/auth.log'] }, (stack) =>
      Observability.of(stack).setCorrelation({ logFormat: 'logfmt' }),
    );
    expect(config.scrape_configs[0].pipeline_stages[0]).toEqual({ logfmt: { mapping: { level: 'level', trace_id: 'trace_id', span_id: 'span_id' } } });
    const system = config.scrape_configs[1];
    expect(system.job_name).toBe('system');
    expect(system.static_configs).toEqual([
      { targets: ['localhost'], labels: { job: 'varlogs', __path__: '/var/log/syslog' } },
      { targets: ['localhost'], labels: { job: 'varlogs', __path__: '/var/log/auth.log' } },
    ]);
    expect(system.pipeline_stages).toEqual(config.scrape_configs[0].pipeline_stages);
    expect(container(json, 'promtail').mounts).toContainEqual({ type: 'bind', source: '/var/log', target: '/var/log', read_only: true });
  });
});
