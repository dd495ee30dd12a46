import { TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/**
 * Returns a problem message when `value` is a literal string: secrets (passwords, tokens,
 * webhook URLs) must be references that Terraform resolves at apply time, typically a
 * sensitive `TerraformVariable`, so that they never appear in the synthesized JSON.
 */
export function literalSecretProblem(value: string): string | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const shown = typeof value === 'string' && value.length > 0 ? `a literal string of ${value.length} characters` : JSON.stringify(value);
  return `must not be a literal secret (got ${shown}). Pass a reference instead, e.g. secretVariable(this, 'ScrapePassword').stringValue, so the value comes from a sensitive Terraform variable (TF_VAR_...) and never appears in the synthesized JSON.`;
}

/**
 * Declares (or returns the already declared) sensitive Terraform variable `id` at the stack
 * level. Set it with `TF_VAR_<id>` or a `.tfvars` file, typically from the CI's secret store.
 */
export function secretVariable(scope: Construct, id: string, description?: string): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof TerraformVariable) return existing;
  return new TerraformVariable(stack, id, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: description ?? `Secret ${id} (sensitive; set TF_VAR_${id}).`,
  });
}

/** Environment variable names that hold a credential (`DB_PASSWORD`, `API_TOKEN`, `SENTRY_DSN`, ...). */
export const SECRET_ENV_NAME = /(PASSWORD|PASSWD|PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIAL|DSN$|DATABASE_URL|AUTH)/i;

/**
 * Header names that carry a credential: `Authorization`, API keys and tokens, cookies, and
 * the vendors' own (`x-honeycomb-team`, New Relic's `x-insert-key` / `x-license-key`).
 */
export const SECRET_HEADER_NAME = /authorization|api[-_]?key|token|secret|passw(or)?d|cookie|session|credential|signature|private|honeycomb-team|insert-key|license-key/i;

/**
 * Whether a header name carries a credential: {@link SECRET_HEADER_NAME}, or a name ending in
 * `-Key` (`X-Auth-Key`, `Ocp-Apim-Subscription-Key`). For header names only: a config key
 * ending in `_key` may name no secret (the Collector's `routing_key`).
 */
export function isCredentialHeader(name: string): boolean {
  return SECRET_HEADER_NAME.test(name) || /[-_]key$/i.test(name);
}

/**
 * Whether a header given as `name: value` carries a credential: a credential header name
 * ({@link isCredentialHeader}), or a value that is one whatever the name (`Bearer …`, `Basic …`,
 * an inline PEM private key: {@link credentialValueReason}). The one rule for typed headers
 * (blackbox modules, email receivers, OTel exporters) and the Alloy importer.
 */
export function headerCarriesCredential(name: string, value: unknown): boolean {
  return isCredentialHeader(name) || credentialValueReason(value) !== undefined;
}

/** Query parameter names that carry a credential (`?api_key=`, `?access_token=`, `?auth=`, `?sig=`). */
export const SECRET_PARAM_NAME = /^(api[-_]?key|apikey|key|access[-_]?token|auth|auth[-_]?token|token|secret|client[-_]?secret|password|passwd|pwd|sig|signature|private[-_]?token|session)$/i;

/** Webhook URLs whose path is itself the credential. */
const TOKEN_PATHS: Array<[RegExp, string]> = [
  [/^https?:\/\/hooks\.slack\.com\/(services|workflows|triggers)\//i, 'a Slack webhook'],
  [/^https?:\/\/(\w+\.)?discord(app)?\.com\/api\/webhooks\//i, 'a Discord webhook'],
  [/^https?:\/\/[^/]*\.webhook\.office\.com\//i, 'a Microsoft Teams webhook'],
  [/^https?:\/\/outlook\.office\.com\/webhook\//i, 'a Microsoft Teams webhook'],
  [/^https?:\/\/api\.telegram\.org\/bot[^/]+/i, 'a Telegram bot token'],
  [/^https?:\/\/events\.pagerduty\.com\/.*\/[0-9a-f]{32}/i, 'a PagerDuty integration key'],
];

/**
 * A problem when a URL given as a plain string carries a credential: a password in its user
 * part (`https://user:token@host`), a secret-named query parameter (`?api_key=...`, even one
 * holding a reference: the file it lands in is not a secret), or a webhook path that is itself
 * the token. Such a URL reaches cdk.tf.json or a plain config file. A URL that is a reference
 * as a whole (a sensitive variable) is fine.
 */
export function urlSecretProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || (Token.isUnresolved(url) && /^\$\{TfToken\[[^\]]+\]\}$/.test(url))) return undefined;
  const fix = 'Keep credentials out of URLs: put the secret in secretVariable(this, \'name\') and pass it through the prop made for it (basic auth, bearer token, secret headers, or the whole URL as a sensitive variable where the prop accepts one), so it is delivered as a secret file or environment variable.';
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]*)@/i.exec(url)?.[1];
  if (userinfo !== undefined && userinfo.includes(':')) return `carries credentials in its user part (got a URL with "${userinfo.slice(0, userinfo.indexOf(':'))}:…@"). ${fix}`;
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1).split('#')[0] : '';
  for (const pair of query.split('&')) {
    const name = decodeURIComponentSafe(pair.split('=')[0]);
    if (pair.includes('=') && SECRET_PARAM_NAME.test(name)) return `carries a secret in its query parameter "${name}" (got a URL with ?${name}=…). ${fix}`;
  }
  const bare = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1');
  for (const [re, what] of TOKEN_PATHS) if (re.test(bare)) return `is ${what} URL, whose path is the credential (got a literal URL of ${url.length} characters). ${fix}`;
  return undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The sensitive Terraform variables that `text` interpolates (directly or inside a function
 * such as `jsonencode`): a file or value holding one is no longer a secret of its own, so it
 * must be delivered as one (a secret file or environment variable), never as plain config.
 */
export function sensitiveVariablesIn(text: string, scope: IConstruct): string[] {
  if (typeof text !== 'string' || !Token.isUnresolved(text)) return [];
  const names = new Set<string>();
  const visitString = (s: string) => {
    try {
      Tokenization.reverseString(s).tokens.forEach(visit);
    } catch {
      // a look-alike, not a token of this app
    }
  };
  const visit = (t: unknown): void => {
    if (!t || typeof t !== 'object') return;
    const o = t as { identifier?: unknown; args?: unknown[] };
    if (typeof o.identifier === 'string' && o.identifier.startsWith('var.')) names.add(o.identifier.slice('var.'.length));
    for (const a of Array.isArray(o.args) ? o.args : []) {
      if (typeof a === 'string') visitString(a);
      else visit(a);
    }
  };
  visitString(text);
  if (!names.size) return [];
  const variables = TerraformStack.of(scope).node.findAll().filter((c): c is TerraformVariable => c instanceof TerraformVariable);
  return [...names].filter((n) => variables.some((v) => v.friendlyUniqueId === n && v.sensitive === true));
}

/**
 * Keys of engine configs (prometheus.yml, alertmanager.yml, blackbox.yml, in their own
 * spelling) whose value is a credential: `password`, `*_password`, `credentials`, `*secret*`,
 * `*_key` / `key`, `*token*`, `passphrase`. Keys naming a file, a reference, a URL, an id or a
 * type (`password_file`, `client_secret_ref`, `token_url`, `client_id`, `auth_type`) are not.
 */
export const SECRET_CONFIG_KEY = /^(?!.*_(file|files|ref|path|url|id|ids|name|type|header|headers|length|format)$)(.*passw(or)?d.*|credentials|.*secret.*|.*_key|key|.*token.*|.*passphrase.*|api_?key|apikey|dsn)$/i;

/** Why a literal string is a credential by its value alone (`Bearer <token>`, `Basic <base64>`, an inline PEM private key), whatever its key; undefined when not. */
export function credentialValueReason(value: unknown): string | undefined {
  if (typeof value !== 'string' || Token.isUnresolved(value)) return undefined;
  if (/^(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}\s*$/i.test(value)) return `is a credential (an ${value.trim().split(/\s/)[0]} authorization value)`;
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(value)) return 'is a credential (an inline PEM private key)';
  return undefined;
}

/** Why a literal at `key` (under `parent`, the enclosing key) of a raw config section is a credential; undefined when it is not. */
export function rawSecretReason(key: string, value: unknown, parent?: string): string | undefined {
  if (typeof value !== 'string' || value === '' || Token.isUnresolved(value)) return undefined;
  // An environment reference (upper case, as envsubst users write them); a relabel replacement's `${name}` is a capture group.
  if (key !== 'replacement' && /^\$\{[A-Z_][A-Z0-9_]*(:?-[^}]*)?\}$/.test(value.trim())) return `is a \${${value.trim().slice(2).split(/[:}]/)[0]}} reference`;
  if ((parent === 'headers' || parent === 'http_headers') && isCredentialHeader(key)) return `is a credential header (${key})`;
  if (SECRET_CONFIG_KEY.test(key)) return `is a credential (key ${key})`;
  const byValue = credentialValueReason(value);
  if (byValue) return byValue;
  if (/url|endpoint|server|host/i.test(key) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const p = urlSecretProblem(value);
    if (p) return `is a URL that ${p.split('. ')[0]}`;
  }
  return undefined;
}

/** The enclosing key marker of a credential header's map (Prometheus `http_headers: {Authorization: {values: [...]}}`). */
const SECRET_HEADER_MAP = '\u0000secret header';

/**
 * The enclosing key to walk the value of `key` (under `parent`) with: a credential header's map
 * under `headers` / `http_headers` is marked, and its `values` list then counts as `secrets`
 * (each entry a credential), like the `secrets` list itself.
 */
export function rawChildParent(key: string, value: unknown, parent: string | undefined): string {
  if (parent === SECRET_HEADER_MAP && key === 'values') return 'secrets';
  if ((parent === 'headers' || parent === 'http_headers') && isCredentialHeader(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) return SECRET_HEADER_MAP;
  return key;
}

/**
 * Literal credentials inside a raw escape hatch (a config section written as it is): each
 * as `<path> <reason>`. Walks maps and lists; `secrets` lists of Prometheus `http_headers`
 * count as credentials whatever their header's name.
 */
export function rawLiteralSecrets(raw: unknown, path: string, plainKeys: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (v: unknown, p: string, parent: string | undefined) => {
    if (Array.isArray(v)) {
      v.forEach((e, i) => {
        if (parent === 'secrets' && typeof e === 'string' && e !== '' && !Token.isUnresolved(e)) out.push(`${p}[${i}] is a secret header value`);
        else walk(e, `${p}[${i}]`, parent);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
        // A key of `plainKeys` (the Collector's attribute `key`) is a credential by its value only.
        const reason = plainKeys.includes(k) ? credentialValueReason(e) : rawSecretReason(k, e, parent);
        if (reason) out.push(`${p}.${k} ${reason}`);
        else walk(e, `${p}.${k}`, rawChildParent(k, e, parent));
      }
    }
  };
  walk(raw, path, undefined);
  return out;
}

/**
 * The warning for literal credentials found by {@link rawLiteralSecrets} in a raw escape hatch
 * (`prop` names it, e.g. `rawConfig` or `scrape job "api" rawFields`); undefined when none.
 * `plainKeys` are keys that name no credential in this engine (the Collector's `key`).
 */
export function rawLiteralSecretsWarning(raw: unknown, prop: string, plainKeys: readonly string[] = []): string | undefined {
  const found = rawLiteralSecrets(raw, prop, plainKeys);
  if (!found.length) return undefined;
  return `${found.join('; ')}: a literal credential in a raw escape hatch is written as it is into the rendered file and the synthesized JSON. Pass it as a secret instead: the value from secretVariable(this, 'name').stringValue (set TF_VAR_name) in the same place; the library delivers it as a secret file (Prometheus: through the key's *_file form where there is one).`;
}
