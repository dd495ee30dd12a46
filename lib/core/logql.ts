import type { SyntaxNode } from '@lezer/common';
import { parser } from '@grafana/lezer-logql';
import { Token } from 'cdktf';
import { RE2JS } from 're2js';
import { hasComparisonWithNumber, lezerProblem } from './promql';
import { compileAnchored, unquote } from './promql-types';

/**
 * Parses a LogQL query with Grafana's Lezer grammar; returns the first syntax error as a
 * message. Then the checks Loki makes after its grammar (pkg/logql/syntax at v3.7.6, commit
 * 5003600d7c787b5f047c8d1b0198559471b0caa5; unchanged since v3.4.0, commit 24084b3d): a stream
 * selector needs a matcher that does not match the empty string (`validateMatchers` in
 * parser.go); range aggregations with or without `unwrap` and with grouping
 * (`RangeAggregationExpr.validate` in ast.go, same operations); regexes of stream matchers,
 * line filters, label filters and `label_replace` (`mustNewLabelReplaceExpr`: "invalid regex
 * in label_replace") compiled as RE2.
 *
 * The grammar is @grafana/lezer-logql 0.3. Two constructs of Loki 3.7 are outside it and
 * refused, with a message that says so: `approx_topk` (already in Loki 3.4) and the experimental
 * `variants(...) of (...)` (off unless `limits_config.enable_multi_variant_queries`).
 * lezer-logql 0.4 knows `approx_topk` but needs Node.js 24 and exactly @lezer/lr 1.4.10, and
 * also accepts `approx_count_distinct`, which Loki 3.7.6 does not have.
 */
export function logqlProblem(expr: string): string | undefined {
  const syntax = lezerProblem(parser, expr, 'LogQL', 'count_over_time({job="api"} |= "OOM" [5m])', 'Check the stream selector braces, quotes, pipes and range durations such as [5m]; test it in Grafana Explore.');
  if (syntax) {
    const outside = OUTSIDE_GRAMMAR.find((o) => o.pattern.test(expr));
    if (outside) {
      return `uses ${outside.name}, which Loki 3.7 accepts but the LogQL grammar of this library (@grafana/lezer-logql 0.3) does not know, so it cannot be checked (got ${JSON.stringify(expr.length > 160 ? `${expr.slice(0, 157)}...` : expr)}). ${outside.fix}`;
    }
  }
  if (syntax || typeof expr !== 'string' || Token.isUnresolved(expr)) return syntax;
  const problem = lokiSemanticProblem(parser.parse(expr).topNode, expr);
  if (!problem) return undefined;
  const before = expr.slice(0, problem.from).split('\n');
  return `is not valid LogQL: ${problem.message} at line ${before.length}, column ${before[before.length - 1].length + 1} (got ${JSON.stringify(expr.length > 160 ? `${expr.slice(0, 157)}...` : expr)}). Loki refuses it when it loads the rule or runs the query.`;
}

/** Loki 3.7.6 syntax that @grafana/lezer-logql 0.3 does not parse (pkg/logql/syntax/lex.go at v3.7.6). */
const OUTSIDE_GRAMMAR = [
  { name: 'approx_topk', pattern: /\bapprox_topk\s*\(/, fix: 'Use topk(...), which gives the exact result, in a rule.' },
  { name: 'variants(...) of (...)', pattern: /\bvariants\s*\(/, fix: 'Write one query per variant (variants are experimental and off unless limits_config.enable_multi_variant_queries is set).' },
];

/** Range aggregations Loki accepts with `| unwrap` (and, apart from rate and absent_over_time, only with it). */
const WITH_UNWRAP = new Set(['avg_over_time', 'sum_over_time', 'max_over_time', 'min_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time', 'rate', 'rate_counter', 'absent_over_time', 'first_over_time', 'last_over_time']);
/** Range aggregations Loki accepts without `| unwrap`. */
const WITHOUT_UNWRAP = new Set(['bytes_over_time', 'bytes_rate', 'count_over_time', 'rate', 'absent_over_time']);
/** Range aggregations that may take `by`/`without`. */
const GROUPING = new Set(['avg_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time', 'max_over_time', 'min_over_time', 'first_over_time', 'last_over_time']);
const EMPTY_SELECTOR = 'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

function lokiSemanticProblem(top: SyntaxNode, src: string): { message: string; from: number } | undefined {
  let found: { message: string; from: number } | undefined;
  const text = (n: SyntaxNode) => src.slice(n.from, n.to);
  const fail = (message: string, from: number) => {
    found ??= { message, from };
  };
  const regex = (node: SyntaxNode, anchored: boolean, prefix = ''): RE2JS | undefined => {
    try {
      const value = unquote(text(node), node.from);
      const compiled = anchored ? compileAnchored(value) : RE2JS.compile(value);
      if (typeof compiled !== 'string') return compiled;
      fail(prefix + compiled, node.from);
    } catch (e) {
      fail(prefix + (e as Error).message, node.from);
    }
    return undefined;
  };
  top.cursor().iterate((ref) => {
    if (found) return false;
    const n = ref.node;
    if (n.name === 'Selector') {
      let selective = false;
      for (const m of n.getChild('Matchers')?.getChildren('Matcher') ?? []) {
        const op = m.firstChild?.nextSibling;
        const value = m.getChild('String');
        if (!op || !value) continue;
        if (op.name === 'Re' || op.name === 'Nre') {
          const re = regex(value, true);
          if (re && (op.name === 'Re' ? !re.matches('') : re.matches(''))) selective = true;
        } else {
          let v = '';
          try {
            v = unquote(text(value), value.from);
          } catch (e) {
            fail((e as Error).message, value.from);
          }
          if (op.name === 'Eq' ? v !== '' : v === '') selective = true;
        }
      }
      if (!selective) fail(EMPTY_SELECTOR, n.from);
      return false;
    }
    if (n.name === 'LineFilter') {
      const op = n.getChild('Filter')?.firstChild;
      if (op && (op.name === 'PipeMatch' || op.name === 'Nre')) for (const s of n.getChildren('String')) regex(s, false);
    }
    if (n.name === 'LabelFilter') {
      const m = n.getChild('Matcher');
      const op = m?.firstChild?.nextSibling;
      const value = m?.getChild('String');
      if (m && op && value && (op.name === 'Re' || op.name === 'Nre')) regex(value, true);
    }
    if (n.name === 'LabelReplaceExpr') {
      // label_replace(v, "dst", "replacement", "src", "regex"): the regex is the last string.
      const strings = n.getChildren('String');
      const re = strings[3];
      if (re) regex(re, true, 'invalid regex in label_replace: ');
    }
    if (n.name === 'RangeAggregationExpr') {
      const op = n.getChild('RangeOp');
      const name = op ? text(op).trim() : '';
      const range = n.getChild('LogRangeExpr');
      const unwrap = !!range?.getChild('UnwrapExpr');
      if (unwrap && !WITH_UNWRAP.has(name)) fail(`invalid aggregation ${name} with unwrap`, n.from);
      else if (!unwrap && !WITHOUT_UNWRAP.has(name)) fail(`invalid aggregation ${name} without unwrap`, n.from);
      else if (n.getChild('Grouping') && !GROUPING.has(name)) fail(`grouping not allowed for ${name} aggregation`, n.from);
    }
    return undefined;
  });
  return found;
}

/**
 * Whether a LogQL metric query compares something with a number (`count_over_time(...) > 0`):
 * a threshold alert, which should hold for a while (`for:`) before it fires.
 */
export function isLogqlThresholdExpr(expr: string): boolean {
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return false;
  return hasComparisonWithNumber(parser.parse(expr), 'BinOpExpr', (c) => c.name === 'Expr' && !!c.getChild('MetricExpr')?.getChild('LiteralExpr'));
}
