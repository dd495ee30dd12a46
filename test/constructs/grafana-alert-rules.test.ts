import { AnnotationMetadataEntryType, TerraformStack } from 'cdktf';
import { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { Alertmanager } from '../../constructs/alertmanager';
import { AlertRoute } from '../../constructs/alert-route';
import { Matcher } from '../../lib/alertmanager/matchers';
import { GrafanaAlertRules } from '../../constructs/grafana-alert-rules';
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { GrafanaFolder } from '../../constructs/grafana-folder';
import { GrafanaServer } from '../../constructs/grafana-server';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { SloBudget } from '../../constructs/slo-budget';
import { AlertPacks } from '../../lib/alerting/alert-rule';
import { unescapeTemplate } from '../../lib/core/tf-escape';
import { RuleSets } from '../../lib/prometheus/presets';
import { AlertingRule, RuleGroup, isAlertingRule } from '../../lib/prometheus/rules';
import { Sli } from '../../lib/slo/sli';
import { courseAlertRoute } from '../../stacks/course-alerting';
import { COURSE_SLO_RULES } from '../../stacks/course-stack';
import { allSchemaProblems } from '../helpers/grafana';
import { SynthJson, containerFiles, resources, synthJson, testStack } from '../helpers/synth';

const RUNBOOKS = 'https://wiki.example.com/runbooks';

/** Prometheus (15s evaluation), Grafana with data sources, the course's tree on both engines. */
function alertingStack(target: 'alertmanager' | 'both' = 'both'): { stack: TerraformStack; prometheus: PrometheusServer } {
  const stack = testStack();
  const prometheus = new PrometheusServer(stack, 'Prometheus', { evaluationInterval: '15s', externalLabels: { cluster: 'production' } });
  for (const g of [RuleSets.red(), RuleSets.nodeUse(), COURSE_SLO_RULES]) prometheus.addRuleGroup(g);
  courseAlertRoute(stack, 'Routing', { target });
  new Alertmanager(stack, 'Alertmanager');
  new GrafanaServer(stack, 'Grafana');
  new GrafanaDataSources(stack, 'DataSources');
  return { stack, prometheus };
}

interface RuleJson {
  name: string;
  condition: string;
  for: string;
  no_data_state: string;
  exec_err_state: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  data: Array<{ ref_id: string; datasource_uid: string; query_type?: string; relative_time_range: { from: number; to: number }; model: string }>;
}

function ruleGroups(json: SynthJson): Array<{ name: string; interval_seconds: number; folder_uid: string; rule: RuleJson[]; provider?: string }> {
  return Object.values(resources(json, 'grafana_rule_group')) as never;
}

/** A PromQL expression as its syntax tree: node names with the text of each leaf, whitespace-free. */
function promqlTree(expr: string): string {
  const tree: Tree = parser.parse(expr);
  const out: string[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) throw new Error(`parse error in ${expr} at ${n.from}`);
      out.push(n.node.firstChild ? `(${n.name}` : `${n.name}:${expr.slice(n.from, n.to)}`);
    },
    leave: (n) => {
      if (n.node.firstChild) out.push(')');
    },
  });
  return out.join(' ');
}

function warnings(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

describe('GrafanaAlertRules: the course alert pack evaluated by Grafana', () => {
  const { stack, prometheus } = alertingStack();
  const pack = AlertPacks.course({ runbookBaseUrl: RUNBOOKS });
  for (const g of pack) prometheus.addRuleGroup({ ...g, engine: 'grafana' });
  const json = synthJson(stack);
  const groups = ruleGroups(json);

  test('one grafana_rule_group per group, none in Prometheus rule files', () => {
    expect(groups.map((g) => g.name).sort()).toEqual(pack.map((g) => g.name).sort());
    expect(prometheus.grafanaRuleGroups).toHaveLength(pack.length);
    const files = Object.keys(containerFiles(json, 'prometheus'));
    for (const g of pack) expect(files).not.toContain(`/etc/prometheus/rules/${g.name}.yml`);
    expect(files).toContain('/etc/prometheus/rules/http_rules.yml');
  });

  test('every grafana_* resource matches the provider schema (attributes exist, required ones set)', () => {
    const types = ['grafana_rule_group', 'grafana_folder', 'grafana_contact_point', 'grafana_notification_policy', 'grafana_mute_timing'];
    for (const t of types) expect(Object.keys(resources(json, t)).length).toBeGreaterThan(0);
    expect(types.flatMap((t) => allSchemaProblems(json, t))).toEqual([]);
  });

  test('the schema check fails on a planted unknown attribute, a missing required one and a second relative_time_range', () => {
    const g = JSON.parse(JSON.stringify(groups[0]));
    g.rule[0].expr = 'up';
    delete g.rule[0].data[0].ref_id;
    g.rule[0].data[0].relative_time_range = [{ from: 1, to: 0 }, { from: 2, to: 0 }];
    const planted = { resource: { grafana_rule_group: { x: g } } } as SynthJson;
    expect(allSchemaProblems(planted, 'grafana_rule_group')).toEqual([
      'grafana_rule_group.x: grafana_rule_group.rule[0].data[0].relative_time_range has 2 items, the schema allows 1',
      'grafana_rule_group.x: grafana_rule_group.rule[0].data[0].ref_id is required and missing',
      'grafana_rule_group.x: grafana_rule_group.rule[0].expr is neither an attribute nor a block of the schema',
    ]);
  });

  test('each rule carries the same PromQL (parsed equal), for, labels and annotations, with explicit states', () => {
    const byName = new Map(pack.flatMap((g) => g.rules.filter(isAlertingRule)).map((r) => [r.alert, r] as [string, AlertingRule]));
    let checked = 0;
    for (const g of groups) {
      for (const r of g.rule) {
        const source = byName.get(r.name)!;
        const [query, math, threshold] = r.data;
        const model = JSON.parse(unescapeTemplate(query.model));
        expect(promqlTree(model.expr)).toBe(promqlTree(source.expr));
        expect(model).toMatchObject({ instant: true, range: false, refId: 'A', datasource: { type: 'prometheus' } });
        expect(query).toMatchObject({ ref_id: 'A', relative_time_range: { from: 600, to: 0 } });
        expect(query.datasource_uid).toMatch(/^\$\{grafana_data_source\.DataSources_Prometheus_[0-9A-F]+\.uid\}$/);
        expect(math).toMatchObject({ ref_id: 'B', datasource_uid: '__expr__', query_type: 'math' });
        expect(JSON.parse(unescapeTemplate(math.model))).toMatchObject({ type: 'math', expression: 'is_number($A) || is_nan($A) || is_inf($A)' });
        expect(threshold).toMatchObject({ ref_id: 'C', datasource_uid: '__expr__', query_type: 'threshold' });
        expect(JSON.parse(unescapeTemplate(threshold.model))).toMatchObject({ type: 'threshold', expression: 'B', conditions: [{ evaluator: { type: 'gt', params: [0] } }] });
        expect(r).toMatchObject({ condition: 'C', no_data_state: 'OK', exec_err_state: 'Error', for: source.for ?? '0s' });
        expect(r.labels).toEqual(source.labels);
        for (const [k, v] of Object.entries(source.annotations ?? {})) {
          expect(unescapeTemplate(r.annotations![k])).toBe(v.replace(/\$value(?![A-Za-z0-9_])/g, '$values.A.Value'));
        }
        checked++;
      }
    }
    expect(checked).toBe(byName.size);
    expect(checked).toBe(9);
  });

  test('$value becomes the query node\'s value ($values.A.Value) inside template actions only', () => {
    const high = groups.flatMap((g) => g.rule).find((r) => r.name === 'HighErrorRate')!;
    expect(unescapeTemplate(high.annotations!.description)).toContain('$values.A.Value');
    expect(unescapeTemplate(high.annotations!.description)).not.toMatch(/\$value(?![A-Za-z0-9_])/);
  });

  test('interval from the group, else the server\'s 15s rounded up to Grafana\'s 10s tick; default folder "Alert rules"; the Grafana provider', () => {
    expect(Object.fromEntries(groups.map((g) => [g.name, g.interval_seconds]))).toEqual(Object.fromEntries(pack.map((g) => [g.name, g.interval ? parseInt(String(g.interval), 10) * (String(g.interval).endsWith('m') ? 60 : 1) : 20])));
    expect(Object.values(resources(json, 'grafana_folder'))).toEqual([expect.objectContaining({ title: 'Alert rules', uid: 'alert-rules', provider: 'grafana' })]);
    for (const g of groups) expect(g).toMatchObject({ folder_uid: expect.stringMatching(/^\$\{grafana_folder\.GrafanaAlertRulesFolder\.uid\}$/), provider: 'grafana' });
  });
});

describe('GrafanaAlertRules: checks', () => {
  const critical: AlertingRule = {
    alert: 'PaymentsDown',
    expr: 'up{job="payments"} == 0',
    for: '2m',
    labels: { severity: 'critical' },
    annotations: { summary: 'down', description: 'payments is down', runbook_url: `${RUNBOOKS}/payments-down` },
  };

  test('the anti-fatigue policy applies to Grafana-managed rules as to rule files', () => {
    const { prometheus } = alertingStack();
    const bad: RuleGroup = { name: 'bad', engine: 'grafana', rules: [{ ...critical, annotations: { summary: 's', description: 'd' } }] };
    expect(() => prometheus.addRuleGroup(bad)).toThrow(/rule group "bad", alert "PaymentsDown": critical alerts need annotations.runbook_url/);
    const { stack } = alertingStack();
    expect(() => new GrafanaAlertRules(stack, 'G', { group: { name: 'bad', rules: [{ ...critical, for: undefined }] } })).toThrow(/a threshold alert needs for:/);
    const warned = alertingStack();
    new GrafanaAlertRules(warned.stack, 'G', { group: bad, alertPolicy: 'warn' });
    expect(warnings(warned.stack).join('\n')).toMatch(/critical alerts need annotations.runbook_url/);
  });

  test('route coverage: a Grafana-managed alert that reaches only the null receiver fails synth', () => {
    const { stack } = alertingStack();
    // A first route sends team="muted" to "null"; the alert's labels leave no other route open.
    // (A rule label alertname="Watchdog" would not do: Grafana sets alertname to the rule's name.)
    const routing = stack.node.findAll().find((c): c is AlertRoute => c instanceof AlertRoute)!;
    routing.addRoute({ receiver: 'null', matchers: [Matcher.eq('team', 'muted')] }, 0);
    new GrafanaAlertRules(stack, 'G', { group: { name: 'quiet', rules: [{ ...critical, alert: 'Heartbeat', labels: { severity: 'warning', team: 'muted' } }] }, alertPolicy: 'off' });
    expect(() => synthJson(stack)).toThrow(/test\/G: Grafana-managed rule group "quiet", alert "Heartbeat" with labels \{grafana_folder="Alert rules", alertname="Heartbeat", severity="warning", team="muted"\} only reaches "null" \(null\): nobody is notified/);
  });

  test('a Grafana-managed alert that only falls through to the default contact point is a warning naming it', () => {
    const { stack } = alertingStack();
    new GrafanaAlertRules(stack, 'G', { group: { name: 'plain', rules: [{ ...critical, labels: { severity: 'page', team: 'payments' } }] }, alertPolicy: 'off' });
    synthJson(stack);
    expect(warnings(stack).join('\n')).toMatch(/test\/G: Grafana-managed rule group "plain", alert "PaymentsDown" with labels \{grafana_folder="Alert rules", alertname="PaymentsDown", severity="page", team="payments"\} matches none of the child routes and only falls through to the default receiver "slack-default"/);
  });

  test('Grafana-managed rules with a routing tree deployed to Alertmanager only fail synth, naming the fix', () => {
    const { stack } = alertingStack('alertmanager');
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [critical] } });
    expect(() => synthJson(stack)).toThrow(/rule group "payments" is evaluated by Grafana, whose alerts go through Grafana's notification policy, but the stack's routing tree \(test\/Routing\) is deployed to Alertmanager only.*Set target: "both"/s);
  });

  test('recording rules, $externalLabels in a template, a limit and an interval off the 10s tick are refused with the fix', () => {
    const { prometheus } = alertingStack();
    expect(() => prometheus.addRuleGroup({ ...COURSE_SLO_RULES, name: 'slo_copy', engine: 'grafana' })).toThrow(
      /rule group "slo_copy" \(engine "grafana"\) has recording rules \("slo:api_latency:ratio5m", "slo:api_latency:error_budget_remaining"\).*Move them to a group with engine "prometheus"/,
    );
    expect(() => prometheus.addRuleGroup({ name: 'k', engine: 'grafana', rules: [{ ...critical, annotations: { ...critical.annotations, summary: 'down in {{ $externalLabels.cluster }}' } }] })).toThrow(/alert "PaymentsDown": annotations\.summary uses \$externalLabels, which Grafana-managed rules do not have/);
    expect(() => prometheus.addRuleGroup({ name: 'l', engine: 'grafana', limit: 5, rules: [critical] })).toThrow(/limit has no Grafana equivalent \(got 5\)/);
    expect(() => prometheus.addRuleGroup({ name: 'i', engine: 'grafana', interval: '15s', rules: [critical] })).toThrow(/interval must be a multiple of 10 seconds for Grafana-managed rules \(got "15s"\)/);
    expect(() => prometheus.addRuleGroup({ name: 'e', engine: 'grafna' as never, rules: [critical] })).toThrow(/engine must be "prometheus" or "grafana" \(got "grafna"\)/);
  });

  test('states are explicit props with checked values', () => {
    const { stack } = alertingStack();
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', interval: '1m', rules: [critical] }, noDataState: 'NoData', execErrState: 'Alerting', folder: new GrafanaFolder(stack, 'Payments', { title: 'Payments' }), dataSourceUid: 'prom-2' });
    const [g] = ruleGroups(synthJson(stack));
    expect(g).toMatchObject({ interval_seconds: 60, folder_uid: expect.stringMatching(/grafana_folder\.Payments_[0-9A-F]+\.uid/) });
    expect(g.rule[0]).toMatchObject({ no_data_state: 'NoData', exec_err_state: 'Alerting' });
    expect(g.rule[0].data[0].datasource_uid).toBe('prom-2');
    expect(() => new GrafanaAlertRules(stack, 'H', { group: { name: 'x', rules: [critical] }, noDataState: 'Ok' as never })).toThrow(/noDataState must be one of OK, NoData, Alerting, KeepLast \(got "Ok"\)/);
  });

  test('without a Prometheus data source in the stack, dataSourceUid is asked for', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana');
    courseAlertRoute(stack, 'Routing', { target: 'grafana' });
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [critical] } });
    expect(() => synthJson(stack)).toThrow(/runs its PromQL against a Prometheus data source, and the stack has no GrafanaDataSources with one\. Set dataSourceUid/);
  });
});

describe('SloBudget alertEngine: grafana', () => {
  const { stack, prometheus } = alertingStack();
  const slo = new SloBudget(stack, 'Latency', {
    service: 'payment-api',
    name: 'latency',
    objective: 99.9,
    sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.3, selector: 'service="payment-api"' }),
    runbookUrl: `${RUNBOOKS}/slo`,
    alertEngine: 'grafana',
  });
  const json = synthJson(stack);

  test('recording rules stay in Prometheus, the burn-rate alerts go to Grafana with the same PromQL', () => {
    const promAlerts = prometheus.ruleGroups.filter((g) => g.name.startsWith('slo_payment')).flatMap((g) => g.rules.filter(isAlertingRule));
    expect(promAlerts).toEqual([]);
    const modelAlerts = slo.ruleGroups.flatMap((g) => g.rules.filter(isAlertingRule));
    const grafana = ruleGroups(json).filter((g) => g.name.startsWith('slo_payment'));
    expect(grafana.map((g) => g.name)).toEqual(slo.ruleGroups.filter((g) => g.rules.some(isAlertingRule)).map((g) => `${g.name}_alerts`));
    const rules = grafana.flatMap((g) => g.rule);
    expect(rules.map((r) => r.name)).toEqual(modelAlerts.map((r) => r.alert));
    rules.forEach((r, i) => expect(promqlTree(JSON.parse(unescapeTemplate(r.data[0].model)).expr)).toBe(promqlTree(modelAlerts[i].expr)));
    expect(allSchemaProblems(json, 'grafana_rule_group')).toEqual([]);
  });

  test('the promtool unit tests still cover the alerts (the model is unchanged)', () => {
    expect(slo.unitTests().content).toContain('SLOFastBurn');
  });
});
