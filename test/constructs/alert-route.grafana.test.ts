import { Alertmanager } from '../../constructs/alertmanager';
import { AlertRoute } from '../../constructs/alert-route';
import { Matcher } from '../../lib/alertmanager/matchers';
import { Receiver } from '../../lib/alertmanager/receivers';
import { secretVariable } from '../../lib/core/secrets';
import { GrafanaServer } from '../../constructs/grafana-server';
import { courseAlertRoute } from '../../stacks/course-alerting';
import { GrafanaDelivery, allSchemaProblems, grafanaRoute } from '../helpers/grafana';
import { SynthJson, amtoolRoutesTest, containerFiles, haveTool, resources, synthJson, testStack } from '../helpers/synth';

const hasAmtool = haveTool('amtool');

/**
 * The course's tree deployed to both engines: label sets derived from its routes' matchers
 * (each matched value, a value no route matches, the label absent) go through Grafana's
 * notification policy as synthesized (test/helpers/grafana.ts) and through Alertmanager's
 * own `amtool config routes test` on the alertmanager.yml of the same synth.
 */
describe('the course routing tree: Grafana notification policy vs Alertmanager', () => {
  const stack = testStack();
  const routing = courseAlertRoute(stack, 'Routing', { target: 'both' });
  new Alertmanager(stack, 'Alertmanager');
  new GrafanaServer(stack, 'Grafana');
  const json = synthJson(stack);
  const files = containerFiles(json, 'alertmanager');

  // Values from the routes' matchers, plus one that matches nothing; undefined = label absent.
  const values: Record<string, Array<string | undefined>> = {
    severity: ['critical', 'warning', 'info', undefined],
    team: ['business', 'payments', undefined],
    alertname: ['Watchdog', 'HighErrorRate'],
  };
  const labelSets: Array<Record<string, string>> = [];
  for (const severity of values.severity) {
    for (const team of values.team) {
      for (const alertname of values.alertname) {
        labelSets.push(Object.fromEntries(Object.entries({ alertname, severity, team }).filter(([, v]) => v !== undefined)) as Record<string, string>);
      }
    }
  }

  /** Alertmanager's receiver names for what Grafana delivers: an always-muted policy is the null receiver. */
  const asReceivers = (d: GrafanaDelivery[]) => d.map((x) => (x.alwaysMuted ? 'null' : x.contactPoint));

  test('24 label sets, the Grafana resources valid against the provider schema', () => {
    expect(labelSets).toHaveLength(24);
    const types = ['grafana_contact_point', 'grafana_notification_policy', 'grafana_mute_timing'];
    expect(types.flatMap((t) => allSchemaProblems(json, t))).toEqual([]);
  });

  test('the Grafana policy reaches the receivers the library computes with Alertmanager semantics', () => {
    for (const labels of labelSets) expect([labels, asReceivers(grafanaRoute(json, labels))]).toEqual([labels, routing.receiversFor(labels)]);
  });

  test('the course cases, spelled out', () => {
    const route = (labels: Record<string, string>) => asReceivers(grafanaRoute(json, labels));
    expect(route({ severity: 'critical' })).toEqual(['pagerduty-critical', 'slack-critical']);
    expect(route({ severity: 'warning', team: 'business' })).toEqual(['slack-warning']);
    expect(route({ team: 'business' })).toEqual(['slack-business']);
    expect(route({ alertname: 'Watchdog' })).toEqual(['null']);
    expect(route({ severity: 'info' })).toEqual(['slack-default']);
    // Watchdog's Grafana policy keeps a real contact point (the parent's) and is always muted.
    expect(grafanaRoute(json, { alertname: 'Watchdog' })).toEqual([{ contactPoint: 'slack-default', alwaysMuted: true }]);
  });

  (hasAmtool ? test : test.skip)('amtool config routes test agrees on every label set', () => {
    const disagreements = labelSets
      .map((labels) => ({ labels, expected: asReceivers(grafanaRoute(json, labels)), result: amtoolRoutesTest(files, labels, asReceivers(grafanaRoute(json, labels))) }))
      .filter((c) => c.result.code !== 0)
      .map((c) => `${JSON.stringify(c.labels)} → Grafana ${c.expected.join(',')}; amtool: ${c.result.stdout}${c.result.stderr}`);
    expect(disagreements).toEqual([]);
  });

  (hasAmtool ? test : test.skip)('the comparison can fail: a policy without the critical route\'s continue disagrees with amtool', () => {
    const planted = JSON.parse(JSON.stringify(json)) as SynthJson;
    const policy = Object.values(planted.resource!.grafana_notification_policy)[0] as { policy: Array<{ continue?: boolean }> };
    delete policy.policy[0].continue;
    const labels = { severity: 'critical' };
    expect(asReceivers(grafanaRoute(planted, labels))).toEqual(['pagerduty-critical']);
    expect(amtoolRoutesTest(files, labels, asReceivers(grafanaRoute(planted, labels))).code).toBe(1);
  });
});

describe('time intervals become mute timings, referenced by the policies that use them', () => {
  const stack = testStack();
  const url = secretVariable(stack, 'slack_webhook_url', 'Slack').stringValue;
  new AlertRoute(stack, 'Routing', {
    target: 'both',
    receiver: Receiver.slack('default', { webhookUrl: url }),
    receivers: [Receiver.slack('tickets', { webhookUrl: url })],
    timeIntervals: [{ name: 'offhours', timeIntervals: [{ weekdays: ['saturday', 'sunday'] }, { times: [{ startTime: '18:00', endTime: '24:00' }], weekdays: ['monday:friday'], location: 'Europe/Zurich' }] }],
    routes: [
      { receiver: 'tickets', matchers: [Matcher.eq('severity', 'warning')], muteTimeIntervals: ['offhours'], continue: true },
      { receiver: 'default', matchers: [Matcher.re('severity', 'warning|critical')], activeTimeIntervals: ['offhours'] },
    ],
  });
  new Alertmanager(stack, 'Alertmanager');
  new GrafanaServer(stack, 'Grafana');
  const json = synthJson(stack);

  test('one grafana_mute_timing per interval, fields carried, valid against the schema', () => {
    expect(Object.values(resources(json, 'grafana_mute_timing'))).toEqual([
      expect.objectContaining({
        name: 'offhours',
        intervals: [{ weekdays: ['saturday', 'sunday'] }, { times: [{ start: '18:00', end: '24:00' }], weekdays: ['monday:friday'], location: 'Europe/Zurich' }],
      }),
    ]);
    expect(['grafana_mute_timing', 'grafana_notification_policy', 'grafana_contact_point'].flatMap((t) => allSchemaProblems(json, t))).toEqual([]);
  });

  test('mute and active timings and continue on the policies; the Grafana provider set on each resource', () => {
    const policy = Object.values(resources(json, 'grafana_notification_policy'))[0] as { provider: string; policy: Array<Record<string, unknown>> };
    expect(policy.provider).toBe('grafana');
    expect(policy.policy[0]).toMatchObject({ continue: true, mute_timings: [expect.stringMatching(/^\$\{grafana_mute_timing\.Routing_Grafana_MuteTiming-offhours_[0-9A-F]+\.name\}$/)] });
    expect(policy.policy[1]).toMatchObject({ active_timings: [expect.stringMatching(/MuteTiming-offhours/)], matcher: [{ label: 'severity', match: '=~', value: 'warning|critical' }] });
    expect(policy.policy[1].continue).toBeUndefined();
    expect(asDeliveries(json, { severity: 'warning' })).toEqual(['tickets', 'default']);
  });
});

function asDeliveries(json: SynthJson, labels: Record<string, string>): string[] {
  return grafanaRoute(json, labels).map((d) => d.contactPoint);
}
