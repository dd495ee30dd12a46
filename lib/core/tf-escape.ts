/**
 * Terraform evaluates every string of the synthesized JSON as a template: `${...}` is an
 * interpolation and `%{...}` a directive. File content we render (prometheus.yml with
 * `replacement: "${1}"`, Grafana JSON with `${__value.raw}`) must reach the container
 * unchanged, so literal `${` becomes `$${` and `%{` becomes `%%{`.
 *
 * cdktf tokens (references to variables or other resources, encoded as `${TfToken[...]}`
 * until synth resolves them) are left intact, so a sensitive variable inside a file still
 * works. `Fn.rawString` is not used: it also escapes quotes and newlines.
 */

const TOKEN = /\$\{TfToken\[[^\]]+\]\}/g;

/** Escapes the literal parts of `content`, leaving cdktf tokens untouched. */
export function escapeTemplate(content: string): string {
  let out = '';
  let last = 0;
  for (const m of content.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    out += escapeLiteral(content.slice(last, at)) + m[0];
    last = at + m[0].length;
  }
  return out + escapeLiteral(content.slice(last));
}

function escapeLiteral(text: string): string {
  // Replacement functions, not strings: in a replacement string `$$` means a single `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * The inverse, as Terraform applies it to a literal string: `$${` → `${`, `%%{` → `%{`.
 * Used by tests and the snapshot helper to show file content as the container receives it.
 * `references` maps a Terraform expression (e.g. `var.smtp_password`) to a stand-in value.
 */
export function unescapeTemplate(text: string, references: (expr: string) => string = (e) => `<${e}>`): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (text.startsWith('%%{', i)) {
      out += '%{';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = findClose(text, i + 2);
      out += references(text.slice(i + 2, end).trim());
      i = end + 1;
    } else if (text.startsWith('%{', i)) {
      throw new Error(`unescaped Terraform directive at offset ${i}: ${text.slice(i, i + 30)}`);
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  throw new Error(`unterminated Terraform interpolation at offset ${from - 2}: ${text.slice(from - 2, from + 30)}`);
}
