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
  const unsupported: Array<[RegExp, string]> = [
    [/\(\?<?[=!]/, 'look-around assertions ((?=...), (?!...), (?<=...), (?<!...))'],
    [/(^|[^\\])\\[1-9]/, 'back-references (\\1 ... \\9)'],
    [/\(\?>/, 'atomic groups ((?>...))'],
    [/(^|[^\\])[*+?}][+]/, 'possessive quantifiers (*+, ++, ?+)'],
  ];
  for (const [re, what] of unsupported) {
    if (re.test(pattern)) {
      return `uses ${what}, which Go's RE2 engine does not support (got ${JSON.stringify(pattern)}). Rewrite it without them; Prometheus anchors every regex, so "foo" already means "^foo$".`;
    }
  }
  // Translate RE2-only syntax to JavaScript before compiling.
  let js = pattern.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$').replace(/\\A/g, '^');
  let flags = '';
  js = js.replace(/^\(\?([imsU]+)\)/, (_m, f: string) => {
    flags = [...new Set(f.replace('U', '').split(''))].join('');
    return '';
  });
  js = js.replace(/\(\?([imsU]+):/g, '(?:');
  js = js.replace(/\[\[:(alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit):\]\]/g, '[a-z]');
  js = js.replace(/\[:(alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit):\]/g, 'a-z');
  js = js.replace(/\\[pP]\{?\w+\}?/g, '\\w');
  try {
    new RegExp(js, flags);
  } catch (e) {
    const reason = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
    return `is not a valid regular expression: ${reason} (got ${JSON.stringify(pattern)}). Check brackets, parentheses and escapes; Prometheus uses Go's RE2 syntax.`;
  }
  return undefined;
}

/** Compiles an RE2 pattern as Prometheus does (fully anchored) for evaluation in TypeScript. */
export function anchoredRegExp(pattern: string): RegExp {
  const js = pattern.replace(/\(\?P</g, '(?<');
  return new RegExp(`^(?:${js})$`);
}
