import { Tokenization } from 'cdktf';
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

/** cdktf's own string-token pattern (`VALID_KEY_CHARS` in its encoding). */
const TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/**
 * Escapes the literal parts of `content`, leaving the cdktf tokens of this app untouched.
 *
 * A user's string that only looks like a token (`${TfToken[TOKEN.999]}`, `${TfToken[x y]}`)
 * is a literal like any other. It cannot become `$${TfToken[...`: cdktf would still find its
 * marker inside and fail with "Unrecognized Token Key". Its `$` is written as the Terraform
 * interpolation `${"$"}` instead (with any `$` right before it), which yields `$` at apply and
 * hides the marker from cdktf.
 */
export function escapeTemplate(content: string): string {
  // Nothing to escape and no token without a `${` or a `%{` (most files: one fast scan).
  if (!content.includes('${') && !content.includes('%{')) return content;
  let out = '';
  let last = 0;
  for (const m of content.matchAll(TOKEN)) {
    if (!isTokenOfThisApp(m[0])) continue;
    const at = m.index ?? 0;
    out += escapeLiteral(content.slice(last, at)) + m[0];
    last = at + m[0].length;
  }
  return out + escapeLiteral(content.slice(last));
}

/** Whether `marker` is a token cdktf created in this process (its key is registered). */
export function isTokenOfThisApp(marker: string): boolean {
  try {
    Tokenization.reverseString(marker);
    return true;
  } catch {
    return false;
  }
}

function escapeLiteral(text: string): string {
  // Replacement functions, not strings: in a replacement string `$$` means a single `$`.
  // A `$` just before `${"$"}` would make `$${`, Terraform's escape: the whole run of `$` is
  // written as interpolations there.
  return text
    .replace(/(\$*)\$\{(TfToken\[)?/g, (_m, run: string, marker?: string) => (marker ? `${DOLLAR.repeat(run.length + 1)}{TfToken[` : `${run}$\${`))
    .replace(/%\{/g, () => '%%{');
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
    } else if (text.startsWith(DOLLAR, i)) {
      out += '$';
      i += DOLLAR.length;
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

/** The interpolation `escapeTemplate` writes for the `$` of a token-shaped literal. */
const DOLLAR = '${"$"}';

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
