import { headerCarriesCredential, literalSecretProblem } from '../core/secrets';
import { DurationLike, resolveDuration } from '../core/duration';
import { re2Problem, editDistance } from '../core/names';
import { GENERATED_HEADER, toYaml } from '../core/yaml';

/** TLS settings of a probe. */
export interface ProbeTlsConfig {
  /** @default false */
  readonly insecureSkipVerify?: boolean;
  /** @default - the target's host */
  readonly serverName?: string;
}

/** `http` prober settings. */
export interface HttpProbe {
  /** @default 'GET' */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** @default - none */
  readonly headers?: Record<string, string>;
  /** Request body. @default - none */
  readonly body?: string;
  /** Accepted status codes. @default - any 2xx */
  readonly validStatusCodes?: number[];
  /** @default - any */
  readonly validHttpVersions?: Array<'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2.0'>;
  /** @default true */
  readonly followRedirects?: boolean;
  /** @default 'ip6' */
  readonly preferredIpProtocol?: 'ip4' | 'ip6';
  /** @default - Go defaults */
  readonly tlsConfig?: ProbeTlsConfig;
  /** Fail when the body matches one of these regexes. @default - none */
  readonly failIfBodyMatchesRegexp?: string[];
  /** Fail unless the body matches every one of these regexes. @default - none */
  readonly failIfBodyNotMatchesRegexp?: string[];
  /** Fail when the probe is not over TLS. @default false */
  readonly failIfNotSsl?: boolean;
}

/** `tcp` prober settings. */
export interface TcpProbe {
  /** @default 'ip6' */
  readonly preferredIpProtocol?: 'ip4' | 'ip6';
  /** Connect with TLS. @default false */
  readonly tls?: boolean;
  /** @default - Go defaults */
  readonly tlsConfig?: ProbeTlsConfig;
}

/** `icmp` prober settings. */
export interface IcmpProbe {
  /** @default 'ip6' */
  readonly preferredIpProtocol?: 'ip4' | 'ip6';
}

/** DNS record types the dns prober queries. */
export type DnsQueryType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'PTR' | 'SOA' | 'SRV' | 'TXT' | 'CAA';

/** `dns` prober settings. */
export interface DnsProbe {
  /** Name to resolve. */
  readonly queryName: string;
  /** @default 'ANY' */
  readonly queryType?: DnsQueryType;
  /** @default ['NOERROR'] */
  readonly validRcodes?: string[];
  /** @default 'udp' */
  readonly transportProtocol?: 'udp' | 'tcp';
  /** @default 'ip6' */
  readonly preferredIpProtocol?: 'ip4' | 'ip6';
}

/** Prober names the blackbox exporter knows. */
export type ProberName = 'http' | 'tcp' | 'icmp' | 'dns' | 'grpc';

const PROBERS: readonly ProberName[] = ['http', 'tcp', 'icmp', 'dns', 'grpc'];

/** A blackbox module. Set the settings object matching `prober`. */
export interface BlackboxModule {
  readonly prober: ProberName;
  /** @default '5s' */
  readonly timeout?: DurationLike;
  /** @default - prober defaults */
  readonly http?: HttpProbe;
  /** @default - prober defaults */
  readonly tcp?: TcpProbe;
  /** @default - prober defaults */
  readonly icmp?: IcmpProbe;
  /** Required for the dns prober (unless given raw in `rawFields.dns`). */
  readonly dns?: DnsProbe;
  /**
   * Escape hatch: module keys the library has no option for (`grpc`, `http.oauth2`, ...),
   * in blackbox.yml's spelling, written as they are (a key given here replaces the library's
   * section). Not validated: the exporter's `--config.check` is the check. Used by
   * `cdktf-observability import`. Secrets (`http.basic_auth.password`, ...): give references
   * (`secretVariable(this, 'name').stringValue`), never literals (a literal is reported as a
   * warning); blackbox.yml then holds the reference and is delivered as a secret file.
   * @default - none
   */
  readonly rawFields?: Record<string, unknown>;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
const MODULE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Problems with a module. Unlike the exporter's own `--config.check`, which accepts
 * `prober: htttp`, an unknown prober name is an error here.
 */
export function blackboxModuleProblems(name: string, m: BlackboxModule): string[] {
  const where = `blackbox module ${JSON.stringify(name)}`;
  const out: string[] = [];
  if (!MODULE_NAME.test(name)) {
    out.push(`${where}: the name must be letters, digits, '_' or '-' (got ${JSON.stringify(name)}), since it is passed as a URL parameter. Use e.g. "http_2xx".`);
  }
  if (!PROBERS.includes(m.prober)) {
    const close = PROBERS.find((p) => editDistance(p, String(m.prober)) <= 2);
    out.push(`${where}: prober ${JSON.stringify(m.prober)} is not a blackbox prober${close ? ` (did you mean ${JSON.stringify(close)}?)` : ''}. Use one of ${PROBERS.join(', ')}. The exporter itself would accept it and fail every probe.`);
    return out;
  }
  if (m.timeout !== undefined) {
    const p = resolveDuration(m.timeout).problem;
    if (p) out.push(`${where}: timeout ${p}`);
  }
  const settings = (['http', 'tcp', 'icmp', 'dns'] as const).filter((k) => m[k] !== undefined && k !== m.prober);
  if (settings.length) {
    out.push(`${where}: has ${settings.join(', ')} settings but its prober is ${m.prober}; the exporter ignores them. Move them to a module with that prober or remove them.`);
  }
  if (m.prober === 'http' && m.http) {
    for (const [h, v] of Object.entries(m.http.headers ?? {})) {
      if (headerCarriesCredential(h, v)) {
        const p = literalSecretProblem(v);
        if (p) out.push(`${where}: header ${h} ${p}`);
      }
    }
    (m.http.validStatusCodes ?? []).forEach((c, i) => {
      if (!Number.isSafeInteger(c) || c < 100 || c > 599) out.push(`${where}: http.valid_status_codes[${i}] must be an HTTP status between 100 and 599 (got ${JSON.stringify(c)}).`);
    });
    for (const [k, list] of [['fail_if_body_matches_regexp', m.http.failIfBodyMatchesRegexp], ['fail_if_body_not_matches_regexp', m.http.failIfBodyNotMatchesRegexp]] as const) {
      (list ?? []).forEach((re, i) => {
        const p = re2Problem(re);
        if (p) out.push(`${where}: http.${k}[${i}] ${p}`);
      });
    }
    if (m.http.body !== undefined && (m.http.method ?? 'GET') === 'GET') {
      out.push(`${where}: http.body is set but the method is GET. Set method: 'POST' (or PUT/PATCH) to send a body.`);
    }
  }
  if (m.prober === 'dns') {
    if (!m.dns?.queryName && m.rawFields?.dns === undefined) {
      out.push(`${where}: the dns prober needs dns.queryName (got ${JSON.stringify(m.dns?.queryName)}). Set the name to resolve, e.g. "example.com".`);
    }
    (m.dns?.validRcodes ?? []).forEach((r, i) => {
      if (!RCODES.includes(r)) out.push(`${where}: dns.valid_rcodes[${i}] is not a DNS rcode (got ${JSON.stringify(r)}). Use one of ${RCODES.join(', ')}.`);
    });
  }
  return out;
}

function tls(t: ProbeTlsConfig | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  const o: Record<string, unknown> = {};
  if (t.insecureSkipVerify !== undefined) o.insecure_skip_verify = t.insecureSkipVerify;
  if (t.serverName !== undefined) o.server_name = t.serverName;
  return o;
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The YAML shape of one module. */
export function renderBlackboxModule(m: BlackboxModule): Record<string, unknown> {
  const out: Record<string, unknown> = { prober: m.prober, timeout: resolveDuration(m.timeout ?? '5s').text };
  if (m.http) {
    out.http = clean({
      method: m.http.method,
      headers: m.http.headers,
      body: m.http.body,
      valid_status_codes: m.http.validStatusCodes,
      valid_http_versions: m.http.validHttpVersions,
      follow_redirects: m.http.followRedirects,
      preferred_ip_protocol: m.http.preferredIpProtocol,
      fail_if_not_ssl: m.http.failIfNotSsl,
      fail_if_body_matches_regexp: m.http.failIfBodyMatchesRegexp,
      fail_if_body_not_matches_regexp: m.http.failIfBodyNotMatchesRegexp,
      tls_config: tls(m.http.tlsConfig),
    });
  }
  if (m.tcp) out.tcp = clean({ preferred_ip_protocol: m.tcp.preferredIpProtocol, tls: m.tcp.tls, tls_config: tls(m.tcp.tlsConfig) });
  if (m.icmp) out.icmp = clean({ preferred_ip_protocol: m.icmp.preferredIpProtocol });
  if (m.dns) {
    out.dns = clean({
      query_name: m.dns.queryName,
      query_type: m.dns.queryType,
      valid_rcodes: m.dns.validRcodes,
      transport_protocol: m.dns.transportProtocol,
      preferred_ip_protocol: m.dns.preferredIpProtocol,
    });
  }
  if (m.rawFields) Object.assign(out, m.rawFields);
  return out;
}

/** Renders blackbox.yml. */
export function renderBlackboxYaml(modules: ReadonlyMap<string, BlackboxModule>): string {
  const doc = { modules: Object.fromEntries([...modules].map(([n, m]) => [n, renderBlackboxModule(m)])) };
  return toYaml(doc, GENERATED_HEADER);
}

