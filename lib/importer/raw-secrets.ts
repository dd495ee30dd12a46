import { rawChildParent, rawSecretReason } from '../core/secrets';
import { setOwn } from '../core/raw-config';
import { Notes } from './model';
import { isObject } from './parse';

/**
 * A raw section (written through an escape hatch) with every literal credential replaced by
 * a secret variable: values under credential keys (`password`, `*_secret`, `*_key`,
 * `*token*`, credential headers), URLs carrying credentials, `${ENV}` references and the
 * `secrets` lists of Prometheus `http_headers`. The library then delivers each as a secret
 * file (see `rawFields` / `rawConfig` / `rawConfigs`). Variables are named `<prefix>_<keys>`
 * (list indices and `_configs` left out; the report lists each with its TF_VAR_*). `parent` is
 * the key enclosing `v` (`headers`, say) when `v` is part of a larger section.
 */
export function secretsInRaw(v: unknown, file: string, where: string, prefix: string, notes: Notes, parent?: string): unknown {
  const name = (keys: string[]) => [prefix, ...keys.map((k) => k.replace(/_configs$/, ''))].join('_');
  const walk = (x: unknown, p: string, keys: string[], parent: string | undefined): unknown => {
    if (Array.isArray(x)) {
      return x.map((e, i) =>
        parent === 'secrets' && typeof e === 'string' && e !== '' ? notes.secret(file, `${p}[${i}]`, name(keys), e) : walk(e, `${p}[${i}]`, keys, parent),
      );
    }
    if (!isObject(x)) return x;
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(x)) {
      setOwn(out, k, rawSecretReason(k, e, parent) ? notes.secret(file, `${p}.${k}`, name([...keys, k]), e) : walk(e, `${p}.${k}`, [...keys, k], rawChildParent(k, e, parent)));
    }
    return out;
  };
  return walk(v, where, [], parent);
}

