import { createHash } from 'crypto';
import { Fn } from 'cdktf';
import { ValidationError } from './errors';
import { flat } from './flat-string';
import { emitYaml } from './yaml-emit';
import { isTokenOfThisApp } from './tf-escape';

const TOKEN = /^\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}$/;

/**
 * Characters that Go's YAML parsers (Prometheus, Alertmanager, Loki, Tempo, the Collector)
 * do not read back as written: U+0085, U+2028 and U+2029 are line breaks to them (a raw one
 * folds or ends the scalar), and DEL, the C1 controls, U+FEFF, U+FFFE and U+FFFF are refused
 * as "control characters". The `yaml` package writes them raw; a scalar holding one is
 * written double-quoted with the character as a `\uXXXX` escape, which every YAML parser
 * reads back exactly.
 */
const NOT_RAW = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Renders a config object as YAML the way a person would write it (no line folding).
 *
 * A string that is a whole cdktf token (a variable, another resource's attribute) becomes
 * `jsonencode(<token>)`, written unquoted: at apply time Terraform inserts a JSON string,
 * which is valid YAML whatever the value holds (`#`, `:`, quotes).
 *
 * Strings holding characters that Go's YAML parsers misread are written double-quoted with
 * those characters escaped; a lone UTF-16 surrogate (not encodable in UTF-8) is refused.
 */
export function toYaml(doc: unknown, header?: string): string {
  // Plain data (every file the library writes today) goes through a direct emitter that writes
  // exactly what the `yaml` package would (lib/core/yaml-emit.ts); it answers undefined for
  // anything it cannot prove, and the `yaml` package renders that document. The emitter is
  // about as cheap as the content digest below, so its texts are not remembered: cdktf's second
  // resolution of a Lazy just emits the file again.
  const fast = emitYaml(doc, wrapToken);
  // Flat now: the emitter's pieces die young (lib/core/flat-string.ts).
  if (fast !== undefined) return flat(header ? `# ${header}\n${fast}` : fast);
  // cdktf resolves every Lazy twice per synth (prepareStack, then toTerraform), so each file is
  // asked for twice with the same content: remember the `yaml` package's text by content (a
  // digest of an exact serialization), never by object, so a changed model renders anew.
  const key = contentKey(doc, header);
  if (key !== undefined) {
    const hit = RENDERED.get(key);
    if (hit !== undefined) return hit;
  }
  const text = flat(renderYaml(doc, header));
  if (key !== undefined) RENDERED.set(key, text);
  return text;
}

/**
 * For a string that is a whole token of this app, the `jsonencode` marker written unquoted (see
 * toYaml); undefined for any other string; null (render with the `yaml` package) if the marker
 * is not a plain token.
 */
function wrapToken(v: string): string | null | undefined {
  if (!TOKEN.test(v) || !isTokenOfThisApp(v)) return undefined;
  const encoded = Fn.jsonencode(v);
  return TOKEN.test(encoded) ? encoded : null;
}

/** Rendered YAML by content digest, bounded: two generations of at most LIMIT entries. */
const RENDERED = (() => {
  const LIMIT = 20_000;
  let current = new Map<string, string>();
  let previous = new Map<string, string>();
  return {
    get(key: string): string | undefined {
      const hit = current.get(key) ?? previous.get(key);
      if (hit !== undefined && !current.has(key)) this.set(key, hit);
      return hit;
    },
    set(key: string, text: string): void {
      if (current.size >= LIMIT) {
        previous = current;
        current = new Map();
      }
      current.set(key, text);
    },
  };
})();

/**
 * An exact serialization of `doc` (types, key order, every value) digested, or undefined when
 * it holds anything but strings, finite or not numbers, booleans, null, undefined, arrays and
 * plain objects, or a token (rendered anew: `Fn.jsonencode` makes a fresh token each time).
 */
function contentKey(doc: unknown, header: string | undefined): string | undefined {
  const parts: string[] = [header === undefined ? 'u' : JSON.stringify(header)];
  const walk = (v: unknown): boolean => {
    switch (typeof v) {
      case 'string':
        if (v.includes('TfToken[')) return false;
        parts.push(JSON.stringify(v));
        return true;
      case 'number':
        parts.push(Object.is(v, -0) ? '#-0' : `#${v}`);
        return true;
      case 'boolean':
        parts.push(v ? 'T' : 'F');
        return true;
      case 'undefined':
        parts.push('U');
        return true;
      case 'object': {
        if (v === null) {
          parts.push('N');
          return true;
        }
        if (Array.isArray(v)) {
          if (Object.getPrototypeOf(v) !== Array.prototype) return false;
          parts.push('[');
          for (let i = 0; i < v.length; i++) if (!walk(v[i])) return false;
          parts.push(']');
          return true;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return false;
        if (Object.getOwnPropertySymbols(v).length) return false;
        parts.push('{');
        for (const k of Object.keys(v)) {
          if (k.includes('TfToken[')) return false;
          parts.push(JSON.stringify(k), ':');
          if (!walk((v as Record<string, unknown>)[k])) return false;
        }
        parts.push('}');
        return true;
      }
      default:
        return false;
    }
  };
  if (!walk(doc)) return undefined;
  return createHash('sha256').update(parts.join(',')).digest('base64');
}

/** The whole document through the `yaml` package (what toYaml writes; exported for the tests that compare). */
export function renderYaml(doc: unknown, header?: string): string {
  // Loaded here, not with this module: a synth of plain data never needs it (see toYaml).
  const { Document, visit } = require('yaml') as typeof import('yaml');
  const wrapped = new Set<string>();
  const state = { hostile: false };
  const document = new Document(wrapTokens(doc, '$', wrapped, state), { aliasDuplicateObjects: false });
  let quoted = false;
  // Only a document holding such a character needs the extra pass (most hold none).
  if (state.hostile) visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && NOT_RAW.test(node.value)) {
        node.type = 'QUOTE_DOUBLE';
        quoted = true;
      }
      NOT_RAW.lastIndex = 0;
    },
  });
  let body = document
    .toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true })
    .replace(/(['"])(\$\{TfToken\[[a-zA-Z0-9:._-]+\]\})\1/g, (m, _q, marker: string) => (wrapped.has(marker) ? marker : m));
  // Only double-quoted scalars hold these characters now, where `\uXXXX` is an escape.
  if (quoted) body = body.replace(NOT_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return header ? `# ${header}\n${body}` : body;
}

function wrapTokens(v: unknown, path: string, wrapped: Set<string>, state: { hostile: boolean }): unknown {
  if (typeof v === 'string') {
    if (!state.hostile && NOT_RAW.test(v)) state.hostile = true;
    NOT_RAW.lastIndex = 0;
    if (LONE_SURROGATE.test(v)) {
      throw new ValidationError(
        `${path} holds a lone UTF-16 surrogate (got ${JSON.stringify(v)}): it has no UTF-8 encoding, so no configuration file can carry it. Remove it or use the whole character (a surrogate pair).`,
      );
    }
    if (!TOKEN.test(v) || !isTokenOfThisApp(v)) return v;
    const encoded = Fn.jsonencode(v);
    wrapped.add(encoded);
    return encoded;
  }
  if (Array.isArray(v)) return v.map((x, i) => wrapTokens(x, `${path}[${i}]`, wrapped, state));
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        wrapTokens(k, `${path} key`, wrapped, state);
        return [k, wrapTokens(x, `${path}.${k}`, wrapped, state)];
      }),
    );
  }
  return v;
}

export const GENERATED_HEADER = 'Generated by @obs-stack/cdktf-observability. Do not edit: change the construct instead.';
