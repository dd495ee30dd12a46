import { Fn, Token } from 'cdktf';

/**
 * A small writer for Grafana Alloy's configuration syntax (`config.alloy`).
 *
 * Reference followed (Alloy v1.5; unchanged at v1.18.1, the version the LogAgent pins):
 * - grafana.com/docs/alloy/latest/get-started/syntax — attributes `name = value`, blocks
 *   `name "label" { ... }`, `//` comments, identifiers `[A-Za-z_][A-Za-z0-9_]*`;
 * - .../get-started/expressions/types_and_values — number, string, bool, array `[a, b]`,
 *   object `{ key = value }` (keys are identifiers or strings), null;
 * - github.com/grafana/alloy syntax/scanner/scanner.go (scanEscape) — double-quoted strings
 *   take Go escapes: `\\ \" \n \t \r \a \b \f \v \xhh \uhhhh \Uhhhhhhhh`.
 *
 * References to other components' exports (`loki.write.default.receiver`) are tagged values,
 * created with `ref()` or `exportOf()`, so a plain string can never be written unquoted and
 * a reference can never be quoted by mistake. Output is deterministic: statements in the order
 * given, object keys in insertion order, consecutive attributes and object keys aligned on `=`
 * (as `alloy fmt` does), two-space indentation.
 */

const REFERENCE: unique symbol = Symbol('alloy.reference');
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['true', 'false', 'null']);

/** An expression referring to another component's export, written unquoted. */
export interface AlloyReference {
  readonly [REFERENCE]: true;
  /** Dotted path, e.g. `loki.write.default.receiver`. */
  readonly path: string;
}

/** An Alloy object literal `{ key = value, ... }`. Undefined values are left out. */
export interface AlloyObject {
  readonly [key: string]: AlloyValue | undefined;
}

/** Any value an attribute can hold. */
export type AlloyValue = string | number | boolean | null | AlloyReference | readonly AlloyValue[] | AlloyObject;

/** `name = value`. */
export interface AlloyAttribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: AlloyValue;
}

/** `name "label" { body }` (a component) or `name { body }` (a nested block). */
export interface AlloyBlock {
  readonly kind: 'block';
  /** Dotted identifiers, e.g. `loki.process`, `stage.json`, `endpoint`. */
  readonly name: string;
  /** Component label, an identifier (written quoted). */
  readonly label?: string;
  readonly body: readonly AlloyStatement[];
}

/** `// text` (one comment line per line of text). */
export interface AlloyComment {
  readonly kind: 'comment';
  readonly text: string;
}

export type AlloyStatement = AlloyAttribute | AlloyBlock | AlloyComment;

/** A reference to `path` (dotted identifiers), written unquoted. */
export function ref(path: string): AlloyReference {
  if (typeof path !== 'string' || !path.split('.').every((p) => IDENT.test(p))) {
    throw new Error(`an Alloy reference must be dotted identifiers such as "loki.write.default.receiver" (got ${JSON.stringify(path)}).`);
  }
  return { [REFERENCE]: true, path };
}

/** Whether `v` is a reference made by `ref()`. */
export function isReference(v: unknown): v is AlloyReference {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[REFERENCE] === true;
}

/** The export `name` of a labelled component block, e.g. `exportOf(write, 'receiver')`. */
export function exportOf(component: AlloyBlock, name: string): AlloyReference {
  if (component.label === undefined) {
    throw new Error(`block ${component.name} has no label, so it is not a component whose exports can be referenced.`);
  }
  return ref(`${component.name}.${component.label}.${name}`);
}

/** An attribute. */
export function attr(name: string, value: AlloyValue): AlloyAttribute {
  return { kind: 'attribute', name, value };
}

/** Attributes from a record, in insertion order; undefined values are left out. */
export function attrs(values: Record<string, AlloyValue | undefined>): AlloyAttribute[] {
  return Object.entries(values)
    .filter((e): e is [string, AlloyValue] => e[1] !== undefined)
    .map(([k, v]) => attr(k, v));
}

/** A nested, unlabelled block such as `endpoint { ... }` or `stage.json { ... }`. */
export function block(name: string, body: readonly AlloyStatement[]): AlloyBlock {
  return { kind: 'block', name, body };
}

/** A component: a labelled block such as `loki.write "default" { ... }`. */
export function component(name: string, label: string, body: readonly AlloyStatement[]): AlloyBlock {
  return { kind: 'block', name, label, body };
}

/** A comment. */
export function comment(text: string): AlloyComment {
  return { kind: 'comment', text };
}

/** A double-quoted Alloy string with its escapes. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A string value. A cdktf token (a variable, another resource's attribute) is written as
 * `jsonencode(...)`, unquoted: Terraform inserts a JSON string at apply time, and a JSON string
 * is a valid Alloy string (JSON's escapes are a subset of Alloy's).
 */
function stringValue(s: string): string {
  if (Token.isUnresolved(s)) return Fn.jsonencode(s);
  return quote(s);
}

function checkName(kind: string, name: string, dotted: boolean): void {
  const ok = typeof name === 'string' && (dotted ? name.split('.') : [name]).every((p) => IDENT.test(p));
  if (!ok) throw new Error(`Alloy ${kind} must be ${dotted ? 'dotted identifiers' : 'an identifier'} (letters, digits, _; not starting with a digit) (got ${JSON.stringify(name)}).`);
}

function objectKey(key: string): string {
  return IDENT.test(key) && !KEYWORDS.has(key) ? key : quote(key);
}

function isScalar(v: AlloyValue): boolean {
  return v === null || typeof v !== 'object' || isReference(v);
}

/** Renders one value at `indent` (the indentation of the line it starts on). */
export function renderValue(v: AlloyValue, indent = ''): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return stringValue(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Alloy numbers must be finite (got ${v}).`);
    return String(v);
  }
  if (isReference(v)) return v.path;
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    const items = v as readonly AlloyValue[];
    if (items.length === 0) return '[]';
    if (items.every(isScalar)) return `[${items.map((x) => renderValue(x, indent)).join(', ')}]`;
    return `[\n${items.map((x) => `${inner}${renderValue(x, inner)},\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(v as AlloyObject).filter((e): e is [string, AlloyValue] => e[1] !== undefined);
  if (entries.length === 0) return '{}';
  const keys = entries.map(([k]) => objectKey(k));
  const width = Math.max(...keys.map((k) => k.length));
  return `{\n${entries.map(([, x], i) => `${inner}${keys[i].padEnd(width)} = ${renderValue(x, inner)},\n`).join('')}${indent}}`;
}

function renderStatements(items: readonly AlloyStatement[], indent: string): string[] {
  const lines: string[] = [];
  let i = 0;
  let previous: AlloyStatement['kind'] | undefined;
  while (i < items.length) {
    const item = items[i];
    // A blank line around nested blocks (a comment stays with what follows it), none
    // between attributes.
    if (previous !== undefined && previous !== 'comment') {
      let next: AlloyStatement['kind'] = item.kind;
      for (let j = i; next === 'comment' && j < items.length; j++) next = items[j].kind;
      if (next === 'block' || previous === 'block') lines.push('');
    }
    if (item.kind === 'comment') {
      for (const l of item.text.split('\n')) lines.push(`${indent}//${l ? ` ${l}` : ''}`);
      previous = 'comment';
      i++;
    } else if (item.kind === 'attribute') {
      // Consecutive attributes are aligned on `=`.
      const run: AlloyAttribute[] = [];
      while (i < items.length && items[i].kind === 'attribute') run.push(items[i++] as AlloyAttribute);
      for (const a of run) checkName('attribute name', a.name, false);
      const width = Math.max(...run.map((a) => a.name.length));
      for (const a of run) lines.push(`${indent}${a.name.padEnd(width)} = ${renderValue(a.value, indent)}`);
      previous = 'attribute';
    } else {
      checkName('block name', item.name, true);
      if (item.label !== undefined) checkName(`label of ${item.name}`, item.label, false);
      const head = item.label === undefined ? item.name : `${item.name} ${quote(item.label)}`;
      if (item.body.length === 0) {
        lines.push(`${indent}${head} { }`);
      } else {
        lines.push(`${indent}${head} {`, ...renderStatements(item.body, `${indent}  `), `${indent}}`);
      }
      previous = 'block';
      i++;
    }
  }
  return lines;
}

/**
 * Renders a whole file: an optional header comment set apart by a blank line, then the
 * statements in order, a blank line between blocks, a final newline.
 */
export function renderAlloy(statements: readonly AlloyStatement[], header?: string): string {
  const head = header === undefined ? [] : [...renderStatements([comment(header)], ''), ''];
  return `${[...head, ...renderStatements(statements, '')].join('\n')}\n`;
}
