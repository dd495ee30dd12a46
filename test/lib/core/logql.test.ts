/**
 * LogQL that parses but that Loki refuses (issue 13, class 3): the checks Loki makes after
 * its grammar, from pkg/logql/syntax at v3.7.6 (commit 5003600d7c787b5f047c8d1b0198559471b0caa5;
 * the same checks as at v3.4.0, commit 24084b3d, plus label_replace's regex, refused by both).
 */
import { logqlProblem } from '../../../lib/core/logql';

describe('logqlProblem: what Loki refuses after the grammar', () => {
  test.each<[string, RegExp]>([
    ['{a=""}', /queries require at least one regexp or equality matcher that does not have an empty-compatible value/],
    ['{a=~".*"}', /queries require at least one regexp or equality matcher/],
    ['{a!="x"}', /queries require at least one regexp or equality matcher/],
    ['{a=~"(("}', /error parsing regexp: missing closing \): `\(\(` at line 1, column 5/],
    ['{a="b"} |~ "(("', /error parsing regexp: missing closing \)/],
    ['{a="b"} | json | x=~"a{1001}"', /invalid repeat count/],
    ['sum_over_time({a="b"}[5m])', /invalid aggregation sum_over_time without unwrap/],
    ['count_over_time({a="b"} | unwrap x [5m])', /invalid aggregation count_over_time with unwrap/],
    ['count_over_time({a="b"}[5m]) by (x)', /grouping not allowed for count_over_time aggregation/],
    ['{a=~"\\d+"}', /unknown escape sequence \\d/],
    ['label_replace(rate({a="b"}[5m]), "dst", "$1", "src", "((")', /invalid regex in label_replace: .*missing closing \)/],
    // Valid in Loki 3.7.6, but outside the grammar the check uses: refused, saying so.
    ['approx_topk(3, sum by (a) (rate({a="b"}[5m])))', /uses approx_topk, which Loki 3\.7 accepts but the LogQL grammar of this library \(@grafana\/lezer-logql 0\.3\) does not know.*Use topk/],
    ['variants(count_over_time({a="b"}[1m])) of ({a="b"}[1m])', /uses variants\(\.\.\.\) of \(\.\.\.\), which Loki 3\.7 accepts/],
  ])('refuses %s', (expr, message) => {
    expect(logqlProblem(expr)).toMatch(message);
  });

  test.each([
    '{a="b"}',
    '{a=~".+"}',
    '{a=~".*", b="c"}',
    'sum by (x) (count_over_time({a="b"} |= "error" [5m])) > 1',
    'rate({a="b"} | unwrap x [5m])',
    'absent_over_time({a="b"}[5m])',
    'quantile_over_time(0.9, {a="b"} | json | unwrap latency [5m]) by (route)',
    '{a="b"} |~ `\\d+` | logfmt | level=~"err|warn"',
    'sum(rate({job="api"} |= "OOM" [5m]))',
    'label_replace(rate({a="b"}[5m]), "dst", "$1", "src", "(.*)-x")',
  ])('accepts %s', (expr) => {
    expect(logqlProblem(expr)).toBeUndefined();
  });
});
