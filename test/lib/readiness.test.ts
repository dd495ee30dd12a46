import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { belowLevel, readiness, readinessTable, ReadinessItem } from '../../lib/readiness';
import { ruleCostTable } from '../../lib/prometheus/rule-cost';
import { Sli } from '../../lib/slo/sli';
import { CourseStack } from '../../stacks/course-stack';
import { ObservabilityStack, ObservabilityStackProps } from '../../stacks/observability-stack';

const statuses = (items: readonly ReadinessItem[]) => Object.fromEntries(items.map((i) => [i.id, i.status]));
const reasons = (items: readonly ReadinessItem[], id: string) => items.find((i) => i.id === id)!.reasons;
const stack = (props: ObservabilityStackProps = {}) => new ObservabilityStack(Testing.app(), 'obs', props);
const runbooks = 'https://wiki.example.com/runbooks';

describe('readiness: the course\'s production checklist', () => {
  test('the default app (CourseStack): everything but high availability passes', () => {
    const items = readiness(new CourseStack(Testing.app(), 'obs'));
    expect(statuses(items)).toEqual({
      'red-use': 'pass',
      slos: 'pass',
      alerts: 'pass',
      logs: 'pass',
      traces: 'pass',
      correlation: 'pass',
      dashboards: 'pass',
      retention: 'pass',
      'high-availability': 'fail',
    });
    expect(reasons(items, 'high-availability')).toEqual(['1 Prometheus replica', 'Loki is monolithic', 'Tempo is monolithic', '1 Alertmanager replica']);
    expect(reasons(items, 'retention')).toEqual(['metrics 30d', 'logs 30d', 'traces 14d']);
  });

  test('a bare ObservabilityStack: no service, no SLO, no alert', () => {
    const items = readiness(stack());
    expect(reasons(items, 'slos')).toEqual(['no SLO defined (SloBudget, or slos on a MonitoredService)']);
    expect(reasons(items, 'alerts')).toEqual(['no alerting rule']);
    expect(statuses(items)['red-use']).toBe('warn');
  });

  test('a service without SLO fails the SLO item, naming it; one with an SLO passes', () => {
    const s = stack({ alertPack: { runbookBaseUrl: runbooks } });
    s.addService('Checkout', { service: 'checkout', team: 'shop', external: { address: 'checkout.internal:8080' }, runbookBaseUrl: runbooks });
    s.addService('Cart', { service: 'cart', team: 'shop', external: { address: 'cart.internal:8080' }, runbookBaseUrl: runbooks, slos: [{ name: 'availability', objective: 99.5, sli: Sli.availability({ selector: 'service="cart"' }) }] });
    const items = readiness(s);
    expect(items.find((i) => i.id === 'slos')).toEqual({
      id: 'slos',
      title: 'SLOs for critical services, error budgets monitored',
      status: 'fail',
      reasons: ['service checkout has no SLO', 'service cart: availability 99.5%, burn-rate alerts; no dashboard for availability'],
    });
    expect(statuses(readiness(s, { criticalServices: ['cart'] })).slos).toBe('warn');
  });

  test('a critical alert without runbook (policy off) and one severity only fail the alert item', () => {
    const s = stack({ prometheus: { alertPolicy: 'off' } });
    s.prometheus!.addRuleGroup({ name: 'a', rules: [{ alert: 'Down', expr: 'up == 0', for: '1m', labels: { severity: 'critical' }, annotations: { summary: 's', description: 'd' } }] });
    const r = reasons(readiness(s), 'alerts');
    expect(r).toEqual(['critical alert Down has no runbook_url', 'one severity only (critical)', 'routed by an AlertRoute through Alertmanager']);
  });

  test.each([
    ['loki: false', { loki: false }, 'logs', 'no Loki: logs are not centralised'],
    ['collector: false', { collector: false }, 'traces', 'no OpenTelemetry Collector'],
    ['dataSources: false', { dataSources: false }, 'correlation', 'no Grafana data sources'],
    ['dashboards: false', { dashboards: false }, 'dashboards', 'no dashboard defined in code'],
    ['nodeExporter: false', { nodeExporter: false }, 'red-use', 'no node exporter: no USE metrics for the nodes'],
    ['retention.logs 7d', { retention: { logs: '7d' } }, 'retention', 'logs 7d, shorter than 30d'],
  ] as Array<[string, ObservabilityStackProps, string, string]>)('%s fails %s', (_name, props, id, reason) => {
    const item = readiness(stack(props)).find((i) => i.id === id)!;
    expect([item.status, item.reasons]).toEqual(['fail', expect.arrayContaining([reason])]);
  });

  test('on Kubernetes with object storage, high availability passes', () => {
    const s = stack({ kubernetes: { namespace: 'observability' }, objectStorage: { endpoint: 's3.eu-central-1.amazonaws.com', region: 'eu-central-1', logsBucket: 'logs', tracesBucket: 'traces' } });
    const item = readiness(s).find((i) => i.id === 'high-availability')!;
    expect(item.status).toBe('pass');
    expect(item.reasons).toEqual(['2 Prometheus replicas', 'Loki is simple-scalable (read, write, backend)', 'Tempo is distributed (3 ingesters)', '3 Alertmanager replicas']);
  });

  test('belowLevel and the table', () => {
    const items = readiness(new CourseStack(Testing.app(), 'obs'));
    expect(belowLevel(items, 'warn').map((i) => i.id)).toEqual(['high-availability']);
    expect(belowLevel(items, 'pass').map((i) => i.id)).toEqual(['high-availability']);
    expect(belowLevel(readiness(stack()), 'warn').map((i) => i.id)).toEqual(['slos', 'alerts', 'high-availability']);
    const table = readinessTable(items).split('\n');
    expect(table[0]).toMatch(/^item +status +reason$/);
    expect(table).toContainEqual(expect.stringMatching(/^High availability: Prometheus HA, Loki and Tempo distributed +FAIL +1 Prometheus replica$/));
    expect(table).toContainEqual(expect.stringMatching(/^ +Loki is monolithic$/));
  });
});

describe('docs/guides/production-readiness.md', () => {
  // The guide shows what `npm run synth` prints for the default app: keep it current.
  const guide = fs.readFileSync(path.join(__dirname, '../../docs/guides/production-readiness.md'), 'utf8');
  const course = new CourseStack(Testing.app(), 'observability');
  test('shows the default app\'s readiness table as it is', () => {
    expect(guide).toContain('```text\n' + readinessTable(readiness(course)) + '\n```');
  });
  test('shows the default app\'s ten most expensive rules as they are', () => {
    expect(guide).toContain('```text\n' + ruleCostTable(course, 10) + '\n```');
  });
});
