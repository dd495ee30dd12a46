/**
 * The Kubernetes target checked against the pinned charts' own behaviour (issue 12): the
 * library's values merged over each chart's defaults as Helm merges them (facts in
 * test/fixtures/charts, written by hand from the charts' sources at their tags), then the
 * effective Alertmanager configuration through amtool, the join addresses, the values a chart
 * ignores, HA wiring, and Helm's `tpl` on the values it passes through it.
 */
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { ALERTMANAGER_IMAGE, Alertmanager } from '../../../constructs/alertmanager';
import { AlertRoute } from '../../../constructs/alert-route';
import { GRAFANA_IMAGE, GrafanaServer } from '../../../constructs/grafana-server';
import { LOKI_IMAGE, LokiCluster } from '../../../constructs/loki-cluster';
import { PROMETHEUS_IMAGE, PrometheusServer } from '../../../constructs/prometheus-server';
import { TempoBackend } from '../../../constructs/tempo-backend';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { secretVariable } from '../../../lib/core/secrets';
import { CHART_SOURCES, CHARTS, ChartName } from '../../../lib/kubernetes/charts';
import { TEMPO_CHART_HTTP_PORT, chartRuleObjectName, escapeGrafanaEnvValue, operatorAlertmanagerLayout } from '../../../lib/kubernetes/values';
import { KubernetesRuntime, KubernetesRuntimeProps } from '../../../lib/runtime/kubernetes-runtime';
import { ObservabilityStack } from '../../../stacks/observability-stack';
import { PaymentsSloStack } from '../../../examples/kubernetes/main';
import { at, chartFacts, effectiveAlertmanager, effectiveValues, helmMerge, helmTpl, helmTplDeep, sprigQuote } from '../../helpers/helm';
import { SynthJson, amtoolCheckConfigObject, haveTool, helmRelease, helmValues, promtoolCheckRuleGroups, synthJson, terraformEvaluate, testStack } from '../../helpers/synth';

/** The facts of each pinned chart, by its pinned version (a bump without new facts fails here). */
const FACTS = Object.fromEntries((Object.keys(CHARTS) as ChartName[]).map((n) => [n, chartFacts(CHARTS[n].chart, CHARTS[n].version)])) as Record<ChartName, Record<string, any>>;
const KPS = FACTS.kubePrometheusStack;

const s3 = (stack: TerraformStack, bucket: string) => ({
  endpoint: 's3.eu-central-1.amazonaws.com',
  bucket,
  accessKeyId: secretVariable(stack, 's3_access_key_id').stringValue,
  secretAccessKey: secretVariable(stack, 's3_secret_access_key').stringValue,
});
const tempoStorage = (stack: TerraformStack) => ({ endpoint: 's3.example.com', bucket: 'traces', accessKey: secretVariable(stack, 'tk').stringValue, secretKey: secretVariable(stack, 'ts').stringValue });

function k8s(props: KubernetesRuntimeProps = {}) {
  const stack = testStack();
  new KubernetesRuntime(stack, 'Kubernetes', props);
  return stack;
}

describe('helm model (test helper)', () => {
  test('maps merge key by key, lists replace, null deletes', () => {
    expect(helmMerge({ a: { b: 1, c: [1, 2] }, d: 1, e: 2 }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] }, e: 2 });
  });
  test('tpl prints string literals and refuses any other action', () => {
    expect(helmTpl('a {{`{{`}} $labels.x }} b {{ "{{" }}')).toBe('a {{ $labels.x }} b {{');
    expect(() => helmTpl('{{ $labels.x }}')).toThrow(/tpl would evaluate/);
  });
});

describe('(a) chart pins', () => {
  test('every pinned chart version is a published version of the repository it is installed from, with its source recorded in code', () => {
    for (const name of Object.keys(CHARTS) as ChartName[]) {
      const facts = FACTS[name];
      expect(`${name} ${CHARTS[name].chart}@${CHARTS[name].version}`).toBe(`${name} ${facts.chart}@${facts.version}`);
      expect(`${name} ${CHARTS[name].repository}`).toBe(`${name} ${facts.helmRepository}`);
      expect(facts.published.absent ?? []).not.toContain(CHARTS[name].version);
      expect(CHART_SOURCES[name]).toMatchObject({ repository: facts.source.repository, tag: facts.source.tag, path: facts.source.path, appVersion: facts.appVersion });
      if (facts.source.commit) expect(CHART_SOURCES[name].commit).toBe(facts.source.commit);
    }
  });
  test('the charts that moved are installed from grafana-community (grafana, loki, tempo-distributed); mimir-distributed is still released by grafana', () => {
    expect([CHARTS.grafana, CHARTS.loki, CHARTS.tempoDistributed].map((c) => c.repository)).toEqual(Array(3).fill('https://grafana-community.github.io/helm-charts'));
    expect(CHARTS.mimirDistributed.repository).toBe('https://grafana.github.io/helm-charts');
  });
  test('1.33.1 of tempo-distributed, once pinned, was never published', () => {
    expect(FACTS.tempoDistributed.published.absent).toEqual(['1.33.1']);
  });
  test('tempo-distributed runs its own Tempo 2, and every key the library merges into its configuration is one of that Tempo\'s (strict parsing)', () => {
    const facts = FACTS.tempoDistributed;
    expect(Number(facts.appVersion.split('.')[0])).toBe(facts.engineLine.major);
    expect(facts.engine.tag).toBe(`v${facts.appVersion}`);
    const stack = k8s();
    new PrometheusServer(stack, 'Prometheus');
    new TempoBackend(stack, 'Tempo', { objectStorage: { ...tempoStorage(stack), region: 'eu-central-1', prefix: 'traces', insecure: true } });
    const values = helmValues(synthJson(stack), 'tempo');
    // No image: TEMPO_IMAGE (the Docker target's) is not what this chart runs.
    expect(values.tempo.image).toBeUndefined();
    const unknown: string[] = [];
    const walk = (o: unknown, p: string): void => {
      if (p in facts.engine.opaque) return;
      if (o && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) walk(v, p ? `${p}.${k}` : k);
      else if (!(p in facts.engine.leaves)) unknown.push(p);
    };
    walk(helmTplDeep(values.tempo.structuredConfig), '');
    expect(unknown).toEqual([]);
  });
  test('the operator supports the Prometheus and Alertmanager versions the library runs', () => {
    const v = (tag: string) => tag.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
    const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    const prom = v(PROMETHEUS_IMAGE.tag);
    const { prometheusVersions: pv, alertmanagerVersions: av } = KPS.operator;
    // From the oldest version its tests deploy to the newest it lists or the chart pairs it with.
    const newest = [v(pv.maxListed), v(KPS.chartDefaultImages.prometheus.split(':')[1])].sort(cmp)[1];
    expect(cmp(prom, v(pv.min))).toBeGreaterThanOrEqual(0);
    expect(cmp(prom, newest)).toBeLessThanOrEqual(0);
    const am = v(ALERTMANAGER_IMAGE.tag);
    expect(cmp(am, v(av.min))).toBeGreaterThanOrEqual(0);
    expect(am[0]).toBeLessThan(av.belowMajor);
  });
  test('every chart but Tempo\'s and Mimir\'s runs the image the Docker target runs (the constants), not the chart\'s appVersion', () => {
    const stack = k8s();
    new PrometheusServer(stack, 'Prometheus');
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook.observability.svc:8080/' }) });
    new Alertmanager(stack, 'Alertmanager');
    new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs') });
    new GrafanaServer(stack, 'Grafana');
    const json = synthJson(stack);
    const ref = (i: { registry?: string; repository: string; tag: string }) => `${i.registry && i.registry !== 'docker.io' ? `${i.registry}/` : ''}${i.repository}:${i.tag}`;
    const want = (i: { repository: string; tag: string }) => `${i.repository}:${i.tag}`;
    const kps = helmValues(json, 'prometheus');
    expect({
      prometheus: ref(kps.prometheus.prometheusSpec.image),
      alertmanager: ref(kps.alertmanager.alertmanagerSpec.image),
      loki: ref(helmValues(json, 'loki').loki.image),
      grafana: ref(helmValues(json, 'grafana').image),
    }).toEqual({ prometheus: want(PROMETHEUS_IMAGE), alertmanager: want(ALERTMANAGER_IMAGE), loki: want(LOKI_IMAGE), grafana: want(GRAFANA_IMAGE) });
  });
});

const DOWN = {
  name: 'payment_api',
  rules: [{ alert: 'PaymentApiDown', expr: 'up{job="payment-api"} == 0', for: '2m', labels: { severity: 'critical' }, annotations: { summary: 'down', description: '{{ $labels.instance }} is down.', runbook_url: 'https://wiki.example.com/down' } }],
};

/** Stacks whose effective Alertmanager configuration must be exactly the library's. */
const AM_STACKS: Array<[string, () => TerraformStack]> = [
  [
    'one receiver, no child route, no inhibit rule, no template',
    () => {
      const stack = k8s();
      new PrometheusServer(stack, 'Prometheus');
      new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook.observability.svc:8080/' }) });
      new Alertmanager(stack, 'Alertmanager');
      return stack;
    },
  ],
  [
    'child routes, inhibit rules, templates and receiver credentials',
    () => {
      const stack = k8s();
      new PrometheusServer(stack, 'Prometheus').addRuleGroup(DOWN);
      const routing = new AlertRoute(stack, 'Routing', {
        receiver: Receiver.slack('slack', { webhookUrl: secretVariable(stack, 'slack_url').stringValue, channel: '#alerts', text: '{{ template "payments.text" . }}' }),
        templates: { payments: '{{ define "payments.text" }}{{ .CommonLabels.alertname }}{{ end }}' },
        inhibitRules: [{ sourceMatchers: [Matcher.eq('severity', 'critical')], targetMatchers: [Matcher.eq('severity', 'warning')], equal: ['alertname'] }],
      });
      routing.addReceiver(Receiver.pagerduty('pager', { routingKey: secretVariable(stack, 'pd_key').stringValue }));
      routing.addRoute({ receiver: 'pager', matchers: [Matcher.eq('severity', 'critical')] });
      new Alertmanager(stack, 'Alertmanager');
      return stack;
    },
  ],
  ['the payments example (examples/kubernetes)', () => new PaymentsSloStack(Testing.app(), 'payments', { target: 'kubernetes' })],
  [
    'ObservabilityStack on Kubernetes',
    () => {
      const objectStorage = { endpoint: 's3.eu-central-1.amazonaws.com', region: 'eu-central-1', logsBucket: 'obs-logs', tracesBucket: 'obs-traces' };
      return new ObservabilityStack(Testing.app(), 'obs', { kubernetes: { namespace: 'observability' }, objectStorage });
    },
  ],
];

describe('(b) the effective Alertmanager configuration', () => {
  test.each(AM_STACKS)('%s: exactly the library\'s, and amtool accepts it', (_name, make) => {
    const stack = make();
    const json = synthJson(stack);
    const effective = effectiveAlertmanager(json);
    // Nothing of the chart's default survives (its inhibit rules on InfoInhibitor and `namespace`).
    expect(JSON.stringify(effective.config)).not.toMatch(/InfoInhibitor/);
    const alertmanager = stack.node.findAll().find((c) => c instanceof Alertmanager) as Alertmanager;
    const ours = alertmanager.route.renderAlertmanagerDocument(operatorAlertmanagerLayout('prometheus-alertmanager-credentials')).doc;
    expect(effective.config).toEqual(JSON.parse(JSON.stringify(ours)));
    // The operator merges the AlertmanagerConfig objects its selector picks: only ours, by label (the chart's {} picks all).
    const selector = effectiveValues(json, 'prometheus', KPS).alertmanager.alertmanagerSpec.alertmanagerConfigSelector;
    expect(selector).toEqual({ matchLabels: { 'obs-stack.io/alertmanager': 'alertmanager' } });
    if (haveTool('amtool')) {
      const r = amtoolCheckConfigObject(effective.config, effective.templates);
      expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
      expect(r.code).toBe(0);
    }
  });

  // The first stack has no rule (an alert would reach the default receiver only, which the library refuses).
  test.each(AM_STACKS.slice(1))('%s: promtool accepts the effective rules, labelled for the Prometheus rule selector', (_name, make) => {
    const values = effectiveValues(synthJson(make()), 'prometheus', KPS);
    const selector = values.prometheus.prometheusSpec.ruleSelector.matchLabels;
    const objects = Object.values(values.additionalPrometheusRulesMap as Record<string, { additionalLabels: Record<string, string>; groups: unknown[] }>);
    expect(objects.length).toBeGreaterThan(0);
    // The chart names each object <fullname>-<key>, cut to 63 characters: one object per group.
    const names = Object.keys(values.additionalPrometheusRulesMap).map((k) => chartRuleObjectName(values.fullnameOverride, k));
    expect(new Set(names).size).toBe(objects.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    for (const o of objects) expect(o.additionalLabels).toMatchObject(selector);
    if (haveTool('promtool')) {
      const r = promtoolCheckRuleGroups(objects.flatMap((o) => o.groups));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe('(c) Loki and Tempo join the chart\'s memberlist Services', () => {
  test.each(['loki', 'logs'])('a LokiCluster named %s joins <loki.fullname>-memberlist, the Service the chart creates', (name) => {
    const stack = k8s();
    new LokiCluster(stack, 'Loki', { name, objectStorage: s3(stack, 'logs') });
    const json = synthJson(stack);
    const values = effectiveValues(json, name, FACTS.loki);
    // The memberlist Service is <loki.fullname>-memberlist (fullnameOverride) on 7946, unless memberlist.service.name.
    const service = values.memberlist?.service?.name ?? `${values.fullnameOverride}-memberlist`;
    expect(values.loki.structuredConfig.memberlist.join_members).toEqual([`${service}.observability.svc.cluster.local:${FACTS.loki.names.memberlistPort}`]);
    // Workloads are <loki.name>-<target>, Services <loki.fullname>-<target>: one name for both.
    expect(values.nameOverride).toBe(values.fullnameOverride);
  });

  test('Loki reaches the compactor on the backend Service\'s gRPC port, the address Loki uses when both are set', () => {
    const stack = k8s();
    new LokiCluster(stack, 'Loki', { name: 'logs', objectStorage: s3(stack, 'logs') });
    const values = effectiveValues(synthJson(stack), 'logs', FACTS.loki);
    const common = { ...values.loki.commonConfig, ...values.loki.structuredConfig.common };
    expect(common.compactor_grpc_address).toBe(`logs-backend.observability.svc.cluster.local:${FACTS.loki.names.grpcPort}`);
    // A compactor_address beside it would be ignored (Loki prefers the gRPC address).
    expect(common.compactor_address).toBeUndefined();
  });

  test('Tempo leaves memberlist to the chart, which joins dns+<fullname>-gossip-ring', () => {
    const stack = k8s();
    new TempoBackend(stack, 'Tempo', { name: 'traces', objectStorage: tempoStorage(stack), metricsGenerator: false });
    const values = effectiveValues(synthJson(stack), 'traces', FACTS.tempoDistributed);
    expect(values.fullnameOverride).toBe('traces');
    expect(values.tempo.structuredConfig.memberlist).toBeUndefined();
  });
});

describe('(d) no value the chart ignores or sets itself', () => {
  test.each([
    ['loki', 'loki', ['read', 'write', 'backend']],
    ['tempo', 'tempoDistributed', ['ingester', 'distributor', 'querier', 'queryFrontend', 'compactor', 'metricsGenerator']],
  ] as Array<[string, ChartName, string[]]>)('%s: extraArgs repeat no argument the chart passes itself', (release, chart, targets) => {
    const stack = k8s();
    new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs') });
    new TempoBackend(stack, 'Tempo', { objectStorage: tempoStorage(stack) });
    const values = helmValues(synthJson(stack), release);
    const own: string[] = FACTS[chart].chartArgs.args;
    for (const t of targets) {
      const args: string[] = values[t].extraArgs ?? [];
      expect(`${t}: ${args.filter((a) => own.includes(a)).join(' ')}`).toBe(`${t}: `);
    }
  });

  test('Loki: no scalable and distributed replicas together (the chart\'s validate.yaml refuses it), singleBinary at 0', () => {
    const stack = k8s();
    new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs') });
    const values = effectiveValues(synthJson(stack), 'loki', FACTS.loki);
    expect(values.deploymentMode).toBe('SimpleScalable');
    for (const k of FACTS.loki.validate.distributedReplicaKeys as string[]) expect(`${k}=${at(values, k)}`).toBe(`${k}=0`);
    expect(values.singleBinary.replicas).toBe(0);
    expect(values.minio.enabled).toBe(false);
  });

  test('Tempo: the query frontend is addressed on the chart\'s HTTP port', () => {
    expect(TEMPO_CHART_HTTP_PORT).toBe(FACTS.tempoDistributed.defaults.server.httpListenPort);
    const stack = k8s();
    const tempo = new TempoBackend(stack, 'Tempo', { objectStorage: tempoStorage(stack) });
    expect(tempo.endpoint.address).toBe(`tempo-query-frontend.observability.svc:${FACTS.tempoDistributed.defaults.server.httpListenPort}`);
  });

  test('Loki: read runs as a Deployment with emptyDir (no legacyReadTarget), so read.persistence is not set', () => {
    const stack = k8s();
    new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs') });
    const ours = helmValues(synthJson(stack), 'loki');
    expect(ours.read.legacyReadTarget).toBeUndefined();
    expect(ours.read.persistence).toBeUndefined();
    expect(ours.write.persistence).toMatchObject({ size: '10Gi' });
    expect(ours.backend.persistence).toMatchObject({ size: '10Gi' });
  });

  test('Grafana: plugins go in `plugins` only; the chart sets the plugin variable (GF_PLUGINS_PREINSTALL_SYNC) from them', () => {
    const stack = k8s();
    new GrafanaServer(stack, 'Grafana', { plugins: ['grafana-piechart-panel'] });
    const values = helmValues(synthJson(stack), 'grafana');
    expect(values.plugins).toEqual(['grafana-piechart-panel']);
    expect(Object.keys(FACTS.grafana.envFromValues)).toContain('GF_PLUGINS_PREINSTALL_SYNC');
    for (const k of FACTS.grafana.pluginEnv as string[]) expect(Object.keys(values.env)).not.toContain(k);
  });
});

describe('(e) HA that neither splits nor doubles data', () => {
  const podUrl = (i: number) => `http://prometheus-prometheus-prometheus-${i}.prometheus-operated.observability.svc:9090/api/v1/write`;

  test('Tempo\'s metrics generator writes to every Prometheus replica (pod DNS names of prometheus-operated), not the load-balanced Service', () => {
    const stack = k8s();
    new PrometheusServer(stack, 'Prometheus');
    new TempoBackend(stack, 'Tempo', { objectStorage: tempoStorage(stack) });
    const json = synthJson(stack);
    const replicas = helmValues(json, 'prometheus').prometheus.prometheusSpec.replicas;
    expect(replicas).toBe(2);
    const cfg = helmValues(json, 'tempo').tempo.structuredConfig;
    expect(cfg.metrics_generator.storage.remote_write.map((w: { url: string }) => w.url)).toEqual([podUrl(0), podUrl(1)]);
  });

  test('with Mimir, one replica writes (no HA tracker: memberlist cannot back it), without its replica label', () => {
    const stack = k8s();
    new PrometheusServer(stack, 'Prometheus', { mimir: { objectStorage: s3(stack, 'metrics-blocks') } });
    const spec = effectiveValues(synthJson(stack), 'prometheus', KPS).prometheus.prometheusSpec;
    expect(spec.remoteWrite).toHaveLength(1);
    const rw = spec.remoteWrite[0];
    expect(rw.url).toBe('http://mimir-nginx.observability.svc:80/api/v1/push');
    // The operator sets prometheus_replica to the pod name on each replica: keep one.
    const kept = [0, 1].filter((i) => relabelKeeps(rw.writeRelabelConfigs, { prometheus_replica: `prometheus-prometheus-prometheus-${i}`, __name__: 'up' }));
    expect(kept).toEqual([0]);
    expect(rw.writeRelabelConfigs).toContainEqual({ action: 'labeldrop', regex: 'prometheus_replica' });
  });

  test('the chart\'s default monitors and exporters are off unless chartMonitors asks for them', () => {
    const switches: string[] = KPS.chartMonitors.switches;
    const off = effectiveValues(synthJson(withPrometheus({})), 'prometheus', KPS);
    for (const s of switches) expect(`${s}=${at(off, s)}`).toBe(`${s}=false`);
    // The selectors keep the chart's default (the release label): nothing else in the namespace is scraped.
    for (const k of ['serviceMonitorSelectorNilUsesHelmValues', 'podMonitorSelectorNilUsesHelmValues']) expect(off.prometheus.prometheusSpec[k]).toBe(true);
    const on = effectiveValues(synthJson(withPrometheus({ chartMonitors: true })), 'prometheus', KPS);
    for (const s of switches) expect(`${s}=${at(on, s)}`).toBe(`${s}=true`);
  });

  function withPrometheus(props: KubernetesRuntimeProps) {
    const stack = k8s(props);
    new PrometheusServer(stack, 'Prometheus');
    return stack;
  }
});

describe('(f) values Helm passes through tpl reach the engines unchanged', () => {
  const TEXT = 'a {{ $labels.x }} b ${1} %{c}';
  const URL = 'https://grafana.example.com/{{ .x }}/"q"/${1}';

  function tplStack() {
    const stack = k8s();
    const prometheus = new PrometheusServer(stack, 'Prometheus', { externalLabels: { note: TEXT } });
    prometheus.addScrapeJob({ jobName: 'pods', targets: ['x:1'], relabelConfigs: [{ sourceLabels: ['__address__'], regex: '(.*):\\d+', targetLabel: 'host', replacement: '{{ ${1} }}' } as never] });
    prometheus.addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'critical' }, annotations: { summary: 's', description: '{{ $labels.instance }} ${1}', runbook_url: 'https://wiki.example.com/a' } }] });
    new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs'), remoteWriteUrl: 'http://mimir.example.com/api/v1/push?note={{x}}' });
    new GrafanaServer(stack, 'Grafana', { rootUrl: URL });
    return synthJson(stack);
  }

  /** The values as Terraform hands them to Helm (the real terraform binary), parsed as Helm does. */
  function throughTerraform(json: SynthJson, release: string): Record<string, any> {
    const raw = (helmRelease(json, release).values as string[])[0];
    return haveTool('terraform') ? parse(terraformEvaluate({ v: raw }).v) : helmValues(json, release);
  }

  test('kube-prometheus-stack: external labels and scrape configs survive tpl; rules (not tpl\'d) stay as written', () => {
    const json = tplStack();
    const values = throughTerraform(json, 'prometheus');
    const spec = values.prometheus.prometheusSpec;
    for (const key of Object.keys(KPS.tpl)) {
      const v = at(values, key);
      if (v !== undefined) expect(() => helmTplDeep(v)).not.toThrow();
    }
    expect(helmTplDeep(spec.externalLabels)).toEqual({ note: TEXT });
    const pods = (helmTplDeep(spec.additionalScrapeConfigs) as Array<Record<string, any>>).find((j) => j.job_name === 'pods')!;
    expect(pods.relabel_configs[0].replacement).toBe('{{ ${1} }}');
    const rules = Object.values(values.additionalPrometheusRulesMap as Record<string, { groups: Array<{ rules: Array<{ annotations: Record<string, string> }> }> }>)[0];
    expect(rules.groups[0].rules[0].annotations.description).toBe('{{ $labels.instance }} ${1}');
    if (haveTool('promtool')) expect(promtoolCheckRuleGroups(rules.groups).code).toBe(0);
  });

  test('Loki\'s structuredConfig survives tpl', () => {
    const values = throughTerraform(tplStack(), 'loki');
    const cfg = helmTplDeep(values.loki.structuredConfig) as Record<string, any>;
    expect(cfg.ruler.remote_write.clients.default.url).toBe('http://mimir.example.com/api/v1/push?note={{x}}');
    expect(cfg.common.storage.s3.access_key_id).toBe('${LOKI_S3_ACCESS_KEY_ID}');
  });

  test('Grafana env values survive tpl and the chart\'s quote', () => {
    const env = throughTerraform(tplStack(), 'grafana').env as Record<string, string>;
    // The chart writes value: {{ tpl (print $value) $ | quote }}; YAML then reads the double-quoted scalar.
    expect(FACTS.grafana.tpl.env).toMatch(/\| quote/);
    expect(parse(sprigQuote(helmTpl(env.GF_SERVER_ROOT_URL)))).toBe(URL);
    const tricky = 'a "b" \\c\nd {{ e }}';
    expect(parse(sprigQuote(helmTpl(escapeGrafanaEnvValue(tricky))))).toBe(tricky);
  });
});

/** Prometheus relabelling (keep / drop / labeldrop) of one series, as write_relabel_configs applies it. */
function relabelKeeps(configs: Array<Record<string, any>>, labels: Record<string, string>): boolean {
  for (const c of configs) {
    const action = c.action ?? 'replace';
    if (action === 'labeldrop') continue;
    const value = (c.sourceLabels ?? []).map((l: string) => labels[l] ?? '').join(c.separator ?? ';');
    const matches = new RegExp(`^(?:${c.regex ?? '(.*)'})$`).test(value);
    if (action === 'keep' && !matches) return false;
    if (action === 'drop' && matches) return false;
  }
  return true;
}
