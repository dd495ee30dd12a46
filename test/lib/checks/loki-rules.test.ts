import { AnnotationMetadataEntryType } from 'cdktf';
import { IConstruct } from 'constructs';
import { AlertRoute } from '../../../constructs/alert-route';
import { Alertmanager } from '../../../constructs/alertmanager';
import { LokiCluster } from '../../../constructs/loki-cluster';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { isLogqlThresholdExpr } from '../../../lib/core/logql';
import { LokiAlertingRule } from '../../../lib/loki/config';
import { synthJson, testStack } from '../../helpers/synth';

function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

const OOM = 'sum by (container) (count_over_time({job=~".+"} |= "OOM" [5m])) > 0';
const good: LokiAlertingRule = { alert: 'OomInLogs', expr: OOM, for: '1m', labels: { severity: 'warning' }, annotations: { summary: 'OOM', description: 'OOM lines in the logs.' } };

describe('Loki rules: the same anti-fatigue policy as Prometheus rules', () => {
  test('a LogQL threshold alert without for:, severity or annotations is refused, naming the LokiCluster opt-out', () => {
    const loki = new LokiCluster(testStack(), 'Loki');
    expect(() => loki.addRuleGroup({ name: 'logs', rules: [{ alert: 'OomInLogs', expr: OOM }] })).toThrow(
      /rule group "logs", alert "OomInLogs": has no severity label\..*a threshold alert needs for: \(got none\).*set alertPolicy: 'warn' \(warnings\) or 'off' on the LokiCluster/s,
    );
  });

  test('a critical LogQL alert needs a runbook', () => {
    const loki = new LokiCluster(testStack(), 'Loki');
    expect(() => loki.addRuleGroup({ name: 'logs', rules: [{ ...good, labels: { severity: 'critical' } }] })).toThrow(/alert "OomInLogs": critical alerts need annotations\.runbook_url/);
  });

  test('a compliant rule, fireImmediately, and the warn and off modes', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki').addRuleGroup({ name: 'logs', rules: [good, { ...good, alert: 'Now', for: undefined, fireImmediately: true }] });
    const warn = new LokiCluster(stack, 'Warn', { name: 'loki-warn', publishPorts: false, alertPolicy: 'warn' });
    warn.addRuleGroup({ name: 'logs', rules: [{ alert: 'OomInLogs', expr: OOM }] });
    expect(warnings(warn).join('\n')).toMatch(/alert "OomInLogs": has no severity label/);
    expect(() => new LokiCluster(stack, 'Off', { name: 'loki-off', publishPorts: false, alertPolicy: 'off' }).addRuleGroup({ name: 'logs', rules: [{ alert: 'OomInLogs', expr: OOM }] })).not.toThrow();
  });

  test.each([
    [OOM, true],
    ['count_over_time({job="a"}[5m]) >= 10', true],
    ['sum(rate({job="a"}[5m]))', false],
    ['sum(rate({job="a"}[5m])) / sum(rate({job="b"}[5m]))', false],
  ])('isLogqlThresholdExpr(%s) is %s', (expr, expected) => {
    expect(isLogqlThresholdExpr(expr)).toBe(expected);
  });
});

describe('Loki rules: the same AlertRoute coverage as Prometheus rules', () => {
  test('a Loki alert that only reaches a null receiver fails synth', () => {
    const stack = testStack();
    new AlertRoute(stack, 'Routing', { receiver: Receiver.null('quiet') });
    new Alertmanager(stack, 'Alertmanager');
    new LokiCluster(stack, 'Loki').addRuleGroup({ name: 'logs', rules: [good] });
    expect(() => synthJson(stack)).toThrow(/test\/Loki: Loki rule group "logs", alert "OomInLogs" with labels \{alertname="OomInLogs", severity="warning"\} only reaches "quiet" \(null\): nobody is notified/);
  });

  test('a Loki alert that only falls through to the default receiver is a warning; a routed one is not', () => {
    const stack = testStack();
    const r = new AlertRoute(stack, 'Routing', {
      receivers: [Receiver.webhook('pager', { url: 'http://pager:80/' })],
      receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }),
      routes: [{ receiver: 'pager', matchers: [Matcher.eq('severity', 'critical')] }],
    });
    new Alertmanager(stack, 'Alertmanager');
    new LokiCluster(stack, 'Loki').addRuleGroup({ name: 'logs', rules: [good, { ...good, alert: 'Paged', labels: { severity: 'critical' }, annotations: { ...good.annotations, runbook_url: 'https://wiki.example.com/oom' } }] });
    synthJson(stack);
    expect(warnings(r)).toEqual([expect.stringMatching(/test\/Loki: Loki rule group "logs", alert "OomInLogs" .* only falls through to the default receiver "hook"/)]);
  });
});
