/**
 * The index of leading team routes (issue 16) answers as the scan of the root's children it
 * replaces, whatever routes are added, where, and in which order.
 */
import fc from 'fast-check';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { RouteNode, RouteOptions } from '../../../lib/alertmanager/route';
import { addLeadingTeamRoute, leadingTeamRoute, scanTeamRoute } from '../../../lib/alertmanager/team-routes';

const receivers = ['a', 'b'];
const teams = ['x', 'y', 'z'];
const options: fc.Arbitrary<RouteOptions> = fc.record(
  {
    receiver: fc.constantFrom(...receivers),
    matchers: fc.constantFrom(
      [] as Matcher[],
      [Matcher.eq('team', 'x')],
      [Matcher.eq('team', 'y')],
      [Matcher.eq('team', 'z')],
      [Matcher.eq('team', 'x'), Matcher.eq('severity', 'critical')],
      [Matcher.re('team', 'y')],
      [Matcher.eq('owner', 'x')],
    ),
    continue: fc.constantFrom(true, false, undefined),
  },
  { requiredKeys: ['matchers'] },
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), options, index: fc.option(fc.nat(6), { nil: undefined }) }),
  fc.record({ kind: fc.constant('leading' as const), receiver: fc.constantFrom(...receivers), team: fc.constantFrom(...teams) }),
  fc.record({ kind: fc.constant('ask' as const) }),
);

test('property: the index answers as the scan after any sequence of additions', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
      const root = new RouteNode({ receiver: 'a', groupBy: ['alertname'] });
      for (const o of ops) {
        if (o.kind === 'add') root.addRoute(o.options, o.index);
        else if (o.kind === 'leading') {
          // as MonitoredService does: reuse, else add first
          if (!leadingTeamRoute(root, o.receiver, o.team)) addLeadingTeamRoute(root, () => root.addRoute({ receiver: o.receiver, matchers: [Matcher.eq('team', o.team)], continue: true }, 0));
        }
        for (const r of [...receivers, 'c']) for (const t of teams) expect(leadingTeamRoute(root, r, t)).toBe(scanTeamRoute(root, r, t));
      }
    }),
    { numRuns: 400 },
  );
});
