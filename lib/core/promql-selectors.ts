/**
 * What the selectors of a PromQL expression read, taken from its syntax tree once (the rule
 * cost estimate reads it; `promql.ts` computes it with its one parse per expression).
 */
import type { SyntaxNode } from '@lezer/common';
import { resolveDuration } from './duration';
import { unquote } from './promql-types';

/** One vector selector of an expression. */
export interface SelectorFact {
  /** The selector as written (with its range, if any). */
  readonly text: string;
  /** Metric name (`x` or `{__name__="x"}`), when given. */
  readonly name?: string;
  /** `job="..."`, when given. */
  readonly job?: string;
  /** `le="..."` picks one histogram bucket. */
  readonly oneBucket: boolean;
  /** The range `[r]` in ms; undefined for an instant selector. */
  readonly rangeMs?: number;
  /** Enclosing subqueries `[R:step]`, innermost first (step undefined: the evaluation interval). */
  readonly subqueries: ReadonlyArray<{ readonly rangeMs: number; readonly stepMs?: number }>;
}

function ms(node: SyntaxNode | undefined | null, src: string): number | undefined {
  return node ? resolveDuration(src.slice(node.from, node.to)).ms : undefined;
}

/** The selectors under `top` (a parsed expression without error nodes). */
export function selectorFacts(top: SyntaxNode, src: string): SelectorFact[] {
  const out: SelectorFact[] = [];
  const walk = (node: SyntaxNode, subs: SelectorFact['subqueries']): void => {
    if (node.name === 'VectorSelector' || node.name === 'MatrixSelector') {
      const vs = node.name === 'VectorSelector' ? node : node.getChild('VectorSelector');
      if (!vs) return;
      out.push({ text: src.slice(node.from, node.to), ...labels(vs, src), rangeMs: node.name === 'MatrixSelector' ? ms(node.getChild('DurationExpr'), src) ?? 0 : undefined, subqueries: subs });
      return;
    }
    if (node.name === 'SubqueryExpr') {
      const d = node.getChildren('DurationExpr');
      const inner = [{ rangeMs: ms(d[0], src) ?? 0, stepMs: ms(d[1], src) }, ...subs];
      for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'DurationExpr') walk(c, inner);
      return;
    }
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c, subs);
  };
  walk(top, []);
  return out;
}

function labels(vs: SyntaxNode, src: string): { name?: string; job?: string; oneBucket: boolean } {
  const id = vs.getChild('Identifier');
  let name = id ? src.slice(id.from, id.to) : undefined;
  let job: string | undefined;
  let oneBucket = false;
  for (let m = vs.getChild('LabelMatchers')?.firstChild; m; m = m.nextSibling) {
    const label = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!label || !op || !value || src.slice(op.from, op.to) !== '=') continue;
    const l = src.slice(label.from, label.to);
    const v = unquote(src.slice(value.from, value.to));
    if (l === '__name__') name = v;
    else if (l === 'job') job = v;
    else if (l === 'le') oneBucket = true;
  }
  return { name, job, oneBucket };
}
