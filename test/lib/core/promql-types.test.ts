/**
 * PromQL that parses but that Prometheus refuses (issue 13, class 3): the type checker over
 * the Lezer tree refuses what `promtool check rules` refuses, and accepts what it accepts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { promqlProblem, promqlType } from '../../../lib/core/promql';
import { haveTool, run } from '../../helpers/synth';

/** Prometheus's own words for each refusal (as promtool 2.42 prints them). */
const REFUSED: Array<[string, RegExp]> = [
  ['rate(x)', /expected type range vector in call to function "rate", got instant vector at line 1, column 6/],
  ['histogram_quantile(0.9)', /expected 2 argument\(s\) in call to "histogram_quantile", got 1/],
  ['up{job=~"(("}', /error parsing regexp: missing closing \): `\(\(` at line 1, column 9/],
  ['x{a=~"a{1001}"}', /invalid repeat count/],
  ['1 > 2', /comparisons between scalars must use BOOL modifier/],
  ['sum(x[5m])', /expected type instant vector in aggregation expression, got range vector/],
  ['topk(x, y)', /expected type scalar in aggregation parameter, got instant vector/],
  ['count_values(1, x)', /expected type string in aggregation parameter, got scalar/],
  ['x and 1', /set operator "and" not allowed in binary scalar expression/],
  ['rate(x[5m]) offset 5m', /offset modifier must be preceded by an instant vector selector/],
  ['time() @ 100', /@ modifier must be preceded/],
  ['{a=~".*"}', /vector selector must contain at least one non-empty matcher/],
  ['sum by (a) (x) + on(a) group_left 1', /vector matching only allowed between instant vectors/],
  ['label_replace(x, "a", "b", "c", "(")', /error parsing regexp: missing closing \)/],
  ['round(x, 1, 2)', /expected at most 2 argument\(s\) in call to "round", got 3/],
  ['x + bool y', /bool modifier can only be used on comparison operators/],
  ['x{a=~"\\d"}', /unknown escape sequence \\d/],
  ['x{__name__="y"}', /metric name must not be set twice/],
  ['- "a"', /unary expression only allowed on expressions of type scalar or instant vector, got "string"/],
];

const ACCEPTED = ['x{a=~"a(?i)b"}', 'x{a=~"\\\\p{Greek}+"}', 'x{a=~`\\d+`}', 'rate(x[5m:1m])', 'x > 1 > 2', 'day_of_week()', 'x == bool y', 'label_join(x, "a", ",", "b", "c")', 'max_over_time(rate(x[5m])[10m:1m])', 'x @ 100 offset 5m', 'absent(up{job="a"} == 1)'];

describe('promqlProblem type checks', () => {
  test.each(REFUSED)('refuses %s with Prometheus\'s reason and the position', (expr, message) => {
    expect(promqlProblem(expr)).toMatch(message);
  });
  test.each(ACCEPTED)('accepts %s', (expr) => {
    expect(promqlProblem(expr)).toBeUndefined();
  });
  test('promqlType gives the result type', () => {
    expect(promqlType('x[5m]')).toBe('range vector');
    expect(promqlType('sum(rate(x[5m]))')).toBe('instant vector');
    expect(promqlType('scalar(x) * 2')).toBe('scalar');
    expect(promqlType('"s"')).toBe('string');
    expect(promqlType('rate(x)')).toBeUndefined();
  });
});

/** Functions that both promtool 2.42 and the Lezer grammar know, with their argument types. */
const FNS = ['abs', 'absent', 'ceil', 'exp', 'floor', 'ln', 'sort', 'sqrt', 'timestamp', 'scalar', 'vector', 'time', 'pi', 'rate', 'irate', 'increase', 'delta', 'changes', 'resets', 'avg_over_time', 'max_over_time', 'sum_over_time', 'absent_over_time', 'last_over_time', 'present_over_time', 'quantile_over_time', 'predict_linear', 'histogram_quantile', 'histogram_fraction', 'clamp', 'clamp_max', 'round', 'day_of_week', 'hour', 'label_replace', 'label_join'];
const AGGS = ['sum', 'avg', 'max', 'min', 'count', 'group', 'stddev', 'topk', 'bottomk', 'quantile', 'count_values'];
const BINOPS = ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless', 'atan2'];

const leaf = fc.constantFrom('x', 'up{job="api"}', 'x[5m]', 'y{a=~"5.."}[1h]', '1', '0.5', '"a"', '"(("', '{a=""}', 'x{a=~"(("}', 'x{a=~"a{1001}"}', 'x{a!~"b"}', 'x offset 5m', 'x[5m] offset 1h');
const expr = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom(...FNS), fc.array(tie('e'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(fc.constantFrom(...AGGS), fc.constantFrom('', ' by (a)', ' without (b)'), fc.array(tie('e'), { minLength: 1, maxLength: 2 })).map(([a, g, args]) => `${a}${g}(${args.join(', ')})`),
    fc.tuple(tie('e'), fc.constantFrom(...BINOPS), fc.constantFrom('', ' bool', ' on(a)', ' ignoring(b) group_left', ' bool on(a)'), tie('e')).map(([l, op, m, r]) => `(${l}) ${op}${m} (${r})`),
    tie('e').map((e) => `-(${e})`),
    tie('e').map((e) => `(${e})[10m:1m]`),
  ),
})).e;

const hasPromtool = haveTool('promtool');

describe('the type checker agrees with promtool (property, differential)', () => {
  (hasPromtool ? test : test.skip)('for generated expressions, synth refuses exactly what promtool check rules refuses', () => {
    const exprs = [...REFUSED.map(([e]) => e), ...ACCEPTED.filter((e) => !e.includes('@')), ...fc.sample(expr, { numRuns: 400, seed: 1303 })];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-promql-'));
    try {
      const files = exprs.map((e, i) => {
        const file = path.join(dir, `r${i}.yml`);
        fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'g', rules: [{ record: 'a:b', expr: e }] }] }));
        return file;
      });
      const r = run('promtool', ['check', 'rules', ...files], undefined, 120_000);
      const refusedByPromtool = new Set([...r.stderr.matchAll(/^(\S+\.yml): /gm)].map((m) => m[1]));
      const disagreements = exprs
        .map((e, i) => ({ expr: e, ours: promqlProblem(e), promtool: refusedByPromtool.has(files[i]) }))
        .filter((d) => (d.ours !== undefined) !== d.promtool)
        // Stricter on purpose: promtool loads label_replace with a bad regex, which then fails
        // at every evaluation ("invalid regular expression in label_replace()").
        .filter((d) => !(d.promtool === false && /^label_replace\(/.test(d.expr) && /error parsing regexp/.test(d.ours ?? '')));
      if (process.env.OBS_STATS) console.log(`promql: ${exprs.length} expressions, promtool refused ${refusedByPromtool.size}, synth refused ${exprs.filter((e) => promqlProblem(e)).length}`);
      expect(disagreements).toEqual([]);
      // The corpus holds both verdicts in number (the property says something).
      expect(refusedByPromtool.size).toBeGreaterThan(50);
      expect(exprs.length - refusedByPromtool.size).toBeGreaterThan(50);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('re2Problem accepts exactly RE2 (property, differential with promtool)', () => {
  const PIECES = ['a', 'b', '.', '*', '+', '?', '|', '(', ')', '[', ']', '^', '$', '{2}', '{1001}', '{2,1}', '(?i)', '(?P<n>', '(?<n>', '(?=', '(?!', '(?:', '\\d', '\\p{Greek}', '\\pL', '\\1', '\\e', '\\Q', '\\E', '\\z', '\\A', '\\C', '[[:alpha:]]', '[^a]', '-', '\\', '\\.', '*+', '{', '}', 'é'];
  const regex = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
  (hasPromtool ? test : test.skip)('for generated patterns, re2Problem and Prometheus agree', () => {
    const { re2Problem } = require('../../../lib/core/names') as typeof import('../../../lib/core/names');
    const patterns = [...new Set(['a(?i)b', '\\p{Greek}+', 'a{1001}', '(?=x)', ...fc.sample(regex, { numRuns: 400, seed: 1304 })])];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-re2-'));
    try {
      const files = patterns.map((p, i) => {
        const file = path.join(dir, `r${i}.yml`);
        fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'g', rules: [{ record: 'a:b', expr: `x{a=~\`${p}\`}` }] }] }));
        return file;
      });
      const r = run('promtool', ['check', 'rules', ...files], undefined, 120_000);
      const refused = new Set([...r.stderr.matchAll(/^(\S+\.yml): /gm)].map((m) => m[1]));
      const disagreements = patterns.map((p, i) => ({ p, ours: re2Problem(p), promtool: refused.has(files[i]) })).filter((d) => (d.ours !== undefined) !== d.promtool);
      if (process.env.OBS_STATS) console.log(`re2: ${patterns.length} patterns, promtool refused ${refused.size}`);
      expect(disagreements).toEqual([]);
      expect(refused.size).toBeGreaterThan(50);
      expect(patterns.length - refused.size).toBeGreaterThan(50);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
