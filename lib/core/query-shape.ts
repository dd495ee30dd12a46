/**
 * The shape of a PromQL or LogQL query: the query with the value of each equality matcher of
 * a selector (`label="value"`, `label!="value"` inside `{...}`) replaced by an indexed
 * placeholder (`"#0"`, `"#1"`, ...), and the values taken out, in order.
 *
 * Large stacks repeat a few queries that differ only in such values (`service="svc-1"` ...
 * `service="svc-1000"`), and what the checks read from a query depends on these values only
 * through whether they are empty (an empty-matching selector) and through the selector facts
 * that name them (metric name, `job`, the selector's text), which are filled back in from
 * the values. So a query parses and checks exactly like its shape, and every fact read from
 * the shape's one parse holds for it once its values are substituted back.
 *
 * What keeps that true:
 * - only values of the plain characters `[A-Za-z0-9_.:/ -]` (no quote, backslash, newline or
 *   `#`), never empty, are taken out; a placeholder is plain and never empty either, so each
 *   string token stays one string token of the same kind;
 * - a query holding `#` (a comment, or a character that could be confused with a
 *   placeholder), `'`, a backtick or a backslash gets no shape: every `"` then opens or closes a
 *   double-quoted string, and every `#` of a shape is a placeholder's;
 * - only values after `=` or `!=` preceded by a label name, inside braces (outside strings),
 *   are taken: regex matchers (`=~`, `!~`), function arguments, line filters, quoted label
 *   names and everything else are kept as written, since their text matters to the checks.
 */

/** A query's shape and the values taken out of it (`values[i]` is placeholder `#i`). */
export interface QueryShape {
  readonly key: string;
  readonly values: readonly string[];
}

const NO_SHAPE = /[#'`\\]/;
const PLAIN_VALUE = /^[A-Za-z0-9_.:/ -]+$/;
const LABEL_CHAR = /[A-Za-z0-9_]/;

/** The shape of `query`, or undefined when it has none (no value to take out, or a character that forbids it). */
export function queryShape(query: string): QueryShape | undefined {
  if (NO_SHAPE.test(query)) return undefined;
  let key = '';
  let copied = 0;
  let depth = 0;
  let values: string[] | undefined;
  const next = /[{}"]/g;
  for (let m = next.exec(query); m !== null; m = next.exec(query)) {
    const i = m.index;
    const c = query.charCodeAt(i);
    if (c === OPEN) depth++;
    else if (c === CLOSE) depth--;
    else {
      const end = query.indexOf('"', i + 1);
      if (end < 0) return undefined;
      if (depth > 0 && end > i + 1 && afterEqualityOp(query, i)) {
        const value = query.slice(i + 1, end);
        if (PLAIN_VALUE.test(value)) {
          values ??= [];
          key += `${query.slice(copied, i + 1)}#${values.length}`;
          values.push(value);
          copied = end;
        }
      }
      next.lastIndex = end + 1;
    }
  }
  return values ? { key: key + query.slice(copied), values } : undefined;
}

const OPEN = 123; // {
const CLOSE = 125; // }

/** Whether the string opening at `quote` follows `label=` or `label!=` (white space allowed around the operator). */
function afterEqualityOp(query: string, quote: number): boolean {
  let j = quote - 1;
  while (j >= 0 && isSpace(query.charCodeAt(j))) j--;
  if (query[j] !== '=') return false;
  j--;
  if (query[j] === '!') j--;
  while (j >= 0 && isSpace(query.charCodeAt(j))) j--;
  return j >= 0 && LABEL_CHAR.test(query[j]);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The most entries a cache of facts by query or by shape holds; it is emptied when full. */
export const CACHE_LIMIT = 20_000;

/** Adds `key` (with `value` for a map) to a bounded cache of facts. */
export function remember<K, V>(cache: Map<K, V> | Set<K>, key: K, value?: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  if (cache instanceof Map) cache.set(key, value as V);
  else cache.add(key);
}
