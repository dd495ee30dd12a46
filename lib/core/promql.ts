import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { Token } from 'cdktf';
import { checkPromqlTypes, PromqlType } from './promql-types';
import { SelectorFact, selectorFacts } from './promql-selectors';

/**
 * Parses a PromQL expression with Prometheus's own Lezer grammar and returns a message
 * describing the first syntax error, or undefined when the expression parses.
 *
 * Lezer parsers never throw: they recover and insert error nodes. The first error node is
 * the position reported. Then the checks Prometheus makes after its grammar (function arity
 * and argument types, operand types, aggregation parameters, modifiers, empty selectors,
 * RE2 regexes): what `promtool check rules` refuses is refused here, with its position.
 */
export function promqlProblem(expr: string): string | undefined {
  return analyse(expr).problem;
}

/** The verdict and type of one expression, parsed once and remembered (rules repeat). */
function analyse(expr: string): Analysis {
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return { problem: promqlSyntaxProblem(expr) };
  const cached = ANALYSED.get(expr);
  if (cached) return cached;
  const shape = shapeOf(expr);
  const sameShape = shape === undefined ? undefined : VALID_SHAPES.get(shape);
  // Same verdict and type as a known valid expression of the same shape; the selectors (whose
  // values differ) are read again by promqlSelectors when the rule cost asks for them.
  if (sameShape !== undefined) return { type: sameShape };
  let result: Analysis;
  const tree = parser.parse(expr);
  const syntax = lezerProblem(parser, expr, 'PromQL', 'sum(rate(http_requests_total[5m]))', PROMQL_HINT, tree);
  if (syntax && /\bholt_winters\s*\(/.test(expr)) {
    // Prometheus 3.0 renamed it double_exponential_smoothing, behind --enable-feature=promql-experimental-functions.
    result = { problem: `uses holt_winters, which Prometheus 3 removed (renamed double_exponential_smoothing, an experimental function the library does not turn on) (got ${JSON.stringify(compact(expr))}). Rewrite it, e.g. with predict_linear(...) or deriv(...).` };
  } else if (syntax) result = { problem: syntax };
  else {
    const { error, type } = checkPromqlTypes(tree.topNode, expr);
    // The selectors, from the same parse (the rule cost estimate reads them).
    if (!error) result = { type, selectors: selectorFacts(tree.topNode, expr) };
    else {
      const { line, column } = lineColumn(expr, error.from);
      result = { problem: `is not valid PromQL: ${error.message} at line ${line}, column ${column} (got ${JSON.stringify(compact(expr))}). Prometheus refuses it when it loads the rules; check the function's arguments and the operand types.` };
    }
  }
  if (ANALYSED.size >= 20_000) ANALYSED.clear();
  ANALYSED.set(expr, result);
  if (shape !== undefined && result.problem === undefined && result.type !== undefined) {
    if (VALID_SHAPES.size >= 20_000) VALID_SHAPES.clear();
    VALID_SHAPES.set(shape, result.type);
  }
  return result;
}

interface Analysis {
  readonly problem?: string;
  readonly type?: PromqlType;
  readonly selectors?: readonly SelectorFact[];
}

const ANALYSED = new Map<string, Analysis>();

/**
 * The vector selectors of a valid PromQL expression (metric, job, range, enclosing
 * subqueries), from the one parse each expression gets; empty when it does not parse or
 * holds a token.
 */
export function promqlSelectors(expr: string): readonly SelectorFact[] {
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return [];
  const cached = ANALYSED.get(expr);
  if (cached) return cached.selectors ?? [];
  // Not remembered (the cache is bounded): a parse without the type checks, not stored.
  return selectorFacts(parser.parse(expr).topNode, expr);
}

/**
 * Valid expressions by shape: the expression with the value of each equality matcher
 * (`label="value"`, `label!="value"`) of plain characters replaced by `"v"`. Such a value
 * only matters to the checks by being empty or not (an empty-matching selector), and regex
 * matchers (`=~`, `!~`), function arguments, escapes, comments and other quotes are kept as
 * written, so an expression of a known valid shape is valid, with the same type: the 1,000
 * services of a large stack differ only in `service="..."`. Only verdicts of valid
 * expressions are shared; a problem is always found (and worded) on the expression itself.
 */
const VALID_SHAPES = new Map<string, PromqlType>();

function shapeOf(expr: string): string | undefined {
  if (/[#'`\\]/.test(expr)) return undefined;
  let changed = false;
  const shape = expr.replace(/([A-Za-z0-9_]\s*(?:=|!=)\s*)"([A-Za-z0-9_.:/ -]+)"/g, (_m, op: string) => {
    changed = true;
    return `${op}"v"`;
  });
  return changed ? shape : undefined;
}


/**
 * The syntax check alone, for queries whose variables were replaced by stand-ins (Grafana's
 * `topk($k, x)`), where the stand-in's type says nothing about the query's.
 */
export function promqlSyntaxProblem(expr: string): string | undefined {
  return lezerProblem(parser, expr, 'PromQL', 'sum(rate(http_requests_total[5m]))', PROMQL_HINT);
}

const PROMQL_HINT = 'Check parentheses, brackets, quotes and range durations such as [5m]; test it in the Prometheus UI.';

/**
 * The type a valid PromQL expression evaluates to (`instant vector`, `range vector`,
 * `scalar` or `string`), or undefined when it does not parse or holds a token.
 */
export function promqlType(expr: string): PromqlType | undefined {
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return undefined;
  return analyse(expr).type;
}

/** The first syntax error a Lezer grammar finds in `expr`, as a message, or undefined. */
export function lezerProblem(grammar: { parse(input: string): Tree }, expr: string, language: string, example: string, hint: string, parsed?: Tree): string | undefined {
  if (typeof expr !== 'string' || expr.trim().length === 0) {
    return `is empty (got ${JSON.stringify(expr)}). Give a ${language} expression such as '${example}'.`;
  }
  if (Token.isUnresolved(expr)) return undefined;
  const tree = parsed ?? grammar.parse(expr);
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (errorAt !== undefined) return false;
      if (node.type.isError) {
        errorAt = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (errorAt === undefined) return undefined;
  const { line, column } = lineColumn(expr, errorAt);
  const near = expr.slice(Math.max(0, errorAt - 15), errorAt + 15).replace(/\s+/g, ' ');
  const pointer = errorAt >= expr.length ? 'at the end of the expression' : `near "${near}"`;
  return `is not valid ${language}: syntax error at line ${line}, column ${column} ${pointer} (got ${JSON.stringify(compact(expr))}). ${hint}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function compact(expr: string): string {
  const oneLine = expr.replace(/\s+/g, ' ').trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

const COMPARISONS = new Set(['Gtr', 'Lss', 'Gte', 'Lte', 'Eql', 'Neq']);

/**
 * Whether the expression compares something with a number (`x > 0.05`, `up == 0`): a
 * threshold alert, which should hold for a while (`for:`) before it fires.
 */
export function isThresholdExpr(expr: string): boolean {
  if (Token.isUnresolved(expr)) return false;
  return hasComparisonWithNumber(parser.parse(expr), 'BinaryExpr', (c) => c.name === 'NumberDurationLiteral');
}

/**
 * Whether a parsed query holds a binary node (`binary`) with a comparison operator and an
 * operand that `isNumber` recognises: the threshold test of PromQL and LogQL alerts.
 */
export function hasComparisonWithNumber(tree: Tree, binary: string, isNumber: (operand: SyntaxNode) => boolean): boolean {
  const cursor = tree.cursor();
  do {
    if (cursor.name === binary) {
      let cmp = false;
      let number = false;
      for (let c = cursor.node.firstChild; c; c = c.nextSibling) {
        if (COMPARISONS.has(c.name)) cmp = true;
        else if (isNumber(c)) number = true;
      }
      if (cmp && number) return true;
    }
  } while (cursor.next());
  return false;
}
