/**
 * A service's RED dashboard JSON is made from a text shared by the RED dashboards of a stack
 * (issue 16): the same text as writing the model, for any uid, title and service.
 */
import fc from 'fast-check';
import { Testing } from 'cdktf';
import { Dashboard, withPreparedJson } from '../../../constructs/dashboard';
import { ExistingGrafana } from '../../../constructs/grafana-server';
import { redDashboard, redDashboardJson, RedDashboardOptions } from '../../../lib/grafana/dashboards';
import { slimDashboard } from '../../../lib/grafana/slim';
import { testStack } from '../../helpers/synth';

const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 16 }),
  fc.stringMatching(/^[a-z0-9._-]{1,16}$/),
  fc.constantFrom('svc — RED', 'a "quoted" ${x} %{y} $', 'x0redtemplateuidx0', 'ünï\\cödé', '\ud83d\ude00 emoji', '\ud800 lone', 'tab\there', 'line\u2028sep'),
);
const options: fc.Arbitrary<RedDashboardOptions> = fc.record(
  {
    uid: fc.oneof(fc.stringMatching(/^[a-zA-Z0-9_-]{1,40}$/), fc.constantFrom('x0redtemplatetitlex0')),
    title: text,
    service: fc.option(text, { nil: undefined }),
    requestsMetric: fc.option(fc.constantFrom('http_requests_total', 'grpc_server_handled_total'), { nil: undefined }),
    statusLabel: fc.option(fc.constantFrom('status', 'code'), { nil: undefined }),
    errorStatusRegex: fc.option(fc.constantFrom('5..', '5.*|429'), { nil: undefined }),
    serviceDashboardUid: fc.option(fc.constantFrom('svc-detail', 'x'), { nil: undefined }),
    datasourceUid: fc.option(fc.constantFrom('prom', 'mimir-1'), { nil: undefined }),
    errorRatioWarning: fc.option(fc.constantFrom(0.01, 0.02), { nil: undefined }),
  },
  { requiredKeys: [] },
);

function direct(o: RedDashboardOptions): string | Error {
  try {
    return JSON.stringify(slimDashboard(redDashboard(o) as unknown as Record<string, unknown>));
  } catch (e) {
    return e as Error;
  }
}

test('property: the shared text with the values put in is the text of the model', () => {
  let viaTemplate = 0;
  fc.assert(
    fc.property(options, options, (a, b) => {
      for (const o of [a, b, { ...a, uid: b.uid, title: b.title, service: b.service }]) {
        const want = direct(o);
        if (want instanceof Error) continue;
        const got = redDashboardJson(o, slimDashboard);
        if (got !== undefined) viaTemplate++;
        expect(got ?? want).toBe(want);
      }
    }),
    { numRuns: 300 },
  );
  expect(viaTemplate).toBeGreaterThan(100);
});

test('a prepared text is taken once, by the Dashboard of that model, during the call only', () => {
  const stack = testStack();
  new ExistingGrafana(stack, 'Grafana', { url: 'https://grafana.example.com' });
  const model = redDashboard({ uid: 'a', title: 'A', service: 'a' }) as unknown as Record<string, unknown>;
  const first = withPreparedJson(model, redDashboardJson({ uid: 'a', title: 'A', service: 'a' }, slimDashboard), () => new Dashboard(stack, 'A', { dashboard: model }));
  // the same model object, changed, in another Dashboard: written anew
  model.uid = 'b';
  model.title = 'B';
  const second = new Dashboard(stack, 'B', { dashboard: model });
  const json = (d: Dashboard) => JSON.parse(Testing.synth(stack)).resource.grafana_dashboard[d.resource.friendlyUniqueId].config_json;
  expect(JSON.parse(json(first)).title).toBe('A');
  expect(JSON.parse(json(second)).title).toBe('B');
});
