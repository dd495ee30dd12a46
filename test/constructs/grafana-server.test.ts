import { AnnotationMetadataEntryType, TerraformVariable } from 'cdktf';
import { Folder } from '../../.gen/providers/grafana/folder';
import { AlertRoute } from '../../constructs/alert-route';
import { Alertmanager } from '../../constructs/alertmanager';
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { GrafanaFolder } from '../../constructs/grafana-folder';
import { ExistingGrafana, GrafanaServer } from '../../constructs/grafana-server';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Receiver } from '../../lib/alertmanager/receivers';
import { grafanaFacts, jsonDataKeys, unknownKeys } from '../helpers/grafana-facts';
import { container, resources, synthJson, synthString, testStack } from '../helpers/synth';

describe('GrafanaServer', () => {
  const stack = testStack();
  const grafana = new GrafanaServer(stack, 'Grafana', { plugins: ['grafana-clock-panel'], featureToggles: ['traceQLStreaming', 'metricsSummary'] });
  new GrafanaFolder(stack, 'Team', { title: 'Payments Team' });
  const json = synthJson(stack);
  const c = container(json, 'grafana');

  test('secure defaults: no literal password, anonymous access and sign-up off, 127.0.0.1', () => {
    expect(c.env).toEqual(
      expect.arrayContaining([
        'GF_SECURITY_ADMIN_USER=admin',
        'GF_SECURITY_ADMIN_PASSWORD=${var.grafana_admin_password}',
        'GF_USERS_ALLOW_SIGN_UP=false',
        'GF_AUTH_ANONYMOUS_ENABLED=false',
        'GF_PLUGINS_PREINSTALL_SYNC=grafana-clock-panel',
        'GF_FEATURE_TOGGLES_ENABLE=traceQLStreaming,metricsSummary',
      ]),
    );
    expect(json.variable?.grafana_admin_password).toMatchObject({ sensitive: true });
    expect(json.variable?.grafana_admin_password).not.toHaveProperty('default');
    expect(c.ports).toEqual([{ internal: 3000, external: 3000, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(JSON.stringify(json)).not.toMatch(/ADMIN_PASSWORD=admin/);
  });

  test('data on a named volume, /api/health healthcheck, and Terraform waits until healthy', () => {
    expect(c.volumes).toEqual([{ volume_name: expect.stringContaining('docker_volume.Grafana_Data_'), container_path: '/var/lib/grafana' }]);
    expect((c.healthcheck as { test: string[] }).test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/api/health']);
    expect(c.wait).toBe(true);
    expect(c.wait_timeout).toBe(180);
  });

  test('the provider points at this instance with the admin credentials from the variable', () => {
    expect((json.provider as Record<string, unknown[]>).grafana).toEqual([{ url: 'http://127.0.0.1:3000', auth: 'admin:${var.grafana_admin_password}' }]);
    expect(grafana.provider).toBeDefined();
  });

  test('every grafana_* resource depends on the container (one deploy from an empty host)', () => {
    const folder = Object.values(resources(json, 'grafana_folder'))[0];
    expect(folder.depends_on).toEqual([expect.stringMatching(/^docker_container\.Grafana_[0-9A-F]+$/)]);
    expect(folder).toMatchObject({ title: 'Payments Team', uid: 'payments-team' });
    expect(synthString(stack)).toHaveResourceWithProperties(Folder, { uid: 'payments-team' });
  });

  test('opting in to anonymous access is possible, with a warning', () => {
    const s = testStack();
    const g = new GrafanaServer(s, 'Grafana', { anonymousAccess: true });
    expect(container(synthJson(s), 'grafana').env).toContain('GF_AUTH_ANONYMOUS_ENABLED=true');
    expect(g.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data)).toEqual([expect.stringMatching(/anonymous access is on/)]);
  });
});

describe('ExistingGrafana (e.g. Grafana Cloud)', () => {
  test('only configures the provider, with a sensitive token', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://example.grafana.net' });
    new GrafanaFolder(stack, 'Folder', { title: 'Platform' });
    const json = synthJson(stack);
    expect((json.provider as Record<string, unknown[]>).grafana).toEqual([{ url: 'https://example.grafana.net', auth: '${var.grafana_auth}' }]);
    expect(json.variable?.grafana_auth).toMatchObject({ sensitive: true });
    expect(resources(json, 'docker_container')).toEqual({});
    expect(Object.values(resources(json, 'grafana_folder'))[0].depends_on).toBeUndefined();
  });
});

describe('GrafanaFolder', () => {
  test('nested folders reference their parent', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    const parent = new GrafanaFolder(stack, 'Prod', { title: 'Production' });
    new GrafanaFolder(stack, 'Pay', { title: 'Payments', parent });
    const folders = Object.values(resources(synthJson(stack), 'grafana_folder'));
    expect(folders.find((f) => f.uid === 'payments')).toMatchObject({ parent_folder_uid: 'production' });
  });
});

describe('GrafanaDataSources', () => {
  const stack = testStack();
  new GrafanaServer(stack, 'Grafana');
  new PrometheusServer(stack, 'Prometheus');
  new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
  new Alertmanager(stack, 'Alertmanager');
  new GrafanaDataSources(stack, 'DataSources', { loki: { url: 'http://loki:3100' }, tempo: { url: 'http://tempo:3200' } });
  const json = synthJson(stack);
  const ds = Object.fromEntries(Object.values(resources(json, 'grafana_data_source')).map((d) => [d.type, d]));
  const jsonData = (type: string) => JSON.parse(String(ds[type].json_data_encoded).replace(/\$\$\{/g, '${'));

  test('four data sources with stable UIDs, Prometheus and Alertmanager discovered in the stack', () => {
    expect(Object.keys(ds).sort()).toEqual(['alertmanager', 'loki', 'prometheus', 'tempo']);
    expect(ds.prometheus).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090', is_default: true });
    expect(ds.alertmanager).toMatchObject({ uid: 'alertmanager', url: 'http://alertmanager:9093' });
  });

  test('exemplars go to Tempo with the trace id label', () => {
    expect(jsonData('prometheus').exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'tempo', urlDisplayLabel: 'View trace' }]);
  });

  test('Loki derived fields go to Tempo and to the service dashboard; ${__value.raw} is escaped for Terraform', () => {
    expect(String(ds.loki.json_data_encoded)).toContain('"url":"$${__value.raw}"');
    expect(jsonData('loki').derivedFields).toEqual([
      { name: 'TraceID', matcherRegex: '"trace_id":\\s*"(\\w+)"', datasourceUid: 'tempo', url: '${__value.raw}', urlDisplayLabel: 'View trace' },
      { name: 'Service', matcherRegex: '"service":\\s*"([^"]+)"', url: '/d/service-overview?var-service=${__value.raw}', urlDisplayLabel: 'Service dashboard' },
    ]);
  });

  test('Tempo: traces to logs by trace and span id, to metrics, service map and node graph', () => {
    const t = jsonData('tempo');
    expect(t.tracesToLogsV2).toMatchObject({ datasourceUid: 'loki', filterByTraceID: true, filterBySpanID: true });
    expect(t.tracesToMetrics).toMatchObject({ datasourceUid: 'prometheus' });
    expect(t.serviceMap).toEqual({ datasourceUid: 'prometheus' });
    expect(t.nodeGraph).toEqual({ enabled: true });
  });

  // Issues 19 and 17 ("obsolete keys"): facts from Grafana 13.2.3's own types (test/fixtures/engines/grafana.json).
  test.each(['alertmanager', 'loki', 'prometheus', 'tempo'])('every %s jsonData key is one the pinned Grafana reads', (type) => {
    expect(unknownKeys(jsonData(type), jsonDataKeys(type), type)).toEqual([]);
  });

  test('Tempo no longer writes lokiSearch (read only for legacy Loki-search queries); Loki maxLines is the declared string', () => {
    expect(jsonData('tempo')).not.toHaveProperty('lokiSearch');
    expect(Object.keys(grafanaFacts.jsonData.tempo.notWritten)).toEqual(['lokiSearch']);
    expect(jsonData('loki').maxLines).toBe('1000');
  });

  test('no secret in the synthesized JSON', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"(password|token|secret)"\s*:\s*"(?!\$\{)/i);
    expect(text).not.toMatch(/ADMIN_PASSWORD=(?!\$\{var\.)/);
  });
});

describe('Grafana bad inputs', () => {
  test('a literal admin password', () => {
    expect(() => new GrafanaServer(testStack(), 'Grafana', { adminPassword: 'admin' })).toThrow(/^\[test\/Grafana\] adminPassword must not be a literal secret/);
  });

  test('a token admin password is fine', () => {
    const stack = testStack();
    const pw = new TerraformVariable(stack, 'pw', { type: 'string', sensitive: true });
    expect(() => new GrafanaServer(stack, 'Grafana', { adminPassword: pw.stringValue })).not.toThrow();
  });

  test('duplicate folder UIDs', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    new GrafanaFolder(stack, 'A', { title: 'Payments' });
    expect(() => new GrafanaFolder(stack, 'B', { title: 'payments' })).toThrow(/\[test\/B\] folder uid "payments" is already used by test\/A/);
  });

  test('an invalid folder uid', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    expect(() => new GrafanaFolder(stack, 'A', { title: 'x', uid: 'a/b' })).toThrow(/uid is not a valid Grafana UID \(got "a\/b"\)/);
  });

  test('a folder without any Grafana in the stack', () => {
    expect(() => new GrafanaFolder(testStack(), 'A', { title: 'x' })).toThrow(/no Grafana in this stack to create the folder in/);
  });

  test('a correlation mismatch names both ends', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    expect(
      () => new GrafanaDataSources(stack, 'DS', { loki: { url: 'http://loki:3100' }, tempo: { url: 'http://tempo:3200' }, correlation: { logFormat: 'logfmt', derivedFieldRegex: '"trace_id":"(\\w+)"' } }),
    ).toThrow(/correlation mismatch: the Loki data source's derived field regex "\\"trace_id\\":\\"\(\\\\w\+\)\\"" finds no trace id in a logfmt log line as the log pipeline writes it \(ts=.* trace_id=4bf92f3577b34da6a3ce929d0e0e4736/);
  });

  test('a renamed log field without a matching regex', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    expect(() => new GrafanaDataSources(stack, 'DS', { loki: { url: 'http://loki:3100' }, correlation: { logTraceIdField: 'traceId', derivedFieldRegex: 'trace_id=(\\w+)' } })).toThrow(/finds no trace id in a json log line/);
    // without an explicit regex, it follows the field
    expect(() => new GrafanaDataSources(stack, 'DS2', { loki: { url: 'http://loki:3100' }, correlation: { logTraceIdField: 'traceId' } })).not.toThrow();
  });

  test('duplicate data source uids and bad URLs', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    expect(() => new GrafanaDataSources(stack, 'DS', { prometheus: { url: 'http://p:9090', uid: 'main' }, loki: { url: 'loki:3100', uid: 'main' } })).toThrow(
      /2 problems:\n {2}- data source uid "main" is used twice\.[^]*loki\.url must be an http\(s\) URL \(got "loki:3100"\)/,
    );
  });
});
