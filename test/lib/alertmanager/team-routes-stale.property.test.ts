/**
 * Review of issue 16: the index of leading team routes answers as the scan even when the
 * root's children (a public array) are removed, swapped or replaced in place after a look-up,
 * which keeps their number and the first of them.
 */
import fc from 'fast-check';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { RouteNode } from '../../../lib/alertmanager/route';
import { addLeadingTeamRoute, leadingTeamRoute, leadingTeamRouteOrAdd, scanTeamRoute } from '../../../lib/alertmanager/team-routes';

const team = (root: RouteNode, t: string, r = 'a'): RouteNode => root.addRoute({ receiver: r, matchers: [Matcher.eq('team', t)], continue: true });

test('a team route removed from the children (another added in its place) is not found', () => {
  const root = new RouteNode({ receiver: 'a' });
  team(root, 'first');
  const x = team(root, 'x');
  expect(leadingTeamRoute(root, 'a', 'x')).toBe(x);
  root.children.splice(root.children.indexOf(x), 1);
  team(root, 'y');
  expect(leadingTeamRoute(root, 'a', 'x')).toBe(scanTeamRoute(root, 'a', 'x'));
  expect(leadingTeamRoute(root, 'a', 'x')).toBeUndefined();
});

test('a team route moved behind a route that does not continue is not found', () => {
  const root = new RouteNode({ receiver: 'a' });
  team(root, 'first');
  const x = team(root, 'x');
  const stop = root.addRoute({ receiver: 'a', matchers: [Matcher.eq('severity', 'page')] });
  expect(leadingTeamRoute(root, 'a', 'x')).toBe(x);
  [root.children[1], root.children[2]] = [stop, x];
  expect(leadingTeamRoute(root, 'a', 'x')).toBeUndefined();
});

const op = fc.oneof(
  fc.record({ kind: fc.constant('leading' as const), team: fc.constantFrom('x', 'y', 'z') }),
  fc.record({ kind: fc.constant('orAdd' as const), team: fc.constantFrom('x', 'y', 'z') }),
  fc.record({ kind: fc.constant('stop' as const), index: fc.nat(5) }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat(5) }),
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(5), j: fc.nat(5) }),
);

test('property: after removals and swaps in the children, the index answers as the scan', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
      const root = new RouteNode({ receiver: 'a' });
      for (const o of ops) {
        const n = root.children.length;
        if (o.kind === 'leading') {
          if (!leadingTeamRoute(root, 'a', o.team)) addLeadingTeamRoute(root, () => root.addRoute({ receiver: 'a', matchers: [Matcher.eq('team', o.team)], continue: true }, 0));
        } else if (o.kind === 'orAdd') {
          const before = scanTeamRoute(root, 'a', o.team);
          const got = leadingTeamRouteOrAdd(root, 'a', o.team, () => root.addRoute({ receiver: 'a', matchers: [Matcher.eq('team', o.team)], continue: true }, 0));
          if (before) expect(got).toBe(before);
          else expect(root.children[0]).toBe(got);
        } else if (o.kind === 'stop') root.addRoute({ receiver: 'a', matchers: [Matcher.eq('severity', 'page')] }, o.index);
        else if (o.kind === 'remove' && n) root.children.splice(o.index % n, 1);
        else if (o.kind === 'swap' && n) [root.children[o.i % n], root.children[o.j % n]] = [root.children[o.j % n], root.children[o.i % n]];
        for (const t of ['x', 'y', 'z']) expect(leadingTeamRoute(root, 'a', t)).toBe(scanTeamRoute(root, 'a', t));
      }
    }),
    { numRuns: 400 },
  );
});

test('a route before the team route that stops continuing (its options changed after) ends the leading routes', () => {
  const root = new RouteNode({ receiver: 'a' });
  const before = team(root, 'first');
  const x = team(root, 'x');
  expect(leadingTeamRoute(root, 'a', 'x')).toBe(x);
  (before.options as { continue?: boolean }).continue = false;
  expect(leadingTeamRoute(root, 'a', 'x')).toBeUndefined();
});
