import * as fs from 'fs';
import * as path from 'path';
import { Commented, Notes } from './model';
import { globFiles, ImportError, isObject, parseYaml, unknownKeys } from './parse';
import { secretsInRaw } from './raw-secrets';

/** A scrape job recognised as the blackbox `__param_target` pattern. */
export interface ImportedProbe {
  readonly jobName: string;
  readonly module: string;
  readonly targets: string[];
  readonly labels?: Record<string, string>;
  readonly scrapeInterval?: string;
  /** `host:port` of the exporter, as the job's last relabel rule wrote it. */
  readonly exporterAddress: string;
}

/** prometheus.yml and its rule files, as PrometheusServer props (plain data). */
export interface ImportedPrometheus {
  readonly file: string;
  /** PrometheusServerProps without scrapeJobs and ruleGroups. */
  readonly props: Record<string, unknown>;
  readonly scrapeJobs: Array<Record<string, unknown>>;
  readonly probes: ImportedProbe[];
  readonly ruleGroups: Array<{ file: string; groups: Array<Record<string, unknown>> }>;
  /** Rule groups whose alerts fail the library's alert policy (so alertPolicy is 'warn'). */
  readonly alertNames: string[];
}

const KNOWN_SD = [
  'azure', 'consul', 'digitalocean', 'docker', 'dockerswarm', 'dns', 'ec2', 'eureka', 'file', 'gce', 'hetzner', 'http', 'ionos', 'kubernetes', 'kuma', 'lightsail', 'linode',
  'marathon', 'nerve', 'nomad', 'openstack', 'ovhcloud', 'puppetdb', 'scaleway', 'serverset', 'triton', 'uyuni', 'vultr',
].map((k) => `${k}_sd_configs`);

const NATIVE_JOB_KEYS = [
  'job_name', 'honor_labels', 'scrape_interval', 'scrape_timeout', 'metrics_path', 'scheme', 'params', 'sample_limit', 'static_configs', 'relabel_configs',
  'metric_relabel_configs', 'basic_auth', 'bearer_token', 'authorization', 'tls_config', 'docker_sd_configs', 'kubernetes_sd_configs',
];
const RELABEL_KEYS: Record<string, string> = { source_labels: 'sourceLabels', separator: 'separator', regex: 'regex', target_label: 'targetLabel', replacement: 'replacement', action: 'action', modulus: 'modulus' };

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Imports prometheus.yml (and the rule files it lists, resolved relative to it). */
export function importPrometheus(file: string, text: string, notes: Notes): ImportedPrometheus {
  const doc = parseYaml(text, file, 'prometheus');
  const props: Record<string, unknown> = {};
  const g = isObject(doc.global) ? doc.global : {};
  // Prometheus' own defaults are 1m; the library's are 15s: write them out to keep the behaviour.
  for (const [key, prop, dflt] of [['scrape_interval', 'scrapeInterval', '1m'], ['scrape_timeout', 'scrapeTimeout', undefined], ['evaluation_interval', 'evaluationInterval', '1m']] as const) {
    if (g[key] !== undefined) props[prop] = str(g[key]);
    else if (dflt) {
      props[prop] = new Commented(`Prometheus' default (${key} not set in ${path.basename(file)}); the library's would be 15s.`, dflt);
      notes.add('default', file, `global.${key}`, `not set: Prometheus' default ${dflt} written out (the library's default is 15s)`);
    }
  }
  if (isObject(g.external_labels)) props.externalLabels = stringMap(g.external_labels);
  const globalRest = unknownKeys(g, ['scrape_interval', 'scrape_timeout', 'evaluation_interval', 'external_labels']);
  const raw: Record<string, unknown> = {};
  if (globalRest.length) {
    notes.add('escape-hatch', file, 'global', `${globalRest.join(', ')}: no library prop; the whole global section is written through rawConfig.global`);
    raw.global = secretsInRaw({ scrape_interval: '1m', evaluation_interval: '1m', ...g }, file, 'global', 'global', notes);
  }

  // Alerting: plain static host:port targets map to `alertmanagers`; anything else stays raw.
  if (doc.alerting !== undefined) {
    const am = isObject(doc.alerting) ? doc.alerting : {};
    const list = Array.isArray(am.alertmanagers) ? am.alertmanagers : [];
    const simple = unknownKeys(am, ['alertmanagers']).length === 0 && list.every((a) => isObject(a) && unknownKeys(a, ['static_configs']).length === 0 && Array.isArray(a.static_configs) && a.static_configs.every((s) => isObject(s) && unknownKeys(s, ['targets']).length === 0));
    if (simple) {
      const targets = list.flatMap((a) => (a as { static_configs: Array<{ targets?: unknown[] }> }).static_configs.flatMap((s) => (s.targets ?? []).map(str)));
      if (targets.length) props.alertmanagers = targets;
    } else {
      raw.alerting = secretsInRaw(doc.alerting, file, 'alerting', 'alerting', notes);
      notes.add('escape-hatch', file, 'alerting', 'Alertmanager discovery beyond static host:port targets: written through rawConfig.alerting');
    }
  }
  for (const key of unknownKeys(doc, ['global', 'alerting', 'scrape_configs', 'rule_files'])) {
    notes.add('escape-hatch', file, key, `no library prop: written as is through rawConfig.${key}`);
    raw[key] = secretsInRaw(doc[key], file, key, key, notes);
  }

  const scrapeJobs: Array<Record<string, unknown>> = [];
  const probes: ImportedProbe[] = [];
  const jobs = Array.isArray(doc.scrape_configs) ? doc.scrape_configs : [];
  let selfJob = false;
  jobs.forEach((j, i) => {
    if (!isObject(j)) {
      notes.add('warning', file, `scrape_configs[${i}]`, 'not a mapping: skipped');
      return;
    }
    const where = `scrape_configs[${i}] (job ${JSON.stringify(str(j.job_name))})`;
    if (j.job_name === 'prometheus' && unknownKeys(j, ['job_name', 'static_configs']).length === 0 && JSON.stringify(j.static_configs) === JSON.stringify([{ targets: ['localhost:9090'] }])) {
      selfJob = true;
      notes.add('choice', file, where, 'the self-scrape job is the library\'s own (scrapeSelf, on by default)');
      return;
    }
    const probe = asProbe(j);
    if (probe) {
      probes.push(probe);
      return;
    }
    scrapeJobs.push(importJob(j, file, where, notes));
  });
  if (!selfJob) props.scrapeSelf = new Commented(`${path.basename(file)} has no self-scrape job (job "prometheus" on localhost:9090).`, false);
  if (Object.keys(raw).length) props.rawConfig = new Commented('Escape hatch: keys the library has no prop for, written as they are (see the import report).', raw);

  const ruleGroups: ImportedPrometheus['ruleGroups'] = [];
  const alertNames: string[] = [];
  const ruleFiles = Array.isArray(doc.rule_files) ? doc.rule_files.map(str) : [];
  const base = path.dirname(path.resolve(file));
  for (const pattern of ruleFiles) {
    const found = globFiles(pattern, base);
    if (!found.length) {
      notes.add('warning', file, `rule_files ${JSON.stringify(pattern)}`, `no file matches ${JSON.stringify(pattern)} (resolved relative to ${base}): no rules imported from it`);
      continue;
    }
    for (const f of found) {
      const groups = importRuleFile(f, fs.readFileSync(f, 'utf8'), notes);
      ruleGroups.push({ file: f, groups });
      for (const grp of groups) for (const r of grp.rules as Array<Record<string, unknown>>) if (r.alert) alertNames.push(String(r.alert));
    }
  }
  return { file, props, scrapeJobs, probes, ruleGroups, alertNames };
}

function stringMap(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, str(v)]));
}

function importRelabel(r: unknown): Record<string, unknown> {
  const o = isObject(r) ? r : {};
  const out: Record<string, unknown> = {};
  for (const [k, prop] of Object.entries(RELABEL_KEYS)) {
    if (o[k] === undefined) continue;
    out[prop] = k === 'source_labels' ? (Array.isArray(o[k]) ? (o[k] as unknown[]).map(str) : [str(o[k])]) : k === 'modulus' ? Number(o[k]) : str(o[k]);
  }
  return out;
}

function isNativeRelabel(r: unknown): boolean {
  return isObject(r) && unknownKeys(r, Object.keys(RELABEL_KEYS)).length === 0;
}

/** One scrape job: native props where the library has them, `rawFields` for the rest. */
function importJob(j: Record<string, unknown>, file: string, where: string, notes: Notes): Record<string, unknown> {
  const out: Record<string, unknown> = { jobName: str(j.job_name) };
  const rawFields: Record<string, unknown> = {};
  const toRaw = (key: string, why: string) => {
    rawFields[key] = j[key];
    notes.add('escape-hatch', file, `${where}.${key}`, why);
  };
  if (j.honor_labels !== undefined) out.honorLabels = Boolean(j.honor_labels);
  if (j.scrape_interval !== undefined) out.scrapeInterval = str(j.scrape_interval);
  if (j.scrape_timeout !== undefined) out.scrapeTimeout = str(j.scrape_timeout);
  if (j.metrics_path !== undefined) out.metricsPath = str(j.metrics_path);
  if (j.scheme !== undefined) {
    if (j.scheme === 'http' || j.scheme === 'https') out.scheme = j.scheme;
    else toRaw('scheme', `scheme ${JSON.stringify(j.scheme)} is not http/https: written through rawFields`);
  }
  if (j.params !== undefined) {
    if (isObject(j.params) && Object.values(j.params).every(Array.isArray)) out.params = Object.fromEntries(Object.entries(j.params).map(([k, v]) => [k, (v as unknown[]).map(str)]));
    else toRaw('params', 'params not a map of lists: written through rawFields');
  }
  if (j.sample_limit !== undefined) out.sampleLimit = Number(j.sample_limit);
  if (j.static_configs !== undefined) {
    const groups = Array.isArray(j.static_configs) ? j.static_configs : [];
    if (groups.every((s) => isObject(s) && unknownKeys(s, ['targets', 'labels']).length === 0)) {
      const list = groups.map((s) => {
        const o = s as Record<string, unknown>;
        return { targets: (Array.isArray(o.targets) ? o.targets : []).map(str), ...(isObject(o.labels) ? { labels: stringMap(o.labels) } : {}) };
      });
      if (list.length === 1) {
        out.targets = list[0].targets;
        if (list[0].labels) out.labels = list[0].labels;
      } else if (list.length) out.staticConfigs = list;
    } else toRaw('static_configs', 'static_configs with keys beyond targets/labels: written through rawFields');
  }
  for (const [key, prop] of [['relabel_configs', 'relabelConfigs'], ['metric_relabel_configs', 'metricRelabelConfigs']] as const) {
    if (j[key] === undefined) continue;
    const list = Array.isArray(j[key]) ? (j[key] as unknown[]) : [];
    if (list.every(isNativeRelabel)) out[prop] = list.map(importRelabel);
    else toRaw(key, `${key} with keys the library has no option for: written through rawFields`);
  }
  if (j.basic_auth !== undefined) {
    const b = isObject(j.basic_auth) ? j.basic_auth : {};
    if (unknownKeys(b, ['username', 'password']).length === 0 && b.username !== undefined && b.password !== undefined) {
      out.basicAuth = { username: str(b.username), password: notes.secret(file, `${where}.basic_auth.password`, `${str(j.job_name)}_basic_auth_password`, b.password) };
    } else toRaw('basic_auth', 'basic_auth with password_file or without password: written through rawFields (a password_file must exist in the container)');
  }
  if (j.bearer_token !== undefined) out.bearerToken = notes.secret(file, `${where}.bearer_token`, `${str(j.job_name)}_bearer_token`, j.bearer_token);
  if (j.authorization !== undefined) {
    const a = isObject(j.authorization) ? j.authorization : {};
    if ((a.type === undefined || a.type === 'Bearer') && a.credentials !== undefined && unknownKeys(a, ['type', 'credentials']).length === 0 && out.bearerToken === undefined) {
      out.bearerToken = notes.secret(file, `${where}.authorization.credentials`, `${str(j.job_name)}_bearer_token`, a.credentials);
    } else toRaw('authorization', 'authorization other than Bearer credentials: written through rawFields');
  }
  if (j.tls_config !== undefined) {
    const t = isObject(j.tls_config) ? j.tls_config : {};
    if (unknownKeys(t, ['insecure_skip_verify', 'server_name', 'ca_file']).length === 0) {
      out.tlsConfig = {
        ...(t.insecure_skip_verify !== undefined ? { insecureSkipVerify: Boolean(t.insecure_skip_verify) } : {}),
        ...(t.server_name !== undefined ? { serverName: str(t.server_name) } : {}),
        ...(t.ca_file !== undefined ? { caFile: str(t.ca_file) } : {}),
      };
    } else toRaw('tls_config', `tls_config with ${unknownKeys(t, ['insecure_skip_verify', 'server_name', 'ca_file']).join(', ')}: written through rawFields`);
  }
  if (j.docker_sd_configs !== undefined) {
    const list = Array.isArray(j.docker_sd_configs) ? j.docker_sd_configs : [];
    if (list.every((d) => isObject(d) && d.host !== undefined && unknownKeys(d, ['host', 'refresh_interval', 'port']).length === 0)) {
      out.dockerSdConfigs = list.map((d, k) => {
        const o = d as Record<string, unknown>;
        if (o.refresh_interval === undefined) notes.add('default', file, `${where}.docker_sd_configs[${k}].refresh_interval`, "not set: Prometheus' default 60s written out (the library's default is 30s)");
        return { host: str(o.host), refreshInterval: o.refresh_interval !== undefined ? str(o.refresh_interval) : '60s', ...(o.port !== undefined ? { port: Number(o.port) } : {}) };
      });
    } else toRaw('docker_sd_configs', 'docker_sd_configs with filters or other options: written through rawFields');
  }
  if (j.kubernetes_sd_configs !== undefined) {
    const list = Array.isArray(j.kubernetes_sd_configs) ? j.kubernetes_sd_configs : [];
    const ok = list.every(
      (k) => isObject(k) && typeof k.role === 'string' && unknownKeys(k, ['role', 'namespaces']).length === 0 && (k.namespaces === undefined || (isObject(k.namespaces) && unknownKeys(k.namespaces, ['names']).length === 0)),
    );
    if (ok) {
      out.kubernetesSdConfigs = list.map((k) => {
        const o = k as Record<string, unknown>;
        const names = isObject(o.namespaces) && Array.isArray(o.namespaces.names) ? o.namespaces.names.map(str) : undefined;
        return { role: o.role, ...(names ? { namespaces: names } : {}) };
      });
    } else toRaw('kubernetes_sd_configs', 'kubernetes_sd_configs with selectors, api_server or other options: written through rawFields');
  }
  for (const key of unknownKeys(j, NATIVE_JOB_KEYS)) {
    if (key.endsWith('_sd_configs') && !KNOWN_SD.includes(key)) {
      rawFields[key] = j[key];
      notes.add('warning', file, `${where}.${key}`, `unknown discovery kind ${key}: kept raw (rawFields), unchecked`);
    } else toRaw(key, `${key}: no library option, written through rawFields`);
  }
  if (Object.keys(rawFields).length) out.rawFields = new Commented('Escape hatch: written as is (see the import report).', secretsInRaw(rawFields, file, where, str(j.job_name), notes));
  return out;
}

/** The blackbox pattern: /probe, one module, static targets, the three relabel rules. */
function asProbe(j: Record<string, unknown>): ImportedProbe | undefined {
  if (unknownKeys(j, ['job_name', 'metrics_path', 'params', 'static_configs', 'relabel_configs', 'scrape_interval']).length) return undefined;
  if (j.metrics_path !== '/probe' || !isObject(j.params) || Object.keys(j.params).length !== 1) return undefined;
  const modules = j.params.module;
  if (!Array.isArray(modules) || modules.length !== 1) return undefined;
  const sc = j.static_configs;
  if (!Array.isArray(sc) || sc.length !== 1 || !isObject(sc[0]) || unknownKeys(sc[0], ['targets', 'labels']).length || !Array.isArray(sc[0].targets)) return undefined;
  const rl = j.relabel_configs;
  if (!Array.isArray(rl) || rl.length !== 3 || !rl.every((r) => isObject(r) && (r.action === undefined || r.action === 'replace') && r.regex === undefined && r.separator === undefined)) return undefined;
  const [a, b, c] = rl as Array<Record<string, unknown>>;
  const same = (x: unknown, y: string[]) => JSON.stringify(x) === JSON.stringify(y);
  if (!(same(a.source_labels, ['__address__']) && a.target_label === '__param_target' && a.replacement === undefined)) return undefined;
  if (!(same(b.source_labels, ['__param_target']) && b.target_label === 'instance' && b.replacement === undefined)) return undefined;
  if (!(c.source_labels === undefined && c.target_label === '__address__' && typeof c.replacement === 'string' && /^[^\s:/]+:\d+$/.test(c.replacement))) return undefined;
  return {
    jobName: str(j.job_name),
    module: str(modules[0]),
    targets: (sc[0].targets as unknown[]).map(str),
    ...(isObject(sc[0].labels) ? { labels: stringMap(sc[0].labels) } : {}),
    ...(j.scrape_interval !== undefined ? { scrapeInterval: str(j.scrape_interval) } : {}),
    exporterAddress: c.replacement,
  };
}

/** A rule file: its groups as RuleGroup data. */
export function importRuleFile(file: string, text: string, notes: Notes): Array<Record<string, unknown>> {
  const doc = parseYaml(text, file, 'rules');
  if (!Array.isArray(doc.groups)) throw new ImportError('groups must be a list of rule groups', file);
  return doc.groups.map((g, gi) => {
    if (!isObject(g)) throw new ImportError(`groups[${gi}] is not a mapping`, file);
    const where = `groups[${gi}] (${JSON.stringify(str(g.name))})`;
    for (const k of unknownKeys(g, ['name', 'interval', 'query_offset', 'limit', 'labels', 'rules'])) notes.add('warning', file, `${where}.${k}`, `${k} is not a rule group key (Prometheus 3.14 has name, interval, query_offset, limit, labels, rules): not carried`);
    const out: Record<string, unknown> = { name: str(g.name) };
    if (g.interval !== undefined) out.interval = str(g.interval);
    // query_offset (Prometheus 2.53+) and labels (3.0+): the library refuses them for an older pinned image.
    if (g.query_offset !== undefined) out.queryOffset = str(g.query_offset);
    if (g.limit !== undefined) out.limit = Number(g.limit);
    if (isObject(g.labels)) out.labels = stringMap(g.labels);
    else if (g.labels !== undefined && g.labels !== null) notes.add('warning', file, `${where}.labels`, 'labels is not a mapping of label names to values: not carried');
    out.rules = (Array.isArray(g.rules) ? g.rules : []).map((r, ri) => {
      const o = isObject(r) ? r : {};
      for (const k of unknownKeys(o, ['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'])) notes.add('warning', file, `${where}.rules[${ri}].${k}`, `${k} is not a rule key: not carried`);
      const rule: Record<string, unknown> = o.alert !== undefined ? { alert: str(o.alert) } : { record: str(o.record) };
      rule.expr = str(o.expr);
      if (o.for !== undefined) rule.for = str(o.for);
      if (o.keep_firing_for !== undefined) rule.keepFiringFor = str(o.keep_firing_for);
      if (isObject(o.labels)) rule.labels = stringMap(o.labels);
      if (isObject(o.annotations) && o.alert !== undefined) rule.annotations = stringMap(o.annotations);
      return rule;
    });
    return out;
  });
}

