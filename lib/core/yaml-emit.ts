/**
 * A direct YAML emitter for plain data that writes byte for byte what the `yaml` package
 * (2.x) writes for the same value with the options lib/core/yaml.ts uses
 * (`aliasDuplicateObjects: false`, then `toString({ lineWidth: 0, minContentWidth: 0,
 * indentSeq: true })`): block maps and sequences indented by two, `- ` items indented under
 * their key, `{}` / `[]` for empty collections, no folding, keys in insertion order, a map's
 * `undefined` values left out.
 *
 * It writes only what it can prove the `yaml` package writes the same way, and answers
 * `undefined` (the caller then renders the whole document with the `yaml` package) for
 * anything else: a value that is not a string, finite number, boolean, null, array or plain
 * object; a string with a control character, a character Go's YAML parsers misread (the
 * caller's double-quote pass), a lone surrogate or a leading document marker (`---`, `...`);
 * a multi-line key; a multi-line value whose last line is only blanks (the `yaml` package
 * double-quotes it across lines); a key longer than 1,024 characters written (`? ` form).
 *
 * The rules copied from the `yaml` package (stringifyString.js, stringifyPair.js,
 * stringifyCollection.js, stringifyNumber.js of 2.9.1) are named where they are used; a
 * property test compares both renderings on generated documents.
 *
 * `token(s)` is asked about each string value starting with `$`: a text to write as it is (the
 * marker of a whole token), undefined (an ordinary string), or null (decline).
 */
export function emitYaml(doc: unknown, token: (s: string) => string | null | undefined): string | undefined {
  if (!isPlainObject(doc) && !isPlainArray(doc)) return undefined;
  const e = new Emitter(token);
  return e.collection(doc, '') ? e.out + '\n' : undefined;
}

/**
 * Control characters (the `yaml` package double-quotes them), characters Go's YAML parsers
 * misread (lib/core/yaml.ts escapes them), lone surrogates (refused there).
 */
const UNSURE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** SINGLE_LINE, MULTI_LINE, or UNSURE_TEXT when `s` holds a character UNSURE matches (one pass, no regex for most strings). */
function classify(s: string): number {
  let lines = SINGLE_LINE;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c === 0x0a) lines = MULTI_LINE;
      else if (c !== 0x09) return UNSURE_TEXT;
    } else if (c >= 0x7f) {
      if (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff || c >= 0xfffe) return UNSURE_TEXT;
      // A surrogate: pairs (e.g. an emoji) are fine, a lone one is not.
      if (c >= 0xd800 && c <= 0xdfff) return UNSURE.test(s) ? UNSURE_TEXT : s.includes('\n') ? MULTI_LINE : SINGLE_LINE;
    }
  }
  return lines;
}
const SINGLE_LINE = 0;
const MULTI_LINE = 1;
const UNSURE_TEXT = 2;

/** plainString in stringifyString.js: a string matching this is not written plain. */
const PLAIN_BAD = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/** blockString in stringifyString.js: a block can't end in whitespace unless the last line is non-empty. */
const BLOCK_BLANK_END = /\n[\t ]+$/;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
const NEWLINES = /\n+/g;

/**
 * The tests of the schema the `yaml` package resolves plain scalars with (YAML 1.2 core: null,
 * bool, octal, int, hex, .inf/.nan, exponent float, float), as the package's 2.x core schema
 * writes them: a string one of them would read as something else is quoted (plainString's
 * `actualString` test). Written here so a synth does not load the `yaml` package (it renders
 * only what this emitter declines); test/lib/core/yaml-emit.property.test.ts checks them
 * against the installed package's schema.
 */
export const RESOLVING_TESTS: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/**
 * The first characters a string any RESOLVING_TESTS matches can start with (`~`, null, true,
 * false, digits, signs, `.inf`, `.nan`); the empty string is matched too. Checked against the
 * schema by test/lib/core/yaml-emit.property.test.ts.
 */
export const RESOLVING_FIRST = '~nNtTfF0123456789+-.';
const RESOLVING_FIRST_CODE = (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < RESOLVING_FIRST.length; i++) table[RESOLVING_FIRST.charCodeAt(i)] = 1;
  return table;
})();

/** Whether the `yaml` package would read the plain scalar `s` as something other than a string. */
export function resolvesAsNonString(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  if (c >= 128 || RESOLVING_FIRST_CODE[c] === 0) return false;
  for (const re of RESOLVING_TESTS) if (re.test(s)) return true;
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isPlainArray(v: unknown): v is unknown[] {
  return Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype;
}

class Emitter {
  /** The text so far (string concatenation: V8 joins the pieces once, when read). */
  out = '';

  constructor(
    private readonly token: (s: string) => string | null | undefined,
  ) {}

  /**
   * A non-empty block map at `indent` (its first line already placed by the caller).
   * stringifyBlockCollection joins items with `\n${indent}`; stringifyPair writes `key:` then
   * ` scalar`, ` {}` / ` []` for an empty collection, or `\n${indent}  ` and the collection.
   */
  map(obj: Record<string, unknown>, indent: string): boolean {
    const inner = indent + '  ';
    let first = true;
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v === undefined) {
        // YAMLMap.from drops undefined values (toYaml still checks their keys).
        if (classify(k) === UNSURE_TEXT) return false;
        continue;
      }
      const key = this.string(k, inner, true);
      if (key === undefined || key.length > 1024) return false; // longer keys become `? key`
      if (first) first = false;
      else this.out += '\n' + indent;
      this.out += key + ':';
      if (!this.value(v, inner)) return false;
    }
    return true;
  }

  /** A non-empty block sequence at `indent`: `- ` items, each at `indent + '  '`. */
  seq(arr: readonly unknown[], indent: string): boolean {
    const inner = indent + '  ';
    for (let i = 0; i < arr.length; i++) {
      if (i > 0) this.out += '\n' + indent;
      this.out += '- ';
      const v = arr[i];
      if (isPlainObject(v)) {
        if (!this.collection(v, inner)) return false;
      } else if (isPlainArray(v)) {
        if (!this.collection(v, inner)) return false;
      } else {
        const s = this.scalar(v === undefined ? null : v, inner);
        if (s === undefined) return false;
        this.out += s;
      }
    }
    return true;
  }

  /** A collection as the document or an item of a sequence: `{}` / `[]` when empty, else in block style. */
  collection(v: Record<string, unknown> | unknown[], indent: string): boolean {
    if (Array.isArray(v)) {
      if (v.length === 0) {
        this.out += '[]';
        return true;
      }
      return this.seq(v, indent);
    }
    const kind = mapKind(v);
    if (kind === UNSURE_TEXT) return false;
    if (kind === EMPTY) {
      this.out += '{}';
      return true;
    }
    return this.map(v, indent);
  }

  /** The value of a pair whose key was written at `indent` less two, after `key:`. */
  private value(v: unknown, indent: string): boolean {
    if (isPlainArray(v)) {
      if (v.length === 0) {
        this.out += ' []';
        return true;
      }
      this.out += '\n' + indent;
      return this.seq(v, indent);
    }
    if (isPlainObject(v)) {
      const kind = mapKind(v);
      if (kind === UNSURE_TEXT) return false;
      if (kind === EMPTY) {
        this.out += ' {}';
        return true;
      }
      this.out += '\n' + indent;
      return this.map(v, indent);
    }
    const s = this.scalar(v, indent);
    if (s === undefined) return false;
    this.out += ' ' + s;
    return true;
  }

  private scalar(v: unknown, indent: string): string | undefined {
    switch (typeof v) {
      case 'string': {
        // A whole token of this app: the marker from `token`, written as it is (null: unsure).
        const marker = v.charCodeAt(0) === 36 /* $ */ ? this.token(v) : undefined;
        if (marker === null) return undefined;
        return marker ?? this.string(v, indent, false);
      }
      case 'number':
        // stringifyNumber: -0 as `-0`, others as JSON writes them (1e21 as `1e+21`).
        if (!Number.isFinite(v)) return undefined;
        return Object.is(v, -0) ? '-0' : JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        return v === null ? 'null' : undefined;
      default:
        return undefined;
    }
  }

  /** A string as a key (implicit key) or a value at `indent`, or undefined when unsure. */
  private string(s: string, indent: string, isKey: boolean): string | undefined {
    return stringText(s, indent, isKey);
  }
}

/**
 * A string as the emitter writes it as a key (implicit key) or as a value at `indent` (after
 * `key: ` or `- `), or undefined when unsure (the caller then declines the document). For
 * renderers of a fixed shape that write the same text as the emitter (a token marker, a string
 * starting with `$`, is the caller's to handle).
 */
export function stringText(s: string, indent: string, isKey: boolean): string | undefined {
  const short = s.length <= SHORT_MAX;
  if (short) {
    const hit = SHORT.get(s);
    if (hit !== undefined) return hit ?? undefined;
  }
  const kind = classify(s);
  if (kind === MULTI_LINE) return isKey ? undefined : blockLiteral(s, indent);
  // A single line (or an unsure text) is written the same as a key or a value, at any indent.
  const text = kind === UNSURE_TEXT ? undefined : singleLine(s);
  if (short) rememberShort(s, text);
  return text;
}

/** A single-line string without an unsure character, as written (undefined: decline). */
function singleLine(s: string): string | undefined {
  // containsDocumentMarker: the `yaml` package quotes such a top-level key.
  if (s.startsWith('---') || s.startsWith('...')) return undefined;
  if (PLAIN_BAD.test(s) || resolvesAsNonString(s)) return quoted(s);
  return s;
}

/**
 * Short single-line strings as written (null: declined), remembered: keys (`record`, `expr`,
 * `labels`, label names) and label values recur across the files of a stack, and each was
 * otherwise classified and matched against the quoting patterns every time. Bounded: cleared
 * when full.
 */
const SHORT_MAX = 64;
const SHORT_LIMIT = 20_000;
const SHORT = new Map<string, string | null>();
function rememberShort(s: string, text: string | undefined): void {
  if (SHORT.size >= SHORT_LIMIT) SHORT.clear();
  SHORT.set(s, text ?? null);
}

/**
 * NON_EMPTY when `obj` has a defined value, EMPTY when it has none (written `{}`), UNSURE_TEXT
 * when a key of an undefined value before the first defined one is unsure (toYaml refuses a
 * lone surrogate even in a key it leaves out).
 */
function mapKind(obj: Record<string, unknown>): number {
  for (const k of Object.keys(obj)) {
    if (obj[k] !== undefined) return NON_EMPTY;
    if (classify(k) === UNSURE_TEXT) return UNSURE_TEXT;
  }
  return EMPTY;
}
const EMPTY = 3;
const NON_EMPTY = 4;

/**
 * quotedString for a single-line string without control characters: single quotes when it
 * holds `"` and no `'`, else double quotes, which then hold no escape but `\"` and `\\`
 * (doubleQuotedString rewrites only `\u` escapes and newlines, and none occur).
 */
function quoted(s: string): string {
  if (s.includes('"') && !s.includes("'")) return `'${s}'`;
  return JSON.stringify(s);
}

/**
 * blockString as the `yaml` package writes a multi-line value with lineWidth 0 (always a
 * literal `|`, never folded): chomping from the trailing whitespace, an indentation
 * indicator when the text starts with a space, every line after a newline at `indent`.
 */
function blockLiteral(text: string, indent: string): string | undefined {
  if (BLOCK_BLANK_END.test(text) || indent === '') return undefined;
  let value = text;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(NEWLINES, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(NEWLINES, `$&${indent}`)}${end}`;
}
