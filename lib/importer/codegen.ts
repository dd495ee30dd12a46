import { MatcherCall } from './alertmanager';
import { CodeRef, Commented, FileRef, SecretRef } from './model';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const WIDTH = 110;

/** A string literal: single quotes, or a template literal for multi-line text. */
export function stringLiteral(s: string): string {
  if (s.includes('\n') && !/[\u0000-\u0008\u000b-\u001f\u2028\u2029]/.test(s)) {
    return `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  }
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'").replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

function key(k: string): string {
  return IDENT.test(k) ? k : stringLiteral(k);
}

const MATCHER_FACTORY: Record<string, string> = { '=': 'eq', '!=': 'ne', '=~': 're', '!~': 'notRe' };

/** Prints a value of the intermediate model as TypeScript. */
export function printValue(v: unknown, indent = ''): string {
  if (v instanceof SecretRef) return `secret(${stringLiteral(v.variable)})`;
  if (v instanceof FileRef) return `${{ json: 'readJson', text: 'readText', path: 'hostPath' }[v.as]}(${stringLiteral(v.relativePath)})`;
  if (v instanceof MatcherCall) return `Matcher.${MATCHER_FACTORY[v.operator]}(${stringLiteral(v.label)}, ${stringLiteral(v.value)})`;
  if (v instanceof Commented) return printValue(v.value, indent);
  if (v instanceof CodeRef) return v.code;
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const items = v.map((e) => printValue(e, inner));
    const flat = `[${items.join(', ')}]`;
    if (flat.length + indent.length <= WIDTH && !flat.includes('\n') && !v.some((e) => e instanceof Commented)) return flat;
    return `[\n${v.map((e, i) => `${comment(e, inner)}${inner}${items[i]},\n`).join('')}${indent}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, e]) => e !== undefined);
    if (!entries.length) return '{}';
    const items = entries.map(([k, e]) => `${key(k)}: ${printValue(e, inner)}`);
    const flat = `{ ${items.join(', ')} }`;
    if (flat.length + indent.length <= WIDTH && !flat.includes('\n') && !entries.some(([, e]) => e instanceof Commented)) return flat;
    return `{\n${entries.map(([, e], i) => `${comment(e, inner)}${inner}${items[i]},\n`).join('')}${indent}}`;
  }
  return String(v);
}

function comment(v: unknown, indent: string): string {
  return v instanceof Commented ? v.comment.split('\n').map((l) => `${indent}// ${l}\n`).join('') : '';
}

/** A construct id from a service or file name: `node-exporter` → `NodeExporter`. */
export function constructId(name: string, taken: Set<string>): string {
  let id = name.replace(/\.[a-z]+$/i, '').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('') || 'Component';
  if (/^\d/.test(id)) id = `C${id}`;
  let out = id;
  for (let i = 2; taken.has(out); i++) out = `${id}${i}`;
  taken.add(out);
  return out;
}

/** A module-level constant name from a file name: `rules/alerts.yml` → `ALERTS_RULES`. */
export function constName(name: string, suffix: string, taken: Set<string>): string {
  const base = `${name.replace(/\.[a-z]+$/i, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase() || 'X'}_${suffix}`;
  let out = /^\d/.test(base) ? `_${base}` : base;
  for (let i = 2; taken.has(out); i++) out = `${base}_${i}`;
  taken.add(out);
  return out;
}
