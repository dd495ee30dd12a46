// The escape hatches the importer relies on for pipelines and Grafana: OtelCollector
// rawConfig (deep merge), LogAgent alloyConfig (verbatim file), GrafanaServer env (plain and
// sensitive) and GrafanaDataSources jsonData/name/isDefault. One behaviour per test.
import { AnnotationMetadataEntryType } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { ExistingGrafana, GrafanaServer } from '../../constructs/grafana-server';
import { LogAgent } from '../../constructs/log-agent';
import { OtelCollector, OtelCollectorProps } from '../../constructs/otel-collector';
import { secretVariable } from '../../lib/core/secrets';
import { unescapeTemplate } from '../../lib/core/tf-escape';
import { deepMerge } from '../../lib/otel/raw-config';
import { container, containerFiles, rawFiles, resources, synthJson, testStack } from '../helpers/synth';

const annotations = (c: Construct, type: string) => c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));

describe('OtelCollector rawConfig', () => {
  const typed: OtelCollectorProps = {
    receivers: [{ type: 'otlp' }],
    exporters: [{ type: 'otlp', name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true } }, { type: 'debug' }],
    pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp/tempo'] } },
  };
  const config = (props: OtelCollectorProps) => {
    const stack = testStack();
    const c = new OtelCollector(stack, 'Collector', props);
    const json = synthJson(stack);
    return { c, json, doc: parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']), files: containerFiles(json, 'otel-collector') };
  };

  test('deep merge: mappings key by key, lists replace, null removes a key', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2], d: 'x' }, e: 1 }, { a: { c: [3], d: null, f: true } })).toEqual({ a: { b: 1, c: [3], f: true }, e: 1 });
  });

  test('keys of a typed component are merged into it, under the name the pinned Collector writes (otlp → otlp_grpc)', () => {
    const { doc } = config({ ...typed, rawConfig: { exporters: { 'otlp/tempo': { retry_on_failure: { enabled: false }, tls: { ca_file: '/ca.pem' } } } } });
    expect(doc.exporters['otlp_grpc/tempo']).toEqual({ endpoint: 'tempo:4317', tls: { insecure: true, ca_file: '/ca.pem' }, retry_on_failure: { enabled: false } });
    expect(doc.exporters['otlp/tempo']).toBeUndefined();
  });

  test('an older pinned Collector keeps the old exporter names, raw ones included', () => {
    const { doc } = config({ ...typed, image: 'otel/opentelemetry-collector-contrib:0.115.0', rawConfig: { exporters: { 'otlp/tempo': { compression: 'zstd' } } } });
    expect(Object.keys(doc.exporters)).toEqual(['otlp/tempo', 'debug']);
    expect(doc.exporters['otlp/tempo'].compression).toBe('zstd');
  });

  test('components defined raw may be named in typed pipelines; raw pipelines count as pipelines', () => {
    const { doc } = config({
      receivers: [{ type: 'otlp' }],
      exporters: [{ type: 'debug' }],
      pipelines: { metrics: { receivers: ['otlp', 'hostmetrics'], exporters: ['debug', 'kafka'] } },
      rawConfig: { receivers: { hostmetrics: { scrapers: { cpu: {} } } }, exporters: { kafka: { brokers: ['k:9092'] } }, service: { pipelines: { 'logs/raw': { receivers: ['otlp'], exporters: ['kafka'] } } } },
    });
    expect(doc.service.pipelines).toEqual({ metrics: { receivers: ['otlp', 'hostmetrics'], exporters: ['debug', 'kafka'] }, 'logs/raw': { receivers: ['otlp'], exporters: ['kafka'] } });
    expect(doc.receivers.hostmetrics).toEqual({ scrapers: { cpu: {} } });
  });

  test('raw strings are written as the Collector reads them; typed ones are $-escaped', () => {
    const { doc } = config({
      ...typed,
      processors: [{ type: 'attributes', actions: [{ action: 'insert', key: 'k', value: 'typed $5' }] }],
      pipelines: { traces: { receivers: ['otlp'], processors: ['attributes'], exporters: ['otlp/tempo'] } },
      rawConfig: { processors: { transform: { trace_statements: ['set(attributes["x"], "${env:X} $$5")'] } } },
    });
    expect(doc.processors.attributes.actions[0].value).toBe('typed $$5');
    expect(doc.processors.transform.trace_statements).toEqual(['set(attributes["x"], "${env:X} $$5")']);
  });

  test('tokens in rawConfig go to secret files read with ${file:...}, never into config.yml', () => {
    const stack = testStack();
    new OtelCollector(stack, 'Collector', { ...typed, rawConfig: { extensions: { 'basicauth/c': { client_auth: { username: 'u', password: secretVariable(stack, 'basic_pw').stringValue } } } } });
    const json = synthJson(stack);
    const raw = rawFiles(json, 'otel-collector');
    const doc = parse(containerFiles(json, 'otel-collector')['/etc/otel/config.yml']);
    // File names are made safe (a hash keeps basicauth/c and basicauth_c apart).
    const ref = /^\$\{file:(\/etc\/otel\/secrets\/raw\.extensions\.basicauth_c-[0-9a-f]+\.client_auth\.password)\}$/.exec(doc.extensions['basicauth/c'].client_auth.password);
    expect(ref).not.toBeNull();
    expect(raw[ref![1]]).toBe('${var.basic_pw}');
    expect(raw['/etc/otel/config.yml']).not.toContain('var.basic_pw');
  });

  test('service.extensions given raw replaces the library\'s list; health_check stays when listed', () => {
    const { doc } = config({ ...typed, rawConfig: { extensions: { pprof: {} }, service: { extensions: ['health_check', 'pprof'] } } });
    expect(doc.service.extensions).toEqual(['health_check', 'pprof']);
    expect(doc.extensions).toEqual({ health_check: { endpoint: '0.0.0.0:13133' }, pprof: {} });
  });

  test('a rawConfig is noted on the construct (info), since the library does not check it', () => {
    const { c } = config({ ...typed, rawConfig: { extensions: { pprof: {} } } });
    expect(annotations(c, AnnotationMetadataEntryType.INFO)).toEqual([expect.stringMatching(/^rawConfig: extensions merged over the rendered config\.yml unchecked by the library/)]);
  });
});

describe('LogAgent alloyConfig', () => {
  const text = 'logging {\n  level = "warn"\n}\n// ${not a terraform template}\nloki.write "x" {\n  endpoint {\n    url = "http://loki:3100/loki/api/v1/push"\n  }\n}\n';

  test('the file is written as given (Terraform templates escaped), with a warning; no Loki is needed in the stack', () => {
    const stack = testStack();
    const agent = new LogAgent(stack, 'Agent', { mountDockerSocket: true, alloyConfig: text });
    const json = synthJson(stack);
    expect(unescapeTemplate(rawFiles(json, 'alloy')['/etc/alloy/config.alloy'])).toBe(text);
    expect(rawFiles(json, 'alloy')['/etc/alloy/config.alloy']).toContain('$${not a terraform template}');
    expect(agent.renderConfig()).toBe(text);
    expect(annotations(agent, AnnotationMetadataEntryType.WARN)).toEqual([expect.stringMatching(/^alloyConfig: config\.alloy is written as given; the library does not check its pipeline/)]);
  });

  test('alloySecrets are written as secret files the config reads with local.file; config.alloy holds no secret', () => {
    const stack = testStack();
    const config = 'local.file "loki_pw" {\n  filename  = "/etc/alloy/secrets/loki_pw"\n  is_secret = true\n}\n';
    new LogAgent(stack, 'Agent', { mountDockerSocket: true, alloyConfig: config, alloySecrets: { loki_pw: secretVariable(stack, 'loki_pw').stringValue } });
    const files = rawFiles(synthJson(stack), 'alloy');
    expect(files['/etc/alloy/secrets/loki_pw']).toBe('${var.loki_pw}');
    expect(files['/etc/alloy/config.alloy']).not.toContain('var.loki_pw');
  });

  test('mounts still follow mountDockerSocket and readHostLogs (read-only)', () => {
    const stack = testStack();
    new LogAgent(stack, 'Agent', { mountDockerSocket: true, readHostLogs: true, alloyConfig: text });
    const c = container(synthJson(stack), 'alloy');
    expect((c.mounts as Array<Record<string, unknown>>).map((m) => `${m.source}:${m.target}:${m.read_only}`)).toEqual(['/var/run/docker.sock:/var/run/docker.sock:true', '/var/log:/var/log:true']);
  });
});

describe('GrafanaServer env', () => {
  test('plain values and sensitive variables reach the container; a library default can be replaced', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana', { env: { GF_SMTP_ENABLED: 'true', GF_SMTP_PASSWORD: secretVariable(stack, 'smtp_password').stringValue, GF_ANALYTICS_REPORTING_ENABLED: 'true' } });
    const env = container(synthJson(stack), 'grafana').env as string[];
    expect(env).toEqual(expect.arrayContaining(['GF_SMTP_ENABLED=true', 'GF_SMTP_PASSWORD=${var.smtp_password}', 'GF_ANALYTICS_REPORTING_ENABLED=true']));
    expect(env.filter((e) => e.startsWith('GF_ANALYTICS_REPORTING_ENABLED='))).toHaveLength(1);
  });

  test('names that only look like a credential under GF_AUTH_ are plain settings', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana', { env: { GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer', GF_AUTH_GENERIC_OAUTH_ENABLED: 'true' } });
    expect(container(synthJson(stack), 'grafana').env).toEqual(expect.arrayContaining(['GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer', 'GF_AUTH_GENERIC_OAUTH_ENABLED=true']));
  });
});

describe('GrafanaDataSources jsonData, name and isDefault', () => {
  test('jsonData replaces the library\'s for that data source only; name and default flag as given', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://grafana.example.com' });
    new GrafanaDataSources(stack, 'DS', {
      prometheus: { url: 'http://prometheus:9090', uid: 'prom', name: 'Metrics', isDefault: false },
      loki: { url: 'http://loki:3100', name: 'Logs', isDefault: true, jsonData: { derivedFields: [{ name: 'T', matcherRegex: 'id=(\\w+)', url: '${__value.raw}', datasourceUid: 'tempo' }] } },
      tempo: { url: 'http://tempo:3200' },
    });
    const ds = Object.values(resources(synthJson(stack), 'grafana_data_source'));
    const byType = (t: string) => ds.find((d) => d.type === t)!;
    expect([byType('prometheus').name, byType('prometheus').is_default]).toEqual(['Metrics', false]);
    expect([byType('loki').name, byType('loki').is_default]).toEqual(['Logs', true]);
    expect(JSON.parse(unescapeTemplate(String(byType('loki').json_data_encoded)))).toEqual({ derivedFields: [{ name: 'T', matcherRegex: 'id=(\\w+)', url: '${__value.raw}', datasourceUid: 'tempo' }] });
    // The others keep the library's correlation settings.
    expect(JSON.parse(unescapeTemplate(String(byType('tempo').json_data_encoded))).tracesToLogsV2.datasourceUid).toBe('loki');
  });
});

describe('review: OtelCollector rawConfig with literal credentials', () => {
  const typed: OtelCollectorProps = {
    receivers: [{ type: 'otlp' }],
    exporters: [{ type: 'debug' }],
    pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } },
  };
  test('a literal password or credential header is warned about, like the other engines\' rawConfig; an attribute key is not', () => {
    const stack = testStack();
    const c = new OtelCollector(stack, 'Collector', {
      ...typed,
      rawConfig: {
        extensions: { 'basicauth/c': { client_auth: { username: 'u', password: 'hunter2' } } },
        exporters: { 'otlphttp/v': { endpoint: 'https://v.example.com', headers: { 'x-api-key': 'literal-key' } } },
        processors: { attributes: { actions: [{ key: 'db.statement', action: 'delete' }] } },
      },
    });
    const warned = annotations(c, AnnotationMetadataEntryType.WARN).join('\n');
    expect(warned).toMatch(/rawConfig\.extensions\.basicauth\/c\.client_auth\.password is a credential/);
    expect(warned).toMatch(/rawConfig\.exporters\.otlphttp\/v\.headers\.x-api-key is a credential header/);
    expect(warned).not.toMatch(/db\.statement|actions\[0\]\.key/);
  });
});

describe('review: GrafanaServer env names that name a file, not a credential', () => {
  test('a path in GF_SERVER_CERT_KEY, GF_AUTH_JWT_KEY_FILE or a __FILE variable is a plain setting', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana', { env: { GF_SERVER_CERT_KEY: '/etc/grafana/grafana.key', GF_AUTH_JWT_KEY_FILE: '/etc/grafana/jwt.pem', GF_DATABASE_PASSWORD__FILE: '/run/secrets/db_password' } });
    const env = container(synthJson(stack), 'grafana').env as string[];
    expect(env).toEqual(expect.arrayContaining(['GF_SERVER_CERT_KEY=/etc/grafana/grafana.key', 'GF_AUTH_JWT_KEY_FILE=/etc/grafana/jwt.pem', 'GF_DATABASE_PASSWORD__FILE=/run/secrets/db_password']));
  });
});
