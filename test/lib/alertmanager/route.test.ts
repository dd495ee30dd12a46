import { Matcher } from '../../../lib/alertmanager/matchers';
import { RouteNode } from '../../../lib/alertmanager/route';

describe('RouteNode.resolve (Alertmanager semantics)', () => {
  const root = new RouteNode({ receiver: 'default' });
  const team = root.addRoute({ receiver: 'team', matchers: [Matcher.eq('team', 'payments')], continue: true });
  team.addRoute({ receiver: 'team-pager', matchers: [Matcher.eq('severity', 'critical')] });
  root.addRoute({ matchers: [Matcher.re('severity', 'critical|page')] }); // inherits "default"
  root.addRoute({ receiver: 'dev-null', matchers: [Matcher.re('env', 'dev.*')] });

  test('a node whose children do not match handles the alert itself', () => {
    expect(root.resolve({ team: 'payments', severity: 'warning' }).map((n) => n.receiver)).toEqual(['team']);
  });

  test('the deepest match wins; continue lets siblings match too', () => {
    expect(root.resolve({ team: 'payments', severity: 'critical' }).map((n) => n.receiver)).toEqual(['team-pager', 'default']);
  });

  test('without continue, the first matching sibling stops the search', () => {
    expect(root.resolve({ severity: 'page', env: 'dev1' }).map((n) => n.path)).toEqual(['route.routes[1]']);
  });

  test('nothing matches: the root', () => {
    expect(root.resolve({}).map((n) => n.path)).toEqual(['route']);
  });

  test('a missing label matches "" for negative and regex matchers', () => {
    expect(Matcher.ne('env', 'prod').matches({})).toBe(true);
    expect(Matcher.re('env', '.*').matches({})).toBe(true);
    expect(Matcher.notRe('env', 'dev.*').matches({ env: 'dev' })).toBe(false);
    expect(Matcher.re('status', '5..').matches({ status: '5000' })).toBe(false); // anchored
  });

  test('RE2 flags and classes evaluate as Alertmanager does', () => {
    expect(Matcher.re('severity', '(?i)WARNING').matches({ severity: 'warning' })).toBe(true);
    expect(Matcher.re('x', '[[:alpha:]]+').matches({ x: 'abc' })).toBe(true);
    expect(Matcher.re('x', '[[:alpha:]]+').matches({ x: 'ab1' })).toBe(false);
    expect(Matcher.re('x', '\\pL+').matches({ x: 'é' })).toBe(true);
  });

  test('Matcher.parse reads the course syntax', () => {
    expect(String(Matcher.parse('severity =~ "warning|info"'))).toBe('severity=~"warning|info"');
    expect(String(Matcher.parse('alertname != NodeDown'))).toBe('alertname!="NodeDown"');
    expect(() => Matcher.parse('severity critical')).toThrow(/is not of the form label=value/);
  });

  test('addRoute with an index inserts in matching order', () => {
    const r = new RouteNode({ receiver: 'd' });
    r.addRoute({ receiver: 'b', matchers: [Matcher.eq('x', '1')] });
    r.addRoute({ receiver: 'a', matchers: [Matcher.eq('x', '1')], continue: true }, 0);
    expect(r.children.map((c) => c.receiver)).toEqual(['a', 'b']);
    expect(r.resolve({ x: '1' }).map((n) => n.receiver)).toEqual(['a', 'b']);
  });
});
