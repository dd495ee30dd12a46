import { TerraformVariable } from 'cdktf';
import { AlertRoute, AlertRouteProps } from '../../constructs/alert-route';
import { Alertmanager } from '../../constructs/alertmanager';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Matcher } from '../../lib/alertmanager/matchers';
import { Receiver } from '../../lib/alertmanager/receivers';
import { AlertRule } from '../../lib/alerting/alert-rule';
import { synthJson, testStack } from '../helpers/synth';

const hook = Receiver.webhook('hook', { url: 'http://hook:8080/' });
function route(props: Partial<AlertRouteProps> = {}) {
  const stack = testStack();
  const r = new AlertRoute(stack, 'Routing', { receiver: hook, ...props });
  return { stack, r };
}
const synth = (props: Partial<AlertRouteProps>) => () => synthJson(route(props).stack);

describe('AlertRoute and Alertmanager reject bad input with messages', () => {
  test('a literal Slack webhook URL, not echoed', () => {
    const run = () => route().r.addReceiver(Receiver.slack('slack', { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' }));
    expect(run).toThrow(/^\[test\/Routing\] receiver "slack": slack\[0\]\.webhookUrl must not be a literal secret \(got a literal string of 47 characters\)\. Pass a reference instead/);
    expect(run).not.toThrow(/hooks\.slack\.com/);
  });

  test('a literal PagerDuty routing key', () => {
    expect(() => route().r.addReceiver(Receiver.pagerduty('pd', { routingKey: 'abc123' }))).toThrow(/receiver "pd": pagerduty\[0\]\.routingKey must not be a literal secret/);
  });

  test('a literal webhook URL outside the network (it usually carries a credential), not echoed', () => {
    const run = () => route().r.addReceiver(Receiver.webhook('w', { url: 'https://hooks.slack.com/services/T0/B0/XXXX' }));
    expect(run).toThrow(/webhook\[0\]\.url points at hooks\.slack\.com, outside this network: such URLs usually carry a credential, so it must not be a literal \(got a literal URL of 43 characters\)/);
    expect(run).not.toThrow(/XXXX/);
    expect(() => route().r.addReceiver(Receiver.webhook('w', { url: 'http://hook.internal:8080/x?token=abc' }))).toThrow(/must not be a literal/);
    expect(() => route().r.addReceiver(Receiver.webhook('w', { url: 'hooks.example.com/secret' }))).toThrow(/is not an http\(s\) URL \(got a literal string of 24 characters\)/);
    expect(() => route().r.addReceiver(Receiver.webhook('ok', { url: 'http://10.0.0.5:9000/alerts' }))).not.toThrow();
  });

  test('duplicate receiver names', () => {
    expect(() => route().r.addReceiver(Receiver.null('hook'))).toThrow(/receiver "hook" is already defined\. Receiver names must be unique/);
  });

  test('a route to an unknown receiver (found at synth, so receivers can be added later)', () => {
    expect(synth({ routes: [{ receiver: 'pagerduty', matchers: [Matcher.eq('severity', 'critical')] }] })).toThrow(
      /route\.routes\[0\]: receiver "pagerduty" is not defined \(have "hook"\)\. Add it with addReceiver\(\) or fix the name/,
    );
  });

  test('an invalid matcher regex', () => {
    expect(synth({ routes: [{ matchers: [Matcher.re('severity', 'warning|(info')] }] })).toThrow(/route\.routes\[0\]: matcher severity=~ regex is not a valid regular expression/);
  });

  test('an invalid matcher label', () => {
    expect(synth({ routes: [{ matchers: [Matcher.eq('team-name', 'x')] }] })).toThrow(/route\.routes\[0\]: matcher label is not a valid label name \(got "team-name"\)/);
  });

  test('a route shadowed by an identical earlier sibling without continue', () => {
    expect(
      synth({
        receivers: [Receiver.null('a'), Receiver.null('b')],
        routes: [
          { receiver: 'a', matchers: [Matcher.eq('severity', 'critical')] },
          { receiver: 'b', matchers: [Matcher.eq('severity', 'critical')] },
        ],
      }),
    ).toThrow(/route\.routes\[1\] \(receiver "b"\) is unreachable: route\.routes\[0\] has the same matchers \(severity="critical"\) and has no continue: true/);
  });

  test('a route after a catch-all', () => {
    expect(synth({ receivers: [Receiver.null('a')], routes: [{ receiver: 'a' }, { receiver: 'hook', matchers: [Matcher.eq('x', 'y')] }] })).toThrow(/route\.routes\[1\] \(receiver "hook"\) is unreachable: route\.routes\[0\] matches every alert/);
  });

  test('a child contradicting its parent', () => {
    expect(
      synth({ routes: [{ matchers: [Matcher.eq('severity', 'critical')], routes: [{ matchers: [Matcher.eq('severity', 'warning')] }] }] }),
    ).toThrow(/route\.routes\[0\]\.routes\[0\] is unreachable: it requires severity="warning" but its ancestor route\.routes\[0\] requires severity="critical"/);
  });

  test('a bad group_wait', () => {
    expect(synth({ groupWait: '30 seconds' })).toThrow(/route: group_wait is not a valid duration \(got "30 seconds"\)/);
  });

  test('an unknown mute time interval', () => {
    expect(synth({ routes: [{ matchers: [Matcher.eq('a', 'b')], muteTimeIntervals: ['weekends'] }] })).toThrow(/route\.routes\[0\]: time interval "weekends" is not defined/);
  });

  test('a time interval with a bad weekday and time range', () => {
    expect(() => route({ timeIntervals: [{ name: 'off', timeIntervals: [{ weekdays: ['monday:fryday'], times: [{ startTime: '18:00', endTime: '08:00' }] }] }] })).toThrow(
      /2 problems:\n {2}- time interval "off": time_intervals\[0\]\.times has an invalid range .*\n {2}- time interval "off": time_intervals\[0\]\.weekdays has an invalid entry \(got "monday:fryday"\)/,
    );
  });

  test('an inhibit rule without target matchers', () => {
    expect(() => route({ inhibitRules: [{ sourceMatchers: [Matcher.eq('alertname', 'NodeDown')], targetMatchers: [] }] })).toThrow(/inhibit_rules\[0\] has no target matchers; it would mute every alert/);
  });

  test('an email receiver with no from address anywhere', () => {
    expect(() => route().r.addReceiver(Receiver.email('mail', { to: 'oncall@example.com', smarthost: 'smtp:25' }))).toThrow(/email\[0\] has no from address and global\.smtpFrom is not set/);
  });

  test('a bad email address', () => {
    expect(() => route({ global: { smtpFrom: 'a@b.c', smtpSmarthost: 'smtp:25' } }).r.addReceiver(Receiver.email('mail', { to: 'oncall' }))).toThrow(/email\[0\]\.to is not an email address list \(got "oncall"\)/);
  });

  test('a template that defines nothing', () => {
    expect(() => route({ templates: { t: 'Alert: {{ .CommonLabels.alertname }}' } })).toThrow(/template "t" defines nothing: wrap it in \{\{ define "name" \}\}/);
  });

  // Changed by issue 14: falling through to a real default receiver is a warning, not an error.
  test('an alert that only falls through to the default receiver (child routes exist) is a warning naming the alert and its labels', () => {
    const { stack, r } = route({ receivers: [Receiver.null('null'), Receiver.webhook('pager', { url: 'http://pager:80/' })], routes: [{ receiver: 'pager', matchers: [Matcher.eq('severity', 'critical')] }] });
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.addRuleGroup({
      name: 'app',
      rules: [{ alert: 'AppSlow', expr: 'app:latency:p99 > 1', for: '10m', labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } }],
    });
    expect(() => synthJson(stack)).not.toThrow();
    synthJson(stack); // a second synth adds no second warning
    const warnings = r.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/test\/Prometheus: rule group "app", alert "AppSlow" with labels \{alertname="AppSlow", severity="warning"\} matches none of the child routes and only falls through to the default receiver "hook"/)]);
  });

  test('a tree with only a real root receiver accepts every alert, silently', () => {
    const { stack, r } = route();
    new PrometheusServer(stack, 'Prometheus').addRuleGroup({ name: 'app', rules: [{ alert: 'AppSlow', expr: 'x > 1', for: '10m', labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } }] });
    expect(() => synthJson(stack)).not.toThrow();
    expect(r.node.metadata.filter((m) => m.type === '@cdktf/warn')).toEqual([]);
  });

  test('a tree with only a null root receiver reaches nobody: an error that names requireRouting, which turns it off', () => {
    const build = (requireRouting?: boolean) => {
      const stack = testStack();
      new AlertRoute(stack, 'Routing', { receiver: Receiver.null('quiet'), requireRouting });
      new PrometheusServer(stack, 'Prometheus').addRuleGroup({ name: 'app', rules: [{ alert: 'AppSlow', expr: 'x > 1', for: '10m', labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } }] });
      return stack;
    };
    expect(() => synthJson(build())).toThrow(/alert "AppSlow" with labels .* only reaches "quiet" \(null\): nobody is notified\. .*set requireRouting: false on this AlertRoute/);
    expect(() => synthJson(build(false))).not.toThrow();
  });

  test('an alert that only reaches a null receiver fails synth; the Watchdog does not', () => {
    const { stack } = route({ receivers: [Receiver.null('null')], routes: [{ receiver: 'null', matchers: [Matcher.eq('team', 'legacy')] }] });
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.addRuleGroup({ name: 'w', rules: [{ alert: 'Watchdog', expr: 'vector(1)', labels: { severity: 'none' }, annotations: { summary: 's', description: 'd' } }] });
    expect(() => synthJson(stack)).not.toThrow();
    prom.addRuleGroup({ name: 'legacy', rules: [{ alert: 'Old', expr: 'up == 0', for: '5m', labels: { severity: 'warning', team: 'legacy' }, annotations: { summary: 's', description: 'd' } }] });
    expect(() => synthJson(stack)).toThrow(/alert "Old" with labels .* only reaches "null" \(null\): nobody is notified\. .*requireRouting: false/);
  });

  test('an Alertmanager with no AlertRoute in the stack', () => {
    const stack = testStack();
    new Alertmanager(stack, 'Alertmanager');
    expect(() => synthJson(stack)).toThrow(/\n {2}\[test\/Alertmanager\] no AlertRoute in this stack \(with target "alertmanager" or "both"\), so there is nothing to configure\. Create one/);
  });

  test('an Alertmanager given a Grafana-only route', () => {
    const { stack, r } = route({ target: 'grafana' });
    expect(() => new Alertmanager(stack, 'Alertmanager', { route: r })).toThrow(/route test\/Routing targets Grafana only/);
  });

  test('bad replica counts', () => {
    const { stack } = route();
    expect(() => new Alertmanager(stack, 'Alertmanager', { replicas: 0 })).toThrow(/replicas must be an integer from 1 to 9 \(got 0\)/);
  });

  test('an unknown target', () => {
    expect(() => route({ target: 'slack' as never })).toThrow(/target must be "alertmanager", "grafana" or "both" \(got "slack"\)/);
  });

  test('a literal SMTP password in global', () => {
    expect(() => route({ global: { smtpAuthPassword: 'hunter2' } })).toThrow(/global\.smtpAuthPassword must not be a literal secret/);
  });

  test('a token SMTP password is accepted', () => {
    const stack = testStack();
    const pw = new TerraformVariable(stack, 'pw', { type: 'string', sensitive: true });
    expect(() => new AlertRoute(stack, 'Routing', { receiver: hook, global: { smtpAuthPassword: pw.stringValue } })).not.toThrow();
  });
});

describe('the alert policy (course anti-fatigue rules)', () => {
  const prom = () => new PrometheusServer(testStack(), 'Prometheus');
  const ok = { summary: 's', description: 'd' };

  test('severity must be critical or warning', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'info' }, annotations: ok }] })).toThrow(
      /rule group "g", alert "A": severity must be "critical" or "warning" \(got "info"\)\. Two levels are enough/,
    );
  });

  test('no severity at all', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', annotations: ok }] })).toThrow(/alert "A": has no severity label/);
  });

  test('severity none only for the Watchdog', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'none' }, annotations: ok }] })).toThrow(/severity "none" is only for the Watchdog heartbeat/);
  });

  test('a threshold alert without for', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'HighCPU', expr: 'node_cpu_utilization > 0.8', labels: { severity: 'warning' }, annotations: ok }] })).toThrow(
      /alert "HighCPU": a threshold alert needs for: \(got none\), or it fires on a 15-second spike\. Set e\.g\. for: '5m', or fireImmediately: true/,
    );
  });

  test('fireImmediately is the explicit opt-out', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'x > 1', fireImmediately: true, labels: { severity: 'warning' }, annotations: ok }] })).not.toThrow();
  });

  test('a critical alert without runbook', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '2m', labels: { severity: 'critical' }, annotations: ok }] })).toThrow(/alert "A": critical alerts need annotations\.runbook_url \(got none\)[^\n]* This is the anti-fatigue policy, not a Prometheus rule: to keep the rule as it is, set alertPolicy: 'warn' \(warnings\) or 'off' on the PrometheusServer\./);
  });

  test('missing summary and description', () => {
    expect(() => prom().addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '2m', labels: { severity: 'warning' } }] })).toThrow(/annotations\.summary is missing[^]*annotations\.description is missing/);
  });

  test("alertPolicy: 'warn' downgrades violations to warnings", () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus', { alertPolicy: 'warn' });
    p.addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'x > 1', labels: { severity: 'info' } }] });
    const warnings = p.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(/severity must be "critical" or "warning"/),
      expect.stringMatching(/a threshold alert needs for:/),
      expect.stringMatching(/annotations\.summary is missing/),
      expect.stringMatching(/annotations\.description is missing/),
    ]);
  });

  test('AlertRule.trafficFloor builds the ratio-and-rate pattern', () => {
    expect(AlertRule.trafficFloor({ ratio: 'service:http_errors:ratio5m', above: 0.05, rate: 'service:http_requests:rate5m', minRate: 10 })).toBe(
      '(service:http_errors:ratio5m) > 0.05\nand\n(service:http_requests:rate5m) > 10',
    );
    expect(() => AlertRule.trafficFloor({ ratio: 'r', above: 0, rate: 'q', minRate: 1 })).toThrow(/needs above > 0/);
  });

  test('AlertRule.define checks PromQL and policy, naming the way out of the policy', () => {
    expect(() => AlertRule.define({ alert: 'A', expr: 'rate(x[5m]', labels: { severity: 'warning' }, annotations: ok, for: '5m' })).toThrow(/alert "A": expr is not valid PromQL/);
    expect(() => AlertRule.define({ alert: 'A', expr: 'up == 0', labels: { severity: 'critical' }, annotations: ok, for: '5m' })).toThrow(/runbook_url \(got none\).*AlertRule\.define applies the anti-fatigue policy: .*alertPolicy: 'warn' or 'off'/);
  });
});

describe('route coverage uses what Alertmanager will see', () => {
  const annotations = { summary: 's', description: 'd' };
  test('external labels count, and a matcher on a series label may match', () => {
    const stack = testStack();
    new AlertRoute(stack, 'Routing', {
      receiver: hook,
      receivers: [Receiver.webhook('prod', { url: 'http://prod:80/' }), Receiver.webhook('svc', { url: 'http://svc:80/' })],
      routes: [{ receiver: 'prod', matchers: [Matcher.eq('cluster', 'prod'), Matcher.eq('severity', 'critical')] }, { receiver: 'svc', matchers: [Matcher.eq('service', 'api')] }],
    });
    const prom = new PrometheusServer(stack, 'Prometheus', { externalLabels: { cluster: 'prod' } });
    prom.addRuleGroup({ name: 'a', rules: [{ alert: 'Down', expr: 'up == 0', for: '1m', labels: { severity: 'critical' }, annotations: { ...annotations, runbook_url: 'https://r.example.com' } }] });
    prom.addRuleGroup({ name: 'b', rules: [{ alert: 'Slow', expr: 'x > 1', for: '1m', labels: { severity: 'warning' }, annotations }] });
    expect(() => synthJson(stack)).not.toThrow();
  });

  // Changed by issue 14: the inherited default is a real receiver, so this is a warning now.
  test('a child route without its own receiver inherits the default: still the default, a warning', () => {
    const stack = testStack();
    const r = new AlertRoute(stack, 'Routing', { receiver: hook, routes: [{ matchers: [Matcher.eq('severity', 'warning')], groupBy: ['...'] }] });
    new PrometheusServer(stack, 'Prometheus').addRuleGroup({ name: 'g', rules: [{ alert: 'A', expr: 'x > 1', for: '1m', labels: { severity: 'warning' }, annotations }] });
    expect(() => synthJson(stack)).not.toThrow();
    expect(r.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data))).toEqual([expect.stringMatching(/alert "A" with labels \{alertname="A", severity="warning"\} matches none of the child routes and only falls through to the default receiver "hook"/)]);
  });
});
