import { RE2JS } from 're2js';
import { createHash } from 'crypto';
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
 * and the blackbox exporter) accepts, by compiling it with re2js, a port of Go's own
 * `regexp/syntax` parser: exactly RE2, with Go's messages (`invalid repeat count`, `invalid
 * or unsupported Perl syntax`), so `a(?i)b` and `\p{Greek}+` pass and look-arounds do not.
 */
export function re2Problem(pattern: string): string | undefined {
  if (typeof pattern !== 'string') return re2ProblemUncached(pattern);
  // A verdict depends on the pattern alone: kept by pattern (a stack of 1,000 services checks
  // the same few defaults once each instead of compiling them twice per service).
  if (re2Verdicts.has(pattern)) return re2Verdicts.get(pattern);
  const verdict = re2ProblemUncached(pattern);
  if (re2Verdicts.size >= VERDICTS_KEPT) re2Verdicts.clear();
  re2Verdicts.set(pattern, verdict);
  return verdict;
}

/** Verdicts kept at most (then forgotten all at once): bounded memory with any number of distinct patterns. */
const VERDICTS_KEPT = 4096;
const re2Verdicts = new Map<string, string | undefined>();

function re2ProblemUncached(pattern: string): string | undefined {
  if (typeof pattern !== 'string') {
    return `is not a regular expression (got ${JSON.stringify(pattern)}). Pass a string such as "(.+):9100".`;
  }
  try {
    // Prometheus and Alertmanager compile `^(?:pattern)$`: an unterminated \Q then swallows
    // the closing parenthesis, so both forms must compile.
    RE2JS.compile(pattern);
    RE2JS.compile(`^(?:${pattern})$`);
  } catch (e) {
    return re2Hint(pattern) ?? `is not a valid regular expression: ${(e as Error).message} (got ${JSON.stringify(pattern)}). Check brackets, parentheses, escapes and repeat counts (at most 1000); Prometheus uses Go's RE2 syntax.`;
  }
  const syntax = pattern.replace(/\\Q[\s\S]*?(\\E|$)/g, '_').replace(/\\./g, '__').replace(/\[[^\]]*\]/g, '_');
  if (/\(\?<(?![=!])/.test(syntax)) {
    return `writes a named group as (?<name>...) (got ${JSON.stringify(pattern)}), which Go's regexp accepts only from Go 1.22: Alertmanager 0.27 and older Prometheus builds refuse it. Write (?P<name>...).`;
  }
  return undefined;
}

/** A clearer message for the Perl features people reach for, once RE2 has refused the pattern. */
function re2Hint(pattern: string): string | undefined {
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
  const escape = [...pattern.matchAll(/\\([a-zA-Z])/g)].find((m) => !'aAbBdDfnrsStvwWzpPQECx'.includes(m[1]));
  if (escape) {
    return `uses the escape \\${escape[1]}, which Go's RE2 engine rejects (got ${JSON.stringify(pattern)}). Escape only punctuation, or use a class such as \\d, \\s, \\w.`;
  }
  return undefined;
}

/** Compiles an RE2 pattern as Prometheus does (fully anchored) for evaluation in TypeScript. */
export function anchoredRegExp(pattern: string): { test(value: string): boolean } {
  let compiled = anchored.get(pattern);
  if (!compiled) {
    const re = RE2JS.compile(`^(?:${pattern})$`);
    compiled = { test: (value: string) => re.matches(value) };
    if (anchored.size >= VERDICTS_KEPT) anchored.clear();
    anchored.set(pattern, compiled);
  }
  return compiled;
}

/** Compiled anchored patterns by pattern (a route's regex matcher runs once per alert). */
const anchored = new Map<string, { test(value: string): boolean }>();

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

/**
 * A problem when a `unix://` Docker address is not a Docker socket path: the path is
 * bind-mounted into a container (Alloy runs as root), so `unix:///etc` would hand it the
 * host's /etc. Accepted: a normalised absolute path ending in `.sock` under a runtime
 * directory (`/run/`, `/var/run/`) or a user's Docker Desktop or Colima folder.
 */
export function dockerSocketProblem(prop: string, address: string): string | undefined {
  if (!address.startsWith('unix://')) return undefined;
  const path = address.slice('unix://'.length);
  const segments = path.split('/');
  const normalised = path.startsWith('/') && !segments.slice(1).some((s) => s === '' || s === '.' || s === '..');
  const underRuntime = /^\/(var\/)?run\/[^\s]+\.sock$/.test(path) || /^\/(home|Users)\/[^/\s]+\/\.(docker|colima)\/[^\s]+\.sock$/.test(path);
  if (normalised && underRuntime) return undefined;
  return `${prop} must be a Docker socket: unix:// and a *.sock path under /run, /var/run or a user's ~/.docker or ~/.colima, without ".." (got ${JSON.stringify(address)}). The path is bind-mounted into the container, so any other path would expose that host file or folder. Use "unix:///var/run/docker.sock", or a socket proxy such as "tcp://docker-proxy:2375".`;
}

/**
 * A file-name-safe form of `name` that keeps distinct names distinct: a name made only of
 * `[A-Za-z0-9_.-]` and at most 100 characters is kept as it is; any other gets its unsafe runs
 * replaced by `_`, is cut to 100 characters, and ends with 8 hex digits of its SHA-256, so
 * `api v1` and `api/v1` never share a file (nor a secret), and no file name passes 255 bytes.
 */
export function fileSafeName(name: string): string {
  if (/^[A-Za-z0-9_.-]{1,100}$/.test(name) && name !== '.' && name !== '..') return name;
  const base = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 100);
  return `${base}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
