/**
 * Imports an OpenTelemetry Collector config.yml into OtelCollector props: the components and
 * fields the library types are mapped one to one (ids kept, exporter types in the library's
 * names: `otlp_grpc` → `otlp`, `otlp_http` → `otlphttp`, `prometheus_remote_write` →
 * `prometheusremotewrite`); everything else goes through `rawConfig` (deep-merged over the
 * rendered file), each place reported. Credential headers and `${env:...}` references become
 * secret variables.
 */
import { SECRET_HEADER_NAME, credentialValueReason, isCredentialHeader, urlSecretProblem } from '../core/secrets';
import { Lazy } from 'cdktf';
import { componentProblems, ExporterConfig, PipelineConfig, pipelineProblems, ProcessorConfig, ReceiverConfig } from '../otel/config';
import { Commented, Notes, SecretRef } from './model';
import { isObject, parseYaml } from './parse';

/** The Collector's newer exporter type names → the library's (RENAMED_EXPORTER_TYPES, reversed). */
const LIBRARY_TYPE: Record<string, string> = { otlp_grpc: 'otlp', otlp_http: 'otlphttp', prometheus_remote_write: 'prometheusremotewrite' };
/** `${VAR}`, `${env:VAR}`, `${env:VAR:-default}`: what the Collector expands from its environment. */
const ENV_REF = /(?<!\$)\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/;

type Obj = Record<string, unknown>;

/** What the importer makes of a Collector config. */
export interface ImportedOtel {
  readonly file: string;
  readonly props: Obj;
}

/** An exporter id in the library's names (`otlp_grpc/tempo` → `otlp/tempo`). */
export function libraryExporterId(id: string): string {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  return LIBRARY_TYPE[type] ? LIBRARY_TYPE[type] + id.slice(type.length) : id;
}

/** Splits `o` into the keys in `keys` and the rest (undefined when empty). */
function take(o: Obj, keys: readonly string[]): [Obj, Obj | undefined] {
  const picked: Obj = {};
  const rest: Obj = {};
  for (const [k, v] of Object.entries(o)) (keys.includes(k) ? picked : rest)[k] = v;
  return [picked, Object.keys(rest).length ? rest : undefined];
}

/** The value as the construct will see it: comments dropped, secrets as tokens. */
function asProps(v: unknown): unknown {
  if (v instanceof Commented) return asProps(v.value);
  if (v instanceof SecretRef) return Lazy.stringValue({ produce: () => v.variable });
  if (Array.isArray(v)) return v.map(asProps);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asProps(x)]));
  return v;
}

const defined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
/** Typed values go through the library's `$` escaping: values the Collector would expand stay raw. */
const hasDollar = (v: unknown): boolean => JSON.stringify(v ?? null).includes('$');

interface Split {
  /** The typed component (without type/name), or undefined when it cannot be typed. */
  readonly typed?: Obj;
  /** Keys the typed model lacks, merged raw over the rendered component. */
  readonly rest?: Obj;
}

function tls(v: unknown): [Obj | undefined, Obj | undefined] {
  if (v === undefined) return [undefined, undefined];
  if (!isObject(v)) return [undefined, { x: v }];
  const [t, rest] = take(v, ['insecure', 'insecure_skip_verify', 'ca_file']);
  return [defined({ insecure: t.insecure, insecureSkipVerify: t.insecure_skip_verify, caFile: t.ca_file }), rest];
}

function actions(list: unknown): Obj[] | undefined {
  if (!Array.isArray(list) || !list.every((a) => isObject(a) && !take(a, ['key', 'value', 'from_attribute', 'from_context', 'pattern', 'action'])[1])) return undefined;
  return (list as Obj[]).map((a) => defined({ action: a.action, key: a.key, value: a.value, fromAttribute: a.from_attribute, fromContext: a.from_context, pattern: a.pattern }));
}

const POLICY_KEYS: Record<string, string[]> = {
  status_code: ['status_codes'],
  probabilistic: ['sampling_percentage', 'hash_salt'],
  latency: ['threshold_ms', 'upper_threshold_ms'],
  string_attribute: ['key', 'values', 'enabled_regex_matching', 'invert_match'],
  always_sample: [],
};

function policy(p: unknown): Obj | undefined {
  if (!isObject(p) || typeof p.type !== 'string' || !(p.type in POLICY_KEYS)) return undefined;
  const [base, extra] = take(p, ['name', 'type', p.type]);
  if (extra) return undefined;
  const body = p.type === 'always_sample' ? {} : base[p.type];
  if (p.type !== 'always_sample' && (!isObject(body) || take(body, POLICY_KEYS[p.type])[1])) return undefined;
  const b = (body ?? {}) as Obj;
  const head = { name: p.name, type: p.type };
  switch (p.type) {
    case 'status_code':
      return { ...head, statusCodes: b.status_codes };
    case 'probabilistic':
      return defined({ ...head, samplingPercentage: b.sampling_percentage, hashSalt: b.hash_salt });
    case 'latency':
      return defined({ ...head, thresholdMs: b.threshold_ms, upperThresholdMs: b.upper_threshold_ms });
    case 'string_attribute':
      return defined({ ...head, key: b.key, values: b.values, enabledRegexMatching: b.enabled_regex_matching, invertMatch: b.invert_match });
    default:
      return head;
  }
}

function receiver(type: string, s: Obj, notes: Notes, file: string, where: string): Split {
  if (type === 'otlp') {
    const [p, rest] = take(s, ['protocols']);
    if (!isObject(p.protocols)) return {};
    const [protos, other] = take(p.protocols, ['grpc', 'http']);
    const out: Obj = {};
    const raw: Obj = {};
    for (const [proto, port] of [['grpc', 4317], ['http', 4318]] as const) {
      const v = protos[proto];
      if (!(proto in protos)) {
        out[proto] = false;
        continue;
      }
      const o = isObject(v) ? v : {};
      const [e, more] = take(o, ['endpoint']);
      if (e.endpoint === undefined) {
        // receiver/otlpreceiver/factory.go at v0.115.0 and v0.159.0: localhost:4317 / localhost:4318.
        out[proto] = { endpoint: new Commented("The Collector's default: reachable from inside the container only.", `localhost:${port}`) };
        notes.add('default', file, `${where}.protocols.${proto}.endpoint`, `not set: the Collector's default localhost:${port} written out (it listens inside the container only; the library's default is 0.0.0.0:${port})`);
      } else out[proto] = { endpoint: e.endpoint };
      if (more) raw[proto] = more;
    }
    const restAll = { ...(rest ?? {}), ...(other || Object.keys(raw).length ? { protocols: { ...(other ?? {}), ...raw } } : {}) };
    return { typed: out, rest: Object.keys(restAll).length ? restAll : undefined };
  }
  if (type === 'prometheus') {
    const [p, rest] = take(s, ['config']);
    if (rest || !isObject(p.config) || take(p.config, ['scrape_configs'])[1] || !Array.isArray(p.config.scrape_configs)) return {};
    const jobs: Obj[] = [];
    for (const j of p.config.scrape_configs) {
      if (!isObject(j) || take(j, ['job_name', 'scrape_interval', 'metrics_path', 'static_configs'])[1]) return {};
      const sc = j.static_configs;
      if (!Array.isArray(sc) || sc.length !== 1 || !isObject(sc[0]) || take(sc[0], ['targets'])[1]) return {};
      jobs.push(defined({ jobName: j.job_name, targets: sc[0].targets, scrapeInterval: j.scrape_interval, metricsPath: j.metrics_path }));
    }
    return { typed: { scrapeConfigs: jobs } };
  }
  return {};
}

function processor(type: string, s: Obj, notes: Notes, file: string, where: string): Split {
  switch (type) {
    case 'memory_limiter': {
      const [t, rest] = take(s, ['check_interval', 'limit_mib', 'spike_limit_mib']);
      if (t.limit_mib === undefined) return {};
      if (t.check_interval === undefined) {
        // internal/memorylimiter/config.go at v0.159.0: "'check_interval' must be greater than zero".
        notes.add('default', file, `${where}.check_interval`, "not set: the Collector refuses a zero check_interval, so the library's 1s is written");
      }
      return { typed: defined({ checkInterval: t.check_interval ?? new Commented('The Collector refuses 0 (its default): the library writes 1s.', '1s'), limitMib: t.limit_mib, spikeLimitMib: t.spike_limit_mib }), rest };
    }
    case 'batch': {
      const [t, rest] = take(s, ['timeout', 'send_batch_size', 'send_batch_max_size']);
      return { typed: defined({ timeout: t.timeout, sendBatchSize: t.send_batch_size, sendBatchMaxSize: t.send_batch_max_size }), rest };
    }
    case 'attributes':
    case 'resource': {
      const key = type === 'attributes' ? 'actions' : 'attributes';
      const [t, rest] = take(s, [key]);
      const a = actions(t[key]);
      return a ? { typed: { actions: a }, rest } : {};
    }
    case 'tail_sampling': {
      const [t, rest] = take(s, ['decision_wait', 'num_traces', 'expected_new_traces_per_sec', 'policies']);
      const policies = Array.isArray(t.policies) ? t.policies.map(policy) : undefined;
      if (!policies || policies.some((p) => !p)) return {};
      return { typed: defined({ decisionWait: t.decision_wait, numTraces: t.num_traces, expectedNewTracesPerSec: t.expected_new_traces_per_sec, policies }), rest };
    }
    case 'filter': {
      const [t, rest] = take(s, ['error_mode', 'traces', 'metrics', 'logs']);
      const sub = (v: unknown, keys: string[]) => (v === undefined ? [undefined, undefined] : isObject(v) ? take(v, keys) : [undefined, v]) as [Obj | undefined, unknown];
      const [tr, trRest] = sub(t.traces, ['span', 'spanevent']);
      const [me, meRest] = sub(t.metrics, ['metric', 'datapoint']);
      const [lo, loRest] = sub(t.logs, ['log_record']);
      if (trRest || meRest || loRest) return {};
      return { typed: defined({ errorMode: t.error_mode, traces: tr && defined({ span: tr.span, spanevent: tr.spanevent }), metrics: me && defined({ metric: me.metric, datapoint: me.datapoint }), logs: lo && defined({ logRecord: lo.log_record }) }), rest };
    }
    default:
      return {};
  }
}

function exporter(type: string, s: Obj): Split {
  switch (type) {
    case 'otlp':
    case 'otlphttp':
    case 'prometheusremotewrite': {
      const extra = type === 'prometheusremotewrite' ? ['namespace', 'external_labels', 'resource_to_telemetry_conversion'] : ['compression'];
      const [t, rest0] = take(s, ['endpoint', 'tls', 'headers', ...extra]);
      const [tl, tlsRest] = tls(t.tls);
      const rtc = t.resource_to_telemetry_conversion;
      if (rtc !== undefined && (!isObject(rtc) || take(rtc, ['enabled'])[1])) return {};
      if (t.headers !== undefined && !isObject(t.headers)) return {};
      const rest = { ...(rest0 ?? {}), ...(tlsRest ? { tls: tlsRest } : {}) };
      return {
        typed: defined({ endpoint: t.endpoint, tls: tl, headers: t.headers, compression: t.compression, namespace: t.namespace, externalLabels: t.external_labels, resourceToTelemetryConversion: isObject(rtc) ? rtc.enabled : undefined }),
        rest: Object.keys(rest).length ? rest : undefined,
      };
    }
    case 'prometheus': {
      const [t, rest] = take(s, ['endpoint', 'namespace', 'const_labels', 'send_timestamps', 'metric_expiration', 'enable_open_metrics', 'resource_to_telemetry_conversion']);
      const rtc = t.resource_to_telemetry_conversion;
      if (rtc !== undefined && (!isObject(rtc) || take(rtc, ['enabled'])[1])) return {};
      return {
        typed: defined({ endpoint: t.endpoint, namespace: t.namespace, constLabels: t.const_labels, sendTimestamps: t.send_timestamps, metricExpiration: t.metric_expiration, enableOpenMetrics: t.enable_open_metrics, resourceToTelemetryConversion: isObject(rtc) ? rtc.enabled : undefined }),
        rest,
      };
    }
    case 'debug': {
      const [t, rest] = take(s, ['verbosity']);
      return { typed: defined({ verbosity: t.verbosity }), rest };
    }
    default:
      return {};
  }
}

/**
 * Credential keys of the Collector's components (`password`, `token`, `client_secret`,
 * `api_key`, credential headers), not the files, URLs or ids that name them. Narrower than the
 * Prometheus-side SECRET_CONFIG_KEY on purpose: a bare `key` is an attribute name in the
 * Collector (`attributes` actions, `string_attribute` policies), not a credential.
 */
const COLLECTOR_SECRET_KEY = (key: string) => SECRET_HEADER_NAME.test(key) && !/_(file|files|path|url|ref|id|type|name)$/.test(key);

/**
 * Secret-looking leaves of raw settings, URLs carrying credentials, and `${env:...}`
 * references (the construct passes the Collector no environment) become secret variables.
 */
function secretsIn(v: unknown, key: string, notes: Notes, file: string, where: string, wanted: string, inHeaders = false): unknown {
  if (typeof v === 'string') {
    const env = ENV_REF.exec(v);
    if (env || (v !== '' && (COLLECTOR_SECRET_KEY(key) || (inHeaders && isCredentialHeader(key)) || credentialValueReason(v) !== undefined || urlSecretProblem(v) !== undefined))) {
      if (env) notes.add('choice', file, where, `\${${env[1]}} was read by the Collector from its environment, which the OtelCollector construct does not pass: now a sensitive variable${v.trim() === env[0] ? '' : ` holding the whole value ${JSON.stringify(v.replace(ENV_REF, '<$1>'))}`}`);
      return notes.secret(file, where, env && v.trim() === env[0] ? env[1] : wanted, env && v.trim() === env[0] ? `\${${env[1]}}` : v);
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => secretsIn(x, key, notes, file, `${where}[${i}]`, `${wanted}_${i}`));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretsIn(x, k, notes, file, `${where}.${k}`, `${wanted}_${k}`, key === 'headers')]));
  return v;
}

/** Imports a Collector config.yml. */
export function importOtel(file: string, text: string, notes: Notes): ImportedOtel {
  const doc = parseYaml(text, file, 'otel');
  const raw: Record<string, Obj> = {};
  const toRaw = (section: string, id: string, value: unknown) => {
    raw[section] = raw[section] ?? {};
    raw[section][id] = value;
  };
  const wanted = (id: string) => `otel_${id}`;
  const out: { receivers: Obj[]; processors: Obj[]; exporters: Obj[] } = { receivers: [], processors: [], exporters: [] };
  const sections = [['receivers', 'receiver'], ['processors', 'processor'], ['exporters', 'exporter']] as const;
  for (const [section, kind] of sections) {
    const comps = doc[section];
    if (comps === undefined || comps === null) continue;
    if (!isObject(comps)) {
      notes.add('warning', file, section, `not a mapping of components (got ${JSON.stringify(comps)}): not carried (the Collector refuses it too)`);
      continue;
    }
    for (const [rawId, settings0] of Object.entries(comps)) {
      const id = kind === 'exporter' ? libraryExporterId(rawId) : rawId;
      const where = `${section}.${rawId}`;
      const slash = id.indexOf('/');
      const type = slash < 0 ? id : id.slice(0, slash);
      const name = slash < 0 ? undefined : id.slice(slash + 1);
      const settings = isObject(settings0) ? settings0 : {};
      // Header values that become secrets are not written by the library; the others are escaped like any typed value.
      const plainHeaders = isObject(settings.headers) ? Object.entries(settings.headers).filter(([k, v]) => !isCredentialHeader(k) && !ENV_REF.test(String(v)) && !credentialValueReason(String(v))) : [];
      const dollars = hasDollar(kind === 'exporter' ? { ...settings, headers: Object.fromEntries(plainHeaders) } : settings);
      const split: Split = settings0 !== null && settings0 !== undefined && !isObject(settings0) ? {} : kind === 'receiver' ? receiver(type, settings, notes, file, where) : kind === 'processor' ? processor(type, settings, notes, file, where) : exporter(type, settings);
      let typed: Obj | undefined = !dollars && split.typed ? { type, ...(name !== undefined ? { name } : {}), ...split.typed } : undefined;
      if (typed && kind === 'exporter' && isObject(typed.headers)) {
        const h = typed.headers;
        typed = {
          ...typed,
          headers: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, isCredentialHeader(k) || ENV_REF.test(String(v)) || credentialValueReason(String(v)) ? secretsIn(String(v), 'authorization', notes, file, `${where}.headers.${k}`, wanted(`${id}_${k}`)) : String(v)])),
        };
      }
      const problems = typed ? componentProblems(kind, asProps(typed) as never) : [];
      if (typed && !problems.length) {
        out[section].push(typed);
        if (split.rest) {
          toRaw(section, id, secretsIn(split.rest, '', notes, file, where, wanted(id)));
          notes.add('escape-hatch', file, where, `${Object.keys(split.rest).join(', ')}: no field in the typed ${kind}: merged raw over it through rawConfig.${section}`);
        }
        continue;
      }
      const why = dollars ? 'values with ${...} expansions or $$ escapes are kept as the Collector reads them' : problems.length ? `the typed ${kind} would refuse it (${problems[0]})` : split.typed === undefined && ['otlp', 'prometheus', 'memory_limiter', 'batch', 'attributes', 'resource', 'tail_sampling', 'filter', 'otlphttp', 'prometheusremotewrite', 'debug'].includes(type) ? `its settings go beyond the typed ${kind}` : `no typed ${kind} of type ${JSON.stringify(type)} in the library`;
      toRaw(section, id, secretsIn(settings0 ?? {}, '', notes, file, where, wanted(id)));
      notes.add(why.startsWith('no typed') ? 'warning' : 'escape-hatch', file, where, `kept raw through rawConfig.${section} (unchecked by the library): ${why}`);
    }
  }
  for (const section of ['extensions', 'connectors'] as const) {
    if (!isObject(doc[section])) continue;
    for (const [id, v] of Object.entries(doc[section])) {
      toRaw(section, id, secretsIn(v ?? {}, '', notes, file, `${section}.${id}`, wanted(id)));
      notes.add('escape-hatch', file, `${section}.${id}`, `kept raw through rawConfig.${section}${id === 'health_check' ? ' (merged over the library\'s health_check)' : ''}`);
    }
  }
  const pipelines: Record<string, unknown> = {};
  const service = isObject(doc.service) ? doc.service : {};
  const rawService: Obj = {};
  for (const [k, v] of Object.entries(service)) {
    if (k === 'pipelines' && isObject(v)) {
      for (const [pid, p] of Object.entries(v)) {
        const pp = isObject(p) ? p : {};
        const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : undefined);
        const typed: Obj = defined({ receivers: list(pp.receivers), processors: list(pp.processors), exporters: list(pp.exporters)?.map(libraryExporterId) });
        const extra = take(pp, ['receivers', 'processors', 'exporters'])[1];
        const problems = typed.receivers && typed.exporters ? pipelineProblems(pid, typed as unknown as PipelineConfig) : ['receivers or exporters missing'];
        if (!problems.length && !extra) pipelines[pid] = typed;
        else {
          rawService.pipelines = { ...((rawService.pipelines as Obj) ?? {}), [pid]: typed.exporters ? { ...pp, exporters: typed.exporters } : pp };
          notes.add('escape-hatch', file, `service.pipelines.${pid}`, `kept raw through rawConfig.service.pipelines: ${extra ? `${Object.keys(extra).join(', ')} not typed` : problems[0]}`);
        }
      }
    } else if (k === 'extensions' && Array.isArray(v)) {
      rawService.extensions = ['health_check', ...v.map(String).filter((e) => e !== 'health_check')];
      notes.add('choice', file, 'service.extensions', `${v.join(', ')} enabled through rawConfig.service.extensions, with the library's health_check first (its endpoint 0.0.0.0:13133 is what checks the container)`);
    } else {
      rawService[k] = secretsIn(v, k, notes, file, `service.${k}`, wanted(k));
      notes.add('escape-hatch', file, `service.${k}`, 'kept raw through rawConfig.service');
    }
  }
  if (!Array.isArray(service.extensions)) notes.add('default', file, 'service.extensions', "the library's health_check extension (0.0.0.0:13133) is added: the Collector answers http://<name>:13133/ for external checks");
  if (Object.keys(rawService).length) raw.service = rawService;
  for (const k of Object.keys(doc).filter((x) => !['receivers', 'processors', 'exporters', 'extensions', 'connectors', 'service'].includes(x))) {
    notes.add('warning', file, k, `not a section of the Collector's configuration: not carried`);
  }
  const props: Obj = {
    receivers: out.receivers as unknown as ReceiverConfig[],
    processors: out.processors as unknown as ProcessorConfig[],
    exporters: out.exporters as unknown as ExporterConfig[],
    pipelines,
  };
  if (Object.keys(raw).length) props.rawConfig = new Commented('Escape hatch: Collector settings the typed props lack, deep-merged over the rendered config.yml (see the import report).', raw);
  return { file, props };
}

