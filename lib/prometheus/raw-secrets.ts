import { Token } from 'cdktf';
import type { SecretFile } from './scrape';

/**
 * Credential keys that Prometheus also reads from a file, as `[enclosing key, key, file key]`
 * (`*`: under any key). Read from prometheus/common v0.70.1 config/http_config.go (the
 * version Prometheus v3.14.0's go.mod requires) and discovery/marathon/marathon.go at
 * v3.14.0; test/fixtures/engines/prometheus-secret-file-keys.json records them.
 */
export const PROMETHEUS_SECRET_FILE_FORMS: ReadonlyArray<readonly [string, string, string]> = [
  ['basic_auth', 'password', 'password_file'],
  ['authorization', 'credentials', 'credentials_file'],
  ['oauth2', 'client_secret', 'client_secret_file'],
  ['oauth2', 'client_certificate_key', 'client_certificate_key_file'],
  ['tls_config', 'key', 'key_file'],
  ['*', 'bearer_token', 'bearer_token_file'],
  ['marathon_sd_configs', 'auth_token', 'auth_token_file'],
];

/** A raw section with its secret references moved to secret files where Prometheus has a `*_file` key. */
export interface RawSecretDelivery {
  /** The section to write: each reference with a file form replaced by its `*_file` key. */
  readonly value: unknown;
  /** The secret files those keys name (paths relative to the config directory, under `secrets/`). */
  readonly files: SecretFile[];
  /** Paths of references without a file form: written inline, so the file holding them is a secret. */
  readonly inline: string[];
}

/**
 * Moves the references (tokens, e.g. a sensitive variable's value) of a raw prometheus.yml
 * section to secret files: `password: <ref>` under `basic_auth` becomes `password_file:
 * secrets/<prefix>.<path>`, and so on for every key of {@link PROMETHEUS_SECRET_FILE_FORMS}.
 * A reference elsewhere (a URL, an EC2 secret_key) stays inline and is listed in `inline`.
 * `secretsDir` replaces `secrets` in the paths written (where the Prometheus Operator mounts them).
 */
export function deliverRawSecrets(raw: unknown, prefix: string, secretsDir?: string): RawSecretDelivery {
  const files: SecretFile[] = [];
  const inline: string[] = [];
  const segment = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_');
  const walk = (v: unknown, path: string[], parent: string | undefined): unknown => {
    if (typeof v === 'string') {
      if (Token.isUnresolved(v)) inline.push(path.join('.'));
      return v;
    }
    if (Array.isArray(v)) return v.map((e, i) => walk(e, [...path, String(i)], parent));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      const form = typeof e === 'string' && Token.isUnresolved(e) ? PROMETHEUS_SECRET_FILE_FORMS.find(([p, key]) => key === k && (p === '*' || p === parent)) : undefined;
      if (form && (v as Record<string, unknown>)[form[2]] === undefined) {
        const relativePath = `secrets/${[prefix, ...path, k].map(segment).join('.')}`;
        files.push({ relativePath, content: e as string });
        out[form[2]] = secretsDir === undefined ? relativePath : `${secretsDir}/${relativePath.slice('secrets/'.length)}`;
      } else out[k] = walk(e, [...path, k], k);
    }
    return out;
  };
  const value = walk(raw, [], undefined);
  return { value, files, inline };
}
