/**
 * The checks Prometheus's parser makes after the grammar (`checkAST` in promql/parser), over a
 * Lezer tree: function arity and argument types, aggregation parameters, operand types of
 * unary, binary and set operators, `bool` and vector matching, offset/@ placement, ranges
 * and subqueries, empty selectors, and every regex matcher compiled as RE2 (anchored, as
 * Prometheus compiles it). Messages follow Prometheus's wording so they can be searched.
 */
import type { SyntaxNode } from '@lezer/common';
import { RE2JS } from 're2js';

/** A PromQL value type. */
export type PromqlType = 'scalar' | 'instant vector' | 'range vector' | 'string';

/** A type error at a position of the expression. */
export interface PromqlTypeError {
  readonly message: string;
  readonly from: number;
}

const S: PromqlType = 'scalar';
const V: PromqlType = 'instant vector';
const M: PromqlType = 'range vector';
const STR: PromqlType = 'string';

interface Signature {
  readonly args: readonly PromqlType[];
  /** 0: exactly `args`; n > 0: up to n more of the last type... as Prometheus counts; -1: any number. */
  readonly variadic: number;
  readonly returns: PromqlType;
}

const sig = (args: PromqlType[], returns: PromqlType, variadic = 0): Signature => ({ args, variadic, returns });

/** Prometheus's function table (promql/parser/functions.go), including the 3.x additions the grammar knows. */
const FUNCTIONS: Record<string, Signature> = {
  ...Object.fromEntries(
    ['abs', 'absent', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'ln', 'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sqrt', 'tan', 'tanh', 'timestamp'].map((f) => [f, sig([V], V)]),
  ),
  ...Object.fromEntries(
    ['absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'first_over_time', 'idelta', 'increase', 'irate', 'last_over_time', 'mad_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'ts_of_first_over_time', 'ts_of_last_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time'].map((f) => [f, sig([M], V)]),
  ),
  ...Object.fromEntries(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((f) => [f, sig([V], V, 1)])),
  clamp: sig([V, S, S], V),
  clamp_max: sig([V, S], V),
  clamp_min: sig([V, S], V),
  double_exponential_smoothing: sig([M, S, S], V),
  holt_winters: sig([M, S, S], V),
  histogram_fraction: sig([S, S, V], V),
  histogram_quantile: sig([S, V], V),
  info: sig([V, V], V, 1),
  label_join: sig([V, STR, STR, STR], V, -1),
  label_replace: sig([V, STR, STR, STR, STR], V),
  pi: sig([], S),
  predict_linear: sig([M, S], V),
  quantile_over_time: sig([S, M], V),
  round: sig([V, S], V, 1),
  scalar: sig([V], S),
  sort_by_label: sig([V, STR], V, -1),
  sort_by_label_desc: sig([V, STR], V, -1),
  time: sig([], S),
  vector: sig([S], V),
};

const AGGREGATIONS_WITH_PARAM: Record<string, PromqlType> = { topk: S, bottomk: S, quantile: S, limitk: S, limit_ratio: S, count_values: STR };
const COMPARISON = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
const SET_OPS = new Set(['And', 'Or', 'Unless']);
const BINARY_OPS = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'Atan2', 'TrimUpper', 'TrimLower', ...COMPARISON, ...SET_OPS]);
const EXPRESSIONS = new Set([
  'AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr', 'ParenExpr', 'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr',
]);
const SELECTORS = new Set(['VectorSelector', 'MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr']);

class TypeFailure extends Error {
  constructor(
    message: string,
    public readonly from: number,
  ) {
    super(message);
  }
}

/**
 * Type-checks a parsed PromQL expression (its tree has no syntax error). Returns the first
 * error as Prometheus would report it, and the expression's type.
 */
export function checkPromqlTypes(top: SyntaxNode, source: string): { type?: PromqlType; error?: PromqlTypeError } {
  try {
    const first = expressionChildren(top)[0];
    return { type: first ? typeOf(first, source) : undefined };
  } catch (e) {
    if (e instanceof TypeFailure) return { error: { message: e.message, from: e.from } };
    throw e;
  }
}

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (EXPRESSIONS.has(c.name)) out.push(c);
  return out;
}

function child(node: SyntaxNode, name: string): SyntaxNode | null {
  return node.getChild(name);
}

function typeOf(node: SyntaxNode, src: string): PromqlType {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return S;
    case 'StringLiteral':
      return STR;
    case 'ParenExpr':
      return typeOf(expressionChildren(node)[0], src);
    case 'VectorSelector':
      checkSelector(node, src);
      return V;
    case 'MatrixSelector': {
      const inner = expressionChildren(node)[0];
      if (inner.name !== 'VectorSelector') throw new TypeFailure(`ranges only allowed for vector selectors`, inner.from);
      typeOf(inner, src);
      return M;
    }
    case 'SubqueryExpr': {
      const inner = expressionChildren(node)[0];
      const t = typeOf(inner, src);
      if (t !== V) throw new TypeFailure(`subquery is only allowed on instant vector, got ${t}`, inner.from);
      return M;
    }
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr': {
      const inner = expressionChildren(node)[0];
      if (!SELECTORS.has(unparen(inner).name) || unparen(inner) !== inner) {
        const what = node.name === 'OffsetExpr' ? 'offset' : node.name === 'StepInvariantExpr' ? '@' : node.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
        throw new TypeFailure(`${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`, node.from);
      }
      return typeOf(inner, src);
    }
    case 'UnaryExpr': {
      const inner = expressionChildren(node)[0];
      const t = typeOf(inner, src);
      if (t !== S && t !== V) throw new TypeFailure(`unary expression only allowed on expressions of type scalar or instant vector, got "${t}"`, node.from);
      return t;
    }
    case 'BinaryExpr':
      return binaryType(node, src);
    case 'AggregateExpr':
      return aggregateType(node, src);
    case 'FunctionCall':
      return functionType(node, src);
    default:
      throw new TypeFailure(`unexpected ${node.name}`, node.from);
  }
}

function unparen(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'ParenExpr') n = expressionChildren(n)[0];
  return n;
}

function binaryType(node: SyntaxNode, src: string): PromqlType {
  const [lhs, rhs] = expressionChildren(node);
  let op: SyntaxNode | undefined;
  for (let c = node.firstChild; c; c = c.nextSibling) if (BINARY_OPS.has(c.name)) op = c;
  const opText = op ? src.slice(op.from, op.to).trim() : '?';
  const lt = typeOf(lhs, src);
  const rt = typeOf(rhs, src);
  const isBool = !!child(node, 'BoolModifier');
  const matching = child(node, 'MatchingModifierClause');
  const isComparison = !!op && COMPARISON.has(op.name);
  const isSet = !!op && SET_OPS.has(op.name);
  if (isBool && !isComparison) throw new TypeFailure('bool modifier can only be used on comparison operators', op?.from ?? node.from);
  if ((lt !== S && lt !== V) || (rt !== S && rt !== V)) throw new TypeFailure('binary expression must contain only scalar and instant vector types', node.from);
  if (isComparison && !isBool && lt === S && rt === S) throw new TypeFailure('comparisons between scalars must use BOOL modifier', op!.from);
  if (isSet && (lt === S || rt === S)) throw new TypeFailure(`set operator "${opText}" not allowed in binary scalar expression`, node.from);
  if (matching && (lt !== V || rt !== V)) throw new TypeFailure('vector matching only allowed between instant vectors', node.from);
  if (matching && isSet && (child(matching, 'GroupLeft') || child(matching, 'GroupRight'))) throw new TypeFailure(`no grouping allowed for "${opText}" operation`, matching.from);
  return lt === S && rt === S ? S : V;
}

function aggregateType(node: SyntaxNode, src: string): PromqlType {
  const opNode = child(node, 'AggregateOp');
  const name = opNode ? src.slice(opNode.from, opNode.to).trim().toLowerCase() : '';
  const body = child(node, 'FunctionCallBody');
  const args = body ? expressionChildren(body) : [];
  const param = AGGREGATIONS_WITH_PARAM[name];
  const expected = param ? 2 : 1;
  if (args.length !== expected) throw new TypeFailure(`wrong number of arguments for aggregate expression provided, expected ${expected}, got ${args.length}`, node.from);
  if (param) {
    const pt = typeOf(args[0], src);
    if (pt !== param) throw new TypeFailure(`expected type ${param} in aggregation parameter, got ${pt}`, args[0].from);
  }
  const main = args[args.length - 1];
  const mt = typeOf(main, src);
  if (mt !== V) throw new TypeFailure(`expected type instant vector in aggregation expression, got ${mt}`, main.from);
  return V;
}

function functionType(node: SyntaxNode, src: string): PromqlType {
  const id = child(node, 'FunctionIdentifier');
  const name = id ? src.slice(id.from, id.to).trim() : '';
  const body = child(node, 'FunctionCallBody');
  const args = body ? expressionChildren(body) : [];
  const fn = FUNCTIONS[name];
  if (!fn) {
    // A function this table does not know yet: its arguments are still checked.
    args.forEach((a) => typeOf(a, src));
    return V;
  }
  const n = args.length;
  if (fn.variadic === 0) {
    if (n !== fn.args.length) throw new TypeFailure(`expected ${fn.args.length} argument(s) in call to "${name}", got ${n}`, node.from);
  } else {
    const na = n + 1;
    if (na < fn.args.length) throw new TypeFailure(`expected at least ${fn.args.length - 1} argument(s) in call to "${name}", got ${n}`, node.from);
    if (fn.variadic > 0 && na > fn.args.length + fn.variadic) throw new TypeFailure(`expected at most ${fn.args.length + fn.variadic - 1} argument(s) in call to "${name}", got ${n}`, node.from);
  }
  args.forEach((a, i) => {
    const want = fn.args[Math.min(i, fn.args.length - 1)];
    const got = typeOf(a, src);
    if (got !== want) throw new TypeFailure(`expected type ${want} in call to function "${name}", got ${got}`, a.from);
  });
  if (name === 'label_replace' && args[4]) regexProblem(unquote(src.slice(args[4].from, args[4].to), args[4].from), args[4].from);
  return fn.returns;
}

function checkSelector(node: SyntaxNode, src: string): void {
  const hasName = !!child(node, 'Identifier');
  let quotedName = false;
  let nonEmpty = hasName;
  const matchers = child(node, 'LabelMatchers');
  if (matchers) {
    for (let m = matchers.firstChild; m; m = m.nextSibling) {
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') {
        // `{"metric_name"}`: a quoted metric name alone.
        if (m.name === 'QuotedLabelName') quotedName = true;
        continue;
      }
      const labelNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const opNode = m.getChild('MatchOp');
      const valueNode = m.getChildren('StringLiteral').pop();
      if (!labelNode || !opNode || !valueNode) continue;
      const label = labelNode.name === 'QuotedLabelName' ? unquote(src.slice(labelNode.from, labelNode.to), labelNode.from) : src.slice(labelNode.from, labelNode.to);
      const op = src.slice(opNode.from, opNode.to).trim();
      const value = unquote(src.slice(valueNode.from, valueNode.to), valueNode.from);
      let matchesEmpty: boolean;
      if (op === '=~' || op === '!~') {
        const re = regexProblem(value, valueNode.from);
        const emptyMatch = re.matches('');
        matchesEmpty = op === '=~' ? emptyMatch : !emptyMatch;
      } else {
        matchesEmpty = op === '=' ? value === '' : value !== '';
      }
      if (label === '__name__' && hasName) throw new TypeFailure(`metric name must not be set twice: ${JSON.stringify(src.slice(child(node, 'Identifier')!.from, child(node, 'Identifier')!.to))} or ${JSON.stringify(value)}`, m.from);
      if (!matchesEmpty) nonEmpty = true;
    }
  }
  if (!nonEmpty && !quotedName) throw new TypeFailure('vector selector must contain at least one non-empty matcher', node.from);
}

/** Compiles a matcher's regex as Prometheus does (`^(?:re)$`, RE2); throws a TypeFailure. */
function regexProblem(value: string, from: number): RE2JS {
  const compiled = compileAnchored(value);
  if (typeof compiled === 'string') throw new TypeFailure(compiled, from);
  return compiled;
}

/**
 * A label matcher's regex compiled as Prometheus and Loki compile it (`^(?:re)$`, RE2), or
 * Go's error message about the user's pattern. Remembered by pattern: services repeat them.
 */
export function compileAnchored(value: string): RE2JS | string {
  let compiled = COMPILED.get(value);
  if (compiled === undefined) {
    try {
      compiled = RE2JS.compile(`^(?:${value})$`);
    } catch (e) {
      compiled = (e as Error).message.replace(/`\^\(\?:(.*)\)\$`/, '`$1`');
    }
    if (COMPILED.size >= 5_000) COMPILED.clear();
    COMPILED.set(value, compiled);
  }
  return compiled;
}

/** Compiled matchers (or their error), by pattern: services repeat the same regexes. */
const COMPILED = new Map<string, RE2JS | string>();

/**
 * The value of a PromQL string literal: Go's `strconv.Unquote` for "..." and '...' (escapes
 * \a \b \f \n \r \t \v \\ \" \' \xHH \ooo \uHHHH \UHHHHHHHH), raw for `...`.
 */
export function unquote(literal: string, from = 0): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/gs, (_m, e: string, at: number) => {
    if (!/^(x..|u....|U........|[0-7]{3}|[abfnrtv\\])$/s.test(e) && e !== q) {
      throw new TypeFailure(`unknown escape sequence \\${e[0]} in a string: write a backslash as \\\\ (e.g. "\\\\d" for the regex \\d), or use a raw \`...\` string`, from + 1 + at);
    }
    switch (e[0]) {
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      default:
        return /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}
