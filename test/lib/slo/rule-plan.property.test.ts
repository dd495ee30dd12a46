/**
 * sloRuleGroups builds an SLO's rules from the text shared by SLOs of one objective, window and
 * tier set (made once, issue 16): the same groups, key order included, as writing them out for
 * the SLO alone (sloRuleGroupsDirect), whatever the SLO.
 */
import fc from 'fast-check';
import { sloRuleGroups, sloRuleGroupsDirect, SloSpec } from '../../../lib/slo/model';
import { Sli } from '../../../lib/slo/sli';

const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
const value = fc.stringMatching(/^[a-z0-9 _.:/-]{1,10}$/);
const sli = fc.oneof(
  fc.record({ m: fc.constantFrom('http_requests_total', 'grpc_server_handled_total'), v: value }).map(({ m, v }) => Sli.availability({ metric: m, selector: `service="${v}"` })),
  fc.record({ v: value, t: fc.constantFrom(0.1, 0.25, 0.5, 1, 2.5) }).map(({ v, t }) => Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: t, selector: `job="${v}"` })),
  value.map((v) => Sli.raw({ badRate: `sum(rate(errors_total{job="${v}"}[$window]))`, totalRate: `sum(rate(requests_total{job="${v}"}[$window]))` })),
);
const spec: fc.Arbitrary<SloSpec> = fc.record(
  {
    service: name,
    name,
    objective: fc.constantFrom(90, 95, 99, 99.5, 99.9, 99.95, 99.99, 97.3),
    windowDays: fc.integer({ min: 1, max: 90 }),
    sli,
    runbookUrl: fc.constantFrom('https://wiki.example.com/slo', 'https://runbooks.example.com/a/b'),
    dashboardUrl: fc.option(fc.constant('https://grafana.example.com/d/slo'), { nil: undefined }),
    dayTicket: fc.option(fc.boolean(), { nil: undefined }),
    labels: fc.option(fc.dictionary(fc.constantFrom('team', 'tier', 'env'), value), { nil: undefined }),
  },
  { requiredKeys: ['service', 'name', 'objective', 'windowDays', 'sli', 'runbookUrl'] },
);

test('property: the planned groups are the groups written out for the SLO alone', () => {
  fc.assert(
    fc.property(spec, (s) => {
      const planned = sloRuleGroups(s);
      const direct = sloRuleGroupsDirect(s);
      expect(planned).toEqual(direct);
      expect(JSON.stringify(planned)).toBe(JSON.stringify(direct));
    }),
    { numRuns: 300 },
  );
});

test('two SLOs of one plan share no rule objects, and the later one keeps its own selector', () => {
  const base = { objective: 99.9, windowDays: 30, runbookUrl: 'https://wiki.example.com/slo' };
  const a = sloRuleGroups({ ...base, service: 'a', name: 'x', sli: Sli.availability({ selector: 'service="a"' }) });
  const b = sloRuleGroups({ ...base, service: 'b', name: 'x', sli: Sli.availability({ selector: 'service="b"' }) });
  expect(JSON.stringify(b)).not.toContain('service=\\"a\\"');
  expect(a[0].rules[0]).not.toBe(b[0].rules[0]);
  expect(JSON.stringify(b)).toBe(JSON.stringify(sloRuleGroupsDirect({ ...base, service: 'b', name: 'x', sli: Sli.availability({ selector: 'service="b"' }) })));
});
