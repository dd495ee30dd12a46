/**
 * Plain-JavaScript callers (issue 13, class 6): every public constructor and method checks the
 * shape of what it is given. Whatever is passed (fast-check's `anything()` at any prop, or as
 * the whole argument) ends in a ValidationError or in a stack that synthesizes; never a
 * TypeError from inside, and never a value silently misread.
 */
import { TerraformStack } from 'cdktf';
import fc from 'fast-check';
import { AlertRoute } from '../../../constructs/alert-route';
import { Alertmanager } from '../../../constructs/alertmanager';
import { BlackboxExporter } from '../../../constructs/blackbox-exporter';
import { GrafanaFolder } from '../../../constructs/grafana-folder';
import { ExistingGrafana, GrafanaServer } from '../../../constructs/grafana-server';
import { LogAgent } from '../../../constructs/log-agent';
import { LokiCluster } from '../../../constructs/loki-cluster';
import { MonitoredService } from '../../../constructs/monitored-service';
import { NodeExporter } from '../../../constructs/node-exporter';
import { OtelCollector } from '../../../constructs/otel-collector';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { Container } from '../../../constructs/container';
import { SloBudget } from '../../../constructs/slo-budget';
import { TempoBackend } from '../../../constructs/tempo-backend';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { ValidationError } from '../../../lib/core/errors';
import { secretVariable } from '../../../lib/core/secrets';
import { Shape, shapeProblems } from '../../../lib/core/shape';
import { SHAPES } from '../../../lib/core/shapes.generated';
import { Sli } from '../../../lib/slo/sli';
import { synthJson, testStack } from '../../helpers/synth';

type Build = (stack: TerraformStack, arg: Record<string, unknown>) => unknown;

/** Entry points: the type of the checked argument, a valid argument, and how to call it. */
const ENTRY_POINTS: Array<{ name: string; type: string; valid: (s: TerraformStack) => Record<string, unknown>; build: Build }> = [
  { name: 'new PrometheusServer', type: 'PrometheusServerProps', valid: () => ({ scrapeInterval: '15s' }), build: (s, a) => new PrometheusServer(s, 'Prometheus', a) },
  { name: 'PrometheusServer.addScrapeJob', type: 'ScrapeJobOptions', valid: () => ({ jobName: 'api', targets: ['api:8080'] }), build: (s, a) => new PrometheusServer(s, 'Prometheus').addScrapeJob(a as never) },
  { name: 'PrometheusServer.addRuleGroup', type: 'RuleGroup', valid: () => ({ name: 'g', rules: [{ record: 'a:b', expr: 'vector(1)' }] }), build: (s, a) => new PrometheusServer(s, 'Prometheus', { alertPolicy: 'off' }).addRuleGroup(a as never) },
  { name: 'new AlertRoute', type: 'AlertRouteProps', valid: () => ({ receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) }), build: (s, a) => new AlertRoute(s, 'Routing', a as never) },
  {
    name: 'AlertRoute.addRoute',
    type: 'RouteOptions',
    valid: () => ({ receiver: 'hook', matchers: [Matcher.eq('team', 'a')], groupBy: ['alertname'] }),
    build: (s, a) => new AlertRoute(s, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }), requireRouting: false }).addRoute(a as never),
  },
  { name: 'new Alertmanager', type: 'AlertmanagerProps', valid: () => ({ replicas: 1 }), build: (s, a) => (new AlertRoute(s, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }), requireRouting: false }), new Alertmanager(s, 'Alertmanager', a)) },
  { name: 'new BlackboxExporter', type: 'BlackboxExporterProps', valid: () => ({}), build: (s, a) => new BlackboxExporter(s, 'Blackbox', a) },
  { name: 'new NodeExporter', type: 'NodeExporterProps', valid: () => ({}), build: (s, a) => new NodeExporter(s, 'Node', a) },
  { name: 'new LokiCluster', type: 'LokiClusterProps', valid: () => ({}), build: (s, a) => new LokiCluster(s, 'Loki', a) },
  { name: 'new TempoBackend', type: 'TempoBackendProps', valid: () => ({}), build: (s, a) => new TempoBackend(s, 'Tempo', a) },
  { name: 'new Container', type: 'ContainerProps', valid: () => ({ image: 'prom/pushgateway:v1.9.0', ports: [{ name: 'http', containerPort: 9091 }] }), build: (s, a) => new Container(s, 'Pushgateway', a as never) },
  { name: 'new OtelCollector', type: 'OtelCollectorProps', valid: () => ({}), build: (s, a) => new OtelCollector(s, 'Otel', a) },
  { name: 'new LogAgent', type: 'LogAgentProps', valid: () => ({ lokiUrl: 'http://loki:3100/loki/api/v1/push', containerLogs: false }), build: (s, a) => new LogAgent(s, 'Agent', a) },
  { name: 'new GrafanaServer', type: 'GrafanaServerProps', valid: (s) => ({ adminPassword: secretVariable(s, 'pw').stringValue }), build: (s, a) => new GrafanaServer(s, 'Grafana', a) },
  { name: 'new ExistingGrafana', type: 'ExistingGrafanaProps', valid: () => ({ url: 'https://grafana.example.com' }), build: (s, a) => new ExistingGrafana(s, 'Grafana', a as never) },
  { name: 'new GrafanaFolder', type: 'GrafanaFolderProps', valid: () => ({ title: 'Team' }), build: (s, a) => (new ExistingGrafana(s, 'Grafana', { url: 'https://grafana.example.com' }), new GrafanaFolder(s, 'Folder', a as never)) },
  {
    name: 'new SloBudget',
    type: 'SloBudgetProps',
    valid: () => ({ service: 'api', name: 'availability', objective: 99.9, sli: Sli.availability({ selector: 'service="api"' }), runbookUrl: 'https://wiki.example.com/slo' }),
    build: (s, a) => (new PrometheusServer(s, 'Prometheus'), new SloBudget(s, 'Slo', a as never)),
  },
  {
    name: 'new MonitoredService',
    type: 'MonitoredServiceProps',
    valid: () => ({ service: 'api', team: 'shop', external: { address: 'api.internal:8080' }, runbookBaseUrl: 'https://wiki.example.com/runbooks' }),
    build: (s, a) => (new PrometheusServer(s, 'Prometheus'), new MonitoredService(s, 'Api', a as never)),
  },
];

/** Runs `f`; a throw must be a ValidationError (the library's own, clear refusal). */
function refusedOrBuilt(f: () => unknown): 'refused' | 'built' {
  try {
    f();
    return 'built';
  } catch (e) {
    if (!(e instanceof ValidationError) && !/^Validation failed with the following errors/.test((e as Error).message)) {
      throw new Error(`not a ValidationError: ${(e as Error).constructor.name}: ${(e as Error).message}`);
    }
    return 'refused';
  }
}

const junk = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(null, 'true', 'false', 'a:1', 0, -1, NaN, [], [null], {}, () => 1, [undefined], { a: {} }));

describe.each(ENTRY_POINTS)('$name with wrong shapes (property)', ({ type, valid, build }) => {
  const keys = Object.keys((SHAPES[type] as { props?: object }).props ?? {});

  test('any value at any prop: a ValidationError naming the prop, or a stack that synthesizes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), junk, (key, value) => {
        const stack = testStack();
        const arg = { ...valid(stack), [key]: value };
        const wrongShape = shapeProblems(value, (SHAPES[type] as unknown as { props: Record<string, { shape: Shape }> }).props[key].shape, key).length > 0 && value !== undefined;
        let message = '';
        const outcome = refusedOrBuilt(() => {
          try {
            build(stack, arg);
            synthJson(stack);
          } catch (e) {
            message = (e as Error).message;
            throw e;
          }
        });
        if (wrongShape) {
          expect(outcome).toBe('refused');
          expect(message).toContain(key);
        }
      }),
      { numRuns: 25, seed: 1306 },
    );
  });

  test('the whole argument replaced by a wrong shape is a ValidationError', () => {
    for (const value of [null, 'a', 5, [], true]) {
      const stack = testStack();
      expect(refusedOrBuilt(() => build(stack, value as never))).toBe('refused');
    }
  });
});

describe('values that used to be silently misread', () => {
  test.each<[string, (s: TerraformStack) => unknown, RegExp]>([
    ['groupBy as a string', (s) => new AlertRoute(s, 'R', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }), groupBy: 'alertname' as never }), /props\.groupBy must be an array \(got string "alertname"\); write \["alertname"\]/],
    ['honorLabels as a string', (s) => new PrometheusServer(s, 'P').addScrapeJob({ jobName: 'j', targets: ['a:1'], honorLabels: 'true' as never }), /addScrapeJob\(job\)\.honorLabels must be a boolean \(got string "true"\); write true without quotes/],
    ['mountDockerSocket "false"', (s) => new PrometheusServer(s, 'P', { mountDockerSocket: 'false' as never }), /props\.mountDockerSocket must be a boolean \(got string "false"\); write false without quotes/],
    ['an object as a label value', (s) => new PrometheusServer(s, 'P', { externalLabels: { env: { name: 'prod' } as never } }), /props\.externalLabels\.env must be a string \(got an object\)/],
    ['targets as a string', (s) => new PrometheusServer(s, 'P').addScrapeJob({ jobName: 'j', targets: 'a:1' as never }), /addScrapeJob\(job\)\.targets must be an array \(got string "a:1"\); write \["a:1"\]/],
    ['rules: [null]', (s) => new PrometheusServer(s, 'P').addRuleGroup({ name: 'g', rules: [null as never] }), /addRuleGroup\(group\)\.rules\[0\] must be/],
    ['props null', (s) => new PrometheusServer(s, 'P', null as never), /props must be an object \(PrometheusServerProps\) \(got null\)/],
    ['AlertRoute without receiver', (s) => new AlertRoute(s, 'R', {} as never), /props\.receiver is required \(got undefined\)/],
    ['Receiver.slack with null config', () => Receiver.slack('x', null as never), /Receiver\.slack\(config\) must be an object \(SlackConfig\) \(got null\)/],
    ['matchers as strings', (s) => new AlertRoute(s, 'R', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) }).addRoute({ receiver: 'hook', matchers: ['severity="critical"' as never] }), /addRoute\(options\)\.matchers\[0\] must be an instance of Matcher, e\.g\. Matcher\.eq\('severity', 'critical'\) or Matcher\.parse\('severity="critical"'\) \(got string/],
    ['slos: [undefined]', (s) => (new PrometheusServer(s, 'P'), new MonitoredService(s, 'S', { service: 'api', team: 'shop', external: { address: 'a:1' }, runbookBaseUrl: 'https://wiki.example.com', slos: [undefined as never] })), /props\.slos\[0\] must be an object/],
    ['addScrapeJob(undefined)', (s) => new PrometheusServer(s, 'P').addScrapeJob(undefined as never), /addScrapeJob\(job\) must be an object \(ScrapeJobOptions\) \(got undefined\)/],
    ['a typo in a prop name', (s) => new PrometheusServer(s, 'P', { scrapeIntervall: '15s' } as never), /props\.scrapeIntervall is not a property of PrometheusServerProps; did you mean scrapeInterval\?/],
  ])('%s', (_name, build, message) => {
    const stack = testStack();
    expect(() => build(stack)).toThrow(ValidationError);
    expect(() => build(testStack())).toThrow(message);
  });
});

describe('Sli factories check their options', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['latency with a string threshold', () => Sli.latency({ metric: 'h', thresholdSeconds: '0.3' as never, selector: 'a="b"' }), /Sli\.latency\(options\)\.thresholdSeconds must be a number \(got string "0\.3"\); write 0\.3, not "0\.3"/],
    ['availability without options', () => Sli.availability(undefined as never), /Sli\.availability\(options\) must be an object \(AvailabilitySliOptions\) \(got undefined\)/],
    ['raw with a number', () => Sli.raw({ badRate: 1 as never, totalRate: 'x' }), /Sli\.raw\(options\)\.badRate must be a string \(got number 1\)/],
  ])('%s', (_n, build, message) => {
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });
});
