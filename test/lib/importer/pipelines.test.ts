// The importer for pipeline engines and Grafana provisioning, one behaviour per test: the
// Collector's config (typed mapping, rawConfig, secrets), the Alloy reader (what it reads,
// what it refuses, with file and line), and Grafana's data sources and dashboard providers.
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { LogAgent } from '../../../constructs/log-agent';
import { importStack } from '../../../lib/importer';
import { caught, inputDir } from '../../helpers/import-files';
import { alloyBlocks, alloyWithSecretFiles, importAlloy, parseAlloy } from '../../../lib/importer/alloy';
import { importGrafanaProvisioning } from '../../../lib/importer/grafana';
import { Commented, Notes, SecretRef } from '../../../lib/importer/model';
import { importOtel, libraryExporterId } from '../../../lib/importer/otel';

const { dir, write } = inputDir('obs-import-pipes-');
const raw = (props: Record<string, unknown>) => (props.rawConfig as Commented | undefined)?.value as Record<string, Record<string, unknown>> | undefined;

describe('OpenTelemetry Collector config', () => {
  const otel = (yaml: string) => {
    const notes = new Notes();
    return { ...importOtel('otel.yml', yaml, notes), notes: notes.notes };
  };
  const minimal = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n';

  test('invalid YAML is an error naming the file and the line', () => {
    expect(caught(() => otel('receivers:\n  otlp:\n    protocols: [grpc\nexporters: {}\n')).message).toMatch(/^otel\.yml:\d+: invalid YAML/);
  });

  test('a file of another kind is refused, saying what it looks like', () => {
    expect(caught(() => otel('route:\n  receiver: a\nreceivers:\n  - name: a\n')).message).toMatch(/^otel\.yml:1: this is not a otel file: it has none of exporters, service \(top-level keys: route, receivers\); it looks like a alertmanager file, pass it with --alertmanager/);
    expect(caught(() => otel('scrape_configs: []\n')).message).toMatch(/this is not a otel file: it has none of exporters, service \(top-level keys: scrape_configs\); it looks like a prometheus file/);
  });

  test('exporter ids are read in the library\'s names, the pinned Collector\'s new names included', () => {
    expect(['otlp_grpc/tempo', 'otlp_http', 'prometheus_remote_write/m', 'otlp/x', 'kafka'].map(libraryExporterId)).toEqual(['otlp/tempo', 'otlphttp', 'prometheusremotewrite/m', 'otlp/x', 'kafka']);
  });

  test('an unknown component type is kept raw with a warning, never an exception', () => {
    const r = otel(minimal.replace('exporters:\n  debug: {}', 'exporters:\n  debug: {}\n  fancyvendor/eu:\n    region: eu'));
    expect(raw(r.props)?.exporters['fancyvendor/eu']).toEqual({ region: 'eu' });
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: 'exporters.fancyvendor/eu', message: expect.stringMatching(/no typed exporter of type "fancyvendor"/) }));
  });

  test('keys a typed component lacks are merged raw over it; the typed part stays typed', () => {
    const r = otel(minimal.replace('  debug: {}', '  debug:\n    verbosity: basic\n    sampling_initial: 5'));
    expect(r.props.exporters).toEqual([{ type: 'debug', verbosity: 'basic' }]);
    expect(raw(r.props)?.exporters.debug).toEqual({ sampling_initial: 5 });
  });

  test('a typed value the library would refuse keeps the whole component raw, with the reason', () => {
    const r = otel(minimal.replace('  debug: {}', '  debug:\n    verbosity: loud'));
    expect(r.props.exporters).toEqual([]);
    expect(r.notes.find((n) => n.where === 'exporters.debug')?.message).toMatch(/the typed exporter would refuse it \(exporter "debug": verbosity must be basic, normal or detailed/);
  });

  test('values the Collector expands (${...}) or unescapes ($$) are not typed, so they are not re-escaped', () => {
    const r = otel(minimal.replace('  debug: {}', '  debug: {}\n  otlp/x:\n    endpoint: ${env:OTLP_TARGET}'));
    expect((r.props.exporters as unknown[]).length).toBe(1);
    expect(raw(r.props)?.exporters['otlp/x']).toEqual({ endpoint: expect.any(SecretRef) });
  });

  test('in raw parts, credential keys and URLs with credentials become secret variables; file paths and attribute keys do not', () => {
    const r = otel(minimal.replace('  debug: {}', () => '  debug: {}\n  kafka:\n    brokers: ["kafka:9092"]\n    auth:\n      sasl: { username: u, password: p4ss }\n      tls: { key_file: /k.pem, token_file: /t }\n  elasticsearch:\n    endpoint: https://u:p4ss@es.example.com\nprocessors:\n  attributes/x:\n    actions:\n      - { key: note, value: "$$5", action: insert }'));
    const kafka = raw(r.props)?.exporters.kafka as { auth: { sasl: Record<string, unknown>; tls: Record<string, unknown> } };
    expect([kafka.auth.sasl.username, kafka.auth.sasl.password instanceof SecretRef]).toEqual(['u', true]);
    expect(kafka.auth.tls).toEqual({ key_file: '/k.pem', token_file: '/t' });
    expect((raw(r.props)?.exporters.elasticsearch as { endpoint: unknown }).endpoint).toBeInstanceOf(SecretRef);
    expect((raw(r.props)?.processors['attributes/x'] as { actions: unknown[] }).actions).toEqual([{ key: 'note', value: '$$5', action: 'insert' }]);
  });

  test('an escaped $${X} is a literal for the Collector, not a reference: it stays as written', () => {
    const r = otel(minimal.replace('  debug: {}', () => '  debug: {}\n  kafka:\n    topic: "cost-$${REGION}"'));
    expect(raw(r.props)?.exporters.kafka).toEqual({ topic: 'cost-$${REGION}' });
    expect(r.notes.some((n) => n.kind === 'secret')).toBe(false);
  });

  test('a plain header with a $ keeps its exporter raw (typed values would be re-escaped)', () => {
    const r = otel(minimal.replace('  debug: {}', () => '  debug: {}\n  otlphttp/v:\n    endpoint: https://v.example.com\n    headers:\n      x-note: "pay $$5"'));
    expect((r.props.exporters as unknown[]).length).toBe(1);
    expect(raw(r.props)?.exporters['otlphttp/v']).toEqual({ endpoint: 'https://v.example.com', headers: { 'x-note': 'pay $$5' } });
  });

  test('credential headers and ${env:...} references become secret variables', () => {
    const r = otel(minimal.replace('  debug: {}', '  debug: {}\n  otlp_http/v:\n    endpoint: https://v.example.com\n    headers:\n      Authorization: Bearer abc\n      x-team: shop'));
    const v = (r.props.exporters as Array<Record<string, unknown>>).find((e) => e.type === 'otlphttp')!;
    expect(v.headers).toEqual({ Authorization: expect.any(SecretRef), 'x-team': 'shop' });
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'secret', where: 'exporters.otlp_http/v.headers.Authorization' }));
  });

  test('an OTLP protocol without endpoint keeps the Collector\'s default (localhost), written out and reported', () => {
    const r = otel('receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n');
    const otlp = (r.props.receivers as Array<Record<string, unknown>>)[0];
    expect((otlp.grpc as { endpoint: Commented }).endpoint.value).toBe('localhost:4317');
    expect(otlp.http).toBe(false);
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'default', where: 'receivers.otlp.protocols.grpc.endpoint' }));
  });

  test('memory_limiter without check_interval (which the Collector refuses) gets the library\'s 1s, reported', () => {
    const r = otel(minimal.replace('  debug: {}', '  debug: {}\nprocessors:\n  memory_limiter:\n    limit_mib: 100'));
    expect(((r.props.processors as Array<Record<string, unknown>>)[0].checkInterval as Commented).value).toBe('1s');
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'default', where: 'processors.memory_limiter.check_interval' }));
  });

  test('a pipeline the library would refuse is kept raw, with the reason', () => {
    const r = otel(minimal.replace('  debug: {}', '  debug: {}\nprocessors:\n  batch: {}\n  memory_limiter:\n    limit_mib: 100').replace('      receivers: [otlp]\n', '      receivers: [otlp]\n      processors: [batch, memory_limiter]\n'));
    expect(r.props.pipelines).toEqual({});
    expect((raw(r.props)?.service.pipelines as Record<string, unknown>).traces).toEqual({ receivers: ['otlp'], processors: ['batch', 'memory_limiter'], exporters: ['debug'] });
  });

  test('each Collector service of a Compose file gets its own config; --otel alone makes one Collector', () => {
    const cfg = (n: string) => minimal.replace('debug: {}', `debug: { verbosity: ${n} }`);
    write('two/a.yaml', cfg('basic'));
    write('two/b.yaml', cfg('detailed'));
    const compose = write('two/docker-compose.yml', ['services:', '  edge:', '    image: otel/opentelemetry-collector-contrib:0.159.0', '    volumes: ["./a.yaml:/etc/otelcol-contrib/config.yaml:ro"]', '  gateway:', '    image: otel/opentelemetry-collector:0.159.0', '    command: ["--config", "/conf/b.yaml"]', '    volumes: ["./b.yaml:/conf/b.yaml:ro"]', ''].join('\n'));
    const code = importStack({ compose, out: path.join(dir, 'two/main.ts') }).code;
    expect(code).toMatch(/new OtelCollector\(this, 'Edge', \{[\s\S]*verbosity: 'basic'[\s\S]*new OtelCollector\(this, 'Gateway', \{[\s\S]*verbosity: 'detailed'/);
    expect(code).not.toContain("'--config'");
    expect(importStack({ otel: path.join(dir, 'two/a.yaml'), out: path.join(dir, 'two/flag.ts') }).code).toMatch(/new OtelCollector\(this, 'OtelCollector', \{/);
  });

  test('listed extensions keep the library\'s health_check first; unlisted, it is reported as added', () => {
    expect(raw(otel(`${minimal}  extensions: [pprof]\nextensions:\n  pprof: {}\n`).props)?.service.extensions).toEqual(['health_check', 'pprof']);
    expect(otel(minimal).notes).toContainEqual(expect.objectContaining({ kind: 'default', where: 'service.extensions' }));
  });
});

describe('Alloy configuration reader', () => {
  test('reads blocks, labels, attributes, strings with escapes, raw strings, lists, objects, references, calls and comments', () => {
    const tree = parseAlloy(
      [
        '// a comment',
        '/* a block',
        '   comment */',
        '# hash comment',
        'loki.write "default" {',
        '  endpoint {',
        '    url = "http://loki:3100/loki/api/v1/push\\t\\u00e9"',
        '    headers = { "X-Scope-OrgID" = "team", other = sys.env("TOKEN") }',
        '  }',
        '  external_labels = { cluster = "a", }',
        '}',
        'prometheus.scrape "x" {',
        '  targets = [{ __address__ = "a:1" }, { __address__ = `b:${2}` }]',
        '  forward_to = [prometheus.remote_write.default.receiver]',
        '  scrape_interval = "15s"',
        '  honor_labels = true',
        '  sample_limit = -1.5e3',
        '  job_name = null',
        '}',
      ].join('\n'),
      'c.alloy',
    );
    expect(alloyBlocks(tree).map((b) => `${b.name}:${b.label ?? ''}:${b.line}`)).toEqual(['loki.write:default:5', 'endpoint::6', 'prometheus.scrape:x:12']);
    // Offsets of string literals (span) aside.
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'span' ? undefined : v)));
    const endpoint = alloyBlocks(tree)[1];
    expect(plain(endpoint.body[0])).toEqual({ kind: 'attr', name: 'url', value: { t: 'str', v: 'http://loki:3100/loki/api/v1/push\té' }, line: 7 });
    expect(plain(endpoint.body[1])).toEqual(expect.objectContaining({ value: { t: 'obj', entries: [['X-Scope-OrgID', { t: 'str', v: 'team' }], ['other', { t: 'call', fn: 'sys.env', args: [{ t: 'str', v: 'TOKEN' }] }]] } }));
    const scrape = alloyBlocks(tree)[2].body;
    expect(scrape.map((s) => (s.kind === 'attr' ? s.value.t : s.kind))).toEqual(['list', 'list', 'str', 'bool', 'num', 'null']);
    expect(plain(scrape[0])).toEqual(expect.objectContaining({ value: { t: 'list', items: [{ t: 'obj', entries: [['__address__', { t: 'str', v: 'a:1' }]] }, { t: 'obj', entries: [['__address__', { t: 'str', v: 'b:${2}' }]] }] } }));
    expect(plain(scrape[1])).toEqual(expect.objectContaining({ value: { t: 'list', items: [{ t: 'ref', path: 'prometheus.remote_write.default.receiver' }] } }));
  });

  test.each([
    ['an unterminated string', 'a "x" {\n  url = "http://x\n}\n', 2, /newline in a "\.\.\." string/],
    ['an unclosed block', 'a "x" {\n  b {\n    c = 1\n  }\n', 5, /a block is not closed \(missing "}"\)/],
    ['an operator', 'a "x" {\n  c = 1\n  d = 2 + 3\n}\n', 3, /"\+": operators and this character are not supported by the importer's reader/],
    ['a comparison', 'a "x" {\n  d = 2 == 3\n}\n', 2, /operator == is not supported/],
    ['an unknown escape', 'a "x" {\n\n  d = "\\q"\n}\n', 3, /unknown escape \\q in a string/],
    ['a missing value', 'a "x" {\n  d =\n}\n', 3, /expected a value, found "}"/],
    ['an unterminated block comment', 'a {}\n/* x\n', 2, /unterminated \/\* comment/],
    ['a stray closing brace', 'a {}\n}\n', 2, /unexpected "}"/],
  ])('refuses %s with the file and line', (_what, text, line, message) => {
    const e = caught(() => parseAlloy(text, 'bad.alloy'));
    expect([e.file, e.line]).toEqual(['bad.alloy', line]);
    expect(e.message).toMatch(message);
  });

  test('components the LogAgent does not generate are reported; literal secrets are found with their place; the file is not rejected', () => {
    const notes = new Notes();
    const text = 'otelcol.receiver.otlp "x" {\n}\nloki.write "w" {\n  endpoint {\n    url = "https://u:p@logs.example.com/push"\n    basic_auth {\n      password = "hunter2"\n    }\n  }\n}\n';
    const { secrets } = importAlloy('c.alloy', text, notes);
    expect(notes.notes.map((n) => `${n.kind} ${n.where}`)).toEqual(['warning otelcol.receiver.otlp "x" (line 1)']);
    expect(secrets.map((x) => [x.where, x.keys.join('.'), text.slice(x.span[0], x.span[1]), x.isUrl])).toEqual([
      ['loki.write "w" > endpoint > url (line 5)', 'loki.write.w.endpoint.url', '"https://u:p@logs.example.com/push"', true],
      ['loki.write "w" > endpoint > basic_auth > password (line 7)', 'loki.write.w.endpoint.basic_auth.password', '"hunter2"', false],
    ]);
    const rewritten = alloyWithSecretFiles(text, secrets, ['s_url', 's_pw']);
    expect(rewritten).not.toMatch(/hunter2|u:p@/);
    expect(rewritten).toContain('url = local.file.s_url.content');
    expect(rewritten).toContain('password = local.file.s_pw.content');
    expect(alloyBlocks(parseAlloy(rewritten, 'r')).filter((b) => b.name === 'local.file').map((b) => [b.label, b.body.map((x) => (x.kind === 'attr' && x.value.t !== 'list' ? `${x.name}=${JSON.stringify((x.value as { v?: unknown }).v)}` : ''))])).toEqual([
      ['s_url', ['filename="/etc/alloy/secrets/s_url"', 'is_secret=false']],
      ['s_pw', ['filename="/etc/alloy/secrets/s_pw"', 'is_secret=true']],
    ]);
  });

  test('through Compose, an unreadable config.alloy stops the import with its file and line', () => {
    const compose = write('alloy-bad/docker-compose.yml', 'services:\n  alloy:\n    image: grafana/alloy:v1.18.1\n    volumes:\n      - ./config.alloy:/etc/alloy/config.alloy:ro\n');
    write('alloy-bad/config.alloy', 'logging {\n  level = "info"\n  format = "logfmt" +\n}\n');
    const e = caught(() => importStack({ compose, out: path.join(dir, 'alloy-bad/main.ts') }));
    expect([path.basename(e.file), e.line]).toEqual(['config.alloy', 3]);
  });

  describe('a config.alloy that is exactly what LogAgent renders becomes LogAgent props', () => {
    const props = { mountDockerSocket: true, readHostLogs: true, hostLogPaths: ['/var/log/nginx/*.log'], lokiUrl: 'http://loki:3100/loki/api/v1/push', tenantId: 'shop', logLabels: { level: 'lvl' }, structuredMetadata: { user: 'user_id' }, dropExpression: false as const, scrapeMetrics: true, remoteWriteUrl: 'http://prometheus:9090/api/v1/write', metricsScrapeInterval: '30s' };
    const rendered = new LogAgent(new TerraformStack(Testing.app(), 's'), 'A', props).renderConfig();
    const compose = (name: string, text: string) => {
      write(`${name}/config.alloy`, text);
      return write(`${name}/docker-compose.yml`, 'services:\n  alloy:\n    image: grafana/alloy:v1.18.1\n    volumes:\n      - ./config.alloy:/etc/alloy/config.alloy:ro\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - /var/log:/var/log:ro\n');
    };

    test('its own rendering (comments and block order aside) is imported as props, without alloyConfig', () => {
      const text = rendered.replace(/^\/\/.*\n/gm, '');
      const r = importStack({ compose: compose('alloy-own', text), out: path.join(dir, 'alloy-own/main.ts') });
      expect(r.code).not.toContain('alloyConfig');
      for (const snippet of ["tenantId: 'shop'", "hostLogPaths: ['/var/log/nginx/*.log']", "logLabels: { level: 'lvl' }", "structuredMetadata: { user: 'user_id' }", 'dropExpression: false', "metricsScrapeInterval: '30s'"]) expect(r.code).toContain(snippet);
      expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'choice', where: 'config.alloy', message: expect.stringMatching(/exactly the pipeline LogAgent renders/) }));
    });

    test('a value a prop sets (refresh_interval) is read into that prop', () => {
      const r = importStack({ compose: compose('alloy-refresh', rendered.replace('refresh_interval = "5s"', 'refresh_interval = "7s"')), out: path.join(dir, 'alloy-refresh/main.ts') });
      expect(r.code).toContain("refreshInterval: '7s'");
      expect(r.code).not.toContain('alloyConfig');
    });

    test('a value no prop sets (the scrape job name) changed, and the file is carried verbatim instead', () => {
      const r = importStack({ compose: compose('alloy-edited', rendered.replace('job_name        = "docker"', 'job_name        = "containers"')), out: path.join(dir, 'alloy-edited/main.ts') });
      expect(r.code).toContain("alloyConfig: readText('config.alloy')");
      expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'escape-hatch', where: 'config.alloy' }));
    });
  });

  test('an Alloy service without a mounted config file stays a Container, with a warning', () => {
    const compose = write('alloy-none/docker-compose.yml', 'services:\n  alloy:\n    image: grafana/alloy:v1.18.1\n');
    const r = importStack({ compose, out: path.join(dir, 'alloy-none/main.ts') });
    expect(r.code).toMatch(/new Container\(this, 'Alloy', \{/);
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: 'services.alloy', message: expect.stringMatching(/not a bind-mounted file.*kept as a generic Container/) }));
  });
});

describe('Grafana provisioning', () => {
  const provisioning = (files: Record<string, string>) => {
    const root = fs.mkdtempSync(path.join(dir, 'prov-'));
    for (const [f, t] of Object.entries(files)) write(path.relative(dir, path.join(root, f)), t);
    const notes = new Notes();
    const r = importGrafanaProvisioning({ '/etc/grafana/provisioning': root }, notes, (f) => path.relative(root, f));
    return { ...r, notes: notes.notes };
  };

  test('review: a data source URL carrying a password becomes a sensitive variable (GrafanaDataSources refuses it literal)', () => {
    const r = provisioning({ 'datasources/ds.yml': 'datasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://admin:hunter2@prometheus:9090\n' });
    expect(JSON.stringify(r.dataSources)).not.toContain('hunter2');
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'secret', where: 'datasources[0] ("Prometheus").url' }));
  });

  test('invalid YAML in a data source file names the file and the line', () => {
    const e = caught(() => provisioning({ 'datasources/ds.yml': 'apiVersion: 1\ndatasources:\n  - name: a\n   type: loki\n' }));
    expect([e.file, e.line]).toEqual(['datasources/ds.yml', 4]);
  });

  test('values are read as Grafana reads them ($$ is $), the uid defaults to the kind, jsonData is kept', () => {
    const r = provisioning({ 'datasources/ds.yml': 'datasources:\n  - name: Loki\n    type: loki\n    url: http://loki:3100\n    jsonData:\n      derivedFields:\n        - url: "$${__value.raw}"\n' });
    expect(r.dataSources).toEqual({ loki: { url: 'http://loki:3100', jsonData: { derivedFields: [{ url: '${__value.raw}' }] } }, dataSources: ['loki'] });
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'default', where: 'datasources[0] ("Loki").uid' }));
  });

  test('a kind the library does not create, or a second one, is a warning naming it, not a silent drop', () => {
    const r = provisioning({ 'datasources/ds.yml': 'datasources:\n  - { name: P1, type: prometheus, url: "http://a:9090" }\n  - { name: P2, type: prometheus, url: "http://b:9090" }\n  - { name: DB, type: mysql, url: "db:3306" }\n' });
    expect(r.notes.filter((n) => n.kind === 'warning').map((n) => n.where)).toEqual(['datasources[1] ("P2")', 'datasources[2] ("DB")']);
  });

  test('foldersFromFilesStructure: top-level files in General, one flat folder per directory (as Grafana does), the nesting reported', () => {
    const r = provisioning({
      'dashboards/p.yml': 'providers:\n  - name: p\n    folder: Ignored\n    options:\n      path: /etc/grafana/provisioning/dashboards/json\n      foldersFromFilesStructure: true\n',
      'dashboards/json/a.json': '{}',
      'dashboards/json/team/b.json': '{}',
      'dashboards/json/team/sub/c.json': '{}',
    });
    expect(r.dashboards.map((d) => [path.basename(d.dir), d.folders])).toEqual([['json', []], ['team', ['team']], ['sub', ['sub']]]);
    expect(r.notes.map((n) => `${n.kind} ${n.where}`)).toEqual(expect.arrayContaining(['choice providers[0] ("p").folder', 'choice providers[0] ("p")']));
  });

  test('without it, every file under the path, subdirectories included, goes to the provider\'s folder', () => {
    const r = provisioning({ 'dashboards/p.yml': 'providers:\n  - name: p\n    folder: Top\n    folderUid: top\n    options:\n      path: /etc/grafana/provisioning/dashboards/json\n', 'dashboards/json/a.json': '{}', 'dashboards/json/x/b.json': '{}' });
    expect(r.dashboards.map((d) => [path.basename(d.dir), d.folders, d.folderUid])).toEqual([['json', ['Top'], 'top'], ['x', ['Top'], 'top']]);
  });

  test('a provider Grafana refuses (folder and folderUid with foldersFromFilesStructure) is reported, not imported', () => {
    const r = provisioning({ 'dashboards/p.yml': 'providers:\n  - name: p\n    folder: T\n    folderUid: t\n    options:\n      path: /etc/grafana/provisioning/dashboards/json\n      foldersFromFilesStructure: true\n', 'dashboards/json/a.json': '{}' });
    expect(r.dashboards).toEqual([]);
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', message: expect.stringMatching(/Grafana refuses this provider/) }));
  });
});

describe('review: OTel raw settings with credentials given by value', () => {
  test('an inline PEM private key (tls key_pem) and a Bearer header value under a plain name become secret variables', () => {
    const notes = new Notes();
    const yaml = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  fancyvendor/eu:\n    tls:\n      key_pem: "-----BEGIN PRIVATE KEY-----\\nMIIBsecretkeybytes\\n-----END PRIVATE KEY-----\\n"\n    headers:\n      x-custom: Bearer abcdef123456\n      X-Auth-Key: authkey-literal-9\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [fancyvendor/eu]\n';
    const r = importOtel('otel.yml', yaml, notes);
    const text = JSON.stringify((r.props.rawConfig as Commented).value);
    expect(text).not.toContain('MIIBsecretkeybytes');
    expect(text).not.toContain('abcdef123456');
    expect(text).not.toContain('authkey-literal-9');
  });

  test('a typed exporter header whose value is a Bearer token under a plain name becomes a secret variable', () => {
    const notes = new Notes();
    const yaml = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  otlphttp/vendor:\n    endpoint: https://otlp.vendor.example\n    headers:\n      x-custom: Bearer abcdef123456\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [otlphttp/vendor]\n';
    const r = importOtel('otel.yml', yaml, notes);
    expect(JSON.stringify(r.props)).not.toContain('abcdef123456');
  });
});

describe('review: config paths in Collector and Alloy commands', () => {
  const minimalOtel = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  debug: { verbosity: detailed }\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n';

  test('a Collector --config=file:PATH (the file: provider) reads the mounted file', () => {
    write('fileuri/c.yaml', minimalOtel);
    const compose = write('fileuri/docker-compose.yml', ['services:', '  otel:', '    image: otel/opentelemetry-collector-contrib:0.159.0', '    command: ["--config=file:/conf/c.yaml"]', '    volumes: ["./c.yaml:/conf/c.yaml:ro"]', ''].join('\n'));
    const r = importStack({ compose, out: path.join(dir, 'fileuri/main.ts') });
    expect(r.code).toMatch(/new OtelCollector\(this, 'Otel', \{[\s\S]*verbosity: 'detailed'/);
    expect(r.report).not.toMatch(/no bind mount of the config file/);
  });

  test('Alloy flags given as two words (--storage.path DIR) are not taken for the config path', () => {
    write('alloywords/config.alloy', 'logging {\n  level = "info"\n}\n');
    const compose = write('alloywords/docker-compose.yml', ['services:', '  alloy:', '    image: grafana/alloy:v1.18.1', '    command: ["run", "--server.http.listen-addr", "0.0.0.0:12345", "--storage.path", "/var/lib/alloy/data", "/etc/alloy/config.alloy"]', '    volumes: ["./config.alloy:/etc/alloy/config.alloy:ro"]', ''].join('\n'));
    const r = importStack({ compose, out: path.join(dir, 'alloywords/main.ts') });
    expect(r.code).toMatch(/new LogAgent\(/);
    expect(r.report).not.toMatch(/kept as a generic Container/);
    expect(r.code).not.toMatch(/extraArgs/);
  });
});

describe('review: Alloy credentials the attribute list missed', () => {
  test('a credential header in a headers object, a sigv4 secret_key and a Bearer value become secret files (read as strings)', () => {
    const notes = new Notes();
    const text = 'prometheus.remote_write "cloud" {\n  endpoint {\n    url = "https://prom.example.com/api/v1/write"\n    headers = { "X-Scope-OrgID" = "team-a", "Authorization" = "Bearer abcdef123456" }\n    sigv4 {\n      region = "eu-west-1"\n      secret_key = "very-secret-key"\n    }\n  }\n}\n';
    const { secrets } = importAlloy('c.alloy', text, notes);
    expect(secrets.map((x) => [x.keys.join('.'), text.slice(x.span[0], x.span[1]), x.isUrl])).toEqual([
      ['prometheus.remote_write.cloud.endpoint.headers.Authorization', '"Bearer abcdef123456"', true],
      ['prometheus.remote_write.cloud.endpoint.sigv4.secret_key', '"very-secret-key"', true],
    ]);
    const rewritten = alloyWithSecretFiles(text, secrets, ['s_auth', 's_key']);
    expect(rewritten).not.toMatch(/abcdef123456|very-secret-key/);
    expect(rewritten).toContain('"team-a"');
    parseAlloy(rewritten, 'r');
  });

  test('a header named *-Key is a credential in a headers object only; the same key in a labels object stays plain', () => {
    const text = 'loki.write "cloud" {\n  endpoint {\n    url = "https://logs.example.com/loki/api/v1/push"\n    headers = { "X-Auth-Key" = "authkey-literal-9", "X-Scope-OrgID" = "team-a" }\n  }\n  external_labels = { routing_key = "eu-1" }\n}\n';
    const { secrets } = importAlloy('c.alloy', text, new Notes());
    expect(secrets.map((x) => [x.keys.join('.'), text.slice(x.span[0], x.span[1])])).toEqual([['loki.write.cloud.endpoint.headers.X-Auth-Key', '"authkey-literal-9"']]);
  });
});
