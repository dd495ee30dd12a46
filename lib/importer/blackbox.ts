import { Commented, Notes } from './model';
import { secretsInRaw } from './raw-secrets';
import { isObject, parseYaml, unknownKeys } from './parse';

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const PROBERS = ['http', 'tcp', 'icmp', 'dns', 'grpc'];
const TLS: Record<string, string> = { insecure_skip_verify: 'insecureSkipVerify', server_name: 'serverName' };
const HTTP: Record<string, string> = {
  method: 'method', headers: 'headers', body: 'body', valid_status_codes: 'validStatusCodes', valid_http_versions: 'validHttpVersions', follow_redirects: 'followRedirects',
  preferred_ip_protocol: 'preferredIpProtocol', fail_if_not_ssl: 'failIfNotSsl', fail_if_body_matches_regexp: 'failIfBodyMatchesRegexp', fail_if_body_not_matches_regexp: 'failIfBodyNotMatchesRegexp', tls_config: 'tlsConfig',
};
const TCP: Record<string, string> = { preferred_ip_protocol: 'preferredIpProtocol', tls: 'tls', tls_config: 'tlsConfig' };
const ICMP: Record<string, string> = { preferred_ip_protocol: 'preferredIpProtocol' };
const DNS: Record<string, string> = { query_name: 'queryName', query_type: 'queryType', valid_rcodes: 'validRcodes', transport_protocol: 'transportProtocol', preferred_ip_protocol: 'preferredIpProtocol' };

function convert(o: Record<string, unknown>, map: Record<string, string>): Record<string, unknown> | undefined {
  if (unknownKeys(o, Object.keys(map)).length) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'tls_config') {
      if (!isObject(v) || unknownKeys(v, Object.keys(TLS)).length) return undefined;
      out[map[k]] = Object.fromEntries(Object.entries(v).map(([tk, tv]) => [TLS[tk], tk === 'insecure_skip_verify' ? Boolean(tv) : str(tv)]));
    } else if (k === 'valid_status_codes') out[map[k]] = (Array.isArray(v) ? v : []).map(Number);
    else if (k === 'headers' && isObject(v)) out[map[k]] = Object.fromEntries(Object.entries(v).map(([hk, hv]) => [hk, str(hv)]));
    else if (Array.isArray(v)) out[map[k]] = v.map(str);
    else if (typeof v === 'boolean') out[map[k]] = v;
    else out[map[k]] = str(v);
  }
  return out;
}

/** blackbox.yml modules as BlackboxModule data; unknown keys go to `rawFields`. */
export function importBlackbox(file: string, text: string, notes: Notes): Record<string, Record<string, unknown>> {
  const doc = parseYaml(text, file, 'blackbox');
  const modules = isObject(doc.modules) ? doc.modules : {};
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, m] of Object.entries(modules)) {
    const mod = isObject(m) ? m : {};
    const where = `modules.${name}`;
    const prober = str(mod.prober);
    const o: Record<string, unknown> = { prober };
    const raw: Record<string, unknown> = {};
    if (!PROBERS.includes(prober)) notes.add('warning', file, `${where}.prober`, `unknown prober ${JSON.stringify(prober)}: the library refuses it (the exporter would fail every probe); fix the name`);
    if (mod.timeout !== undefined) o.timeout = str(mod.timeout);
    else {
      o.timeout = new Commented("The exporter's default would be the scrape timeout; the library's is 5s.", '5s');
      notes.add('default', file, `${where}.timeout`, 'not set: 5s written out (the library always writes a timeout)');
    }
    for (const [key, map] of [['http', HTTP], ['tcp', TCP], ['icmp', ICMP], ['dns', DNS]] as const) {
      if (mod[key] === undefined) continue;
      const c = isObject(mod[key]) ? convert(mod[key] as Record<string, unknown>, map) : undefined;
      // Credential headers (Authorization, API keys) become secret variables: the library refuses literal ones.
      if (c && key === prober) o[key] = secretsInRaw(c, file, `${where}.${key}`, `blackbox_${name}_${key}`, notes);
      else {
        raw[key] = mod[key];
        notes.add('escape-hatch', file, `${where}.${key}`, c ? `settings for another prober (${key}, prober is ${prober}): written through rawFields` : `${key} options the library has no prop for: written through rawFields`);
      }
    }
    for (const k of unknownKeys(mod, ['prober', 'timeout', 'http', 'tcp', 'icmp', 'dns'])) {
      raw[k] = mod[k];
      notes.add('escape-hatch', file, `${where}.${k}`, `${k}: no library prop, written through rawFields`);
    }
    if (Object.keys(raw).length) o.rawFields = new Commented('Escape hatch: written as is (see the import report).', secretsInRaw(raw, file, where, `blackbox_${name}`, notes));
    out[name] = o;
  }
  return out;
}
