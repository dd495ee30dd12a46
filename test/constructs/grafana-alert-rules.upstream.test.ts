import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { AlertRoute } from '../../constructs/alert-route';
import { GrafanaAlertRules } from '../../constructs/grafana-alert-rules';
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { GrafanaServer } from '../../constructs/grafana-server';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Matcher } from '../../lib/alertmanager/matchers';
import { Receiver } from '../../lib/alertmanager/receivers';
import { RouteOptions } from '../../lib/alertmanager/route';
import { secretVariable } from '../../lib/core/secrets';
import { goDurationText } from '../../lib/core/duration';
import { grafanaAlertLabels, grafanaTemplate } from '../../lib/grafana/alert-rules';
import { AlertingRule } from '../../lib/prometheus/rules';
import { courseAlertRoute } from '../../stacks/course-alerting';
import { allSchemaProblems, grafanaRoute } from '../helpers/grafana';
import { SynthJson, resources, synthJson, testStack } from '../helpers/synth';

/**
 * Behaviour checked against the upstream sources recorded in
 * test/fixtures/grafana/upstream-facts.json (Grafana's rule templates and converter, the
 * provider's rule and policy resources, strfmt's duration parser, the dispatcher Grafana embeds).
 */
const FACTS = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/grafana/upstream-facts.json'), 'utf8'));

const RUNBOOK = 'https://wiki.example.com/runbooks/payments-down';
const critical: AlertingRule = {
  alert: 'PaymentsDown',
  expr: 'up{job="payments"} == 0',
  for: '2m',
  labels: { severity: 'critical' },
  annotations: { summary: 'down', description: 'payments is down', runbook_url: RUNBOOK },
};

function grafanaStack(): TerraformStack {
  const stack = testStack();
  new PrometheusServer(stack, 'Prometheus', { evaluationInterval: '15s' });
  courseAlertRoute(stack, 'Routing', { target: 'both' });
  new GrafanaServer(stack, 'Grafana');
  new GrafanaDataSources(stack, 'DataSources');
  return stack;
}

type RuleJson = Record<string, unknown> & { annotations?: Record<string, string> };
function rules(json: SynthJson): RuleJson[] {
  return Object.values(resources(json, 'grafana_rule_group')).flatMap((g) => g.rule as RuleJson[]);
}

/** strfmt.ParseDuration (go-openapi/strfmt v0.26.1), as the provider parses `for`: Go's parser, else one leading <n><unit>. */
function strfmtParseDurationMs(text: string): number | undefined {
  const go = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (go && text !== '') return (Number(go[1] ?? 0) * 3600 + Number(go[2] ?? 0) * 60 + Number(go[3] ?? 0)) * 1000 + Number(go[4] ?? 0);
  const one = /^(\d+)\s*([A-Za-z]+)/.exec(text);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  return one && unit[one[2]] !== undefined ? Number(one[1]) * unit[one[2]] : undefined;
}

describe('Grafana-managed rules: fields the pinned Grafana reads', () => {
  test('the strfmt model of this test agrees with the recorded examples (1d12h → 24h, 1y an error)', () => {
    const ex = FACTS.strfmtParseDuration.examples;
    expect(strfmtParseDurationMs('1d12h')).toBe(24 * 3_600_000);
    expect(ex['1d12h']).toBe('24h0m0s');
    expect(strfmtParseDurationMs('36h')).toBe(36 * 3_600_000);
    expect(strfmtParseDurationMs('2w')).toBe(336 * 3_600_000);
    expect(strfmtParseDurationMs('1y')).toBeUndefined();
    expect(ex['1y']).toBe('error');
  });

  test('every alerting rule resolves at the first evaluation without its series (missing_series_evals_to_resolve = 1, as Prometheus)', () => {
    expect(FACTS.ruleQueryModel.converter.facts.join('\n')).toMatch(/MissingSeriesEvalsToResolve = 1/);
    const stack = grafanaStack();
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [critical, { ...critical, alert: 'PaymentsSlow' }] } });
    const json = synthJson(stack);
    expect(rules(json).map((r) => r.missing_series_evals_to_resolve)).toEqual([1, 1]);
    expect(allSchemaProblems(json, 'grafana_rule_group')).toEqual([]);
  });

  test('for is written in a form the provider parses whole: 1d12h is 36h, not the 24h strfmt would read', () => {
    const stack = grafanaStack();
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [{ ...critical, for: '1d12h' }, { ...critical, alert: 'B', for: '1h30m' }, { ...critical, alert: 'C', for: '2w' }] } });
    const fors = rules(synthJson(stack)).map((r) => r.for as string);
    expect(fors).toEqual(['36h', '1h30m', '336h']);
    expect(fors.map(strfmtParseDurationMs)).toEqual([36 * 3_600_000, 90 * 60_000, 336 * 3_600_000]);
  });

  test('goDurationText: Go units only (h, m, s, ms), 0s for zero', () => {
    expect([0, 1500, 90_000, 86_400_000, 31_536_000_000].map(goDurationText)).toEqual(['0s', '1s500ms', '1m30s', '24h', '8760h']);
  });

  test('keepFiringFor is carried as keep_firing_for (Grafana reads it; its converter carries it too)', () => {
    expect(FACTS.ruleQueryModel.converter.facts.join('\n')).toMatch(/KeepFiringFor is carried/);
    const stack = grafanaStack();
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [{ ...critical, keepFiringFor: '10m' }, { ...critical, alert: 'B', keepFiringFor: '1d' }, { ...critical, alert: 'C' }] } });
    const json = synthJson(stack);
    expect(rules(json).map((r) => r.keep_firing_for)).toEqual(['10m', '24h', undefined]);
    expect(allSchemaProblems(json, 'grafana_rule_group')).toEqual([]);
  });
});

describe('Grafana-managed rules: the labels routing sees', () => {
  test('alertname and grafana_folder are Grafana\'s own: a rule label of that name is ignored (reserved labels take precedence)', () => {
    expect(FACTS.ruleLabels.facts.join('\n')).toMatch(/reserved labels win over the rule's labels/);
    const rule: AlertingRule = { ...critical, labels: { alertname: 'Watchdog', grafana_folder: 'Elsewhere', severity: 'warning' } };
    expect(grafanaAlertLabels(rule, 'Alert rules')).toEqual({ grafana_folder: 'Alert rules', alertname: 'PaymentsDown', severity: 'warning' });
  });

  test('route coverage runs the alert with Grafana\'s labels: a rule labelled alertname=Watchdog is not the Watchdog there', () => {
    const stack = grafanaStack();
    // In the course tree alertname="Watchdog" goes to the null receiver; Grafana's alert is named PaymentsDown.
    new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [{ ...critical, labels: { alertname: 'Watchdog', severity: 'none', team: 'ops' } }] }, alertPolicy: 'off' });
    expect(() => synthJson(stack)).not.toThrow();
    const warned = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
    expect(warned.join('\n')).toMatch(/alert "PaymentsDown" with labels \{grafana_folder="Alert rules", alertname="PaymentsDown", severity="none", team="ops"\} matches none of the child routes/);
  });
});

describe('Grafana-managed rules: templates', () => {
  test('.Value and $.Value are the sample in Prometheus and the evaluation string in Grafana: both become $values.A.Value', () => {
    expect(FACTS.ruleTemplates.facts.join('\n')).toMatch(/\.Value \(so \$value\) is the evaluation string/);
    expect(grafanaTemplate('{{ .Value | humanize }} and {{ $.Value }} and {{ if gt .Value 0.5 }}high{{ end }}')).toBe(
      '{{ .Values.A.Value | humanize }} and {{ $.Values.A.Value }} and {{ if gt .Values.A.Value 0.5 }}high{{ end }}',
    );
  });

  test('what is not the sample stays: $values, .Values, $labels.Value, .Labels.Value, text outside actions', () => {
    const text = '.Value {{ $values.B.Value }} {{ .Values.A.Value }} {{ $labels.Value }} {{ .Labels.Value }} {{ $value }}';
    expect(grafanaTemplate(text)).toBe('.Value {{ $values.B.Value }} {{ .Values.A.Value }} {{ $labels.Value }} {{ .Labels.Value }} {{ $values.A.Value }}');
  });

  test('a rule template using $externalLabels or $externalURL is refused on the grafana engine (undefined in Grafana: the template fails)', () => {
    expect(FACTS.ruleTemplates.facts[0]).toMatch(/\$externalLabels and \$externalURL are undefined/);
    const stack = grafanaStack();
    expect(
      () => new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [{ ...critical, annotations: { ...critical.annotations, description: 'down in {{ $externalLabels.cluster }}' } }] } }),
    ).toThrow(/alert "PaymentsDown": annotations\.description uses \$externalLabels, which Grafana-managed rules do not have.*keep this alert on engine "prometheus"/s);
    expect(() => new GrafanaAlertRules(stack, 'H', { group: { name: 'p2', rules: [{ ...critical, labels: { ...critical.labels, link: '{{ .ExternalURL }}' } }] } })).toThrow(/alert "PaymentsDown": labels\.link uses \.ExternalURL/);
  });
});

describe('Grafana-managed rules: template functions', () => {
  test('a template calling query is refused on the grafana engine: Grafana\'s query function returns nothing', () => {
    expect(FACTS.ruleTemplates.facts.join('\n')).toMatch(/query\(\) returns nothing/);
    const stack = grafanaStack();
    const description = '{{ with query "sum(up)" }}{{ . | first | value }}{{ end }} targets up';
    expect(() => new GrafanaAlertRules(stack, 'G', { group: { name: 'payments', rules: [{ ...critical, annotations: { ...critical.annotations, description } }] } })).toThrow(
      /alert "PaymentsDown": annotations\.description uses the query function, which returns nothing in Grafana-managed rules/,
    );
    // A label or value merely named query is fine.
    new GrafanaAlertRules(stack, 'H', { group: { name: 'p2', rules: [{ ...critical, annotations: { ...critical.annotations, description: '{{ $labels.query }} query {{ $values.A.Value }}' } }] } });
  });
});

describe('Grafana notification policy: provider depth and inheritance', () => {
  /** A chain of `levels` nested routes under the root, each matching one more label. */
  function chain(levels: number, groupByAt?: number): RouteOptions {
    let node: RouteOptions | undefined;
    for (let i = levels; i >= 1; i--) {
      node = { receiver: i === levels ? 'deep' : undefined, matchers: [Matcher.eq(`l${i}`, 'x')], groupBy: i === groupByAt ? ['alertname', 'l1'] : undefined, routes: node ? [node] : undefined };
    }
    return node!;
  }
  function routeStack(levels: number, groupByAt?: number): { stack: TerraformStack; route: AlertRoute } {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana');
    const hook = secretVariable(stack, 'hook').stringValue;
    const route = new AlertRoute(stack, 'Routing', {
      receiver: Receiver.webhook('default', { url: hook }),
      receivers: [Receiver.webhook('deep', { url: hook })],
      groupBy: ['alertname'],
      routes: [chain(levels, groupByAt)],
      target: 'grafana',
      requireRouting: false,
    });
    return { stack, route };
  }

  test('five levels below the root (the provider\'s maximum): the deepest policy carries its inherited group_by, which the provider requires there', () => {
    expect(FACTS.notificationPolicy.providerDepth.facts.join('\n')).toMatch(/supportedPolicyTreeDepth = 5.*group_by is required on a policy at the fifth/s);
    const { stack } = routeStack(5, 2);
    const json = synthJson(stack);
    expect(allSchemaProblems(json, 'grafana_notification_policy')).toEqual([]);
    let p = Object.values(resources(json, 'grafana_notification_policy'))[0] as { policy?: Array<Record<string, unknown>> };
    for (let i = 0; i < 5; i++) p = p.policy![0] as never;
    expect((p as Record<string, unknown>).group_by).toEqual(['alertname', 'l1']);
    const labels = { l1: 'x', l2: 'x', l3: 'x', l4: 'x', l5: 'x' };
    expect(grafanaRoute(json, labels)).toEqual([{ contactPoint: 'deep', alwaysMuted: false }]);
  });

  test('six levels below the root fail synth for Grafana, naming the deepest route and the limit', () => {
    const { stack } = routeStack(6);
    expect(() => synthJson(stack)).toThrow(/route\.routes\[0\]\.routes\[0\]\.routes\[0\]\.routes\[0\]\.routes\[0\]\.routes\[0\] is nested 6 levels below the root, but the grafana provider's grafana_notification_policy takes at most 5/);
  });

  test('the evaluator does not inherit mute timings, as the dispatcher Grafana embeds (recorded)', () => {
    expect(FACTS.notificationPolicy.dispatch.facts[1]).toMatch(/NOT inherited/);
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana');
    const hook = secretVariable(stack, 'hook').stringValue;
    new AlertRoute(stack, 'Routing', {
      receiver: Receiver.webhook('default', { url: hook }),
      receivers: [Receiver.webhook('team', { url: hook })],
      timeIntervals: [{ name: 'always', timeIntervals: [{}] }],
      routes: [{ receiver: 'team', matchers: [Matcher.eq('team', 'a')], muteTimeIntervals: ['always'], routes: [{ matchers: [Matcher.eq('severity', 'warning')] }] }],
      target: 'grafana',
      requireRouting: false,
    });
    const json = synthJson(stack);
    // The parent is muted; its child (same contact point, inherited) is not.
    expect(grafanaRoute(json, { team: 'a' })).toEqual([{ contactPoint: 'team', alwaysMuted: true }]);
    expect(grafanaRoute(json, { team: 'a', severity: 'warning' })).toEqual([{ contactPoint: 'team', alwaysMuted: false }]);
  });
});

describe('Grafana contact points: parity with Alertmanager\'s integrations', () => {
  test('an email receiver with several addresses sends one message to all of them, as Alertmanager does (single_email)', () => {
    expect(FACTS.contactPoints.email.facts.join('\n')).toMatch(/single_email false .* one message per address/);
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana');
    const hook = secretVariable(stack, 'hook').stringValue;
    const route = new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('default', { url: hook }), global: { smtpFrom: 'alerts@example.com', smtpSmarthost: 'smtp.example.com:587' }, target: 'grafana', requireRouting: false });
    route.addReceiver(Receiver.email('team', { to: 'a@example.com, b@example.com' }));
    route.addReceiver(Receiver.email('one', { to: 'c@example.com' }));
    const json = synthJson(stack);
    const email = (name: string) => (Object.values(resources(json, 'grafana_contact_point')).find((c) => c.name === name)!.email as Array<Record<string, unknown>>)[0];
    expect(email('team')).toMatchObject({ addresses: ['a@example.com', 'b@example.com'], single_email: true });
    expect(email('one').single_email).toBeUndefined();
    expect(allSchemaProblems(json, 'grafana_contact_point')).toEqual([]);
  });
});
