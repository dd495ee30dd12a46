import type { SyntaxNode } from '@lezer/common';
import { parser } from '@grafana/lezer-logql';
import { Token } from 'cdktf';
import { RE2JS } from 're2js';
import { hasComparisonWithNumber, lezerProblem } from './promql';
import { compileAnchored, unquote } from './promql-types';

/**
 * Parses a LogQL query with Grafana's Lezer grammar; returns the first syntax error as a
 * message. Then the checks Loki makes after its grammar (pkg/logql/syntax at v3.4.0, commit
 * 24084b3dd801d81ceeaf1f187b83b55b30d2257d): a stream selector needs a matcher that does not
 * match the empty string (`validateMatchers`); range aggregations with or without `unwrap`
 * and with grouping (`RangeAggregationExpr.validate`); regexes of stream matchers, line
 * filters and label filters compiled as RE2.
 */
export function logqlProblem(expr: string): string | undefined {
  const syntax = lezerProblem(parser, expr, 'LogQL', 'count_over_time({job="api"} |= "OOM" [5m])', 'Check the stream selector braces, quotes, pipes and range durations such as [5m]; test it in Grafana Explore.');
  if (syntax || typeof expr !== 'string' || Token.isUnresolved(expr)) return syntax;
  const problem = lokiSemanticProblem(parser.parse(expr).topNode, expr);
  if (!problem) return undefined;
  const before = expr.slice(0, problem.from).split('\n');
  return `is not valid LogQL: ${problem.message} at line ${before.length}, column ${before[before.length - 1].length + 1} (got ${JSON.stringify(expr.length > 160 ? `${expr.slice(0, 157)}...` : expr)}). Loki refuses it when it loads the rule or runs the query.`;
}

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
  const regex = (node: SyntaxNode, anchored: boolean): RE2JS | undefined => {
    try {
      const value = unquote(text(node), node.from);
      const compiled = anchored ? compileAnchored(value) : RE2JS.compile(value);
      if (typeof compiled !== 'string') return compiled;
      fail(compiled, node.from);
    } catch (e) {
      fail((e as Error).message, node.from);
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
