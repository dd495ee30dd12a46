/**
 * A catalog of bad inputs across every public construct and helper: one row per validation
 * rule, each asserting that the library itself refuses the input (a ValidationError, or a
 * node validation that fails `Testing.synth(stack, true)`) with a message that says what is
 * wrong, shows the value received and, where the library has one, the fix.
 */
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AlertRoute, AlertRouteProps } from '../constructs/alert-route';
import { Alertmanager } from '../constructs/alertmanager';
import { BlackboxExporter } from '../constructs/blackbox-exporter';
import { Dashboard } from '../constructs/dashboard';
import { Container, ContainerProps } from '../constructs/container';
import { GrafanaDataSources } from '../constructs/grafana-data-sources';
import { GrafanaFolder } from '../constructs/grafana-folder';
import { GrafanaAlertRules } from '../constructs/grafana-alert-rules';
import { ExistingGrafana, GrafanaServer } from '../constructs/grafana-server';
import { LogAgent, LogAgentProps } from '../constructs/log-agent';
import { LokiCluster, LokiClusterProps } from '../constructs/loki-cluster';
import { NodeExporter } from '../constructs/node-exporter';
import { OtelCollector } from '../constructs/otel-collector';
import { PrometheusServer, PrometheusServerProps } from '../constructs/prometheus-server';
import { ProfilingBackend } from '../constructs/profiling-backend';
import { SloBudget, SloBudgetProps } from '../constructs/slo-budget';
import { TempoBackend, TempoBackendProps } from '../constructs/tempo-backend';
import { Matcher } from '../lib/alertmanager/matchers';
import { RouteOptions } from '../lib/alertmanager/route';
import { Receiver } from '../lib/alertmanager/receivers';
import { ValidationError } from '../lib/core/errors';
import { secretVariable } from '../lib/core/secrets';
import { redDashboard, sloDashboard } from '../lib/grafana/dashboards';
import { LokiObjectStorage } from '../lib/loki/config';
import { ExporterConfig, ProcessorConfig, ReceiverConfig } from '../lib/otel/config';
import { Relabel, RelabelConfig } from '../lib/prometheus/relabel';
import { AlertingRule, Rule, RuleGroup } from '../lib/prometheus/rules';
import { ScrapeJobOptions } from '../lib/prometheus/scrape';
import { DockerRuntime } from '../lib/runtime/docker-runtime';
import { KubernetesRuntime } from '../lib/runtime/kubernetes-runtime';
import { ComponentSpec } from '../lib/runtime/component';
import { Sli } from '../lib/slo/sli';
import { TempoS3Storage } from '../lib/tempo/config';
import { MonitoredService, MonitoredServiceProps } from '../constructs/monitored-service';
import { ObservabilityStack } from '../stacks/observability-stack';
import { Duration } from '../lib/core/duration';
import { AlertPacks, AlertRule } from '../lib/alerting/alert-rule';
import { Observability } from '../lib/observability';
import { testStack } from './helpers/synth';

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/**
 * `construct`: `build` throws a ValidationError. `synth`: `build` succeeds and
 * `Testing.synth(stack, true)` fails (node validation, or a ValidationError raised at synth).
 */
type When = 'construct' | 'synth';

interface Row {
  readonly group: string;
  readonly name: string;
  readonly build: (stack: TerraformStack) => unknown;
  /** What is wrong, the value received and the fix (where the library gives one). */
  readonly message: RegExp;
  readonly when: When;
}

const rows: Row[] = [];
let currentGroup = '';
function group(name: string, add: () => void): void {
  currentGroup = name;
  add();
}
/** A row whose error is thrown while building the input. */
function bad(name: string, build: (stack: TerraformStack) => unknown, message: RegExp): void {
  rows.push({ group: currentGroup, name, build, message, when: 'construct' });
}
/** A row whose error is reported by `Testing.synth(stack, true)`. */
function badAtSynth(name: string, build: (stack: TerraformStack) => unknown, message: RegExp): void {
  rows.push({ group: currentGroup, name, build, message, when: 'synth' });
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

const secret = (s: Construct, id = 'catalog_secret') => secretVariable(s, id).stringValue;
const prom = (s: Construct, props: PrometheusServerProps = {}, id = 'Prometheus') => new PrometheusServer(s, id, props);
const job = (j: Partial<ScrapeJobOptions>) => (s: TerraformStack) => prom(s).addScrapeJob({ jobName: 'j', targets: ['app:8080'], ...j });
const relabel = (r: RelabelConfig) => job({ relabelConfigs: [r] });
const rules = (g: Partial<RuleGroup>, props: PrometheusServerProps = { alertPolicy: 'off' }) => (s: TerraformStack) => prom(s, props).addRuleGroup({ name: 'g', rules: [], ...g });
const rule = (r: Partial<Rule> & Record<string, unknown>) => rules({ rules: [r as unknown as Rule] });
/** An alert that passes the policy; each policy row breaks one thing. */
const goodAlert: AlertingRule = { alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } };
const policy = (r: Partial<AlertingRule>) => rules({ rules: [{ ...goodAlert, ...r }] }, { alertPolicy: 'error' });

const blackbox = (s: Construct, props = {}) => new BlackboxExporter(s, 'Blackbox', props);
const bbModule = (name: string, m: object) => (s: TerraformStack) => blackbox(s).addModule(name, m as never);

const hook = Receiver.webhook('hook', { url: 'http://hook:8080/' });
const route = (s: Construct, props: Partial<AlertRouteProps> = {}, id = 'Routing') => new AlertRoute(s, id, { receiver: hook, ...props });
const receiver = (r: object) => (s: TerraformStack) => route(s).addReceiver(r as never);
const interval = (spec: object, name = 'ti') => (s: TerraformStack) => route(s).addTimeInterval({ name, timeIntervals: [spec] });

const sloBase: SloBudgetProps = { service: 'payment-api', name: 'availability', objective: 99.9, sli: Sli.availability({ selector: 'service="payment-api"' }), runbookUrl: 'https://wiki.example.com/slo' };
const slo = (p: Partial<SloBudgetProps>) => (s: TerraformStack) => {
  prom(s);
  return new SloBudget(s, 'Slo', { ...sloBase, ...p });
};
const latency = (o: Partial<Parameters<typeof Sli.latency>[0]>) => slo({ sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.3, selector: 'service="a"', ...o }) });

const grafana = (s: Construct, id = 'Grafana') => new ExistingGrafana(s, id, { url: 'https://grafana.example.com' });
const dataSources = (props: object) => (s: TerraformStack) => {
  grafana(s);
  return new GrafanaDataSources(s, 'DataSources', props);
};
const dashboard = (model: object) => (s: TerraformStack) => {
  grafana(s);
  return new Dashboard(s, 'Dashboard', { dashboard: model });
};
const panel = (expr: string, datasource?: object) => ({ uid: 'd', title: 'T', panels: [{ title: 'P', datasource, targets: [{ refId: 'A', expr }] }] });

const s3 = (s: Construct, o: Partial<LokiObjectStorage> = {}): LokiObjectStorage => ({ endpoint: 'minio:9000', bucket: 'loki-chunks', accessKeyId: 'loki', secretAccessKey: secret(s), ...o });
const loki = (p: LokiClusterProps | ((s: Construct) => LokiClusterProps)) => (s: TerraformStack) => new LokiCluster(s, 'Loki', typeof p === 'function' ? p(s) : p);
const lokiGroup = (g: object) => (s: TerraformStack) => new LokiCluster(s, 'Loki').addRuleGroup({ name: 'g', ...g } as never);
const lokiRule = (r: object) => lokiGroup({ rules: [r] });

const tempoS3 = (s: Construct, o: Partial<TempoS3Storage> = {}): TempoS3Storage => ({ endpoint: 'minio:9000', bucket: 'tempo-traces', accessKey: secret(s, 'ak'), secretKey: secret(s, 'sk'), ...o });
const tempo = (p: TempoBackendProps | ((s: Construct) => TempoBackendProps)) => (s: TerraformStack) => new TempoBackend(s, 'Tempo', typeof p === 'function' ? p(s) : p);

const otel = (s: Construct, props = {}) => new OtelCollector(s, 'Otel', props);
const receiverOf = (r: object) => (s: TerraformStack) => otel(s).addReceiver(r as ReceiverConfig);
const processor = (p: object) => (s: TerraformStack) => otel(s).addProcessor({ name: 'x', ...p } as ProcessorConfig);
const exporter = (e: object) => (s: TerraformStack) => otel(s).addExporter({ name: 'x', ...e } as ExporterConfig);
const actions = (...a: object[]) => processor({ type: 'attributes', actions: a });
const policies = (...p: object[]) => processor({ type: 'tail_sampling', policies: p });
const pipeline = (id: string, p: object) => (s: TerraformStack) => otel(s).addPipeline(id, { receivers: ['otlp'], exporters: ['prometheus'], ...p });

const agentBase: LogAgentProps = { mountDockerSocket: true, lokiUrl: 'http://loki:3100/loki/api/v1/push' };
const agent = (p: Partial<LogAgentProps>) => (s: TerraformStack) => new LogAgent(s, 'Agent', { ...agentBase, ...p });

const spec = (o: Partial<ComponentSpec>): ComponentSpec => ({ name: 'c', image: { repository: 'r', tag: '1.0' }, ...o });
const deploy = (o: Partial<ComponentSpec>) => (s: TerraformStack) => new DockerRuntime(s, 'Docker').deploy(new Construct(s, 'C'), spec(o));

// ---------------------------------------------------------------------------------------------
// Rows, grouped by construct
// ---------------------------------------------------------------------------------------------

group('PrometheusServer', () => {
  bad('scrape interval not a duration', (s) => prom(s, { scrapeInterval: '5 minutes' }), /global\.scrape_interval is not a valid duration \(got "5 minutes"\)\. Use a Prometheus duration: .*"5m"/);
  bad('duration units out of order', (s) => prom(s, { evaluationInterval: '30s1m' }), /global\.evaluation_interval is not a valid duration \(got "30s1m"\): units must appear once each, largest first\. Use a Prometheus duration/);
  bad('global timeout above interval', (s) => prom(s, { scrapeInterval: '10s', scrapeTimeout: '20s' }), /global\.scrape_timeout \(20s\) is greater than global\.scrape_interval \(10s\)\. Lower the timeout or raise the interval/);
  bad('external label name', (s) => prom(s, { externalLabels: { 'k8s-cluster': 'prod' } }), /^\[test\/Prometheus\] global\.external_labels key is not a valid label name \(got "k8s-cluster"\)\. Label names match \[a-zA-Z_\]/);
  bad('retention time not a duration', (s) => prom(s, { retentionTime: '1 month' }), /retentionTime is not a valid duration \(got "1 month"\)\. Use a Prometheus duration/);
  bad('retention size unit', (s) => prom(s, { retentionSize: '50G' }), /retentionSize is not a size Prometheus accepts \(got "50G"\)\. Use an integer and a unit among B, KB, MB, GB, TB, PB, EB, e\.g\. "50GB"/);
  bad('docker discovery without the socket', (s) => prom(s, { dockerDiscovery: {} }), /dockerDiscovery reads the Docker socket unix:\/\/\/var\/run\/docker\.sock, which is not mounted \(mountDockerSocket is false\)\. Set mountDockerSocket: true/);
  bad('unknown alert policy mode', (s) => prom(s, { alertPolicy: 'strict' as never }), /alertPolicy must be "error", "warn" or "off" \(got "strict"\)/);
  bad('alertmanager address as URL', (s) => prom(s).addAlertmanager('http://alertmanager:9093'), /Alertmanager address must be host:port \(got "http:\/\/alertmanager:9093"\)\. Use e\.g\. "alertmanager:9093", or pass the Alertmanager construct/);
  bad('alertmanager address twice', (s) => prom(s, { alertmanagers: ['am:9093', 'am:9093'] }), /\[test\/Prometheus\] Alertmanager "am:9093" is already configured\./);
  // Issue 19 (current engines).
  bad('distroless image on Docker', (s) => prom(s, { image: 'prom/prometheus:v3.14.0-distroless' }), /image prom\/prometheus:v3\.14\.0-distroless is the distroless variant: it has no wget for the container's healthcheck and runs as 65532.*Use the default busybox variant/);
});

group('Scrape jobs and relabeling', () => {
  bad('duplicate job name', job({ jobName: 'prometheus' }), /scrape job "prometheus" is already defined\. Job names must be unique per Prometheus server; rename one of them/);
  bad('blank job name', job({ jobName: ' ' }), /job_name must be a non-empty string \(got " "\)\. Give it a short, stable name such as "node"/);
  bad('job name with a newline', job({ jobName: 'a\nb' }), /job_name must not contain control characters or newlines \(got "a\\nb"\)/);
  bad('job interval not a duration', job({ scrapeInterval: '1 min' }), /scrape job "j": scrape_interval is not a valid duration \(got "1 min"\)/);
  bad('job timeout above interval', job({ scrapeInterval: '10s', scrapeTimeout: '30s' }), /scrape job "j": scrape_timeout \(30s\) is greater than scrape_interval \(10s\)\. Prometheus rejects this; lower the timeout or raise the interval/);
  bad('metrics path without slash', job({ metricsPath: 'metrics' }), /scrape job "j": metrics_path must start with "\/" \(got "metrics"\)\. Use e\.g\. "\/metrics"/);
  bad('unknown scheme', job({ scheme: 'ftp' as never }), /scrape job "j": scheme must be "http" or "https" \(got "ftp"\)/);
  bad('empty target', job({ targets: [''] }), /static_configs\[0\]\.targets\[0\] is empty \(got ""\)\. Give a host:port such as "app:8080"/);
  bad('target with whitespace', job({ targets: ['app :8080'] }), /static_configs\[0\]\.targets\[0\] contains whitespace \(got "app :8080"\)\. Give a host:port/);
  bad('URL as target', job({ targets: ['https://example.com/metrics'] }), /static_configs\[0\]\.targets\[0\] is a URL \(got "https:\/\/example\.com\/metrics"\); scrape targets are host:port\. Use metricsPath and scheme/);
  bad('static label name', job({ targets: undefined, staticConfigs: [{ targets: ['a:1'], labels: { 'team-name': 'x' } }] }), /static_configs\[0\]\.labels key is not a valid label name \(got "team-name"\)/);
  bad('literal basic-auth password', job({ basicAuth: { username: 'u', password: 'hunter2' } }), /basic_auth\.password must not be a literal secret \(got a literal string of 7 characters\)\. Pass a reference instead, e\.g\. secretVariable/);
  bad('empty basic-auth user', (s) => prom(s).addScrapeJob({ jobName: 'j', targets: ['a:1'], basicAuth: { username: '', password: secret(s) } }), /scrape job "j": basic_auth\.username is empty\. Give the user name\./);
  bad('literal bearer token', job({ bearerToken: 'abcde' }), /bearerToken must not be a literal secret \(got a literal string of 5 characters\)/);
  bad('basic auth and bearer token', (s) => prom(s).addScrapeJob({ jobName: 'j', targets: ['a:1'], basicAuth: { username: 'u', password: secret(s) }, bearerToken: secret(s, 'tok') }), /scrape job "j": basicAuth and bearerToken are mutually exclusive\. Keep one\./);
  bad('docker SD refresh interval', job({ targets: undefined, dockerSdConfigs: [{ refreshInterval: '30 s' }] }), /docker_sd_configs\[0\]\.refresh_interval is not a valid duration \(got "30 s"\)/);
  bad('negative sample limit', job({ sampleLimit: -1 }), /scrape job "j": sample_limit must be a non-negative integer \(got -1\)/);
  bad('job without targets', job({ jobName: 'nothing', targets: undefined }), /scrape job "nothing" has no targets: give targets, staticConfigs, dockerSdConfigs or kubernetesSdConfigs/);
  bad('unknown relabel action', relabel({ action: 'remove' as never, sourceLabels: ['a'] }), /relabel_configs\[0\]\.action is not a relabel action \(got "remove"\)\. Use one of replace, keep/);
  bad('relabel source label name', relabel(Relabel.keep(['meta.label'], 'true')), /relabel_configs\[0\]\.source_labels\[0\] is not a valid label name \(got "meta\.label"\)/);
  bad('relabel regex does not compile', relabel(Relabel.replace({ sourceLabels: ['__address__'], regex: '(.+:9100', targetLabel: 'instance' })), /relabel_configs\[0\]\.regex is not a valid regular expression: .*\(got "\(\.\+:9100"\)\. Check brackets, parentheses, escapes/);
  bad('relabel regex look-around', job({ metricRelabelConfigs: [Relabel.drop(['__name__'], 'go_(?!info).*')] }), /metric_relabel_configs\[0\]\.regex uses look-around assertions .*Go's RE2 engine does not support \(got "go_\(\?!info\)\.\*"\)\. Rewrite it without them/);
  bad('relabel regex back-reference', relabel(Relabel.keep(['a'], '(a)\\1')), /regex uses back-references \(\\1 \.\.\. \\9\), which Go's RE2 engine does not support \(got "\(a\)\\\\1"\)/);
  bad('relabel regex unknown escape', relabel(Relabel.keep(['a'], 'a\\e')), /regex uses the escape \\e, which Go's RE2 engine rejects \(got "a\\\\e"\)\. Escape only punctuation/);
  bad('replace without target label', relabel({ action: 'replace', sourceLabels: ['a'] }), /relabel_configs\[0\]: action replace requires target_label \(got none\)\. Set targetLabel to the label to write/);
  bad('replace target not a template', relabel(Relabel.replace({ sourceLabels: ['a'], targetLabel: 'my-label' })), /relabel_configs\[0\]\.target_label is not a valid label name or \$-template \(got "my-label"\)\. Use letters, digits and underscores/);
  bad('lowercase target not a label', relabel({ action: 'lowercase', sourceLabels: ['a'], targetLabel: '$1' }), /relabel_configs\[0\]\.target_label is not a valid label name \(got "\$1"\)/);
  bad('hashmod without modulus', relabel(Relabel.hashmod(['__address__'], 0, 'shard')), /hashmod requires a positive integer modulus \(got 0\)\. Set modulus to the number of shards/);
  bad('labeldrop with extra fields', relabel({ action: 'labeldrop', regex: 'a', targetLabel: 'b' }), /labeldrop only takes regex \(got targetLabel\)\. Remove those fields/);
  bad('labelkeep without regex', relabel({ action: 'labelkeep' }), /labelkeep needs a regex matching label names \(got none\)/);
  bad('keep without source labels', relabel({ action: 'keep', regex: 'x' }), /keep needs source_labels to match \(got none\)\. Set sourceLabels/);
  bad('labelmap without regex', relabel({ action: 'labelmap' }), /labelmap needs a regex matching label names \(got none\), e\.g\. "__meta_kubernetes_pod_label_\(\.\+\)"/);
});

group('Rules and PromQL', () => {
  bad('PromQL syntax error', rule({ record: 'job:up:sum', expr: 'sum(rate(x[5m])' }), /rule group "g", recording rule "job:up:sum": expr is not valid PromQL: syntax error at line 1, column \d+ .*\(got "sum\(rate\(x\[5m\]\)"\)\. Check parentheses/);
  bad('empty expression', rule({ record: 'a:b', expr: '' }), /recording rule "a:b": expr is empty \(got ""\)\. Give a PromQL expression such as/);
  bad('record name not a metric name', rule({ record: 'http-rate', expr: 'up' }), /recording rule "http-rate": name is not a valid metric name \(got "http-rate"\)\. Metric names match/);
  bad('rule label name', rule({ record: 'a:b', expr: 'up', labels: { 'team-name': 'x' } }), /recording rule "a:b": labels key is not a valid label name \(got "team-name"\)/);
  bad('annotation name', rule({ alert: 'A', expr: 'up', annotations: { 'runbook-url': 'x' } }), /alert "A": annotations key is not a valid label name \(got "runbook-url"\)/);
  bad('empty group name', rules({ name: '', rules: [{ record: 'a:b', expr: 'up' }] }), /rule group name must be a non-empty string \(got ""\)\. Give it a short, stable name/);
  bad('group interval not a duration', rules({ interval: '1 minute', rules: [{ record: 'a:b', expr: 'up' }] }), /rule group "g": interval is not a valid duration \(got "1 minute"\)/);
  bad('group limit not an integer', rules({ limit: 1.5, rules: [{ record: 'a:b', expr: 'up' }] }), /rule group "g": limit must be a non-negative integer \(got 1\.5\)/);
  bad('group without rules', rules({ name: 'empty' }), /rule group "empty" has no rules\. Add at least one recording or alerting rule, or drop the group/);
  bad('record and alert in one rule', rule({ record: 'a:b', alert: 'B', expr: 'up' }), /rules\[0\] has both record \("a:b"\) and alert \("B"\)\. A rule is one or the other/);
  bad('neither record nor alert', rule({ expr: 'up' }), /rules\[0\] has neither record nor alert\. Set record for a recording rule or alert for an alerting rule/);
  bad('for on a recording rule', rule({ record: 'a:b', expr: 'up', for: '5m' }), /recording rule "a:b": for, keep_firing_for and annotations only apply to alerting rules\. Remove them/);
  bad('recording rule sets __name__', rule({ record: 'a:b', expr: 'up', labels: { __name__: 'x' } }), /recording rule "a:b": labels must not set __name__; the record name is the metric name/);
  bad('same series recorded twice', rules({ rules: [{ record: 'a:b', expr: 'up' }, { record: 'a:b', expr: 'up * 2' }] }), /recording rule "a:b" is defined twice in the group with the same labels\. Prometheus would write the same series twice; remove one/);
  bad('alert defined twice', rules({ rules: [{ alert: 'A', expr: 'up' }, { alert: 'A', expr: 'up' }] }), /alert "A" is defined twice in the group\. Alert names must be unique per group/);
  bad('for not a duration', rule({ alert: 'A', expr: 'up', for: '5 minutes' }), /alert "A": for is not a valid duration \(got "5 minutes"\)\. Use a Prometheus duration/);
  bad('keep_firing_for not a duration', rule({ alert: 'A', expr: 'up', keepFiringFor: '1 hour' }), /alert "A": keep_firing_for is not a valid duration \(got "1 hour"\)/);
  bad('duplicate group', (s) => prom(s, { ruleGroups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'up' }] }, { name: 'g', rules: [{ record: 'a:c', expr: 'up' }] }] }), /rule group "g" is already defined\. Group names must be unique per Prometheus server; rename one or merge/);
  // Issue 19 (current engines): functions checked against the pinned Prometheus version.
  bad('experimental PromQL function on 3.x', rule({ record: 'a:b', expr: 'sort_by_label(up, "job")' }), /recording rule "a:b": expr uses sort_by_label, which prom\/prometheus:v3\.14\.0 only accepts with --enable-feature=promql-experimental-functions; the library does not turn experimental PromQL on/);
  bad('3.x-only PromQL function on a 2.x pin', rules({ rules: [{ record: 'a:b', expr: 'first_over_time(up[5m])' }] }, { alertPolicy: 'off', image: 'prom/prometheus:v2.53.0' }), /expr uses first_over_time, which Prometheus 2\.x does not have \(the image is prom\/prometheus:v2\.53\.0; it came with 3\.x\)/);
  bad('holt_winters, removed in 3.0', rule({ record: 'a:b', expr: 'holt_winters(x[10m], 0.5, 0.5)' }), /recording rule "a:b": expr uses holt_winters, which Prometheus 3 removed \(renamed double_exponential_smoothing/);
});

group('Alert policy', () => {
  bad('alert without severity', policy({ labels: {} }), /rule group "g", alert "A": has no severity label\. Set labels\.severity to "critical" \(wakes someone\) or "warning"/);
  bad('severity none outside the Watchdog', policy({ labels: { severity: 'none' } }), /alert "A": severity "none" is only for the Watchdog heartbeat \(got "none"\)\. Use "critical" or "warning"/);
  bad('unknown severity', policy({ labels: { severity: 'info' } }), /alert "A": severity must be "critical" or "warning" \(got "info"\)\. Two levels are enough/);
  bad('threshold alert without for', policy({ for: undefined }), /alert "A": a threshold alert needs for: \(got none\), or it fires on a 15-second spike\. Set e\.g\. for: '5m', or fireImmediately: true/);
  bad('critical alert without runbook', policy({ labels: { severity: 'critical' } }), /alert "A": critical alerts need annotations\.runbook_url \(got none\): whoever is woken up needs the steps\. Add a runbook link\. This is the anti-fatigue policy, not a Prometheus rule: to keep the rule as it is, set alertPolicy: 'warn' \(warnings\) or 'off' on the PrometheusServer\./);
  bad('alert without summary', policy({ annotations: { description: 'd' } }), /alert "A": annotations\.summary is missing\. Say what is wrong and its impact/);
});

group('NodeExporter', () => {
  bad('collector name', (s) => new NodeExporter(s, 'Node', { enableCollectors: ['Systemd'] }), /enableCollectors entry is not a collector name \(got "Systemd"\)\. Use the name as in --collector\.<name>, e\.g\. "systemd"/);
  bad('collector enabled and disabled', (s) => new NodeExporter(s, 'Node', { enableCollectors: ['wifi'], disableCollectors: ['wifi'] }), /\[test\/Node\] collectors wifi are both enabled and disabled\. Keep each in one list/);
  bad('empty job name', (s) => new NodeExporter(s, 'Node', { jobName: '' }), /\[test\/Node\] jobName must be a non-empty string \(got ""\)\. Give it a short, stable name/);
  // Issue 19 (current engines).
  bad('collector unknown to the pinned release', (s) => new NodeExporter(s, 'Node', { enableCollectors: ['systemdd'] }), /enableCollectors entry "systemdd" is not a collector of node exporter v1\.12\.1 \(did you mean "systemd"\?\)/);
});

group('BlackboxExporter', () => {
  bad('module name with a space', bbModule('http 2xx', { prober: 'http' }), /blackbox module "http 2xx": the name must be letters, digits, '_' or '-' \(got "http 2xx"\), since it is passed as a URL parameter\. Use e\.g\. "http_2xx"/);
  bad('misspelt prober', bbModule('m', { prober: 'htttp' }), /blackbox module "m": prober "htttp" is not a blackbox prober \(did you mean "http"\?\)\. Use one of http, tcp, icmp, dns, grpc/);
  bad('module timeout', bbModule('m', { prober: 'tcp', timeout: '5 sec' }), /blackbox module "m": timeout is not a valid duration \(got "5 sec"\)/);
  bad('settings of another prober', bbModule('m', { prober: 'http', tcp: {} }), /blackbox module "m": has tcp settings but its prober is http; the exporter ignores them\. Move them to a module with that prober or remove them/);
  bad('status code out of range', bbModule('m', { prober: 'http', http: { validStatusCodes: [2000] } }), /http\.valid_status_codes\[0\] must be an HTTP status between 100 and 599 \(got 2000\)/);
  bad('body regex', bbModule('m', { prober: 'http', http: { failIfBodyNotMatchesRegexp: ['ok[' ] } }), /http\.fail_if_body_not_matches_regexp\[0\] is not a valid regular expression: .*\(got "ok\["\)/);
  bad('body with GET', bbModule('m', { prober: 'http', http: { body: '{}' } }), /http\.body is set but the method is GET\. Set method: 'POST' \(or PUT\/PATCH\) to send a body/);
  bad('dns without query name', bbModule('m', { prober: 'dns' }), /the dns prober needs dns\.queryName \(got undefined\)\. Set the name to resolve, e\.g\. "example\.com"/);
  bad('dns rcode', bbModule('m', { prober: 'dns', dns: { queryName: 'example.com', validRcodes: ['OK'] } }), /dns\.valid_rcodes\[0\] is not a DNS rcode \(got "OK"\)\. Use one of NOERROR/);
  bad('module defined twice', bbModule('http_2xx', { prober: 'http' }), /\[test\/Blackbox\] blackbox module "http_2xx" is already defined\. Module names must be unique; rename one/);
  bad('probe without targets', (s) => blackbox(s).probe('p', { module: 'http_2xx', targets: [] }), /probe job "p" has no targets\. Give the URLs or hosts to probe/);
  bad('http probe of a host', (s) => blackbox(s).probe('p', { module: 'http_2xx', targets: ['example.com'] }), /probe job "p": target "example\.com" is not an http\(s\) URL, but module http_2xx uses the http prober\. Use e\.g\. "https:\/\/example\.com\/health"/);
  bad('tcp probe of a URL', (s) => blackbox(s).probe('p', { module: 'tcp_connect', targets: ['https://db:5432'] }), /target "https:\/\/db:5432" is not host:port, but module tcp_connect uses the tcp prober\. Use e\.g\. "db:5432"/);
  bad('icmp probe of host:port', (s) => blackbox(s, { modules: { ping: { prober: 'icmp' } } }).probe('p', { module: 'ping', targets: ['10.0.0.1:22'] }), /target "10\.0\.0\.1:22" is not a bare host, but module ping uses the icmp prober\. Use e\.g\. "10\.0\.0\.1"/);
  bad('probe job twice', (s) => {
    const b = blackbox(s);
    b.probe('p', { module: 'http_2xx', targets: ['https://a.example.com'] });
    b.probe('p', { module: 'http_2xx', targets: ['https://b.example.com'] });
  }, /probe job "p" is already defined on this exporter\. Use another job name/);
  badAtSynth('probe through an unknown module', (s) => blackbox(s).probe('p', { module: 'http_post', targets: ['https://a.example.com'] }), /\[test\/Blackbox\] probe job "p" uses module "http_post", which this exporter does not define \(it has http_2xx, tcp_connect\)\. Add it with addModule\(\) or fix the name/);
  badAtSynth('icmp module added late', (s) => blackbox(s).addModule('ping', { prober: 'icmp' }), /an icmp module was added after construction; ICMP needs the NET_RAW capability, granted only for modules passed in props\. Pass it in `modules` instead/);
});

group('Alertmanager', () => {
  bad('replicas out of range', (s) => new Alertmanager(s, 'Alertmanager', { replicas: 0 }), /replicas must be an integer from 1 to 9 \(got 0\)\. Use 1, or 3 for a highly available cluster/);
  bad('retention not a duration', (s) => new Alertmanager(s, 'Alertmanager', { retention: '5 days' }), /\[test\/Alertmanager\] retention is not a valid duration \(got "5 days"\)/);
  bad('route for Grafana only', (s) => new Alertmanager(s, 'Alertmanager', { route: route(s, { target: 'grafana' }) }), /route test\/Routing targets Grafana only \(target: "grafana"\)\. Set its target to "alertmanager" or "both"/);
  badAtSynth('no AlertRoute in the stack', (s) => new Alertmanager(s, 'Alertmanager'), /\[test\/Alertmanager\] no AlertRoute in this stack \(with target "alertmanager" or "both"\), so there is nothing to configure\. Create one/);
});

group('AlertRoute, receivers, matchers and time intervals', () => {
  bad('unknown target', (s) => route(s, { target: 'slack' as never }), /target must be "alertmanager", "grafana" or "both" \(got "slack"\)/);
  bad('resolve timeout', (s) => route(s, { global: { resolveTimeout: '5 min' } }), /global\.resolve_timeout is not a valid duration \(got "5 min"\)/);
  bad('literal SMTP password', (s) => route(s, { global: { smtpAuthPassword: 'hunter2' } }), /global\.smtpAuthPassword must not be a literal secret \(got a literal string of 7 characters\)\. Pass a reference/);
  bad('SMTP smarthost without port', (s) => route(s, { global: { smtpSmarthost: 'smtp.example.com' } }), /global\.smtp_smarthost must be host:port \(got "smtp\.example\.com"\), e\.g\. "smtp\.example\.com:587"/);
  bad('receiver name', receiver(Receiver.null('on call')), /receiver "on call": the name must be letters, digits, '\.', '_' or '-' \(got "on call"\), e\.g\. "slack-critical"/);
  bad('literal Slack webhook', receiver(Receiver.slack('slack', { webhookUrl: 'https://hooks.slack.com/services/T0/B0/XX' })), /receiver "slack": slack\[0\]\.webhookUrl must not be a literal secret \(got a literal string of 41 characters\)\. Pass a reference instead/);
  bad('Slack channel', (s) => route(s).addReceiver(Receiver.slack('slack', { webhookUrl: secret(s), channel: 'alerts critical' })), /slack\[0\]\.channel is not a Slack channel \(got "alerts critical"\)\. Use e\.g\. "#alerts-critical"/);
  bad('Slack button without text', (s) => route(s).addReceiver(Receiver.slack('slack', { webhookUrl: secret(s), actions: [{ text: '', url: 'https://runbook' }] })), /slack\[0\]\.actions\[0\] needs text and url \(got \{"text":"","url":"https:\/\/runbook"\}\)/);
  bad('literal PagerDuty key', receiver(Receiver.pagerduty('pd', { routingKey: 'abc123' })), /receiver "pd": pagerduty\[0\]\.routingKey must not be a literal secret \(got a literal string of 6 characters\)/);
  bad('PagerDuty severity', (s) => route(s).addReceiver(Receiver.pagerduty('pd', { routingKey: secret(s), severity: 'high' })), /pagerduty\[0\]\.severity must be critical, error, warning or info \(or a template\) \(got "high"\)/);
  bad('email recipient', receiver(Receiver.email('mail', { to: 'oncall', from: 'a@example.com', smarthost: 'smtp:25' })), /email\[0\]\.to is not an email address list \(got "oncall"\)\. Use e\.g\. "oncall@example\.com"/);
  bad('email smarthost', receiver(Receiver.email('mail', { to: 'a@example.com', from: 'a@example.com', smarthost: 'smtp' })), /email\[0\]\.smarthost must be host:port \(got "smtp"\), e\.g\. "smtp\.example\.com:587"/);
  bad('literal email password', receiver(Receiver.email('mail', { to: 'a@example.com', from: 'a@example.com', smarthost: 'smtp:25', authPassword: 'pw' })), /email\[0\]\.authPassword must not be a literal secret \(got a literal string of 2 characters\)/);
  bad('email without from', receiver(Receiver.email('mail', { to: 'a@example.com', smarthost: 'smtp:25' })), /receiver "mail": email\[0\] has no from address and global\.smtpFrom is not set\. Set one of them, e\.g\. "alerts@example\.com"/);
  bad('email without smarthost', receiver(Receiver.email('mail', { to: 'a@example.com', from: 'a@example.com' })), /receiver "mail": email\[0\] has no smarthost and global\.smtpSmarthost is not set\. Set one of them, e\.g\. "smtp\.example\.com:587"/);
  bad('webhook not a URL', receiver(Receiver.webhook('w', { url: 'hook:8080/x' })), /webhook\[0\]\.url is not an http\(s\) URL \(got a literal string of 11 characters\)\. Use e\.g\. "http:\/\/hook\.internal:8080\/alerts", or a token/);
  bad('literal external webhook', receiver(Receiver.webhook('w', { url: 'https://hooks.example.com/x' })), /webhook\[0\]\.url points at hooks\.example\.com, outside this network: .*\(got a literal URL of 27 characters\)\. Pass it as a token/);
  bad('webhook max alerts', receiver(Receiver.webhook('w', { url: 'http://hook:8080/', maxAlerts: -1 })), /webhook\[0\]\.maxAlerts must be a non-negative integer \(got -1\)/);
  bad('receiver defined twice', receiver(Receiver.null('hook')), /receiver "hook" is already defined\. Receiver names must be unique; rename one/);
  bad('inhibit rule without source', (s) => route(s).addInhibitRule({ sourceMatchers: [], targetMatchers: [Matcher.eq('severity', 'warning')] }), /inhibit_rules\[0\] has no source matchers; it would let any alert mute others\. Add e\.g\. Matcher\.eq\('alertname', 'NodeDown'\)/);
  bad('inhibit rule without target', (s) => route(s).addInhibitRule({ sourceMatchers: [Matcher.eq('alertname', 'NodeDown')], targetMatchers: [] }), /inhibit_rules\[0\] has no target matchers; it would mute every alert\. Add e\.g\./);
  bad('inhibit equal label', (s) => route(s).addInhibitRule({ sourceMatchers: [Matcher.eq('a', 'b')], targetMatchers: [Matcher.eq('c', 'd')], equal: ['instance-id'] }), /inhibit_rules\[0\]\.equal entry is not a valid label name \(got "instance-id"\)/);
  bad('inhibit matcher regex', (s) => route(s).addInhibitRule({ sourceMatchers: [Matcher.re('alertname', 'Node(Down')], targetMatchers: [Matcher.eq('c', 'd')] }), /inhibit_rules\[0\]\.source_matchers: matcher alertname=~ regex is not a valid regular expression: .*\(got "Node\(Down"\)/);
  bad('time interval name', interval({ weekdays: ['monday'] }, 'office hours'), /time interval "office hours": the name must be letters, digits, '\.', '_' or '-' \(got "office hours"\)/);
  bad('time interval without spec', (s) => route(s).addTimeInterval({ name: 'ti', timeIntervals: [] }), /time interval "ti" has no time specification\. Add at least one, e\.g\. \{ weekdays: \['saturday', 'sunday'\] \}/);
  bad('time range reversed', interval({ times: [{ startTime: '17:00', endTime: '09:00' }] }), /time_intervals\[0\]\.times has an invalid range \(got \{"startTime":"17:00","endTime":"09:00"\}\)\. Use HH:MM with start before end/);
  bad('weekday abbreviation', interval({ weekdays: ['mon:fri'] }), /time_intervals\[0\]\.weekdays has an invalid entry \(got "mon:fri"\)\. Use a value or an inclusive range, e\.g\. 'monday:friday'/);
  bad('day of month 32', interval({ daysOfMonth: ['32'] }), /time_intervals\[0\]\.days_of_month has an invalid entry \(got "32"\)\. .*'1:5' or '-1'/);
  bad('month 13', interval({ months: ['13'] }), /time_intervals\[0\]\.months has an invalid entry \(got "13"\)\. .*'january:march' or '1:3'/);
  bad('two-digit year', interval({ years: ['26'] }), /time_intervals\[0\]\.years has an invalid entry \(got "26"\)\. .*'2026:2027'/);
  bad('reserved time interval name', interval({ weekdays: ['monday'] }, 'null-receiver'), /time interval "null-receiver" is already defined \(or reserved\)\. Rename it/);
  bad('template name', (s) => route(s).addTemplate('my template', '{{ define "x" }}{{ end }}'), /template name must be letters, digits, '\.', '_' or '-' \(got "my template"\)/);
  bad('template defines nothing', (s) => route(s).addTemplate('t', '{{ .Status }}'), /template "t" defines nothing: wrap it in \{\{ define "name" \}\} \.\.\. \{\{ end \}\}/);
  bad('template braces unbalanced', (s) => route(s).addTemplate('t', '{{ define "t" }}{{ .Status }'), /template "t" is not a valid Alertmanager template: unexpected "\}" in command/);
  bad('template defined twice', (s) => route(s, { templates: { t: '{{ define "t" }}{{ end }}' } }).addTemplate('t', '{{ define "t" }}{{ end }}'), /template "t" is already defined\./);
  badAtSynth('root without receiver', (s) => route(s, { receiver: '' }), /route: the root route needs a receiver \(got none\)\. Set the default receiver/);
  badAtSynth('route to an unknown receiver', (s) => route(s, { routes: [{ receiver: 'pagerduty', matchers: [Matcher.eq('severity', 'critical')] }] }), /\[test\/Routing\] route\.routes\[0\]: receiver "pagerduty" is not defined \(have "hook"\)\. Add it with addReceiver\(\) or fix the name/);
  badAtSynth('group_wait not a duration', (s) => route(s, { groupWait: '30 seconds' }), /route: group_wait is not a valid duration \(got "30 seconds"\)/);
  badAtSynth('group_by label', (s) => route(s, { groupBy: ['alert-name'] }), /route: group_by entry is not a valid label name \(got "alert-name"\)/);
  badAtSynth('group_by ... with others', (s) => route(s, { groupBy: ['...', 'alertname'] }), /route: group_by \['\.\.\.'\] groups by every label and cannot be combined with others \(got \["\.\.\.","alertname"\]\)/);
  badAtSynth('route matcher label', (s) => route(s, { routes: [{ matchers: [Matcher.eq('team-name', 'x')] }] }), /route\.routes\[0\]: matcher label is not a valid label name \(got "team-name"\)/);
  badAtSynth('undefined time interval', (s) => route(s, { routes: [{ matchers: [Matcher.eq('a', 'b')], muteTimeIntervals: ['weekends'] }] }), /route\.routes\[0\]: time interval "weekends" is not defined\. Add it with addTimeInterval\(\) or fix the name/);
  badAtSynth('route after a catch-all', (s) => route(s, { receivers: [Receiver.null('a')], routes: [{ receiver: 'a' }, { receiver: 'hook', matchers: [Matcher.eq('x', 'y')] }] }), /route\.routes\[1\] \(receiver "hook"\) is unreachable: route\.routes\[0\] matches every alert and has no continue: true\. Reorder the routes/);
  badAtSynth('route with the same matchers', (s) => route(s, { receivers: [Receiver.null('a')], routes: [{ receiver: 'a', matchers: [Matcher.eq('x', 'y')] }, { matchers: [Matcher.eq('x', 'y')] }] }), /route\.routes\[1\] \(receiver "hook"\) is unreachable: route\.routes\[0\] has the same matchers \(x="y"\) and has no continue: true/);
  badAtSynth('route contradicting its parent', (s) => route(s, { routes: [{ matchers: [Matcher.eq('severity', 'critical')], routes: [{ matchers: [Matcher.eq('severity', 'warning')] }] }] }), /route\.routes\[0\]\.routes\[0\] is unreachable: it requires severity="warning" but its ancestor route\.routes\[0\] requires severity="critical"\. Move it out of that subtree/);
  badAtSynth('null root receiver for Grafana', (s) => {
    grafana(s);
    route(s, { receiver: Receiver.null('quiet'), target: 'grafana' });
  }, /the root receiver "quiet" is a null receiver, which Grafana cannot use as its default contact point\. Use a real receiver at the root/);
  // Issue 14: reaching only the (real) default receiver is accepted now; reaching only a null receiver is still refused.
  badAtSynth('alert that reaches only a null receiver', (s) => {
    prom(s).addRuleGroup({ name: 'app', rules: [{ ...goodAlert, alert: 'AppSlow' }] });
    route(s, { receivers: [Receiver.null('quiet')], routes: [{ receiver: 'quiet', matchers: [Matcher.eq('severity', 'warning')] }] });
  }, /test\/Prometheus: rule group "app", alert "AppSlow" with labels \{alertname="AppSlow", severity="warning"\} only reaches "quiet" \(null\): nobody is notified\. Add a route to a real receiver that matches it .*set requireRouting: false on this AlertRoute/);
});

group('SloBudget and Sli', () => {
  bad('objective as a string', slo({ objective: '99.9%' as never }), /^\[test\/Slo\] props\.objective must be a number \(got string "99\.9%"\); write 99\.9, not "99\.9%"/);
  bad('objective of 100', slo({ objective: 100 }), /objective must be strictly between 0 and 100 percent \(got 100\)\. 100 leaves no error budget; use e\.g\. 99\.9/);
  bad('objective too low to page', slo({ objective: 90 }), /objective 90% leaves an error budget so large that the 14\.4x page could never fire .*Use an objective of at least 93\.1%/);
  bad('window not a duration', slo({ window: 'month' }), /window is not a valid duration \(got "month"\)/);
  bad('window not whole days', slo({ window: '12h' }), /window must be a whole number of days from 1d to 90d \(got "12h"\)\. Use e\.g\. "30d"/);
  bad('service name', slo({ service: 'payment api' }), /service must be letters, digits, '\.', '_' or '-' \(got "payment api"\), e\.g\. "payment-api"/);
  bad('runbook not a URL', slo({ runbookUrl: 'wiki/slo' }), /runbookUrl must be an http\(s\) URL \(got "wiki\/slo"\): the alerts page people, who need the steps/);
  bad('extra label name', slo({ labels: { 'team-name': 'x' } }), /labels key is not a valid label name \(got "team-name"\)/);
  bad('extra label owned by the SLO', slo({ labels: { slo: 'x' } }), /labels must not set slo; the SLO sets it\./);
  bad('SLI not built with Sli', slo({ sli: { kind: 'latency' } as never }), /props\.sli must be an instance of Sli, e\.g\. Sli\.availability\(\{ selector: 'service="api"' \}\) \(got an object\)/);
  bad('latency threshold zero', latency({ thresholdSeconds: 0 }), /sli\.thresholdSeconds must be a positive number of seconds \(got 0\), e\.g\. 0\.3 for 300 ms/);
  bad('latency metric name', latency({ metric: 'http-duration' }), /sli\.metric is not a metric name \(got "http-duration"\), e\.g\. "http_request_duration_seconds"/);
  bad('histogram with suffix', latency({ metric: 'http_request_duration_seconds_bucket' }), /sli\.metric must be the histogram name without its suffix \(got "http_request_duration_seconds_bucket"\)\. Use "http_request_duration_seconds"/);
  bad('empty selector', slo({ sli: Sli.availability({ selector: '' }) }), /sli\.selector is empty \(got ""\)\. Select the service's series/);
  bad('selector in braces', slo({ sli: Sli.availability({ selector: '{service="a"}' }) }), /sli\.selector must be the matchers only, without braces \(got "\{service=\\"a\\"\}"\), e\.g\. 'service="payment-api"'/);
  bad('selector not matchers', slo({ sli: Sli.availability({ selector: 'service=payment-api' }) }), /sli\.selector is not a list of label matchers \(got "service=payment-api"\)\. Use e\.g\./);
  bad('raw SLI without $window', slo({ sli: Sli.raw({ badRate: 'sum(rate(failed[5m]))', totalRate: 'sum(rate(all[$window]))' }) }), /sli\.badRate must use \$window as its range, e\.g\. "sum\(rate\(jobs_total\[\$window\]\)\)" \(got "sum\(rate\(failed\[5m\]\)\)"\)/);
  bad('raw SLI PromQL', slo({ sli: Sli.raw({ badRate: 'sum(rate(failed[$window])', totalRate: 'sum(rate(all[$window]))' }) }), /sli\.badRate is not valid PromQL: syntax error .*\(got "sum\(rate\(failed\[5m\]\)"\)/);
  bad('two SLOs with one name', (s) => {
    prom(s);
    new SloBudget(s, 'A', sloBase);
    new SloBudget(s, 'B', sloBase);
  }, /\[test\/B\] service "payment-api" already has an SLO named "availability" \(test\/A\)\. Give each SLO of a service its own name/);
  bad('no Prometheus for the rules', (s) => new SloBudget(s, 'Slo', sloBase), /\[test\/Slo\] no PrometheusServer in this stack to hold the SLO rules\. Create one first, or pass it as the prometheus prop/);
  bad('unit tests for a 90-day window', (s) => (slo({ window: '90d' })(s) as SloBudget).unitTests(), /unit tests are generated for windows up to 30d \(got 90d\): promtool's test engine caps a query at 10,000 samples/);
  bad('unit tests for a raw SLI', (s) => (slo({ sli: Sli.raw({ badRate: 'sum(rate(a[$window]))', totalRate: 'sum(rate(b[$window]))' }) })(s) as SloBudget).unitTests(), /unit tests need the SLI's metric names; a raw SLI has none\. Write your own promtool tests for it/);
});

group('GrafanaServer and ExistingGrafana', () => {
  bad('literal admin password', (s) => new GrafanaServer(s, 'Grafana', { adminPassword: 'admin' }), /\[test\/Grafana\] adminPassword must not be a literal secret \(got a literal string of 5 characters\)\. Pass a reference/);
  bad('plugin id', (s) => new GrafanaServer(s, 'Grafana', { plugins: ['Grafana Clock'] }), /plugins entry is not a plugin id with an optional version \(got "Grafana Clock"\), e\.g\. "grafana-clock-panel" or "grafana-clock-panel@2\.1\.8"/);
  bad('feature toggle', (s) => new GrafanaServer(s, 'Grafana', { featureToggles: ['trace-ql'] }), /featureToggles entry is not a toggle name \(got "trace-ql"\), e\.g\. "traceQLStreaming"/);
  bad('no URL for the provider', (s) => new GrafanaServer(s, 'Grafana', { publishPorts: false }), /the grafana provider needs a URL to reach this Grafana: publish its port \(publishPorts\) or set providerUrl/);
  bad('existing Grafana URL', (s) => new ExistingGrafana(s, 'Grafana', { url: 'grafana.example.com' }), /\[test\/Grafana\] url must be an http\(s\) URL \(got "grafana\.example\.com"\)/);
  bad('literal service account token', (s) => new ExistingGrafana(s, 'Grafana', { url: 'https://g.example.com', auth: 'glsa_123' }), /auth must not be a literal secret \(got a literal string of 8 characters\)\. Pass a reference/);
});

group('GrafanaFolder', () => {
  bad('empty title', (s) => new GrafanaFolder(s, 'Folder', { title: ' ' }), /title must not be empty \(got " "\)/);
  bad('uid with a slash', (s) => new GrafanaFolder(s, 'Folder', { title: 'T', uid: 'a/b' }), /uid is not a valid Grafana UID \(got "a\/b"\)\. Use at most 40 letters, digits, '-' or '_', e\.g\. "service-overview"/);
  bad('uid used twice', (s) => {
    grafana(s);
    new GrafanaFolder(s, 'F1', { title: 'Payments' });
    new GrafanaFolder(s, 'F2', { title: 'payments' });
  }, /\[test\/F2\] folder uid "payments" is already used by test\/F1\. Give this folder another uid or title/);
  bad('no Grafana', (s) => new GrafanaFolder(s, 'Folder', { title: 'T' }), /\[test\/Folder\] no Grafana in this stack to create the folder in\. Create a GrafanaServer or an ExistingGrafana first/);
});

group('GrafanaDataSources', () => {
  bad('data source uid', dataSources({ prometheus: { url: 'http://prometheus:9090', uid: 'prom etheus' } }), /prometheus\.uid is not a valid Grafana UID \(got "prom etheus"\)/);
  bad('data source uid twice', dataSources({ prometheus: { url: 'http://p:9090', uid: 'x' }, tempo: { url: 'http://t:3200', uid: 'x' } }), /data source uid "x" is used twice\. Give each data source its own uid/);
  bad('data source URL', dataSources({ tempo: { url: 'tempo:3200' } }), /tempo\.url must be an http\(s\) URL \(got "tempo:3200"\)/);
  bad('exemplar label', dataSources({ loki: { url: 'http://loki:3100' }, correlation: { exemplarTraceIdLabel: 'trace-id' } }), /correlation: exemplarTraceIdLabel is not a label name \(got "trace-id"\)\. Use the exemplar label your SDK writes/);
  bad('derived field regex', dataSources({ loki: { url: 'http://loki:3100' }, correlation: { derivedFieldRegex: 'trace_id=(\\w+' } }), /correlation: derivedFieldRegex is not a valid regular expression: .*\(got "trace_id=\(\\\\w\+"\)/);
  bad('derived field misses the log format', dataSources({ loki: { url: 'http://loki:3100' }, correlation: { logFormat: 'logfmt', derivedFieldRegex: '"trace_id":\\s*"(\\w+)"' } }), /correlation mismatch: the Loki data source's derived field regex .* finds no trace id in a logfmt log line as the log pipeline writes it \(ts=.*\)\. Make the regex match field "trace_id" in logfmt/);
});

group('Dashboard', () => {
  bad('dashboard without uid', dashboard({ title: 'X', panels: [] }), /dashboard "X" has no uid\. Set one \(builder\.uid\('service-overview'\)\)/);
  bad('dashboard uid too long', dashboard({ uid: 'x'.repeat(41), title: 'X' }), /dashboard uid is not a valid Grafana UID \(got "x{41}"\)\. Use at most 40 letters/);
  bad('dashboard without title', dashboard({ uid: 'd' }), /the dashboard has no title\. Give it one/);
  bad('dashboard uid twice', (s) => {
    grafana(s);
    new Dashboard(s, 'D1', { dashboard: { uid: 'd', title: 'A' } });
    new Dashboard(s, 'D2', { dashboard: { uid: 'd', title: 'B' } });
  }, /\[test\/D2\] dashboard uid "d" is already used by test\/D1\. Give each dashboard its own uid/);
  bad('panel PromQL', dashboard(panel('sum(rate(x[$__rate_interval])')), /dashboard "T": panel "P" query A: is not valid PromQL: syntax error .*\(got "sum\(rate\(x\[5m\]\)"\)\. Check parentheses/);
  bad('panel LogQL', dashboard(panel('count_over_time({job="api"} |= "x" [5m]', { type: 'loki' })), /dashboard "T": panel "P" query A: is not valid LogQL: syntax error .*\. Check the stream selector braces/);
  bad('RED dashboard metric name', () => redDashboard({ requestsMetric: 'http-requests' }), /^redDashboard: requestsMetric is not a valid metric name \(got "http-requests"\)/);
  bad('RED dashboard error regex', () => redDashboard({ errorStatusRegex: '5(0' }), /redDashboard: errorStatusRegex is not a valid regular expression: .*\(got "5\(0"\)/);
  bad('RED dashboard thresholds reversed', () => redDashboard({ errorRatioWarning: 0.1, errorRatioCritical: 0.05 }), /redDashboard: errorRatioWarning must be a non-negative number below errorRatioCritical \(got 0\.1 and 0\.05\)/);
  bad('RED dashboard empty datasource uid', () => redDashboard({ datasourceUid: '' }), /redDashboard: datasourceUid must be a non-empty string when given \(got ""\)\. Leave it unset to use the "datasource" variable/);
  bad('RED dashboard uid suggestion', () => redDashboard({ uid: 'Service Overview' }), /redDashboard: uid is not a valid Grafana UID \(got "Service Overview"\)\..* \("Service-Overview" would do\)/);
  bad('SLO dashboard objective', () => sloDashboard({ service: 'a', name: 'b', objective: 100, windowDays: 30 }), /sloDashboard: objective must be a percentage strictly between 0 and 100 \(got 100\)\. Give e\.g\. 99\.9/);
  bad('SLO dashboard window', () => sloDashboard({ service: 'a', name: 'b', objective: 99.9, windowDays: 0.5 }), /sloDashboard: windowDays must be a whole number of days, at least 1 \(got 0\.5\)\. Give e\.g\. 30/);
  bad('SLO dashboard no burn windows', () => sloDashboard({ service: 'a', name: 'b', objective: 99.9, windowDays: 30, burnWindows: [] }), /sloDashboard: burnWindows must not be empty\. Give the recorded windows/);
  bad('SLO dashboard burn window', () => sloDashboard({ service: 'a', name: 'b', objective: 99.9, windowDays: 30, burnWindows: ['1 hour'] }), /sloDashboard: burnWindows\[0\] is not a valid duration \(got "1 hour"\)/);
  bad('old-style row panel PromQL (rows[].panels)', dashboard({ uid: 'd', title: 'T', schemaVersion: 14, rows: [{ title: 'R', panels: [{ title: 'P', type: 'graph', targets: [{ refId: 'A', expr: 'sum(rate(x[5m])' }] }] }] }), /dashboard "T": panel "R \/ P" query A: is not valid PromQL: syntax error/);
  bad('library panel model PromQL', dashboard({ uid: 'd', title: 'T', panels: [{ title: 'P', libraryPanel: { uid: 'l', name: 'P', model: { targets: [{ refId: 'A', expr: 'sum(rate(x[5m])' }] } } }] }), /dashboard "T": panel "P" query A: is not valid PromQL: syntax error/);
});

group('LokiCluster', () => {
  bad('unknown mode', loki({ mode: 'distributed' as never }), /mode must be "monolithic" or "simple-scalable" \(got "distributed"\)/);
  bad('simple-scalable without storage', loki({ mode: 'simple-scalable' }), /simple-scalable mode needs objectStorage \(got none\).*Pass objectStorage: \{ endpoint, bucket, accessKeyId, secretAccessKey \}, or use mode "monolithic"/);
  bad('storage endpoint with scheme', loki((s) => ({ objectStorage: s3(s, { endpoint: 'http://minio:9000' }) })), /objectStorage\.endpoint must be host\[:port\] without a scheme \(got "http:\/\/minio:9000"\)\. Use e\.g\. "minio:9000"; set insecure: true/);
  bad('storage bucket name', loki((s) => ({ objectStorage: s3(s, { bucket: 'Loki_Chunks' }) })), /objectStorage\.bucket is not an S3 bucket name \(got "Loki_Chunks"\)\. Use 3 to 63 lower-case letters/);
  bad('storage key id empty', loki((s) => ({ objectStorage: s3(s, { accessKeyId: '' }) })), /objectStorage\.accessKeyId must be a non-empty string \(got ""\)\. Pass the key id/);
  bad('literal storage secret', loki((s) => ({ objectStorage: s3(s, { secretAccessKey: 'minio123' }) })), /objectStorage\.secretAccessKey must not be a literal secret \(got a literal string of 8 characters\)/);
  bad('retention under a day', loki({ retentionPeriod: '12h' }), /retentionPeriod must be a whole number of days, at least 24h \(got "12h"\): .*Use e\.g\. "7d" or "30d"/);
  bad('schema date not a date', loki({ schemaStartDate: '2024-02-30' }), /schemaStartDate must be a calendar date written YYYY-MM-DD \(got "2024-02-30"\)\. Use the day the TSDB v13 schema starts/);
  bad('zero limit', loki({ limits: { maxQuerySeries: 0 } }), /limits\.maxQuerySeries must be a positive integer \(got 0\)\. A zero or negative limit blocks every query/);
  bad('burst below rate', loki({ limits: { ingestionRateMb: 20, ingestionBurstSizeMb: 10 } }), /limits\.ingestionBurstSizeMb must not be lower than limits\.ingestionRateMb \(got 10 < 20\)\. .*make it at least the rate/);
  bad('per-stream rate size', loki({ limits: { perStreamRateLimit: '5 MB' } }), /limits\.perStreamRateLimit is not a size Loki accepts \(got "5 MB"\)\. Use an integer and a unit among B, KB, MB, GB, e\.g\. "5MB"/);
  bad('compaction interval', loki({ compactionInterval: '10 min' }), /compactionInterval is not a valid duration \(got "10 min"\)/);
  bad('log level', loki({ logLevel: 'verbose' as never }), /logLevel must be one of debug, info, warn, error \(got "verbose"\)/);
  bad('remote write URL', loki({ remoteWriteUrl: 'prometheus:9090' }), /remoteWriteUrl must be an http\(s\) URL \(got "prometheus:9090"\)\. Use e\.g\. "http:\/\/prometheus:9090\/api\/v1\/write"/);
  bad('LogQL syntax error', lokiRule({ alert: 'A', expr: 'count_over_time({job="api"} |= "x" [5m]' }), /rule group "g", alert "A": expr is not valid LogQL: syntax error .*\. Check the stream selector braces/);
  bad('log query as a rule', lokiRule({ alert: 'A', expr: '{job="api"} |= "error"' }), /alert "A": expr is a log query, not a metric query \(got .*\)\. Rules evaluate to numbers: wrap it, e\.g\. count_over_time/);
  bad('LogQL rule kind', lokiRule({ expr: 'sum(rate({job="a"}[5m]))' }), /rule group "g": rules\[0\] must have exactly one of record and alert \(got \{\}\)\. Set record/);
  bad('LogQL group without rules', lokiGroup({ rules: [] }), /rule group "g" has no rules\. Add at least one recording or alerting rule/);
  bad('LogQL group name', lokiGroup({ name: '', rules: [] }), /rule group name must be a non-empty string \(got ""\)/);
  bad('LogQL record name', lokiRule({ record: 'log-errors', expr: 'sum(rate({job="a"}[5m]))' }), /recording rule "log-errors": name is not a valid metric name \(got "log-errors"\)/);
  bad('LogQL for on a recording rule', lokiRule({ record: 'a:b', expr: 'sum(rate({job="a"}[5m]))', for: '5m' }), /recording rule "a:b": for and annotations only apply to alerting rules\. Remove them/);
  bad('LogQL for not a duration', lokiRule({ alert: 'A', expr: 'sum(rate({job="a"}[5m])) > 1', for: '5 minutes' }), /alert "A": for is not a valid duration \(got "5 minutes"\)/);
  bad('LogQL rule twice', lokiGroup({ rules: [{ record: 'a:b', expr: 'sum(rate({job="a"}[5m]))' }, { record: 'a:b', expr: 'sum(rate({job="b"}[5m]))' }] }), /recording rule "a:b" is defined twice in the group with the same labels\. Remove one/);
  bad('LogQL group twice', (s) => new LokiCluster(s, 'Loki', { ruleGroups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'sum(rate({job="a"}[5m]))' }] }, { name: 'g', rules: [{ record: 'a:c', expr: 'sum(rate({job="a"}[5m]))' }] }] }), /rule group "g" is already defined\. Group names must be unique per Loki/);
});

group('TempoBackend', () => {
  bad('block duration not a duration', tempo({ maxBlockDuration: '5 min' }), /maxBlockDuration is not a valid duration \(got "5 min"\)\. Use a number and a unit .*"14d" becomes "336h"/);
  bad('block duration zero', tempo({ maxBlockDuration: '0s' }), /maxBlockDuration must be greater than zero \(got "0s"\)\. The course uses "5m"/);
  bad('retention under an hour', tempo({ retention: '30m' }), /retention must be at least 1h \(got "30m"\); Tempo would delete traces before you look at them/);
  bad('S3 endpoint with scheme', tempo((s) => ({ objectStorage: tempoS3(s, { endpoint: 'https://s3.amazonaws.com' }) })), /objectStorage\.endpoint must be a host with an optional port, without scheme or path \(got "https:\/\/s3\.amazonaws\.com"\)\. Drop the scheme; set insecure: true for plain http\. Use e\.g\. "minio:9000"/);
  bad('S3 bucket name', tempo((s) => ({ objectStorage: tempoS3(s, { bucket: 'Tempo_Traces' }) })), /objectStorage\.bucket is not a valid S3 bucket name \(got "Tempo_Traces"\)/);
  bad('S3 access key missing', tempo((s) => ({ objectStorage: tempoS3(s, { accessKey: '' }) })), /objectStorage\.accessKey is required \(got ""\)\. Pass a token, e\.g\. secretVariable\(this, 'tempo_s3_access_key'\)/);
  bad('literal S3 secret key', tempo((s) => ({ objectStorage: tempoS3(s, { secretKey: 'minio123' }) })), /objectStorage\.secretKey must not be a literal secret \(got a literal string of 8 characters\)/);
  bad('dollar in a value with S3', tempo((s) => ({ objectStorage: tempoS3(s, { prefix: 'traces/$USER' }) })), /"traces\/\$USER" contains "\$", which Tempo would expand as an environment variable .*Remove the "\$"/);
  bad('generator external label name', tempo({ externalLabels: { 'k8s-cluster': 'x' } }), /externalLabels key is not a valid label name \(got "k8s-cluster"\)/);
  bad('span metrics dimension', tempo({ spanMetricsDimensions: ['http method'] }), /spanMetricsDimensions\[0\] is not an attribute name \(got "http method"\)\. Use a span or resource attribute such as "http\.route"/);
  bad('dimension twice', tempo({ serviceGraphDimensions: ['a', 'a'] }), /serviceGraphDimensions lists "a" twice\. Keep it once/);
  bad('remote write URL without path', tempo({ remoteWriteUrl: 'http://prometheus:9090' }), /remoteWriteUrl is not an http\(s\) URL with a path \(got "http:\/\/prometheus:9090"\)\. Use e\.g\. "http:\/\/prometheus:9090\/api\/v1\/write"/);
  bad('generator settings with generator off', tempo({ metricsGenerator: false, remoteWriteUrl: 'http://m:9009/api/v1/push' }), /metricsGenerator is false, but prometheus, remoteWriteUrl, dimensions or externalLabels are set; .*Remove them or turn the generator on/);
  bad('Prometheus and remote write URL', (s) => new TempoBackend(s, 'Tempo', { prometheus: prom(s), remoteWriteUrl: 'http://m:9009/api/v1/push' }), /prometheus and remoteWriteUrl are both set \(got test\/Prometheus and "http:\/\/m:9009\/api\/v1\/push"\)\. Keep one/);
  bad('OTLP host port', tempo({ otlpGrpcHostPort: 0 }), /otlpGrpcHostPort must be an integer between 1 and 65535 \(got 0\)/);
});

group('OtelCollector', () => {
  bad('unknown receiver type', receiverOf({ type: 'jaeger' }), /receiver "jaeger": type "jaeger" is not a receiver type this library knows.*Use one of otlp, prometheus/);
  bad('removed logging exporter', exporter({ type: 'logging', name: undefined }), /exporter "logging": type "logging" is not an exporter type this library knows.* The logging exporter was removed from the Collector; use "debug"/);
  bad('component name', exporter({ type: 'debug', name: 'my exporter' }), /exporter "debug\/my exporter": name must be letters, digits, '_', '\.' or '-' \(got "my exporter"\); the id is "<type>\/<name>"/);
  bad('component defined twice', (s) => otel(s).addProcessor({ type: 'batch' }), /processor "batch" is defined twice\. Component ids \("type\/name"\) must be unique among processors; give one a name/);
  bad('OTLP receiver with no protocol', receiverOf({ type: 'otlp', name: 'x', grpc: false, http: false }), /receiver "otlp\/x": both grpc and http are off \(got grpc: false, http: false\)\. Keep at least one protocol/);
  bad('OTLP listener address', receiverOf({ type: 'otlp', name: 'x', grpc: { endpoint: '4317' } }), /receiver "otlp\/x": grpc\.endpoint is not host:port \(got "4317"\)\. Use e\.g\. "0\.0\.0\.0:4317", without a scheme or path/);
  bad('prometheus receiver without jobs', receiverOf({ type: 'prometheus', scrapeConfigs: [] }), /receiver "prometheus": scrapeConfigs is empty \(got \[\]\)\. Give at least one job/);
  bad('prometheus receiver job twice', receiverOf({ type: 'prometheus', scrapeConfigs: [{ jobName: 'a', targets: ['a:1'] }, { jobName: 'a', targets: ['b:1'] }] }), /scrapeConfigs\[1\]: job "a" is defined twice\. Job names must be unique/);
  bad('prometheus receiver job without targets', receiverOf({ type: 'prometheus', scrapeConfigs: [{ jobName: 'a', targets: [] }] }), /scrapeConfigs\[0\] has no targets \(got \[\]\)\. Give host:port targets such as "app:8080"/);
  bad('memory limit zero', processor({ type: 'memory_limiter', limitMib: 0 }), /processor "memory_limiter\/x": limitMib must be a positive integer \(got 0\)\. Use the memory the Collector may use/);
  bad('spike limit at the limit', processor({ type: 'memory_limiter', limitMib: 512, spikeLimitMib: 512 }), /spikeLimitMib must be an integer ≥ 0 and below limitMib 512 \(got 512\)\. The course uses 128 for 512/);
  bad('check interval zero', processor({ type: 'memory_limiter', limitMib: 512, checkInterval: '0s' }), /checkInterval must be greater than zero \(got "0s"\)\. Use e\.g\. "1s"/);
  bad('batch timeout', processor({ type: 'batch', timeout: '1 sec' }), /processor "batch\/x": timeout is not a valid duration \(got "1 sec"\)/);
  bad('batch size negative', processor({ type: 'batch', sendBatchSize: -1 }), /sendBatchSize must be an integer ≥ 0 \(got -1\)/);
  bad('batch max below size', processor({ type: 'batch', sendBatchSize: 100, sendBatchMaxSize: 10 }), /sendBatchMaxSize must be 0 or ≥ sendBatchSize \(got 10 < 100\)/);
  bad('no attribute actions', processor({ type: 'resource', actions: [] }), /processor "resource\/x": actions is empty \(got \[\]\)\. Give at least one action/);
  bad('misspelt attribute action', actions({ action: 'upsret', key: 'k', value: 'v' }), /actions\[0\]: action "upsret" is not an attribute action \(did you mean "upsert"\?\)\. Use one of insert, update/);
  bad('insert without key', actions({ action: 'insert', value: 'v' }), /actions\[0\]: insert needs a key \(got undefined\)\. Set key to the attribute to write/);
  bad('upsert without value', actions({ action: 'upsert', key: 'k' }), /actions\[0\]: upsert needs exactly one of value, fromAttribute, fromContext \(got 0\)\. Set the value to write/);
  bad('pattern on upsert', actions({ action: 'upsert', key: 'k', value: 'v', pattern: 'x' }), /actions\[0\]: pattern is only used by delete, hash and extract \(got "x"\)\. Remove it/);
  bad('delete with a value', actions({ action: 'delete', key: 'k', value: 'v' }), /actions\[0\]: delete takes no value, fromAttribute or fromContext\. Remove them, or use upsert/);
  bad('delete without key or pattern', actions({ action: 'delete' }), /actions\[0\]: delete needs a key or a pattern \(got neither\)\. Set key to one attribute, or pattern to a regex of keys/);
  bad('extract without named group', actions({ action: 'extract', key: 'http.url', pattern: '^/api/(v\\d+)/' }), /actions\[0\]: extract pattern has no named group \(got .*\)\. Each \(\?P<name>\.\.\.\) group becomes an attribute/);
  bad('extract without pattern', actions({ action: 'extract', key: 'http.url' }), /extract needs a pattern with named groups \(got undefined\), e\.g\./);
  bad('tail sampling without policy', policies(), /processor "tail_sampling\/x": policies is empty \(got \[\]\)\. tail_sampling drops every trace without a policy; add one/);
  bad('policy without name', policies({ type: 'always_sample' }), /addProcessor\(processor\)\.policies\[0\]\.name is required \(got undefined\): give a string/);
  bad('policy name twice', policies({ name: 'a', type: 'always_sample' }, { name: 'a', type: 'always_sample' }), /policy "a" is defined twice\. Policy names must be unique/);
  bad('unknown policy type', policies({ name: 'p', type: 'rate_limiting' }), /policy "p": type "rate_limiting" is not a policy type this library knows.*Use one of status_code, probabilistic/);
  bad('status code in lower case', policies({ name: 'e', type: 'status_code', statusCodes: ['error'] }), /policy "e": statusCodes\[0\] is not a span status \(got "error"\)\. Use ERROR, OK or UNSET \(upper case\)/);
  bad('status codes empty', policies({ name: 'e', type: 'status_code', statusCodes: [] }), /policy "e": statusCodes is empty \(got \[\]\)\. Use e\.g\. \["ERROR"\]/);
  bad('sampling percentage over 100', policies({ name: 'p', type: 'probabilistic', samplingPercentage: 150 }), /samplingPercentage must be between 0 and 100 \(got 150\)\. It is a percentage: 10 keeps one trace in ten/);
  bad('latency policy threshold zero', policies({ name: 'l', type: 'latency', thresholdMs: 0 }), /thresholdMs must be greater than 0 \(got 0\)\. Use the latency in milliseconds/);
  bad('latency upper bound below threshold', policies({ name: 'l', type: 'latency', thresholdMs: 100, upperThresholdMs: 50 }), /upperThresholdMs must be greater than thresholdMs \(got 50 ≤ 100\)/);
  bad('string attribute without key', policies({ name: 's', type: 'string_attribute', key: '', values: ['a'] }), /policy "s": key is empty \(got ""\)\. Give the attribute to match, e\.g\. "http\.route"/);
  bad('string attribute without values', policies({ name: 's', type: 'string_attribute', key: 'k', values: [] }), /policy "s": values is empty \(got \[\]\)\. Give the values to keep/);
  bad('filter without condition', processor({ type: 'filter' }), /processor "filter\/x" has no condition\. Give OTTL conditions/);
  bad('filter empty condition', processor({ type: 'filter', traces: { span: ['  '] } }), /an OTTL condition is empty \(got "  "\)/);
  bad('filter error mode', processor({ type: 'filter', traces: { span: ['x'] }, errorMode: 'fail' }), /errorMode must be propagate, ignore or silent \(got "fail"\)/);
  bad('header name', exporter({ type: 'otlp', endpoint: 'tempo:4317', headers: { 'X Tenant': 'a' } }), /exporter "otlp\/x": header name "X Tenant" is not a valid HTTP header name\. Use letters, digits and '-'/);
  bad('literal credential header', exporter({ type: 'otlp', endpoint: 'tempo:4317', headers: { Authorization: 'Bearer abc' } }), /header "Authorization" carries a credential and must not be a literal secret \(got a literal string of 10 characters\)/);
  bad('OTLP exporter without endpoint', exporter({ type: 'otlp', endpoint: '' }), /exporter "otlp\/x": endpoint is required \(got ""\)\. Use e\.g\. "tempo:4317"/);
  bad('OTLP exporter endpoint without port', exporter({ type: 'otlp', endpoint: 'tempo' }), /exporter "otlp\/x": endpoint is not host:port \(got "tempo"\)\. Use e\.g\. "tempo:4317"/);
  bad('OTLP/HTTP exporter not a URL', exporter({ type: 'otlphttp', endpoint: 'loki:3100/otlp' }), /exporter "otlphttp\/x": endpoint is not an http\(s\) URL \(got "loki:3100\/otlp"\)\. Use e\.g\. "http:\/\/loki:3100\/otlp"/);
  bad('prometheus exporter namespace', exporter({ type: 'prometheus', namespace: 'otel-app' }), /namespace is not a metric name prefix \(got "otel-app"\)\. Use letters, digits and '_', e\.g\. "otel"/);
  bad('prometheus exporter const label', exporter({ type: 'prometheus', constLabels: { 'env-name': 'x' } }), /constLabels key is not a valid label name \(got "env-name"\)/);
  bad('metric expiration zero', exporter({ type: 'prometheus', metricExpiration: '0s' }), /metricExpiration must be greater than zero \(got "0s"\)/);
  bad('debug verbosity', exporter({ type: 'debug', verbosity: 'verbose' }), /verbosity must be basic, normal or detailed \(got "verbose"\)/);
  bad('pipeline id', pipeline('spans', {}), /pipeline "spans": the id must be traces, metrics, logs or profiles, optionally followed by \/<name> \(got "spans"\)\. Use e\.g\. "traces" or "traces\/sampled"/);
  bad('pipeline without receivers', pipeline('metrics/x', { receivers: [] }), /pipeline "metrics\/x" has no receivers \(got \[\]\)\. A pipeline needs at least one receiver, e\.g\. \["otlp"\]/);
  bad('pipeline without exporters', pipeline('metrics/x', { exporters: [] }), /pipeline "metrics\/x" has no exporters \(got \[\]\)\. A pipeline needs at least one exporter, e\.g\. \["debug"\]/);
  bad('pipeline lists a component twice', pipeline('metrics/x', { receivers: ['otlp', 'otlp'] }), /pipeline "metrics\/x" lists receiver "otlp" twice\. Keep it once/);
  bad('component of another signal', pipeline('metrics/x', { processors: ['tail_sampling'] }), /pipeline "metrics\/x": processor "tail_sampling" does not handle metrics \(it handles traces\)\. tail_sampling decides on whole traces.*Move it to a traces pipeline/);
  bad('memory limiter not first', pipeline('metrics/x', { processors: ['batch', 'memory_limiter'] }), /memory_limiter must be the first processor \(got \["batch","memory_limiter"\]\)\. Move "memory_limiter" first/);
  bad('pipeline defined twice', pipeline('metrics', {}), /pipeline "metrics" is already defined\. Pipeline ids must be unique; use "<signal>\/<name>" for a second one, e\.g\. "metrics\/2"/);
  bad('OTLP/HTTP host port', (s) => otel(s, { otlpHttpHostPort: 70000 }), /otlpHttpHostPort must be an integer between 1 and 65535 \(got 70000\)/);
  badAtSynth('pipeline uses an undefined exporter', (s) => otel(s, { receivers: [{ type: 'otlp' }], exporters: [{ type: 'debug' }], pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp/tempo'] } } }), /pipeline "traces" uses exporter "otlp\/tempo", which is not defined \(defined exporters: debug\)\. Add it with addExporter\(\) or fix the name/);
  badAtSynth('collector without pipeline', (s) => otel(s, { receivers: [{ type: 'otlp' }], exporters: [{ type: 'debug' }], pipelines: {} }), /\[test\/Otel\] the Collector has no pipeline, and refuses to start without one\. Add one with addPipeline\(\)/);
});

group('LogAgent (Alloy and Promtail pipelines)', () => {
  bad('unknown agent', agent({ agent: 'fluentbit' as never }), /agent must be "alloy" or "promtail" \(got "fluentbit"\)\. Use "alloy"/);
  bad('Alloy option on Promtail', agent({ agent: 'promtail', scrapeMetrics: true }), /scrapeMetrics is an Alloy option, but agent is "promtail", which only ships logs \(got scrapeMetrics: true\)\. Use agent: "alloy" \(the default\) or remove scrapeMetrics/);
  bad('docker host without scheme', agent({ dockerHost: 'docker:2375' }), /dockerHost must be unix:\/\/\/path or tcp:\/\/host:port \(got "docker:2375"\)\. Use "unix:\/\/\/var\/run\/docker\.sock" or a socket proxy/);
  bad('docker socket not mounted', agent({ mountDockerSocket: false }), /container logs are read through the Docker socket unix:\/\/\/var\/run\/docker\.sock, which is not mounted \(mountDockerSocket is false\)\. Set mountDockerSocket: true/);
  bad('host log path outside /var/log', agent({ readHostLogs: true, hostLogPaths: ['/etc/*.conf'] }), /hostLogPaths: "\/etc\/\*\.conf" is not under \/var\/log, the only host directory mounted \(got "\/etc\/\*\.conf"\)\. Use a path or glob such as "\/var\/log\/\*\.log"/);
  bad('host log paths without readHostLogs', agent({ hostLogPaths: ['/var/log/a.log'] }), /hostLogPaths is set but readHostLogs is not \(got \["\/var\/log\/a\.log"\]\)\. Set readHostLogs: true/);
  bad('agent collecting nothing', agent({ containerLogs: false }), /the agent collects nothing \(got containerLogs: false, readHostLogs: false\)\. Keep containerLogs \(the default\) or set readHostLogs: true/);
  bad('refresh interval zero', agent({ refreshInterval: '0s' }), /refreshInterval must be longer than zero \(got "0s"\)\. Use e\.g\. "5s"/);
  bad('log label name', agent({ logLabels: { 'log-level': 'level' } }), /logLabels: "log-level" is not a valid label name \(got "log-level"\)/);
  bad('reserved log label', agent({ logLabels: { __level: 'level' } }), /logLabels: label names starting with "__" are reserved for internal use \(got "__level"\)\. Rename it/);
  bad('empty log field', agent({ logLabels: { level: '' } }), /logLabels\.level: the log field must be a non-empty name without control characters \(got ""\)\. Use the key as it appears in the log line/);
  bad('trace id as a label', agent({ logLabels: { trace: 'trace_id' } }), /logLabels would make the trace id a Loki label \(got "trace": "trace_id"\)\. .*high cardinality.*Remove it from logLabels/);
  bad('structured metadata name', agent({ structuredMetadata: { 'user-id': 'user' } }), /structuredMetadata: "user-id" is not a valid label name \(got "user-id"\)/);
  bad('structured metadata already extracted', agent({ structuredMetadata: { trace_id: 'tid' } }), /structuredMetadata: "trace_id" is already extracted \(got "trace_id"\)\. .*use another name/);
  bad('empty drop expression', agent({ dropExpression: '' }), /dropExpression must not be empty \(got ""\)\. Pass false to keep every line/);
  bad('Loki URL without scheme', agent({ lokiUrl: 'loki:3100' }), /lokiUrl must be an http\(s\) URL \(got "loki:3100"\)\. Use e\.g\. "http:\/\/loki:3100\/loki\/api\/v1\/push"/);
  bad('tenant id with a space', agent({ tenantId: 'team a' }), /tenantId must be a non-empty name without spaces \(got "team a"\)\. Use e\.g\. "default"/);
  badAtSynth('no Loki to push to', (s) => new LogAgent(s, 'Agent', { mountDockerSocket: true }), /\[test\/Agent\] no Loki in this stack to push logs to\. Create a LokiCluster in the stack, pass one as the loki prop, or set lokiUrl/);
  badAtSynth('Prometheus created after the agent', (s) => {
    agent({ scrapeMetrics: true })(s);
    prom(s);
  }, /scrapeMetrics: the stack's PrometheusServer \(test\/Prometheus\) was created after this LogAgent, .*Create the PrometheusServer before the LogAgent, pass it as the prometheus prop, or set remoteWriteUrl/);
  badAtSynth('no Prometheus to remote-write to', agent({ scrapeMetrics: true }), /scrapeMetrics: no PrometheusServer in this stack to remote-write to \(got none at construction or synth\)\. Create one before this LogAgent/);
});

group('DockerRuntime and ComponentOptions', () => {
  bad('image tag latest', (s) => new NodeExporter(s, 'Node', { image: 'quay.io/prometheus/node-exporter:latest' }), /image tag must be pinned \(got "quay\.io\/prometheus\/node-exporter:latest"\); "latest" changes under you\. Use e\.g\. "quay\.io\/prometheus\/node-exporter:v1\.12\.1"/);
  bad('image without tag', (s) => blackbox(s, { image: 'prom/blackbox-exporter' }), /image must be "repository:tag" with a pinned tag \(got "prom\/blackbox-exporter"\)\. Use e\.g\. "prom\/blackbox-exporter:v0\.28\.0"/);
  bad('host IP not an address', (s) => new Alertmanager(s, 'Alertmanager', { hostIp: 'localhost' }), /hostIp must be an IP address \(got "localhost"\)\. Use "127\.0\.0\.1" \(default, this host only\)/);
  bad('container name clash', (s) => {
    new NodeExporter(s, 'N1');
    new NodeExporter(s, 'N2');
  }, /\[test\/N2\] container name "node-exporter" is already used by test\/N1\. Give this component another name \(its `name` prop\) or use a DockerRuntime with a namePrefix/);
  bad('name prefix', (s) => new DockerRuntime(s, 'Docker', { namePrefix: 'Staging-' }), /namePrefix "Staging-" is not valid in a container name\. Use lower-case letters, digits, .* e\.g\. "staging-"/);
  bad('component name upper case', (s) => prom(s, { name: 'Prometheus' }), /component name "Prometheus" is not a valid container\/host name\. Use lower-case letters, digits/);
  bad('host port out of range', (s) => prom(s, { hostPort: 70000 }), /host port of "http" must be an integer between 1 and 65535 \(got 70000\)/);
  bad('unknown port name', (s) => prom(s).deployment.endpoint('grpc'), /component prometheus has no port named "grpc" \(it has http\)/);
  bad('spec tag latest', deploy({ image: { repository: 'r', tag: 'latest' } }), /image r must have a pinned tag \(got "latest"\)\. Pin a version such as "v3\.14\.0"/);
  bad('spec port name twice', deploy({ ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }), /port name "http" is used twice\. Give each port a unique name/);
  bad('spec relative file path', deploy({ files: [{ path: 'etc/c.yml', content: '' }] }), /config file path must be absolute \(got "etc\/c\.yml"\)/);
  bad('spec file written twice', deploy({ files: [{ path: '/etc/c.yml', content: 'a' }, { path: '/etc/c.yml', content: 'b' }] }), /config file "\/etc\/c\.yml" is written twice\. Each path may hold one file/);
  bad('spec volume twice', deploy({ volumes: [{ name: 'data', path: '/a' }, { name: 'data', path: '/b' }] }), /volume name "data" is used twice\./);
});

group('Observability registry', () => {
  const twoPrometheus = (s: Construct) => [prom(s, { name: 'p1', hostPort: 9090 }, 'P1'), prom(s, { name: 'p2', hostPort: 9091 }, 'P2')];
  bad('SloBudget with two Prometheus servers', (s) => {
    twoPrometheus(s);
    new SloBudget(s, 'Slo', sloBase);
  }, /\[test\/Slo\] the stack has 2 PrometheusServers \(test\/P1, test\/P2\)\. Pass the one to use as the prometheus prop/);
  bad('LogAgent metrics with two Prometheus servers', (s) => {
    twoPrometheus(s);
    agent({ scrapeMetrics: true })(s);
  }, /\[test\/Agent\] scrapeMetrics: the stack has 2 PrometheusServers \(test\/P1, test\/P2\)\. Pass the one to remote-write to as the prometheus prop/);
  bad('GrafanaFolder with two Grafanas', (s) => {
    grafana(s, 'G1');
    grafana(s, 'G2');
    new GrafanaFolder(s, 'Folder', { title: 'T' });
  }, /\[test\/Folder\] the stack has 2 Grafanas \(test\/G1, test\/G2\)\. Pass the one to use as the grafana prop/);
  badAtSynth('TempoBackend with two Prometheus servers', (s) => {
    twoPrometheus(s);
    new TempoBackend(s, 'Tempo');
  }, /\[test\/Tempo\] the stack has 2 PrometheusServers \(test\/P1, test\/P2\)\. Pass the one to use as the prometheus prop/);
  badAtSynth('Alertmanager with two AlertRoutes', (s) => {
    route(s, {}, 'R1');
    route(s, {}, 'R2');
    new Alertmanager(s, 'Alertmanager');
  }, /\[test\/Alertmanager\] the stack has 2 AlertRoutes \(test\/R1, test\/R2\)\. Pass the one to use as the route prop/);
  badAtSynth('OtelCollector with two Tempos', (s) => {
    new TempoBackend(s, 'T1', { metricsGenerator: false });
    new TempoBackend(s, 'T2', { metricsGenerator: false, name: 'tempo-2', hostPort: 3201, otlpGrpcHostPort: 4417, otlpHttpHostPort: 4418 });
    otel(s);
  }, /\[test\/Otel\] the stack has 2 TempoBackends \(test\/T1, test\/T2\)\. Pass the one to use as the tempo prop/);
  badAtSynth('LogAgent with two Lokis', (s) => {
    new LokiCluster(s, 'L1');
    new LokiCluster(s, 'L2', { name: 'loki-2', hostPort: 3101 });
    new LogAgent(s, 'Agent', { mountDockerSocket: true });
  }, /\[test\/Agent\] the stack has 2 Lokis \(test\/L1, test\/L2\)\. Pass the one to push to as the loki prop, or set lokiUrl/);
});

group('Gaps closed after the first catalog', () => {
  bad('Duration.parse with words', () => Duration.parse('5 minutes'), /"5 minutes"/);
  bad('trafficFloor with a zero threshold', () => AlertRule.trafficFloor({ ratio: 'a', above: 0, rate: 'b', minRate: 1 }), /trafficFloor needs above > 0 and minRate >= 0 \(got above=0, minRate=1\)/);
  bad('Matcher.parse without an operator', () => Matcher.parse('severity critical'), /matcher "severity critical" is not of the form label=value/);
  bad('useRuntime after the default runtime', (s) => {
    prom(s);
    Observability.of(s).useRuntime(new DockerRuntime(new Construct(s, 'Other'), 'Docker', { createProvider: false, networkName: 'other' }));
  }, /the stack already created its default Docker runtime; call Observability\.of\(stack\)\.useRuntime/);
  badAtSynth('AlertRoute to Grafana without a Grafana', (s) => route(s, { target: 'grafana', requireRouting: false }), /target "grafana" deploys contact points .* but the stack has no Grafana\. Create a GrafanaServer or an ExistingGrafana/);
  bad('two components on one host port', (s) => {
    prom(s);
    prom(s, { name: 'prom-2' }, 'Prometheus2');
  }, /host port 9090\/tcp on 127\.0\.0\.1 \(port "http"\) is already published on 127\.0\.0\.1 by test\/Prometheus \(port "http"\).*Give one of them another hostPort/);
  bad('a host port on every interface clashing with 127.0.0.1', (s) => {
    prom(s);
    new GrafanaServer(s, 'Grafana', { hostPort: 9090, hostIp: '0.0.0.0' });
  }, /host port 9090\/tcp on 0\.0\.0\.0 .* already published on 127\.0\.0\.1 by test\/Prometheus/);
  bad('Tempo OTLP/gRPC host port on its own OTLP/HTTP port', (s) => new TempoBackend(s, 'Tempo', { otlpGrpcHostPort: 4318 }), /host port 4318\/tcp on 127\.0\.0\.1 \(port "otlp-http"\) is already published .* by test\/Tempo \(port "otlp-grpc"\)/);
  bad('kubernetes_sd role not a role', job({ targets: undefined, kubernetesSdConfigs: [{ role: 'pods' as never }] }), /kubernetes_sd_configs\[0\]\.role must be one of pod, service, endpoints, endpointslice, node, ingress \(got "pods"\)/);
  bad('node exporter mount-point exclusion not a regex', (s) => new NodeExporter(s, 'Node', { filesystemMountPointsExclude: '^/(sys|proc' }), /filesystemMountPointsExclude .*"\^\/\(sys\|proc"/);
  bad('Grafana rootUrl without a scheme', (s) => new GrafanaServer(s, 'Grafana', { rootUrl: 'grafana' }), /rootUrl must be an absolute http\(s\) URL \(got "grafana"\)/);
  bad('Grafana providerUrl without a scheme', (s) => new GrafanaServer(s, 'Grafana', { providerUrl: 'localhost:3000' }), /providerUrl must be an absolute http\(s\) URL \(got "localhost:3000"\)/);
  bad('Grafana empty admin user', (s) => new GrafanaServer(s, 'Grafana', { adminUser: '' }), /adminUser must be a login name \(got ""\)/);
  bad('SLO dashboardUrl not a URL', slo({ dashboardUrl: 'dash' }), /dashboardUrl must be an http\(s\) URL \(got "dash"\)/);
  bad('time interval in an unknown zone', interval({ weekdays: ['monday'], location: 'Mars/Base' }), /location is not an IANA time zone \(got "Mars\/Base"\)\. Use e\.g\. "Europe\/Zurich"/);
  bad('Alertmanager externalUrl not absolute', (s) => {
    route(s);
    new Alertmanager(s, 'Alertmanager', { externalUrl: 'alerts' });
  }, /externalUrl must be an absolute http\(s\) URL.*\(got "alerts"\)/);
  bad('negative memory limit', (s) => prom(s, { resources: { memoryMiB: -5 } }), /resources\.memoryMiB must be a whole number of MiB, at least 6 .*\(got -5\)/);
  bad('negative CPU shares', (s) => prom(s, { resources: { cpuShares: -1 } }), /resources\.cpuShares must be an integer of at least 2 \(got -1\)/);
  bad('empty container label key', (s) => prom(s, { labels: { '': 'x' } }), /label key "" is not a valid container label key/);
  bad('Docker network name with a space', (s) => new DockerRuntime(s, 'Docker', { networkName: 'My Net' }), /networkName "My Net" is not a valid Docker network name/);
  bad('Docker host without a scheme', (s) => new DockerRuntime(s, 'Docker', { host: 'docker.sock' }), /host must be a Docker daemon address with its scheme \(got "docker\.sock"\)/);
  bad('data sources with a bad service dashboard uid', dataSources({ serviceDashboardUid: 'a b/c' }), /serviceDashboardUid .*"a b\/c"/);
  bad('data sources with a bad time interval', dataSources({ prometheusTimeInterval: '15 seconds' }), /prometheusTimeInterval .*"15 seconds"/);
  bad('OTLP exporter with an unknown compression', exporter({ type: 'otlp', endpoint: 'tempo:4317', compression: 'brotli' }), /compression must be one of gzip, zstd, snappy, none \(got "brotli"\)/);
  bad('blackbox header with a literal credential', bbModule('auth', { prober: 'http', http: { headers: { Authorization: 'Bearer abc' } } }), /header Authorization must not be a literal secret \(got a literal string of 10 characters\)/);
  bad('Slack title with an unclosed action', receiver(Receiver.slack('s', { webhookUrl: '${TfToken[TOKEN.1]}', title: '{{ .Status ' })), /slack\[0\]\.title is not a valid Alertmanager template: unclosed action \(got "\{\{ \.Status "\)/);
  bad('latency SLI with an empty le', latency({ leLabel: '' }), /sli\.leLabel must be the bucket's le value .*\(got ""\)/);
  bad('alert pack runbook base not a URL', () => AlertPacks.course({ runbookBaseUrl: 'wiki' }), /runbookBaseUrl must be an http\(s\) URL \(got "wiki"\)/);
});

group('MonitoredService', () => {
  const svc = (p: Partial<MonitoredServiceProps>) => (s: TerraformStack) => {
    prom(s);
    return new MonitoredService(s, 'Svc', { service: 'demo-app', team: 'shop', container: { image: 'demo:1.0', port: 8080 }, runbookBaseUrl: 'https://wiki.example.com', ...p } as MonitoredServiceProps);
  };
  bad('service neither container nor external', svc({ container: undefined }), /give exactly one of container .* or external .*\(got neither\)/);
  bad('service with an unpinned image', svc({ container: { image: 'demo:latest', port: 8080 } }), /container\.image tag must be pinned \(got "demo:latest"\)/);
  bad('service setting OTEL_ variables itself', svc({ container: { image: 'demo:1.0', port: 8080, env: { OTEL_SERVICE_NAME: 'x' } } }), /container\.env sets OTEL_SERVICE_NAME, which this construct derives/);
  bad('service external address with a scheme', svc({ container: undefined, external: { address: 'http://x:80' } }), /external\.address must be host:port \(got "http:\/\/x:80"\)/);
  bad('service docker-labels without discovery', svc({ scrape: 'docker-labels' }), /needs Docker discovery on test\/Prometheus, which has none/);
  bad('service error ratio in percent', svc({ alerts: { errorRatio: 5 } }), /alerts\.errorRatio is a ratio strictly between 0 and 1 \(got 5\)/);
  bad('service health check without a blackbox exporter', svc({ healthCheck: '/health' }), /no BlackboxExporter in this stack to probe healthCheck/);
  bad('service runbook base not a URL', svc({ runbookBaseUrl: 'runbooks' }), /runbookBaseUrl must be an http\(s\) URL \(got "runbooks"\)/);
  bad('service with a literal password in env', svc({ container: { image: 'demo:1.0', port: 8080, env: { API_TOKEN: 'abc123' } } }), /container\.env API_TOKEN must not be a literal secret \(got a literal string of 6 characters\)/);
  bad('service with a negative traffic floor', svc({ alerts: { errorRatio: 0.05, minRequestRate: -1 } }), /alerts\.minRequestRate must be a number of requests per second, 0 or more \(got -1\)/);
  bad('service receiver name taken with other settings', (s) => {
    route(s);
    return svc({ receiver: Receiver.webhook('hook', { url: 'http://other:8080/' }) })(s);
  }, /receiver "hook" is already defined on test\/Routing with other settings/);  bad('service SLO given as a token string', svc({ slos: ['${TfToken[TOKEN.1]}' as never] }), /objective must be a number of percent \(got undefined\)/);
});

group('ObservabilityStack', () => {
  bad('retention set on a part', () => new ObservabilityStack(Testing.app(), 'test', { prometheus: { retentionTime: '15d' } }), /prometheus\.retentionTime is set \(got "15d"\), but the stack sets retention in one place\. Use retention\.metrics instead/);
  bad('logs retention not in whole days', () => new ObservabilityStack(Testing.app(), 'test', { retention: { logs: '36h' } }), /retention\.logs must be a whole number of days \(got "36h"\)/);
  bad('retention shorter than an hour', () => new ObservabilityStack(Testing.app(), 'test', { retention: { traces: '10m' } }), /retention\.traces must be at least 1h \(got "10m"\)/);
  bad('alert pack without recording rules', () => new ObservabilityStack(Testing.app(), 'test', { recordingRules: false, alertPack: { runbookBaseUrl: 'https://wiki.example.com' } }), /alertPack reads the RED and USE recording rules, which recordingRules: false leaves out/);
});

group('Kubernetes target', () => {
  const k8s = (s: Construct) => new KubernetesRuntime(s, 'Kubernetes');
  const onK8s = <T>(f: (s: TerraformStack) => T) => (s: TerraformStack) => (k8s(s), f(s));
  const onDocker = <T>(f: (s: TerraformStack) => T) => (s: TerraformStack) => (new DockerRuntime(s, 'Docker'), f(s));
  const s3 = (s: Construct): LokiObjectStorage => ({ endpoint: 's3.example.com', bucket: 'logs', accessKeyId: secret(s, 'ak'), secretAccessKey: secret(s, 'sk') });
  bad('chart version range', (s) => new KubernetesRuntime(s, 'Kubernetes', { chartVersions: { kubePrometheusStack: '^65.0.0' } }), /chartVersions\.kubePrometheusStack must be an exact chart version such as "88\.5\.3" \(got "\^65\.0\.0"\)/);
  bad('namespace not a DNS label', (s) => new KubernetesRuntime(s, 'Kubernetes', { namespace: 'Ops' }), /namespace must be a DNS label .* \(got "Ops"\)/);
  bad('Docker socket on Kubernetes', onK8s((s) => prom(s, { mountDockerSocket: true })), /mountDockerSocket is a Docker option \(got true\); there is no Docker socket on the Kubernetes target/);
  bad('published port on Kubernetes', onK8s((s) => new NodeExporter(s, 'NodeExporter', { hostPort: 19100 })), /hostPort is a Docker option; the Kubernetes target publishes nothing on a node \(got 19100\)/);
  bad('Mimir on Docker', onDocker((s) => prom(s, { mimir: { objectStorage: { ...s3(s), bucket: 'blocks' } } })), /mimir is only available on the Kubernetes target/);
  bad('Loki without object storage on Kubernetes', onK8s((s) => new LokiCluster(s, 'Loki')), /objectStorage is required on the Kubernetes target \(got none\)/);
  bad('Loki monolithic on Kubernetes', onK8s((s) => new LokiCluster(s, 'Loki', { mode: 'monolithic', objectStorage: s3(s) })), /mode "monolithic" is not available on the Kubernetes target/);
  bad('Tempo without object storage on Kubernetes', onK8s((s) => new TempoBackend(s, 'Tempo')), /objectStorage is required on the Kubernetes target \(got none\): Tempo runs distributed/);
  bad('chartMonitors not a boolean', (s) => new KubernetesRuntime(s, 'Kubernetes', { chartMonitors: 'yes' as never }), /props\.chartMonitors must be a boolean \(got string "yes"\); write true without quotes/);
  bad('Mimir region read by Helm as a template', onK8s((s) => prom(s, { mimir: { objectStorage: { ...s3(s), bucket: 'blocks', region: 'eu-{{ .Values.x }}' } } })), /mimir\.objectStorage\.region must not contain "\{\{" \(got "eu-\{\{ \.Values\.x \}\}"\): Helm would read it as a template/);
  bad('rule groups the chart would give one PrometheusRule name (cut to 63 characters)', onK8s((s) => {
    const p = prom(s);
    const long = 'payments_checkout_latency_availability_budget_slo_';
    p.addRuleGroup({ name: `${long}alpha`, rules: [{ record: 'a:b', expr: 'up' }] });
    p.addRuleGroup({ name: `${long}omega`, rules: [{ record: 'a:b', expr: 'up' }] });
  }), /rule groups "payments_checkout_latency_availability_budget_slo_alpha" and "payments_checkout_latency_availability_budget_slo_omega" would both be the PrometheusRule "prometheus-prometheus-payments-checkout-latency-availability-bu"/);
});

group('Hostile input: PromQL, regexes, characters', () => {
  bad('function without its range vector', rule({ record: 'a:b', expr: 'rate(x)' }), /recording rule "a:b": expr is not valid PromQL: expected type range vector in call to function "rate", got instant vector at line 1, column 6 \(got "rate\(x\)"\)/);
  bad('function with too few arguments', rule({ record: 'a:b', expr: 'histogram_quantile(0.9)' }), /expr is not valid PromQL: expected 2 argument\(s\) in call to "histogram_quantile", got 1 at line 1, column 1/);
  bad('matcher regex RE2 refuses', rule({ record: 'a:b', expr: 'up{job=~"(("}' }), /expr is not valid PromQL: error parsing regexp: missing closing \): `\(\(` at line 1, column 9/);
  bad('scalar comparison without bool', rule({ record: 'a:b', expr: '1 > 2' }), /comparisons between scalars must use BOOL modifier at line 1, column 3/);
  bad('aggregation over a range', rule({ record: 'a:b', expr: 'sum(x[5m])' }), /expected type instant vector in aggregation expression, got range vector/);
  bad('selector that matches everything', rule({ record: 'a:b', expr: '{job=~".*"}' }), /vector selector must contain at least one non-empty matcher/);
  bad('unknown escape in a PromQL string', rule({ record: 'a:b', expr: 'x{a=~"\\d+"}' }), /unknown escape sequence \\d in a string: write a backslash as \\\\/);
  bad('recording rule yielding a range vector', rule({ record: 'a:b', expr: 'x[5m]' }), /recording rule "a:b": expr yields a range vector \(got "x\[5m\]"\); a rule must yield an instant vector or a scalar/);
  bad('alert yielding a string', rule({ alert: 'A', expr: '"down"' }), /alert "A": expr yields a string/);
  bad('regex repeat count over 1000', relabel({ sourceLabels: ['a'], regex: 'a{1001}', targetLabel: 'b' }), /relabel_configs\[0\]\.regex is not a valid regular expression: error parsing regexp: invalid repeat count: `\{1001\}` \(got "a\{1001\}"\)/);
  bad('unterminated \\Q that swallows the anchor', relabel({ sourceLabels: ['a'], regex: 'x\\Q', targetLabel: 'b' }), /regex is not a valid regular expression: error parsing regexp: missing closing \)/);
  bad('dashboard query Prometheus refuses', dashboard(panel('sum(rate(http_requests_total[5m])) offset 5m')), /panel "P" query A: is not valid PromQL: offset modifier must be preceded by an instant vector selector/);
  bad('dockerHost pointing at a host folder', agent({ dockerHost: 'unix:///etc' }), /\[test\/Agent\] dockerHost must be a Docker socket: unix:\/\/ and a \*\.sock path under \/run, \/var\/run .*\(got "unix:\/\/\/etc"\)\. The path is bind-mounted into the container/);
  bad('dockerDiscovery.host escaping with ..', (s) => prom(s, { mountDockerSocket: true, dockerDiscovery: { host: 'unix:///var/run/../../etc/shadow.sock' } }), /dockerDiscovery\.host must be a Docker socket: .*without "\.\." \(got "unix:\/\/\/var\/run\/\.\.\/\.\.\/etc\/shadow\.sock"\)/);
  badAtSynth('route node pushed into its own children', (s) => {
    const r = route(s);
    const child = r.addRoute({ receiver: 'hook', matchers: [Matcher.eq('team', 'a')] });
    child.children.push(child);
  }, /route\.routes\[0\]\.routes\[0\]: this route node already stands elsewhere in the tree \(it is its own ancestor: a cycle\)\. Add children with addRoute\(\)/);
  bad('route options holding themselves', (s) => {
    const o: { receiver: string; routes?: unknown[] } = { receiver: 'hook' };
    o.routes = [o];
    route(s).addRoute(o as never);
  }, /addRoute\(options\)\.routes\[0\] refers back to an object that contains it \(a cycle\)/);
  bad('duration past int64 nanoseconds', (s) => prom(s, { scrapeInterval: '99999999999999999999d' }), /global\.scrape_interval is out of range \(got "99999999999999999999d"\): Go and Prometheus hold durations as int64 nanoseconds/);
  bad('Duration factory past 292 years', () => Duration.days(1e300), /a duration must be at most 292 years, the largest Go and Prometheus can hold \(got 1e\+300 days\)/);
  bad('sample limit past int64', job({ sampleLimit: 1e20 }), /scrape job "j": sample_limit must be a non-negative integer \(got 100000000000000000000\)/);
  bad('group limit 2^63', rules({ limit: 2 ** 63, rules: [{ record: 'a:b', expr: 'vector(1)' }] }), /limit must be a non-negative integer \(got 9223372036854776000\)/);
  badAtSynth('zero group_interval', (s) => route(s, { groupInterval: '0s' }), /route: group_interval must be greater than zero \(got "0s"\); Alertmanager refuses a zero group_interval/);
  badAtSynth('zero repeat_interval', (s) => route(s).addRoute({ receiver: 'hook', matchers: [Matcher.eq('a', 'b')], repeatInterval: '0s' }), /route\.routes\[0\]: repeat_interval must be greater than zero/);
  bad('image reference with a shell command', (s) => prom(s, { image: 'prom/prometheus:v2 ; rm' }), /image is not a valid image reference \(got "prom\/prometheus:v2 ; rm"\)/);
  bad('leading-zero IPv4 host address', (s) => prom(s, { hostIp: '00.0.0.0' }), /hostIp must be an IP address \(got "00\.0\.0\.0"\)/);
  bad('Prometheus variable in an Alertmanager template', (s) => route(s).addTemplate('t', '{{ define "t" }}{{ $labels.instance }}{{ end }}'), /template "t" is not a valid Alertmanager template: undefined variable "\$labels"\. Alertmanager refuses the config at load\. Templates see \.Alerts, \.CommonLabels/);
  bad('template with a stray brace', (s) => route(s).addTemplate('t', '{{ define "t" }}{{{ end }}'), /template "t" is not a valid Alertmanager template: unexpected "\{" in command/);
  bad('template function Alertmanager lacks', (s) => route(s).addTemplate('t', '{{ define "t" }}{{ .Status | upper }}{{ end }}'), /function "upper" not defined\. .*functions are Go's and toUpper, toLower/);
  bad('slack title with an unknown function', receiver(Receiver.slack('s', { webhookUrl: 'https://hooks.example.com/x', title: '{{ humanize .Status }}' })), /receiver "s": slack\[0\]\.title is not a valid Alertmanager template: function "humanize" not defined/);
  badAtSynth('call of a template nobody defines', (s) => route(s).addReceiver(Receiver.slack('s', { webhookUrl: secret(s), title: '{{ template "slack.custom.title" . }}' })), /receiver "s" calls template "slack\.custom\.title", which no template defines .*Every notification that uses it would fail/);
  bad('credentials in a Loki push URL', agent({ lokiUrl: 'https://123:glc_token@logs.example.com/loki/api/v1/push' }), /lokiUrl carries credentials in its user part \(got a URL with "123:…@"\)\. Keep credentials out of URLs/);
  bad('api key in a remote-write query', (s) => new LokiCluster(s, 'Loki', { remoteWriteUrl: 'https://prom.example.com/api/v1/write?api_key=abc' }), /remoteWriteUrl carries a secret in its query parameter "api_key" \(got a URL with \?api_key=…\)/);
  bad('token in Grafana rootUrl', (s) => new GrafanaServer(s, 'Grafana', { rootUrl: 'https://grafana.example.com/?auth=abc', adminPassword: secret(s) }), /rootUrl carries a secret in its query parameter "auth"/);
  bad('credentials in the ExistingGrafana URL', (s) => new ExistingGrafana(s, 'Grafana', { url: 'https://admin:pw@grafana.example.com' }), /url carries credentials in its user part/);
  bad('Slack webhook as a probe target', (s) => blackbox(s).probe('hooks', { module: 'http_2xx', targets: ['https://hooks.slack.com/services/T0/B0/XYZ'] }), /probe job "hooks": target is a Slack webhook URL, whose path is the credential/);
  bad('secret header of a vendor', exporter({ type: 'otlphttp', endpoint: 'https://api.honeycomb.io', headers: { 'x-honeycomb-team': 'abc123' } }), /header "x-honeycomb-team" carries a credential and must not be a literal secret/);
  bad('token as a scrape parameter', job({ params: { access_token: ['abc'] } }), /scrape job "j": params\.access_token would put a credential in prometheus\.yml and in every scrape URL/);
  bad('Authorization header in an email receiver', receiver(Receiver.email('mail', { to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', headers: { Authorization: 'Bearer abc' } })), /receiver "mail": email\[0\]\.headers\.Authorization carries a credential and must not be a literal secret/);
  bad('Loki rule over every stream', lokiRule({ alert: 'A', expr: 'count_over_time({job=~".*"}[5m]) > 0' }), /is not valid LogQL: queries require at least one regexp or equality matcher that does not have an empty-compatible value/);
  bad('Loki range aggregation without unwrap', lokiRule({ alert: 'A', expr: 'sum_over_time({job="api"}[5m]) > 0' }), /is not valid LogQL: invalid aggregation sum_over_time without unwrap/);
  bad('named group in Go 1.22 syntax', relabel({ sourceLabels: ['a'], regex: '(?<host>.+):9100', targetLabel: 'b' }), /regex writes a named group as \(\?<name>\.\.\.\) .*Write \(\?P<name>\.\.\.\)/);
});

group('Adopting an existing setup: Container, extraArgs, volumeNames, data sources (issue 14)', () => {
  const app = (props: Partial<ContainerProps> = {}) => (s: Construct) => new Container(s, 'App', { image: 'registry.example.com/app:1.2.3', ...props });
  bad('container image not pinned', app({ image: 'nginx:latest' }), /^\[test\/App\] image tag must be pinned \(got "nginx:latest"\)/);
  bad('container literal secret in env', app({ env: { DB_PASSWORD: 'hunter2' } }), /env DB_PASSWORD looks like a secret and must not be a literal \(got a literal string of 7 characters\)\. Put it in secretEnv as a reference/);
  bad('container literal secretEnv', app({ secretEnv: { API_TOKEN: 'abc' } }), /secretEnv API_TOKEN must not be a literal secret \(got a literal string of 3 characters\)/);
  bad('container literal secret file', app({ files: [{ path: '/etc/app/token', content: 'abc', secret: true }] }), /files\[0\] \(\/etc\/app\/token\) is marked secret but its content is literal \(a string of 3 characters\)/);
  bad('container health check not in exec form', app({ healthcheck: { test: ['curl', '-f', 'http://localhost/'] } }), /healthcheck\.test must start with "CMD" \(exec form\), "CMD-SHELL" \(one shell command\) or be \["NONE"\]/);
  bad('container top-level hostPort', app({ hostPort: 80 }), /hostPort applies to one port; a Container has a host port per port \(got 80\)/);
  bad('container scrape without a port', app({ scrape: {} }), /scrape needs a port serving metrics: the container has no port/);
  bad('container scrape of a UDP port', app({ ports: [{ name: 'statsd', containerPort: 9125, protocol: 'udp' }], scrape: {} }), /scrape port "statsd" is a UDP port; Prometheus scrapes over HTTP/);
  bad('container env name', app({ env: { 'MY-VAR': 'x' } }), /env name "MY-VAR" is not a valid environment variable name/);
  bad('container capability name', app({ dropCapabilities: ['all caps'] }), /dropCapabilities entry is not a Linux capability name \(got "all caps"\)/);
  bad('container device permissions', app({ devices: [{ hostPath: '/dev/kmsg', permissions: 'rx' }] }), /devices\[0\]\.permissions must combine r, w and m, each at most once \(got "rx"\)/);
  bad('container privileged on Kubernetes', (s) => {
    new KubernetesRuntime(s, 'Kubernetes');
    app({ privileged: true })(s);
  }, /privileged is a Docker option \(got true\): the Kubernetes target does not run privileged pods/);
  bad('extraArgs several in one string', (s) => prom(s, { extraArgs: ['--web.enable-lifecycle --web.enable-admin-api'] }), /extraArgs\[0\] holds several arguments in one string/);
  bad('extraArgs on a chart-run engine', (s) => {
    new KubernetesRuntime(s, 'Kubernetes');
    prom(s, { extraArgs: ['--web.enable-lifecycle'] });
  }, /extraArgs is a Docker option for Prometheus \(got \["--web\.enable-lifecycle"\]\)/);
  bad('volumeNames of a volume the component lacks', (s) => prom(s, { volumeNames: { tsdb: 'prometheus_data' } }), /volumeNames names a volume "tsdb" that prometheus does not have \(it has "data"\)/);
  bad('one kept volume for two components', (s) => {
    prom(s, { volumeNames: { data: 'shared' } });
    new TempoBackend(s, 'Tempo', { volumeNames: { data: 'shared' } });
  }, /\[test\/Tempo\] Docker volume "shared" \(volume "data"\) is already used by test\/Prometheus/);
  bad('dataSources kind without a back end', (s) => {
    grafana(s);
    new GrafanaDataSources(s, 'DataSources', { dataSources: ['loki'] });
  }, /dataSources lists "loki", but the stack has no LokiCluster and the loki prop is not set/);
  bad('dataSources leaving out a given target', (s) => {
    grafana(s);
    new GrafanaDataSources(s, 'DataSources', { dataSources: ['prometheus'], prometheus: { url: 'http://prometheus:9090' }, alertmanager: { url: 'http://alertmanager:9093' } });
  }, /the alertmanager prop is set but dataSources leaves "alertmanager" out/);
});
group('Current engines: Alertmanager v0.34.0 and Grafana 13.2.3 (issue 19)', () => {
  const am = (image: string, setup: (r: AlertRoute) => void) => (s: TerraformStack) => {
    setup(route(s));
    new Alertmanager(s, 'Alertmanager', { image });
  };
  badAtSynth('template function newer than the Alertmanager image', am('prom/alertmanager:v0.27.0', (r) => r.addTemplate('t', '{{ define "t" }}{{ .CommonLabels | toJson }}{{ end }}')), /template "t" calls the template function toJson, which Alertmanager has only from v0\.30\.0 \(the image runs v0\.27\.0\)/);
  badAtSynth('empty child groupBy on an Alertmanager before v0.31.0', am('prom/alertmanager:v0.30.1', (r) => r.addRoute({ matchers: [Matcher.eq('team', 'a')], groupBy: [] })), /route\.routes\[0\] has an empty groupBy, which Alertmanager reads as "one group for all alerts" only from v0\.31\.0/);
  badAtSynth('matcher value with a lone surrogate', (s) => route(s).addRoute({ matchers: [Matcher.eq('team', 'a\ud800')] }), /matcher team= value is not valid UTF-8 \(it holds a lone surrogate/);
  bad('email headers differing only in case', receiver(Receiver.email('mail', { to: 'a@example.com', headers: { 'x-team': 'a', 'X-TEAM': 'b' } })), /receiver "mail": email\[0\]\.headers has "x-team" and "X-TEAM", the same header for Alertmanager \(names are case-insensitive\)/);
  bad('Matcher.parse with a stray double quote', () => Matcher.parse('summary=say "hi"'), /matcher "summary=say \\"hi\\"" has a double quote that is neither escaped nor closing the value/);
  bad('Grafana plugin with two versions', (s) => new GrafanaServer(s, 'Grafana', { plugins: ['grafana-clock-panel@1@2'] }), /plugins entry is not a plugin id with an optional version \(got "grafana-clock-panel@1@2"\)/);
});

group('Grafana-managed alert rules (issue 17)', () => {
  const grafanaRules = (g: Partial<RuleGroup>, props: object = {}) => (s: TerraformStack) => new GrafanaAlertRules(s, 'Rules', { group: { name: 'g', rules: [goodAlert], ...g }, dataSourceUid: 'prometheus', ...props });
  bad('recording rule on the grafana engine', (s) => prom(s).addRuleGroup({ name: 'rec', engine: 'grafana', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] }), /rule group "rec" \(engine "grafana"\) has recording rules \("job:up:sum"\).*Move them to a group with engine "prometheus"/);
  bad('unknown engine', rules({ engine: 'loki' as never, rules: [goodAlert] }), /rule group "g": engine must be "prometheus" or "grafana" \(got "loki"\)/);
  bad('limit on the grafana engine', grafanaRules({ limit: 10 }), /limit has no Grafana equivalent \(got 10\)/);
  bad('interval off the 10s tick', grafanaRules({ interval: '45s' }), /interval must be a multiple of 10 seconds for Grafana-managed rules \(got "45s"\).*Use e\.g\. "30s" or "1m"/);
  bad('noDataState', grafanaRules({}, { noDataState: 'no_data' }), /noDataState must be one of OK, NoData, Alerting, KeepLast \(got "no_data"\)/);
  bad('execErrState', grafanaRules({}, { execErrState: 'Err' }), /execErrState must be one of Error, Alerting, OK, KeepLast \(got "Err"\)/);
  bad('anti-fatigue policy on a Grafana-managed rule', grafanaRules({ rules: [{ ...goodAlert, labels: { severity: 'info' } }] }), /rule group "g", alert "A": severity must be "critical" or "warning" \(got "info"\)/);
  bad('two Grafana groups with one name in one folder', (s) => {
    grafanaRules({})(s);
    new GrafanaAlertRules(s, 'Twin', { group: { name: 'g', rules: [goodAlert] }, dataSourceUid: 'prometheus' });
  }, /rule group "g" is already defined in this folder by test\/Rules/);
  badAtSynth('Grafana-managed rules with a tree deployed to Alertmanager only', (s) => {
    grafanaRules({})(s);
    route(s);
  }, /rule group "g" is evaluated by Grafana.*is deployed to Alertmanager only.*Set target: "both" on the AlertRoute/);
  badAtSynth('Grafana-managed alert that reaches only a null receiver', (s) => {
    grafana(s);
    grafanaRules({ rules: [{ ...goodAlert, labels: { severity: 'warning', team: 'x' } }] })(s);
    route(s, { target: 'both', receivers: [Receiver.null('quiet')], routes: [{ receiver: 'quiet', matchers: [Matcher.eq('severity', 'warning')] }] });
  }, /test\/Rules: Grafana-managed rule group "g", alert "A" with labels \{grafana_folder="Alert rules", alertname="A", severity="warning", team="x"\} only reaches "quiet" \(null\): nobody is notified/);
  badAtSynth('no Prometheus data source and no dataSourceUid', (s) => {
    grafana(s);
    new GrafanaAlertRules(s, 'Rules', { group: { name: 'g', rules: [goodAlert] } });
  }, /runs its PromQL against a Prometheus data source, and the stack has no GrafanaDataSources with one\. Set dataSourceUid/);
  bad('grafana on an Alertmanager-only AlertRoute', (s) => route(s, { grafana: grafana(s) }), /grafana is set but target is "alertmanager": nothing is deployed to Grafana\. Set target: "grafana" or "both", or remove grafana/);
  bad('alertEngine', slo({ alertEngine: 'grafna' as never }), /alertEngine must be "prometheus" or "grafana" \(got "grafna"\)/);
  bad('$externalLabels in a Grafana-managed rule template', grafanaRules({ rules: [{ ...goodAlert, annotations: { ...goodAlert.annotations, description: '{{ $externalLabels.cluster }}' } }] }), /alert "A": annotations\.description uses \$externalLabels, which Grafana-managed rules do not have \(Grafana's rule templates define \$labels, \$values and \$value only\).*Write the value out, or keep this alert on engine "prometheus"/);
  badAtSynth('routing tree deeper than the provider\'s policy blocks', (s) => {
    grafana(s);
    const deep = (n: number): RouteOptions => ({ matchers: [Matcher.eq(`l${n}`, 'x')], routes: n < 6 ? [deep(n + 1)] : undefined });
    route(s, { target: 'grafana', routes: [deep(1)], requireRouting: false });
  }, /route(\.routes\[0\]){6} is nested 6 levels below the root, but the grafana provider's grafana_notification_policy takes at most 5.*Flatten the tree/);
  bad('tailSampling with custom pipelines', (s) => otel(s, { receivers: [{ type: 'otlp' }], tailSampling: { type: 'tail_sampling', policies: [{ name: 'all', type: 'always_sample' }] } }), /tailSampling goes into the default traces pipeline, but receivers, processors, exporters or pipelines are given.*Add the tail_sampling processor to your processors and to your traces pipeline instead/);
});

group('ProfilingBackend', () => {
  const pyroscope = (p: object) => (s: TerraformStack) => new ProfilingBackend(s, 'Pyroscope', p);
  bad('profiles retention under an hour', pyroscope({ retention: '30m' }), /retention must be at least 1h \(got "30m"\); Pyroscope would delete profiles before you look at them .*Use e\.g\. "14d"/);
  bad('profiles retention of zero', pyroscope({ retention: '0s' }), /retention must be at least 1h \(got "0s"\);.*0 would keep them forever/);
  bad('profiles retention not a duration', pyroscope({ retention: '2 weeks' }), /retention is not a valid duration \(got "2 weeks"\)/);
  bad('Pyroscope log level', pyroscope({ logLevel: 'verbose' }), /logLevel must be one of debug, info, warn, error \(got "verbose"\)/);
  bad('Pyroscope image not pinned', pyroscope({ image: 'grafana/pyroscope:latest' }), /image tag must be pinned \(got "grafana\/pyroscope:latest"\).*Use e\.g\. "grafana\/pyroscope:2\.2\.1"/);
  bad('Pyroscope self-profiling not a boolean', pyroscope({ selfProfiling: 'yes' }), /props\.selfProfiling must be a boolean \(got string "yes"\)/);
  bad('Pyroscope host port on Kubernetes', (s) => (new KubernetesRuntime(s, 'Kubernetes'), new ProfilingBackend(s, 'Pyroscope', { hostPort: 14040 })), /hostPort is a Docker option; the Kubernetes target publishes nothing on a node \(got 14040\)/);
  bad('profiling retention set on the part', () => new ObservabilityStack(Testing.app(), 'test', { profiling: { retention: '30d' } }), /profiling\.retention is set \(got "30d"\), but the stack sets retention in one place\. Use retention\.profiles instead/);
  bad('profile type of the traces-to-profiles link', dataSources({ tempo: { url: 'http://tempo:3200' }, pyroscope: { url: 'http://pyroscope:4040' }, correlation: { profileTypeId: 'cpu' } }), /correlation: profileTypeId is not a Pyroscope profile type of five ':'-separated parts.*\(got "cpu"\)\. Use e\.g\. "process_cpu:cpu:nanoseconds:cpu:nanoseconds"/);
  bad('Pyroscope data source URL', dataSources({ pyroscope: { url: 'pyroscope:4040' } }), /pyroscope\.url must be an http\(s\) URL \(got "pyroscope:4040"\)/);
  bad('profiles relay on Promtail', agent({ agent: 'promtail', receiveProfiles: true }), /receiveProfiles is an Alloy option, but agent is "promtail", which only ships logs \(got receiveProfiles: true\)/);
  bad('relay target without the relay', (s) => new LogAgent(s, 'Agent', { ...agentBase, pyroscope: new ProfilingBackend(s, 'Pyroscope') }), /pyroscope is set but receiveProfiles is not \(got test\/Pyroscope\)\. Set receiveProfiles: true/);
  badAtSynth('profiles relay without a ProfilingBackend', agent({ receiveProfiles: true }), /receiveProfiles: no ProfilingBackend in this stack to relay profiles to \(got none\)\. Create one/);
  badAtSynth('OtelCollector with two ProfilingBackends', (s) => {
    new ProfilingBackend(s, 'P1');
    new ProfilingBackend(s, 'P2', { name: 'pyroscope-2', publishPorts: false });
    new OtelCollector(s, 'Otel');
  }, /the stack has 2 ProfilingBackends \(test\/P1, test\/P2\)\. Pass the one to use as the pyroscope prop/);
});

group('Escape hatches for imported configuration (issue 15)', () => {
  bad('Prometheus rawConfig on Kubernetes', (s) => {
    new KubernetesRuntime(s, 'Kubernetes');
    prom(s, { rawConfig: { remote_write: [{ url: 'https://mimir.example.com/api/v1/push' }] } });
  }, /rawConfig is a Docker option \(got keys \["remote_write"\]\): on the Kubernetes target the Prometheus Operator writes prometheus\.yml/);
  bad('raw job fields do not stand for targets unless they discover', job({ targets: undefined, rawFields: { proxy_url: 'http://proxy:3128' } }), /scrape job "j" has no targets: give targets, staticConfigs, dockerSdConfigs or kubernetesSdConfigs/);
  // Rule group keys of Prometheus 2.53+/3.0+ (imported natively from rule files).
  const rec = [{ record: 'a:b', expr: 'up' }];
  bad('group queryOffset not a duration', rules({ queryOffset: '30 seconds', rules: rec }), /rule group "g": queryOffset is not a valid duration \(got "30 seconds"\)/);
  bad('group labels key not a label name', rules({ labels: { 'bad-key': 'x' }, rules: rec }), /rule group "g": labels key .*"bad-key"/);
  bad('group labels setting __name__', rules({ labels: { __name__: 'x' }, rules: rec }), /rule group "g": labels key must not be __name__ \(got "__name__"\)/);
  bad('group queryOffset on a Prometheus older than 2.53', rules({ queryOffset: '30s', rules: rec }, { alertPolicy: 'off', image: 'prom/prometheus:v2.52.0' }), /rule group "g": queryOffset is written as the rule group key query_offset, which Prometheus reads from 2\.53\.0 on; the image is prom\/prometheus:v2\.52\.0, which would refuse the rule file .*Pin prom\/prometheus:v2\.53\.0 or later/);
  bad('group labels on a Prometheus 2.x', rules({ labels: { team: 'a' }, rules: rec }, { alertPolicy: 'off', image: 'prom/prometheus:v2.55.0' }), /rule group "g": labels is written as the rule group key labels, which Prometheus reads from 3\.0\.0 on; the image is prom\/prometheus:v2\.55\.0.*put the labels on each rule/);
  bad('group labels on a Grafana-managed group', rules({ engine: 'grafana', labels: { team: 'a' }, rules: [goodAlert] }), /rule group "g": queryOffset and labels are rule-file keys of Prometheus; a Grafana-managed group \(engine: "grafana"\) has neither \(got labels\)/);
});

group('Stack-wide checks: wiring, dashboard links, Loki rules, rule cost (issue 17)', () => {
  badAtSynth('scrape target on a port the container does not listen on', (s) => {
    new NodeExporter(s, 'NodeExporter');
    prom(s).addScrapeJob({ jobName: 'node', targets: ['node-exporter:9200'] });
  }, /file \/etc\/prometheus\/prometheus\.yml addresses "node-exporter:9200", but node-exporter listens on 9100 \(http\): the connection would be refused\. Use node-exporter:9100/);
  badAtSynth('data source URL on a wrong port', (s) => {
    new LokiCluster(s, 'Loki');
    new GrafanaServer(s, 'Grafana', { adminPassword: secret(s) });
    new GrafanaDataSources(s, 'DataSources', { dataSources: ['loki'], loki: { url: 'http://loki:3000' } });
  }, /the loki data source URL addresses "http:\/\/loki:3000", but loki listens on 3100 \(http\), 9096 \(grpc\)/);
  badAtSynth('Loki remote-write URL on a wrong port', (s) => {
    prom(s);
    new LokiCluster(s, 'Loki', { remoteWriteUrl: 'http://prometheus:9091/api/v1/write' });
  }, /addresses "http:\/\/prometheus:9091", but prometheus listens on 9090 \(http\)/);
  badAtSynth('push URL without a port (80) to a container listening on 3100', (s) => {
    new LokiCluster(s, 'Loki');
    new LogAgent(s, 'Alloy', { ...agentBase, lokiUrl: 'http://loki/loki/api/v1/push' });
  }, /addresses "http:\/\/loki" \(port 80, implied by http:\/\/\), but loki listens on 3100/);
  badAtSynth('dashboard link to a uid the stack does not create', (s) => {
    new GrafanaServer(s, 'Grafana', { adminPassword: secret(s) });
    new Dashboard(s, 'Red', { dashboard: redDashboard({ serviceDashboardUid: 'service-detail' }) });
  }, /dashboard "Service Overview" links to dashboard uid "service-detail" \(got "\/d\/service-detail\?var-service=.*"\), but this stack creates no dashboard with that uid \(it creates: "service-overview"\)/);
  bad('Loki threshold alert without for:', lokiGroup({ rules: [{ alert: 'A', expr: 'count_over_time({job="a"}[5m]) > 0', labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } }] }), /alert "A": a threshold alert needs for: \(got none\).*set alertPolicy: 'warn' \(warnings\) or 'off' on the LokiCluster/);
  bad('Loki alert with severity info', lokiGroup({ rules: [{ alert: 'A', expr: 'count_over_time({job="a"}[5m]) > 0', for: '5m', labels: { severity: 'info' }, annotations: { summary: 's', description: 'd' } }] }), /alert "A": severity must be "critical" or "warning" \(got "info"\)/);
  badAtSynth('Loki alert reaching only a null receiver', (s) => {
    route(s, { receiver: Receiver.null('quiet') });
    new Alertmanager(s, 'Alertmanager');
    new LokiCluster(s, 'Loki').addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'count_over_time({job="a"}[5m]) > 0', for: '5m', labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } }] });
  }, /Loki rule group "g", alert "A" with labels \{alertname="A", severity="warning"\} only reaches "quiet" \(null\): nobody is notified/);
  bad('Loki alertPolicy mode', loki({ alertPolicy: 'strict' as never }), /alertPolicy must be "error", "warn" or "off" \(got "strict"\)/);
  bad('series hint that is not a count', (s) => prom(s, { seriesHints: { http_requests_total: 0.5 } }), /seriesHints\.http_requests_total must be a positive whole number of series \(got 0\.5\)/);
});

group('rawConfig of LokiCluster, TempoBackend and LogAgent (issue 15)', () => {
  bad('Loki rawConfig not an object', loki({ rawConfig: 'limits_config: {}' as never }), /props\.rawConfig must be an object of any value values \(got string "limits_config: \{\}"\)/);
  bad('Loki rawConfig a list', loki({ rawConfig: [{ limits_config: {} }] as never }), /props\.rawConfig must be an object of any value values \(got an array\)/);
  bad('Loki rawConfig value a function', loki({ rawConfig: { limits_config: { max_streams_per_user: () => 0 } } }), /rawConfig\.limits_config\.max_streams_per_user must be a string, number, boolean, null, list or plain object \(got function\)\. Write the value as the engine's YAML spells it/);
  bad('Loki rawConfig value undefined', loki({ rawConfig: { limits_config: { max_streams_per_user: undefined } } }), /rawConfig\.limits_config\.max_streams_per_user is undefined\. Leave the key out to keep the construct's value, or pass null to remove the key/);
  bad('Tempo rawConfig value a class instance', tempo({ rawConfig: { query_frontend: { search: { duration_slo: Duration.seconds(5) } } } }), /rawConfig\.query_frontend\.search\.duration_slo must be a string, number, boolean, null, list or plain object \(got an instance of Duration\)/);
  bad('Tempo rawConfig value not finite', tempo({ rawConfig: { ingester: { max_block_bytes: Infinity } } }), /rawConfig\.ingester\.max_block_bytes must be a finite number \(got Infinity\): YAML has no such value/);
  bad('rawConfig on an Alloy agent', agent({ rawConfig: { limits_config: { readline_rate: 1 } } }), /rawConfig is a Promtail option \(YAML keys merged over config\.yml\), but agent is "alloy" \(got keys \["limits_config"\]\)\. Set agent: "promtail", or remove rawConfig/);
  bad('Promtail rawConfig value a Date', agent({ agent: 'promtail', rawConfig: { positions: { sync_period: new Date(0) } } }), /rawConfig\.positions\.sync_period must be a string, number, boolean, null, list or plain object \(got an instance of Date\)/);
});

group('Escape hatches of imported pipelines (OtelCollector rawConfig, LogAgent alloyConfig, GrafanaServer env, data source jsonData)', () => {
  bad('rawConfig not a mapping', (s) => otel(s, { rawConfig: ['exporters'] as never }), /\[test\/Otel\] props\.rawConfig must be an object of any value values \(got an array\)/);
  bad('rawConfig unknown section', (s) => otel(s, { rawConfig: { exporter: { debug: {} } } }), /rawConfig: "exporter" is not a section of the Collector's configuration \(got keys \["exporter"\]\)\. Use receivers, processors, exporters, connectors, extensions, service/);
  bad('rawConfig section not a mapping', (s) => otel(s, { rawConfig: { exporters: ['debug'] } }), /rawConfig\.exporters must be a mapping of component ids to their settings \(got \["debug"\]\)/);
  bad('rawConfig service extensions not a list', (s) => otel(s, { rawConfig: { service: { extensions: 'pprof' } } }), /rawConfig\.service\.extensions must be a list of extension ids \(got "pprof"\)\. The library's health_check is kept only if listed/);
  bad('rawConfig pipelines not a mapping', (s) => otel(s, { rawConfig: { service: { pipelines: [] } } }), /rawConfig\.service\.pipelines must be a mapping of pipeline ids \(got \[\]\)/);
  badAtSynth('pipeline naming a component neither typed nor raw', (s) => otel(s, { receivers: [{ type: 'otlp' }], exporters: [{ type: 'debug' }], pipelines: { traces: { receivers: ['otlp'], exporters: ['kafka'] } }, rawConfig: { exporters: { 'kafka/other': {} } } }), /pipeline "traces" uses exporter "kafka", which is not defined \(defined exporters: debug, kafka\/other\)/);
  bad('alloyConfig on Promtail', agent({ agent: 'promtail', lokiUrl: undefined, alloyConfig: 'logging {}' }), /alloyConfig is an Alloy configuration, but agent is "promtail" \(got 10 characters\)\. Use agent: "alloy"/);
  bad('empty alloyConfig', (s) => new LogAgent(s, 'Agent', { mountDockerSocket: true, alloyConfig: '  ' }), /alloyConfig must be the text of a config\.alloy file \(got "  "\)\. Pass the file's content/);
  bad('alloyConfig with pipeline props', agent({ alloyConfig: 'logging {}', logLabels: { level: 'level' } }), /alloyConfig replaces the generated pipeline, so logLabels, lokiUrl would be ignored \(got logLabels: \{"level":"level"\}, lokiUrl: "http:\/\/loki:3100\/loki\/api\/v1\/push"\)\. Remove them/);
  bad('alloySecrets without alloyConfig', (s) => new LogAgent(s, 'Agent', { mountDockerSocket: true, lokiUrl: 'http://loki:3100/loki/api/v1/push', alloySecrets: { pw: secret(s) } }), /alloySecrets are read by your own alloyConfig, which is not set \(got \["pw"\]\)\. Set alloyConfig, or remove alloySecrets/);
  bad('alloySecrets literal value', (s) => new LogAgent(s, 'Agent', { mountDockerSocket: true, alloyConfig: 'logging {}', alloySecrets: { pw: 'hunter2' } }), /alloySecrets\.pw must not be a literal secret \(got a literal string of 7 characters\)\. Pass a reference/);
  bad('alloySecrets name', (s) => new LogAgent(s, 'Agent', { mountDockerSocket: true, alloyConfig: 'logging {}', alloySecrets: { 'Loki-PW': secret(s) } }), /alloySecrets: "Loki-PW" is not a component label and file name \(got "Loki-PW"\)\. Use lower case letters, digits and '_'/);
  bad('Grafana env with a literal secret', (s) => new GrafanaServer(s, 'Grafana', { env: { GF_SMTP_PASSWORD: 'hunter2' } }), /\[test\/Grafana\] env: GF_SMTP_PASSWORD must not be a literal secret \(got a literal string of 7 characters\)\. Pass a reference/);
  bad('Grafana env setting a prop', (s) => new GrafanaServer(s, 'Grafana', { env: { GF_SECURITY_ADMIN_USER: 'root' } }), /env: GF_SECURITY_ADMIN_USER is set from the adminUser prop \(got "GF_SECURITY_ADMIN_USER"\)\. Use adminUser instead/);
  bad('Grafana env name', (s) => new GrafanaServer(s, 'Grafana', { env: { 'GF_LOG-LEVEL': 'warn' } }), /env: "GF_LOG-LEVEL" is not an environment variable name \(got "GF_LOG-LEVEL"\)\. Use Grafana's GF_<SECTION>_<KEY> form/);
  bad('Grafana env URL carrying a password', (s) => new GrafanaServer(s, 'Grafana', { env: { GF_DATABASE_URL: 'postgres://grafana:hunter2@db:5432/grafana' } }), /env: GF_DATABASE_URL carries credentials in its user part \(got a URL with "grafana:…@"\)/);
  bad('data source jsonData not an object', dataSources({ loki: { url: 'http://loki:3100', jsonData: [] } }), /\[test\/DataSources\] props\.loki\.jsonData must be an object of any value values \(got an array\)/);
  bad('data source jsonData with a secret', (s) => dataSources({ tempo: { url: 'http://tempo:3200', jsonData: { password: secret(s) } } })(s), /tempo\.jsonData must not hold tokens .*Grafana keeps jsonData in clear/);
  bad('data source empty name', dataSources({ prometheus: { url: 'http://prometheus:9090', name: ' ' } }), /prometheus\.name must be a non-empty name \(got " "\)/);
});

group('Credential headers: one rule for typed headers (name *-Key, or a Bearer/Basic/PEM value under any name)', () => {
  bad('blackbox X-Auth-Key header with a literal', bbModule('auth', { prober: 'http', http: { headers: { 'X-Auth-Key': 'k3y-literal' } } }), /header X-Auth-Key must not be a literal secret \(got a literal string of 11 characters\)/);
  bad('blackbox Bearer value under a plain header name', bbModule('auth', { prober: 'http', http: { headers: { 'X-Upstream': 'Bearer abcdefgh1234' } } }), /header X-Upstream must not be a literal secret \(got a literal string of 19 characters\)/);
  bad('email header named *-Key with a literal', receiver(Receiver.email('mail', { to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', headers: { 'Ocp-Apim-Subscription-Key': 'abc123' } })), /receiver "mail": email\[0\]\.headers\.Ocp-Apim-Subscription-Key carries a credential and must not be a literal secret/);
  bad('email Basic value under a plain header name', receiver(Receiver.email('mail', { to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', headers: { 'X-Relay': 'Basic dXNlcjpwYXNzd29yZA==' } })), /receiver "mail": email\[0\]\.headers\.X-Relay carries a credential and must not be a literal secret/);
  bad('OTLP exporter Bearer value under a plain header name', exporter({ type: 'otlp', endpoint: 'tempo:4317', headers: { 'x-upstream': 'Bearer abcdefgh1234' } }), /header "x-upstream" carries a credential and must not be a literal secret/);
});

// ---------------------------------------------------------------------------------------------
// Running the table
// ---------------------------------------------------------------------------------------------

/**
 * The first stack frame that is not the error's own message. V8 indents frames by four
 * spaces; an error raised while cdktf resolves a Lazy (checks on the files as rendered for the
 * upload) carries cdktf's "Object creation stack" in its message, indented by two.
 */
function throwSite(e: Error): string {
  return (e.stack ?? '').split('\n').find((l) => /^ {4}at /.test(l)) ?? '';
}

/** cdktf's wrapper around node validation messages (`Testing.synth(stack, true)`). */
const NODE_VALIDATION = /^Validation failed with the following errors:\n/;

function failure(row: Row): Error {
  const stack = testStack();
  let error: unknown;
  let built = false;
  try {
    row.build(stack);
    built = true;
    if (row.when === 'synth') Testing.synth(stack, true);
  } catch (e) {
    error = e;
  }
  if (row.when === 'construct' && built) throw new Error(`"${row.name}" was accepted while building; expected a ValidationError`);
  if (row.when === 'synth' && !built) throw new Error(`"${row.name}" threw while building (expected at synth): ${String((error as Error)?.message)}`);
  if (!(error instanceof Error)) throw new Error(`"${row.name}" did not fail`);
  return error;
}

describe.each([...new Set(rows.map((r) => r.group))])('%s rejects bad input', (groupName) => {
  const table = rows.filter((r) => r.group === groupName).map((r) => [r.name, r] as const);
  test.each(table)('%s', (_name, row) => {
    const error = failure(row);
    expect(error.message).toMatch(row.message);
    if (row.when === 'construct' || !NODE_VALIDATION.test(error.message)) {
      // Thrown by the library itself, not by a dependency.
      expect(error).toBeInstanceOf(ValidationError);
      expect(throwSite(error)).not.toMatch(/node_modules/);
    } else {
      // A node validation: cdktf lists it under the construct path.
      expect(error.message).toMatch(/\n {2}\[test(\/[^\]]+)?\] /);
    }
  });
});

test('the catalog holds at least 70 rows with distinct names', () => {
  const names = rows.map((r) => r.name);
  expect(new Set(names).size).toBe(names.length);
  expect(rows.length).toBeGreaterThanOrEqual(70);
});

