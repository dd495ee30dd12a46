import type { SyntaxNode } from '@lezer/common';
import type { parser as LogqlParser } from '@grafana/lezer-logql';
import { Token } from 'cdktf';
import { RE2JS } from 're2js';
import { hasComparisonWithNumber, lezerProblem } from './promql';
import { compileAnchored, unquote } from './promql-types';
import { queryShape, remember } from './query-shape';

/** The LogQL grammar, loaded when the first LogQL query is checked (a stack without one never loads it). */
let grammar: typeof LogqlParser | undefined;
function logql(): typeof LogqlParser {
  return (grammar ??= (require('@grafana/lezer-logql') as typeof import('@grafana/lezer-logql')).parser);
}

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
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return lezerProblem(logql(), expr, 'LogQL', LOGQL_EXAMPLE, LOGQL_HINT);
  return logqlFacts(expr).problem;
}

const LOGQL_EXAMPLE = 'count_over_time({job="api"} |= "OOM" [5m])';
const LOGQL_HINT = 'Check the stream selector braces, quotes, pipes and range durations such as [5m]; test it in Grafana Explore.';

/** What the library reads from one LogQL query, from one parse of it or of its shape. */
export interface LogqlFacts {
  /** Why Loki refuses it; undefined when it is valid. */
  readonly problem?: string;
  /** Whether it compares something with a number (see {@link isLogqlThresholdExpr}). */
  readonly threshold: boolean;
  /** Whether it is a log query (a stream), not a metric query. */
  readonly logQuery: boolean;
}

/**
 * The facts of a LogQL query (a string without tokens): remembered by query, else those of a
 * known valid query of the same shape (lib/core/query-shape.ts: only the values of stream
 * selector equality matchers differ, which matter only by being empty), else parsed once.
 */
export function logqlFacts(expr: string): LogqlFacts {
  const cached = ANALYSED.get(expr);
  if (cached) return cached;
  const shape = queryShape(expr);
  let facts = shape === undefined ? undefined : VALID_SHAPES.get(shape.key);
  if (facts === undefined) {
    facts = parseLogqlFacts(expr);
    if (shape !== undefined && facts.problem === undefined) {
      const shaped = parseLogqlFacts(shape.key);
      if (shaped.problem === undefined) remember(VALID_SHAPES, shape.key, shaped);
    }
  }
  remember(ANALYSED, expr, facts);
  return facts;
}

/** The facts of a query of a known valid shape, or undefined when its shape is not known (for the tests). */
export function logqlFactsByShape(expr: string): LogqlFacts | undefined {
  const shape = queryShape(expr);
  return shape && VALID_SHAPES.get(shape.key);
}

const ANALYSED = new Map<string, LogqlFacts>();
const VALID_SHAPES = new Map<string, LogqlFacts>();

/** The facts of `expr` from a parse of it, with no cache (exported for the tests that compare). */
export function parseLogqlFacts(expr: string): LogqlFacts {
  const tree = logql().parse(expr);
  const threshold = hasComparisonWithNumber(tree, 'BinOpExpr', (c) => c.name === 'Expr' && !!c.getChild('MetricExpr')?.getChild('LiteralExpr'));
  const logQuery = tree.topNode.firstChild?.firstChild?.name === 'LogExpr';
  const syntax = lezerProblem(logql(), expr, 'LogQL', LOGQL_EXAMPLE, LOGQL_HINT, tree);
  if (syntax) {
    const outside = OUTSIDE_GRAMMAR.find((o) => o.pattern.test(expr));
    if (outside) {
      return { problem: `uses ${outside.name}, which Loki 3.7 accepts but the LogQL grammar of this library (@grafana/lezer-logql 0.3) does not know, so it cannot be checked (got ${JSON.stringify(expr.length > 160 ? `${expr.slice(0, 157)}...` : expr)}). ${outside.fix}`, threshold, logQuery };
    }
    return { problem: syntax, threshold, logQuery };
  }
  const problem = lokiSemanticProblem(tree.topNode, expr);
  if (!problem) return { threshold, logQuery };
  const before = expr.slice(0, problem.from).split('\n');
  return { problem: `is not valid LogQL: ${problem.message} at line ${before.length}, column ${before[before.length - 1].length + 1} (got ${JSON.stringify(expr.length > 160 ? `${expr.slice(0, 157)}...` : expr)}). Loki refuses it when it loads the rule or runs the query.`, threshold, logQuery };
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
  return logqlFacts(expr).threshold;
}

/** Whether a LogQL query is a log query (a stream), which cannot be a rule; false for a token. */
export function isLogqlLogQuery(expr: string): boolean {
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return false;
  return logqlFacts(expr).logQuery;
}
