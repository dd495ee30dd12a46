import { ValidationError } from '../core/errors';
import { labelNameProblem, re2Problem, anchoredRegExp } from '../core/names';
import { checkPrimitive } from '../core/shape';

/** Matcher operators, as in Alertmanager's `matchers` syntax. */
export type MatchOperator = '=' | '!=' | '=~' | '!~';

/** A label matcher used by routes, inhibit rules and silences. */
export class Matcher {
  /** `label="value"` */
  public static eq(label: string, value: string): Matcher {
    checkPrimitive(undefined, 'string', label, 'Matcher.eq(label)');
    checkPrimitive(undefined, 'string', value, 'Matcher.eq(value)');
    return new Matcher(label, '=', value);
  }
  /** `label!="value"` */
  public static ne(label: string, value: string): Matcher {
    checkPrimitive(undefined, 'string', label, 'Matcher.ne(label)');
    checkPrimitive(undefined, 'string', value, 'Matcher.ne(value)');
    return new Matcher(label, '!=', value);
  }
  /** `label=~"regex"` (anchored, RE2) */
  public static re(label: string, regex: string): Matcher {
    checkPrimitive(undefined, 'string', label, 'Matcher.re(label)');
    checkPrimitive(undefined, 'string', regex, 'Matcher.re(regex)');
    return new Matcher(label, '=~', regex);
  }
  /** `label!~"regex"` (anchored, RE2) */
  public static notRe(label: string, regex: string): Matcher {
    checkPrimitive(undefined, 'string', label, 'Matcher.notRe(label)');
    checkPrimitive(undefined, 'string', regex, 'Matcher.notRe(regex)');
    return new Matcher(label, '!~', regex);
  }

  /** Parses `label=value`, `label = "value"`, `label=~"a|b"`, ... */
  public static parse(text: string): Matcher {
    checkPrimitive(undefined, 'string', text, 'Matcher.parse(text)');
    const m = /^\s*([^\s=!~]+)\s*(=~|!~|!=|=)\s*([\s\S]*?)\s*$/.exec(text);
    if (!m) {
      throw new ValidationError(`matcher ${JSON.stringify(text)} is not of the form label=value, label!=value, label=~regex or label!~regex.`);
    }
    const value = classicValue(m[3]);
    if (value === undefined) {
      throw new ValidationError(`matcher ${JSON.stringify(text)} has a double quote that is neither escaped nor closing the value. Write the value in double quotes and escape a quote inside it as \\", e.g. summary="say \\"hi\\"".`);
    }
    return new Matcher(m[1], m[2] as MatchOperator, value);
  }

  private constructor(
    public readonly label: string,
    public readonly operator: MatchOperator,
    public readonly value: string,
  ) {}

  /** Problems with the label name and, for regex operators, the regex. */
  public problems(where: string): string[] {
    const out: string[] = [];
    const lp = labelNameProblem(this.label);
    if (lp) out.push(`${where}: matcher label ${lp}`);
    if (/\p{Cs}/u.test(this.value)) {
      out.push(`${where}: matcher ${this.label}${this.operator} value is not valid UTF-8 (it holds a lone surrogate, got ${JSON.stringify(this.value)}), which Alertmanager refuses. Remove the broken character.`);
    }
    if (this.operator === '=~' || this.operator === '!~') {
      const rp = re2Problem(this.value);
      if (rp) out.push(`${where}: matcher ${this.label}${this.operator} regex ${rp}`);
    }
    return out;
  }

  /** Whether a label set matches, with Alertmanager's semantics (a missing label is ""). */
  public matches(labels: Record<string, string>): boolean {
    const v = labels[this.label] ?? '';
    switch (this.operator) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return anchoredRegExp(this.value).test(v);
      case '!~':
        return !anchoredRegExp(this.value).test(v);
    }
  }

  /**
   * `label="value"` as Alertmanager's config expects it, read the same by both of its matcher
   * parsers: only `\\`, `\"` and a newline are escaped, every other character is written as
   * is. The classic parser (pkg/labels) unescapes nothing else, so a JSON escape such as `\t`
   * would stay two characters there, while the UTF-8 parser (strconv.Unquote) reads a tab; on
   * disagreement Alertmanager keeps the classic reading (matcher/compat, v0.34.0).
   */
  public toString(): string {
    // A name beyond [a-zA-Z_][a-zA-Z0-9_]* (a UTF-8 label name) reads only in the UTF-8 parser,
    // quoted; Alertmanager's default mode keeps that reading when the classic parser refuses it.
    const label = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.label) ? this.label : quote(this.label);
    return `${label}${this.operator}${quote(this.value)}`;
  }
}

/** In double quotes, with only `\\`, `"` and a newline escaped: read alike by both of Alertmanager's matcher parsers. */
function quote(s: string): string {
  return `"${s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`;
}

/**
 * A matcher value as Alertmanager reads it (pkg/labels/parse.go, the reading its default mode
 * keeps whenever the UTF-8 parser fails or disagrees): optionally in double quotes; `\n`,
 * `\"` and `\\` unescaped, any other backslash kept as is (so `"5\d\d"` is the regex
 * `5\d\d`, and `"a\tb"` is a backslash and a `t`, not a tab). Undefined when a quote is
 * neither escaped nor closing.
 */
export function classicValue(raw: string): string | undefined {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let out = '';
  let closed = !quoted;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i < body.length - 1) {
      const n = body[++i];
      out += n === 'n' ? '\n' : n === '"' || n === '\\' ? n : `\\${n}`;
    } else if (c === '"') {
      if (!quoted || i < body.length - 1) return undefined;
      closed = true;
    } else {
      out += c;
    }
  }
  return closed ? out : undefined;
}
