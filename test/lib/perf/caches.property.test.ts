/**
 * The caches that make large stacks cheap (issue 16) change no verdict and no output:
 * rendered YAML by content (documents the direct emitter leaves to the `yaml` package), PromQL
 * verdicts by shape, and the route index by matcher.
 */
import fc from 'fast-check';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { RouteNode } from '../../../lib/alertmanager/route';
import { promqlProblem, promqlType } from '../../../lib/core/promql';
import { toYaml } from '../../../lib/core/yaml';
import { re2Problem } from '../../../lib/core/names';
import { Duration, durationProblem, resolveDuration } from '../../../lib/core/duration';

describe('toYaml remembers texts by content, not by object', () => {
  test.each([
    ['the direct emitter', 'up'],
    ['the yaml package (a U+2028 sends the document there)', 'up\u2028'],
  ])('a model changed after rendering renders anew (%s)', (_path, label) => {
    const doc: { groups: Array<{ name: string; rules: Array<Record<string, unknown>> }> } = { groups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'up', labels: { l: label } }] }] };
    const before = toYaml(doc, 'h');
    expect(toYaml(doc, 'h')).toBe(before);
    doc.groups[0].rules.push({ record: 'c:d', expr: 'sum(up)' });
    const after = toYaml(doc, 'h');
    expect(after).not.toBe(before);
    expect(after).toContain('c:d');
    expect(toYaml(doc)).not.toBe(after); // the header is part of the key
  });

  test('values of different types or order never share a text', () => {
    const docs = [{ a: '1' }, { a: 1 }, { a: true }, { a: 'true' }, { a: null }, { a: [1] }, { a: ['1'] }, { a: { b: 1 } }, { b: 1, a: 1 }, { a: 1, b: 1 }, { a: -0 }, { a: 0 }];
    const texts = docs.map((d) => toYaml(d));
    for (let i = 0; i < docs.length; i++) {
      // The same text as a first rendering of a fresh copy, and the same again.
      expect(toYaml(structuredClone(docs[i]))).toBe(texts[i]);
    }
    expect(new Set(texts.slice(0, 10)).size).toBe(10);
  });

  test('property: rendering twice, or a copy, gives the text of the first rendering', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(value, (doc) => {
        let first: string;
        try {
          first = toYaml(doc);
        } catch {
          expect(() => toYaml(doc)).toThrow(); // a refused document is refused every time
          return;
        }
        expect(toYaml(doc)).toBe(first);
        expect(toYaml(structuredClone(doc))).toBe(first);
      }),
      { numRuns: 300 },
    );
  });
});

describe('PromQL verdicts shared by shape', () => {
  test('a valid shape does not make an empty-matching or a bad regex selector valid', () => {
    expect(promqlProblem('sum(rate(x_total{service="svc-1"}[5m]))')).toBeUndefined();
    expect(promqlType('sum(rate(x_total{service="svc-2"}[5m]))')).toBe('instant vector');
    expect(promqlProblem('sum(rate(x_total{service=""}[5m]))')).toBeUndefined(); // x_total names the metric
    expect(promqlProblem('{service="a"}')).toBeUndefined();
    expect(promqlProblem('{service=""}')).toMatch(/non-empty matcher/);
    expect(promqlProblem('{service!="a"}')).toMatch(/non-empty matcher/);
    expect(promqlProblem('up{service="a", path=~"(x"}')).toMatch(/missing closing/);
    expect(promqlProblem('up{service="b", path=~"x"}')).toBeUndefined();
    expect(promqlProblem('label_replace(up{service="a"}, "d", "$1", "s", "(x")')).toMatch(/missing closing/);
  });

  test('property: the verdict of an expression is its verdict without the shape cache', () => {
    const value = fc.oneof(fc.constantFrom('', 'a', 'svc-1', 'x y', '5..', '(', 'a"b', '\\\\', '.*'), fc.string({ maxLength: 6 }));
    const template = fc.constantFrom(
      (v: string) => `{service="${v}"}`,
      (v: string) => `up{service="${v}"} == 0`,
      (v: string) => `sum by (service) (rate(http_requests_total{service="${v}", status=~"5.."}[5m]))`,
      (v: string) => `{service!="${v}"}`,
      (v: string) => `up{path=~"${v}"}`,
      (v: string) => `label_replace(up{job="${v}"}, "a", "$1", "b", "${v}")`,
    );
    fc.assert(
      fc.property(template, value, value, (t, a, b) => {
        // Warm the cache with one value, then ask about another of the same shape.
        promqlProblem(t(a));
        const cached = promqlProblem(t(b));
        // A variant no cache has seen (a unique comment defeats both caches) gives the verdict uncached.
        const fresh = promqlProblem(`${t(b)} # ${Math.random()}`);
        expect(cached === undefined).toBe(fresh === undefined);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RouteNode.resolve with an index of many children', () => {
  /** The resolution without an index: Alertmanager's semantics, written out. */
  const naive = (node: RouteNode, labels: Record<string, string>, unknown: boolean): RouteNode[] => {
    if (node.parent && !(node.options.matchers ?? []).every((m) => (unknown && !(m.label in labels)) || m.matches(labels))) return [];
    const found: RouteNode[] = [];
    for (const c of node.children) {
      const r = naive(c, labels, unknown);
      found.push(...r);
      if (r.length && !c.options.continue) break;
    }
    return found.length ? found : [node];
  };

  const label = fc.constantFrom('team', 'service', 'severity');
  const value = fc.constantFrom('', 'a', 'b', 'c');
  const matcher = fc.tuple(label, fc.constantFrom('=', '!=', '=~'), value).map(([l, op, v]) => (op === '=' ? Matcher.eq(l, v) : op === '!=' ? Matcher.ne(l, v) : Matcher.re(l, v || '.*')));
  const route = fc.record({ matchers: fc.array(matcher, { maxLength: 3 }), continue: fc.boolean(), receiver: fc.constantFrom('r1', 'r2') });
  const labels = fc.dictionary(label, value, { maxKeys: 3 });

  test('property: the same routes as trying every child, also after children change', () => {
    fc.assert(
      fc.property(fc.array(route, { minLength: 16, maxLength: 60 }), fc.array(labels, { minLength: 1, maxLength: 8 }), fc.boolean(), route, (routes, alerts, unknown, extra) => {
        const root = new RouteNode({ receiver: 'default' });
        for (const r of routes) root.addRoute(r);
        const check = () => {
          for (const l of alerts) expect(root.resolve(l, unknown)).toEqual(naive(root, l, unknown));
        };
        check();
        root.addRoute(extra, 0); // through addRoute
        check();
        root.children.reverse(); // the plain array changed in place
        check();
        const first = root.children[0];
        (first.options as { matchers?: Matcher[] }).matchers = [Matcher.eq('team', 'z')]; // a child's matchers replaced
        check();
      }),
      { numRuns: 150 },
    );
  });

  test('property: a resolver (one index check per batch) gives the routes of resolve; a new one sees a changed tree', () => {
    fc.assert(
      fc.property(fc.array(route, { minLength: 16, maxLength: 60 }), fc.array(labels, { minLength: 1, maxLength: 8 }), fc.boolean(), (routes, alerts, unknown) => {
        const root = new RouteNode({ receiver: 'default' });
        for (const r of routes) root.addRoute(r);
        const resolve = root.resolver(unknown);
        for (const l of alerts) expect(resolve(l)).toEqual(naive(root, l, unknown));
        root.children.reverse();
        (root.children[0].options as { matchers?: Matcher[] }).matchers = [Matcher.eq('team', 'z')];
        const again = root.resolver(unknown);
        for (const l of alerts) expect(again(l)).toEqual(naive(root, l, unknown));
      }),
      { numRuns: 100 },
    );
  });
});

describe('verdicts kept by text (re2Problem, durationProblem, resolveDuration)', () => {
  test('property: asked again, or after the store was emptied, a text gets its first verdict', () => {
    const pattern = fc.oneof(fc.constantFrom('5..', '(', 'a(?=b)', '\\d+', '(?<n>x)', '[a-', 'x{1001}', ''), fc.string({ maxLength: 6 }));
    const duration = fc.oneof(fc.constantFrom('5m', '1h30m', '30m1h', '0s', '5 m', '106752d', '1y', ''), fc.string({ maxLength: 5 }));
    fc.assert(
      fc.property(pattern, duration, (p, d) => {
        const first = [re2Problem(p), durationProblem(d), resolveDuration(d)];
        expect([re2Problem(p), durationProblem(d), resolveDuration(d)]).toEqual(first);
        // Past the bound every kept verdict is forgotten; the verdicts are made anew, the same.
        for (let i = 0; i < 4100; i++) {
          re2Problem(`k${i}`);
          durationProblem(`${i}s`);
        }
        expect([re2Problem(p), durationProblem(d), resolveDuration(d)]).toEqual(first);
      }),
      { numRuns: 20 },
    );
    expect(re2Problem('a(?=b)')).toMatch(/look-around/);
    expect(resolveDuration('1h30m')).toEqual({ text: '1h30m', ms: 5_400_000 });
    expect(() => Duration.parse('30m1h')).toThrow(/largest first/);
  });
});
