/**
 * Validators for Prometheus identifiers and RE2 regular expressions. Each returns a message
 * (what is wrong, value received, fix) or undefined when the value is valid.
 */

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function labelNameProblem(name: string): string | undefined {
  if (typeof name === 'string' && LABEL_NAME.test(name)) return undefined;
  return `is not a valid label name (got ${JSON.stringify(name)}). Label names match [a-zA-Z_][a-zA-Z0-9_]*: letters, digits and underscores, not starting with a digit.`;
}

export function metricNameProblem(name: string): string | undefined {
  if (typeof name === 'string' && METRIC_NAME.test(name)) return undefined;
  return `is not a valid metric name (got ${JSON.stringify(name)}). Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, e.g. "service:http_requests:rate5m".`;
}

/** A Prometheus job name or a rule group name: any non-empty string without control characters. */
export function nonEmptyNameProblem(kind: string, name: string): string | undefined {
  if (typeof name !== 'string' || name.trim().length === 0) {
    return `${kind} must be a non-empty string (got ${JSON.stringify(name)}). Give it a short, stable name such as "node".`;
  }
  if (/[\u0000-\u001f]/.test(name)) {
    return `${kind} must not contain control characters or newlines (got ${JSON.stringify(name)}).`;
  }
  return undefined;
}

/**
 * Checks that `pattern` is a regular expression Go's RE2 (used by Prometheus, Alertmanager
 * and the blackbox exporter) accepts. RE2 has no look-around and no back-references; those
 * are reported explicitly. The rest is checked by compiling a JavaScript equivalent.
 */
export function re2Problem(pattern: string): string | undefined {
  if (typeof pattern !== 'string') {
    return `is not a regular expression (got ${JSON.stringify(pattern)}). Pass a string such as "(.+):9100".`;
  }
  const outsideClasses = pattern.replace(/\\./g, '__').replace(/\[[^\]]*\]/g, '_');
  const unsupported: Array<[RegExp, string, string]> = [
    [/\(\?<?[=!]/, outsideClasses, 'look-around assertions ((?=...), (?!...), (?<=...), (?<!...))'],
    [/(^|[^\\])\\[1-9]/, pattern, 'back-references (\\1 ... \\9)'],
    [/\(\?>/, outsideClasses, 'atomic groups ((?>...))'],
    [/[*+?}][+]/, outsideClasses, 'possessive quantifiers (*+, ++, ?+)'],
  ];
  for (const [re, text, what] of unsupported) {
    if (re.test(text)) {
      return `uses ${what}, which Go's RE2 engine does not support (got ${JSON.stringify(pattern)}). Rewrite it without them; Prometheus anchors every regex, so "foo" already means "^foo$".`;
    }
  }
  // RE2 knows these escapes (and \Q...\E, octal, \x); JavaScript accepts more letters silently.
  const badEscape = /\\([a-zA-Z])/g;
  for (const m of pattern.matchAll(badEscape)) {
    if (!'aAbBdDfnrsStvwWzpPQECx'.includes(m[1])) {
      return `uses the escape \\${m[1]}, which Go's RE2 engine rejects (got ${JSON.stringify(pattern)}). Escape only punctuation, or use a class such as \\d, \\s, \\w.`;
    }
  }
  try {
    toJsRegExp(pattern);
  } catch (e) {
    const reason = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
    return `is not a valid regular expression: ${reason} (got ${JSON.stringify(pattern)}). Check brackets, parentheses and escapes; Prometheus uses Go's RE2 syntax.`;
  }
  return undefined;
}

/** A JavaScript RegExp equivalent to an RE2 pattern (flags, named groups, POSIX classes, \p). */
function toJsRegExp(pattern: string, anchored = false): RegExp {
  let js = pattern.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$').replace(/\\A/g, '^');
  let flags = 'u';
  js = js.replace(/^\(\?([imsU]+)\)/, (_m, f: string) => {
    flags += [...new Set(f.replace('U', '').split(''))].join('');
    return '';
  });
  js = js.replace(/\(\?([imsU]+):/g, '(?:');
  const posix: Record<string, string> = {
    alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', ascii: '\\x00-\\x7F', blank: ' \\t', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9', graph: '!-~',
    lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\s', upper: 'A-Z', word: '\\w', xdigit: '0-9A-Fa-f',
  };
  js = js.replace(/\[:(\w+):\]/g, (m, n: string) => posix[n] ?? m);
  js = js.replace(/\\([pP])([A-Z])(?![{\w])/g, '\\$1{$2}');
  // u-mode is strict about identity escapes of non-syntax characters that RE2 allows.
  js = js.replace(/\\([^a-zA-Z0-9\\^$.*+?()[\]{}|\/-])/g, (_m, c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  js = js.replace(/\\-/g, '\\x2d');
  return new RegExp(anchored ? `^(?:${js})$` : js, flags);
}

/** Compiles an RE2 pattern as Prometheus does (fully anchored) for evaluation in TypeScript. */
export function anchoredRegExp(pattern: string): RegExp {
  return toJsRegExp(pattern, true);
}

/** Levenshtein distance, for "did you mean ...?" hints. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}
