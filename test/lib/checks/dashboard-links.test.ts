import { Testing } from 'cdktf';
import { ObservabilityStack } from '../../../stacks/observability-stack';
import { CourseStack } from '../../../stacks/course-stack';
import { Dashboard } from '../../../constructs/dashboard';
import { ExistingGrafana, GrafanaServer } from '../../../constructs/grafana-server';
import { secretVariable } from '../../../lib/core/secrets';
import { nodeUseDashboard, redDashboard } from '../../../lib/grafana/dashboards';
import { dashboardLinks } from '../../../lib/grafana/links';
import { resources, synthJson, testStack } from '../../helpers/synth';

/** Every `/d/<uid>` a string of `model` opens (uids built from variables left out). */
function linkedUids(model: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/(?:^|[^A-Za-z0-9_])\/d\/([A-Za-z0-9_-]+)(?![A-Za-z0-9_$-])/g)) out.push(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(model);
  return out;
}

describe('dashboard links of the default stacks', () => {
  test.each([
    ['ObservabilityStack', () => new ObservabilityStack(Testing.app(), 'obs')],
    ['CourseStack', () => new CourseStack(Testing.app(), 'obs')],
  ])('every /d/<uid> in the dashboards of %s names a dashboard it creates', (_name, make) => {
    const json = synthJson(make());
    const models = Object.values(resources(json, 'grafana_dashboard')).map((d) => JSON.parse(String(d.config_json)) as { uid: string });
    const created = new Set(models.map((m) => m.uid));
    const linked = models.flatMap((m) => linkedUids(m));
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((uid) => !created.has(uid))).toEqual([]);
  });
});

describe('dashboardLinks', () => {
  test('relative and absolute links into this Grafana; variables and other hosts left alone', () => {
    const model = {
      links: [{ url: '/d/node-use' }, { url: 'https://grafana.example.com/d/abs?x=1' }, { url: 'https://other.example.com/d/other' }],
      panels: [{ fieldConfig: { defaults: { links: [{ url: '/d/${uid}' }, { url: '/d/svc-{{ $labels.service }}' }, { url: '/d/a_b-1/slug?var-x="q"' }] } } }],
      description: 'see /d/not-a-link in text',
    };
    expect(dashboardLinks(model, 'https://grafana.example.com/')).toEqual([
      { uid: 'node-use', url: '/d/node-use' },
      { uid: 'abs', url: 'https://grafana.example.com/d/abs?x=1' },
      { uid: 'a_b-1', url: '/d/a_b-1/slug?var-x="q"' },
    ]);
  });
});

describe('the dashboard link check', () => {
  test('a link to a uid the stack does not create fails synth on a GrafanaServer; creating it fixes it', () => {
    const build = (withTarget: boolean) => {
      const stack = testStack();
      new GrafanaServer(stack, 'Grafana', { adminPassword: secretVariable(stack, 'pw').stringValue });
      new Dashboard(stack, 'Red', { dashboard: redDashboard({ serviceDashboardUid: 'service-detail' }) });
      new Dashboard(stack, 'Use', { dashboard: nodeUseDashboard() });
      if (withTarget) new Dashboard(stack, 'Detail', { dashboard: { uid: 'service-detail', title: 'Detail', panels: [] } });
      return stack;
    };
    expect(() => Testing.synth(build(false), true)).toThrow(/\[test\/Red\] dashboard "Service Overview" links to dashboard uid "service-detail" \(got "\/d\/service-detail\?var-service=\$\{__field\.labels\.service\}&\$\{__url_time_range\}"\), but this stack creates no dashboard with that uid \(it creates: "service-overview", "node-use"\)/);
    expect(() => Testing.synth(build(true), true)).not.toThrow();
  });

  test('on an ExistingGrafana it is a warning (dashboards may exist there already)', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://grafana.example.com' });
    const d = new Dashboard(stack, 'Red', { dashboard: redDashboard() });
    Testing.synth(stack, true);
    expect(d.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data))).toEqual([expect.stringMatching(/links to dashboard uid "node-use" \(got "\/d\/node-use"\)/)]);
  });

  test('the Loki data source\'s service link to a dashboard nobody creates is a warning', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { dashboards: false });
    Testing.synth(stack, true);
    expect(stack.dataSources!.node.metadata.map((m) => String(m.data))).toEqual([expect.stringMatching(/^the Loki data source's "Service" derived field links to dashboard uid "service-overview"/)]);
  });
});
