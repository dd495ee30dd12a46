import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { Token } from 'cdktf';
import { checkPromqlTypes, PromqlType } from './promql-types';
import { SelectorFact, selectorFacts } from './promql-selectors';
import { queryShape, QueryShape, remember } from './query-shape';

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
  return promqlFacts(expr).problem;
}

/**
 * What the library reads from one PromQL expression: its verdict, and for a valid one its
 * type and selectors; for any expression the functions it calls and whether it compares
 * with a number. All from one parse of the expression, or of its shape.
 */
export interface PromqlFacts {
  /** Why Prometheus refuses it; undefined when it is valid. */
  readonly problem?: string;
  /** What a valid expression evaluates to. */
  readonly type?: PromqlType;
  /** The vector selectors of a valid expression (none when it has a problem). */
  readonly selectors: readonly SelectorFact[];
  /**
   * The functions it calls and the aggregations named by {@link VERSIONED_AGGREGATIONS}
   * (`limitk`, `limit_ratio`), each once, in the order of the text.
   */
  readonly functions: readonly string[];
  /** Whether it compares something with a number (see {@link isThresholdExpr}). */
  readonly threshold: boolean;
}

/** Aggregations that some Prometheus versions lack or keep experimental (grammar node names). */
const VERSIONED_AGGREGATIONS = ['LimitK', 'LimitRatio'];

/**
 * The facts of one expression: remembered by expression (rules repeat, and one rule is asked
 * several times), else taken from its shape when an expression of the same shape was valid
 * (see lib/core/query-shape.ts; the values are filled back into the selectors), else parsed.
 * A problem is always found (and worded) on the expression itself, never through a shape.
 */
export function promqlFacts(expr: string): PromqlFacts {
  if (typeof expr !== 'string') return { problem: promqlSyntaxProblem(expr), selectors: [], functions: [], threshold: false };
  const cached = ANALYSED.get(expr);
  if (cached) return cached;
  if (Token.isUnresolved(expr)) return { selectors: [], functions: [], threshold: false };
  const shape = queryShape(expr);
  let facts = shape === undefined ? undefined : fromShape(shape);
  if (facts === undefined && shape !== undefined) {
    // A new shape: its own parse (its selectors name the placeholders). Valid, it is known,
    // and the expression's facts are read from it as for every later one of that shape;
    // else the expression is parsed itself (a problem is worded on it, never on a shape).
    const shaped = parsePromqlFacts(shape.key);
    if (shaped.problem === undefined) {
      remember(VALID_SHAPES, shape.key, new ValidShape(shaped));
      facts = fromShape(shape);
    }
  }
  if (facts === undefined) facts = parsePromqlFacts(expr);
  remember(ANALYSED, expr, facts);
  return facts;
}

/** The facts of an expression of a known valid shape, or undefined when its shape is not known. */
export function promqlFactsByShape(expr: string): PromqlFacts | undefined {
  const shape = typeof expr === 'string' && !Token.isUnresolved(expr) ? queryShape(expr) : undefined;
  return shape && fromShape(shape);
}

function fromShape(shape: QueryShape): PromqlFacts | undefined {
  const known = VALID_SHAPES.get(shape.key);
  return known === undefined ? undefined : new ShapedFacts(known, shape.values);
}

/** A valid shape's facts, and its selectors as templates to fill with an expression's values. */
class ValidShape {
  private templates?: ReadonlyArray<{ readonly fact: SelectorFact; readonly text: Template; readonly name?: Template; readonly job?: Template }>;

  constructor(public readonly facts: PromqlFacts) {}

  /** The selectors of the expression whose values are `values`. */
  public selectors(values: readonly string[]): SelectorFact[] {
    this.templates ??= this.facts.selectors.map((fact) => ({
      fact,
      text: template(fact.text),
      ...(fact.name !== undefined ? { name: template(fact.name) } : {}),
      ...(fact.job !== undefined ? { job: template(fact.job) } : {}),
    }));
    // One literal with the keys of a parsed fact, in its order (selectorFacts): the facts of
    // every rule are kept until synth, and a spread copy keeps its keys in a separate
    // property array (44,000 facts at 1,000 services).
    return this.templates.map(({ fact, text, name, job }) => ({
      text: fill(text, values),
      name: name !== undefined ? fill(name, values) : fact.name,
      job: job !== undefined ? fill(job, values) : fact.job,
      oneBucket: fact.oneBucket,
      rangeMs: fact.rangeMs,
      subqueries: fact.subqueries,
    }));
  }
}

/** The facts of an expression of a valid shape: the shape's, its selectors filled in when first asked (dashboard queries never ask). */
class ShapedFacts implements PromqlFacts {
  public readonly problem = undefined;
  public readonly type: PromqlType | undefined;
  public readonly functions: readonly string[];
  public readonly threshold: boolean;
  private filled?: readonly SelectorFact[];

  constructor(private readonly shape: ValidShape, private readonly values: readonly string[]) {
    this.type = shape.facts.type;
    this.functions = shape.facts.functions;
    this.threshold = shape.facts.threshold;
  }

  public get selectors(): readonly SelectorFact[] {
    this.filled ??= this.shape.selectors(this.values);
    return this.filled;
  }
}

/** Text read from a shape: itself when it names no placeholder, else its literal parts with the placeholder numbers between them. */
export type Template = string | ReadonlyArray<string | number>;

/** A shape's text as a template (exported for the memory test). */
export function template(text: string): Template {
  if (!text.includes('#')) return text;
  return text.split(/#(\d+)/).map((part, i) => (i % 2 === 1 ? Number(part) : part));
}

/** A template filled with an expression's values (exported for the memory test). */
export function fill(t: Template, values: readonly string[]): string {
  if (typeof t === 'string') return t;
  // join, not +=: the text is kept (a rule's selector facts live until synth), and join makes
  // one flat string where += makes a chain of its parts, several times the size (lib/core/flat-string.ts).
  return t.map((part) => (typeof part === 'number' ? values[part] : part)).join('');
}

/** The facts of `expr` from a parse of it, with no cache (exported for the tests that compare). */
export function parsePromqlFacts(expr: string): PromqlFacts {
  const tree = parser.parse(expr);
  const functions = functionsOf(tree, expr);
  const threshold = thresholdOf(tree);
  const syntax = lezerProblem(parser, expr, 'PromQL', 'sum(rate(http_requests_total[5m]))', PROMQL_HINT, tree);
  if (syntax && /\bholt_winters\s*\(/.test(expr)) {
    // Prometheus 3.0 renamed it double_exponential_smoothing, behind --enable-feature=promql-experimental-functions.
    return { problem: `uses holt_winters, which Prometheus 3 removed (renamed double_exponential_smoothing, an experimental function the library does not turn on) (got ${JSON.stringify(compact(expr))}). Rewrite it, e.g. with predict_linear(...) or deriv(...).`, selectors: [], functions, threshold };
  }
  if (syntax) return { problem: syntax, selectors: [], functions, threshold };
  const { error, type } = checkPromqlTypes(tree.topNode, expr);
  if (error) {
    const { line, column } = lineColumn(expr, error.from);
    return { problem: `is not valid PromQL: ${error.message} at line ${line}, column ${column} (got ${JSON.stringify(compact(expr))}). Prometheus refuses it when it loads the rules; check the function's arguments and the operand types.`, selectors: [], functions, threshold };
  }
  return { type, selectors: selectorFacts(tree.topNode, expr), functions, threshold };
}

function functionsOf(tree: Tree, expr: string): string[] {
  const used = new Set<string>();
  tree.iterate({
    enter(n) {
      if (n.name === 'FunctionIdentifier' || (n.name === 'AggregateOp' && n.node.firstChild && VERSIONED_AGGREGATIONS.includes(n.node.firstChild.name))) {
        used.add(expr.slice(n.from, n.to));
      }
    },
  });
  return [...used];
}

/** Facts by expression: a rule's expression is asked for its verdict, type, functions and selectors in turn. */
const ANALYSED = new Map<string, PromqlFacts>();

/**
 * The facts of the first valid expression of each shape, read from a parse of the shape
 * itself (its selectors name placeholders, filled in per expression). Only valid shapes are
 * kept: an expression of a known valid shape is valid, with the same type and functions.
 */
const VALID_SHAPES = new Map<string, ValidShape>();

/** Expressions, and shapes, known to parse without a syntax error (Grafana queries, SLI selectors). */
const PARSES = new Set<string>();
const PARSING_SHAPES = new Set<string>();

/**
 * The vector selectors of a valid PromQL expression (metric, job, range, enclosing
 * subqueries); empty when it does not parse or holds a token.
 */
export function promqlSelectors(expr: string): readonly SelectorFact[] {
  return promqlFacts(expr).selectors;
}

/** The functions a PromQL expression calls (and `limitk`/`limit_ratio`), in the order of the text; none for a token. */
export function promqlFunctions(expr: string): readonly string[] {
  return promqlFacts(expr).functions;
}

/**
 * The syntax check alone, for queries whose variables were replaced by stand-ins (Grafana's
 * `topk($k, x)`), where the stand-in's type says nothing about the query's.
 */
export function promqlSyntaxProblem(expr: string): string | undefined {
  if (typeof expr === 'string' && !Token.isUnresolved(expr) && expr.trim() !== '' && promqlParses(expr)) return undefined;
  return lezerProblem(parser, expr, 'PromQL', 'sum(rate(http_requests_total[5m]))', PROMQL_HINT);
}

/**
 * Whether `expr` parses without a syntax error (no error node; tokens are read as text).
 * Remembered by expression and by shape: 1,000 dashboards repeat the same queries, and SLI
 * selectors differ only in their values.
 */
export function promqlParses(expr: string): boolean {
  if (PARSES.has(expr)) return true;
  const known = ANALYSED.get(expr);
  if (known !== undefined && known.problem === undefined) return true;
  const shape = queryShape(expr);
  // The same tokens as its shape (see query-shape.ts): the same syntax verdict.
  if (shape !== undefined && (PARSING_SHAPES.has(shape.key) || VALID_SHAPES.has(shape.key))) return true;
  if (hasErrorNode(parser.parse(expr))) return false;
  remember(PARSES, expr);
  if (shape !== undefined && !hasErrorNode(parser.parse(shape.key))) remember(PARSING_SHAPES, shape.key);
  return true;
}

function hasErrorNode(tree: Tree): boolean {
  let error = false;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) error = true;
      return !error;
    },
  });
  return error;
}

const PROMQL_HINT = 'Check parentheses, brackets, quotes and range durations such as [5m]; test it in the Prometheus UI.';

/**
 * The type a valid PromQL expression evaluates to (`instant vector`, `range vector`,
 * `scalar` or `string`), or undefined when it does not parse or holds a token.
 */
export function promqlType(expr: string): PromqlType | undefined {
  if (typeof expr !== 'string') return undefined;
  return promqlFacts(expr).type;
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
  return promqlFacts(expr).threshold;
}

function thresholdOf(tree: Tree): boolean {
  return hasComparisonWithNumber(tree, 'BinaryExpr', (c) => c.name === 'NumberDurationLiteral');
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
