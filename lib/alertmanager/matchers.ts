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
    const m = /^\s*([^\s=!~]+)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
    if (!m) {
      throw new ValidationError(`matcher ${JSON.stringify(text)} is not of the form label=value, label!=value, label=~regex or label!~regex.`);
    }
    let value = m[3];
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = JSON.parse(value) as string;
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
    return `${this.label}${this.operator}"${this.value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`;
  }
}
