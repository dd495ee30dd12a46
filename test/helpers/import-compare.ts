// Semantic comparison of imported configuration files with the files the generated app
// renders: both sides are parsed and normalised (historic matcher syntaxes, secrets moved to
// files, durations), lists keyed by name (jobs, groups, receivers), and every difference is
// either a default made explicit (from the tables below), a secret turned into a variable,
// or a mismatch (a failure).
import { Matcher } from '../../lib/alertmanager/matchers';
import { splitMatchers } from '../../lib/importer/alertmanager';
import { globFiles } from '../../lib/importer/parse';
import { forPromtool242Rules, RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS } from './synth';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Difference {
  readonly path: string;
  readonly kind: 'default' | 'secret' | 'mismatch' | 'required' | 'rebased';
  readonly input?: unknown;
  readonly output?: unknown;
  /** For `required`: why the construct writes it. */
  readonly why?: string;
}

export const SECRET = '<secret>';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** Scalars as Go reads them into string fields; durations in milliseconds. */
export function scalar(v: unknown): string {
  const s = String(v);
  if (DURATION.test(s)) {
    let ms = 0;
    for (const m of s.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * UNITS[m[2]];
    return `${ms}ms`;
  }
  return s.startsWith('stand-in-for-') ? SECRET : s;
}

/** A list of objects as an object keyed by `key` (jobs by job_name, receivers by name). */
export function keyed(list: unknown, key: string): Record<string, Json> {
  return Object.fromEntries((Array.isArray(list) ? list : []).map((e: Json) => [String(e?.[key]), e]));
}

/**
 * Compares two normalised trees. `defaults` lists, by path pattern, the value a key takes
 * when absent: a key present on one side only with that value is a default made explicit.
 */
export function compare(input: Json, output: Json, defaults: Array<[RegExp, string]>, path = ''): Difference[] {
  const out: Difference[] = [];
  const isObj = (x: unknown): boolean => typeof x === 'object' && x !== null;
  if (isObj(input) && isObj(output) && Array.isArray(input) === Array.isArray(output)) {
    const keys = Array.isArray(input) ? [...Array(Math.max(input.length, output.length)).keys()].map(String) : [...new Set([...Object.keys(input), ...Object.keys(output)])];
    for (const k of keys) {
      const p = path ? `${path}/${k}` : k;
      const a = input[k];
      const b = output[k];
      if (a === undefined || b === undefined) {
        const present = a === undefined ? b : a;
        const dflt = defaults.find(([re]) => re.test(p))?.[1];
        if (dflt !== undefined && !isObj(present) && scalar(present) === dflt) out.push({ path: p, kind: 'default', input: a, output: b });
        else out.push({ path: p, kind: 'mismatch', input: a, output: b });
        continue;
      }
      out.push(...compare(a, b, defaults, p));
    }
    return out;
  }
  if (isObj(input) || isObj(output)) return [{ path, kind: 'mismatch', input, output }];
  const a = scalar(input);
  const b = scalar(output);
  if (a === b) return [];
  if (b === SECRET && a !== '') return [{ path, kind: 'secret', input: '(literal or ${ENV})', output: SECRET }];
  return [{ path, kind: 'mismatch', input, output }];
}

/** `X_file` keys pointing at the library's secret files become `X: <secret>`. */
export function secretFiles(v: Json): Json {
  if (Array.isArray(v)) return v.map(secretFiles);
  if (typeof v !== 'object' || v === null) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.endsWith('_file') && typeof x === 'string' && /(^|\/)secrets\//.test(x)) out[k.slice(0, -'_file'.length)] = SECRET;
    else out[k] = secretFiles(x);
  }
  return out;
}

// ---------------------------------------------------------------------------------- Prometheus

export const PROMETHEUS_DEFAULTS: Array<[RegExp, string]> = [
  [/^global\/scrape_interval$/, '60000ms'],
  [/^global\/evaluation_interval$/, '60000ms'],
  [/^global\/scrape_timeout$/, '10000ms'],
  [/\/(relabel_configs|metric_relabel_configs)\/\d+\/action$/, 'replace'],
  [/\/docker_sd_configs\/\d+\/refresh_interval$/, '60000ms'],
  [/\/authorization\/type$/, 'Bearer'],
];

function authorization(job: Json): Json {
  const j = { ...job };
  if (j.bearer_token !== undefined) {
    j.authorization = { type: 'Bearer', credentials: j.bearer_token };
    delete j.bearer_token;
  }
  if (j.static_configs) j.static_configs = j.static_configs.map((s: Json) => ({ ...s, ...(s.labels && !Object.keys(s.labels).length ? { labels: undefined } : {}) }));
  return j;
}

/** prometheus.yml with jobs keyed by name; rule_files left out (the groups are compared). */
export function normalisePrometheus(doc: Json): Json {
  const d = secretFiles(doc);
  delete d.rule_files;
  d.scrape_configs = keyed((d.scrape_configs ?? []).map(authorization), 'job_name');
  return d;
}

/** Rule groups of several files, keyed by name (rules in order). */
export function normaliseRuleGroups(docs: Json[]): Json {
  return keyed(docs.flatMap((d) => d?.groups ?? []), 'name');
}

// -------------------------------------------------------------------------------- Alertmanager

export const ALERTMANAGER_DEFAULTS: Array<[RegExp, string]> = [
  [/^global\/resolve_timeout$/, '300000ms'],
  [/^global\/smtp_require_tls$/, 'true'],
  [/^route\/group_wait$/, '30000ms'],
  [/^route\/group_interval$/, '300000ms'],
  [/^route\/repeat_interval$/, '14400000ms'],
  [/\/slack_configs\/\d+\/send_resolved$/, 'false'],
  [/\/slack_configs\/\d+\/actions\/\d+\/type$/, 'button'],
  [/\/email_configs\/\d+\/send_resolved$/, 'false'],
  [/\/pagerduty_configs\/\d+\/send_resolved$/, 'true'],
  [/\/pagerduty_configs\/\d+\/severity$/, 'error'],
  [/\/webhook_configs\/\d+\/send_resolved$/, 'true'],
];

function canonicalMatchers(o: Json, prefix: string): string[] | undefined {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o[`${prefix}match`] ?? {})) out.push(`${k}="${v}"`);
  for (const [k, v] of Object.entries(o[`${prefix}match_re`] ?? {})) out.push(`${k}=~"${v}"`);
  for (const m of o[`${prefix}matchers`] ?? []) {
    for (const part of splitMatchers(String(m))) {
      const p = Matcher.parse(part);
      out.push(`${p.label}${p.operator}"${p.value}"`);
    }
  }
  return out.length ? out.sort() : undefined;
}

function normaliseRoute(r: Json): Json {
  const out: Json = { ...r };
  const m = canonicalMatchers(r, '');
  delete out.match;
  delete out.match_re;
  delete out.matchers;
  if (m) out.matchers = m;
  if (Array.isArray(out.group_by) && !out.group_by.length) delete out.group_by;
  if (out.continue === false) delete out.continue;
  if (out.routes) out.routes = out.routes.map(normaliseRoute);
  return out;
}

/** alertmanager.yml in one canonical form: matchers as sorted `label op "value"`, secrets in files. */
export function normaliseAlertmanager(doc: Json): Json {
  const d = secretFiles(JSON.parse(JSON.stringify(doc)));
  const slackUrl = d.global?.slack_api_url;
  for (const r of d.receivers ?? []) for (const c of r.slack_configs ?? []) if (c.api_url === undefined && slackUrl !== undefined) c.api_url = slackUrl;
  if (d.global) delete d.global.slack_api_url;
  d.route = normaliseRoute(d.route ?? {});
  d.inhibit_rules = (d.inhibit_rules ?? []).map((r: Json) => ({ source_matchers: canonicalMatchers(r, 'source_'), target_matchers: canonicalMatchers(r, 'target_'), ...(r.equal ? { equal: r.equal } : {}) }));
  if (!d.inhibit_rules.length) delete d.inhibit_rules;
  const intervals = [...(d.time_intervals ?? []), ...(d.mute_time_intervals ?? [])];
  delete d.mute_time_intervals;
  delete d.time_intervals;
  if (intervals.length) d.time_intervals = keyed(intervals, 'name');
  d.receivers = keyed(d.receivers, 'name');
  delete d.templates;
  return d;
}

/**
 * Label sets that exercise every route: along each path from the root, the equality
 * matchers' values (and the first alternative of simple regexes), plus each route alone.
 */
export function routeLabelSets(route: Json): Array<Record<string, string>> {
  const sets: Array<Record<string, string>> = [{ alertname: 'Unrouted' }];
  const walk = (r: Json, inherited: Record<string, string>) => {
    const labels = { ...inherited };
    for (const m of canonicalMatchers(r, '') ?? []) {
      const p = Matcher.parse(m);
      if (p.operator === '=') labels[p.label] = p.value;
      else if (p.operator === '=~') {
        const alt = p.value.split('|')[0].replace(/\.\*/g, 'x').replace(/[()^$]/g, '');
        if (/^[\w.-]+$/.test(alt)) labels[p.label] = alt;
      }
    }
    if (Object.keys(labels).length) sets.push({ alertname: 'RouteProbe', ...labels });
    for (const c of r.routes ?? []) walk(c, labels);
  };
  for (const c of route.routes ?? []) walk(c, {});
  return sets;
}

// ----------------------------------------------------------------------------------- Blackbox

export const BLACKBOX_DEFAULTS: Array<[RegExp, string]> = [
  // The library always writes a timeout (5s); the exporter would derive one from the scrape timeout.
  [/^modules\/[^/]+\/timeout$/, '5000ms'],
];

export function normaliseBlackbox(doc: Json): Json {
  return { modules: doc?.modules ?? {} };
}

// -------------------------------------------------------------------------------- tool checks

/**
 * `promtool check config` on a prometheus.yml, run on a copy of its directory. Rule group keys
 * promtool 2.42 lacks (query_offset, labels: {@link RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS}) are
 * removed from the rule files it lists, and Debian's promtool is built without some service
 * discoveries (kubernetes, consul, ...): the keys it does not know are removed too. Both are
 * listed in `stripped`, so a caller checks that both sides lose the same keys.
 */
export function promtoolCheckPortable(file: string, run: (cmd: string, args: string[]) => { code: number; stdout: string; stderr: string }): { code: number; output: string; stripped: string[] } {
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');
  const { parse, stringify } = require('yaml') as typeof import('yaml');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-portable-'));
  try {
    fs.cpSync(path.dirname(file), dir, { recursive: true });
    const copy = path.join(dir, path.basename(file));
    const stripped = new Set<string>();
    for (const pattern of parse(fs.readFileSync(copy, 'utf8'))?.rule_files ?? []) {
      for (const f of globFiles(String(pattern), dir)) {
        const text = fs.readFileSync(f, 'utf8');
        for (const g of parse(text)?.groups ?? []) for (const k of RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS) if (g && k in g) stripped.add(`${path.basename(f)}: group ${g.name} ${k}`);
        fs.writeFileSync(f, forPromtool242Rules(text));
      }
    }
    let r = run('promtool', ['check', 'config', copy]);
    const unknown = [...new Set([...`${r.stdout}${r.stderr}`.matchAll(/field (\w+_sd_configs) not found in type config\.ScrapeConfig/g)].map((m) => m[1]))].sort();
    if (r.code !== 0 && unknown.length) {
      const doc = parse(fs.readFileSync(copy, 'utf8'));
      for (const job of doc.scrape_configs ?? []) for (const k of unknown) delete job[k];
      fs.writeFileSync(copy, stringify(doc));
      r = run('promtool', ['check', 'config', copy]);
    }
    return { code: r.code, output: `${r.stdout}${r.stderr}`, stripped: [...[...stripped].sort(), ...unknown] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A copy of an alertmanager.yml with `${VAR}` references (which Alertmanager does not
 * expand; the course relies on envsubst) and the test's secret stand-ins replaced by URLs.
 */
export function alertmanagerCheckable(file: string): string {
  const fs = require('fs') as typeof import('fs');
  const text = fs.readFileSync(file, 'utf8').replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, 'https://stand-in.invalid/$1').replace(/stand-in-for-[^\s"']+/g, 'https://stand-in.invalid/secret');
  const copy = file.replace(/\.ya?ml$/, '.checkable.yml');
  fs.writeFileSync(copy, text);
  return copy;
}

// ------------------------------------------------------------------------ Loki, Tempo, Promtail

/**
 * Engine defaults read from the engine fixtures (test/fixtures/engines/*.json: "..., default X"),
 * as compare() patterns: a key the construct writes and the input leaves out is a default made
 * explicit only when its value is the one the fixture records.
 */
export function fixtureDefaults(keys: Record<string, string>): Array<[RegExp, string]> {
  const out: Array<[RegExp, string]> = [];
  for (const [k, v] of Object.entries(keys)) {
    const m = /default ("?)([^",() ]+)\1/.exec(v);
    if (!m) continue;
    const pattern = k.replace(/\./g, '/').replace(/\[\]/g, '/\\d+').replace(/<name>/g, '[^/]+');
    out.push([new RegExp(`^${pattern}$`), scalar(m[2])]);
  }
  return out;
}

/** Differences a construct makes on purpose because the engine would not start otherwise (each listed). */
export const REQUIRED: Array<[RegExp, string, string]> = [
  // Loki 3 refuses compactor.retention_enabled without a delete request store (lib/loki/config.ts).
  [/^compactor\/delete_request_store$/, 'filesystem', 'Loki 3 requires it with retention_enabled'],
];

/**
 * compare(), with the REQUIRED differences as their own kind, and paths under the Compose
 * mount of the data volume (`rebase[0]`) moved to the construct's mount (`rebase[1]`) as
 * kind `rebased` (the same files of the same volume).
 */
export function compareEngine(input: Json, output: Json, defaults: Array<[RegExp, string]>, rebase?: [string, string]): Difference[] {
  return compare(input, output, defaults).map((d) => {
    const r = REQUIRED.find(([re, v]) => re.test(d.path) && d.kind === 'mismatch' && d.input === undefined && d.output === v);
    if (r) return { path: d.path, kind: 'required', output: d.output, why: r[2] };
    const a = String(d.input);
    if (rebase && d.kind === 'mismatch' && typeof d.input === 'string' && (a === rebase[0] || a.startsWith(`${rebase[0]}/`)) && d.output === `${rebase[1]}${a.slice(rebase[0].length)}`) {
      return { ...d, kind: 'rebased' };
    }
    return d;
  });
}

/** Promtail: jobs keyed by name. */
export function normalisePromtail(doc: Json): Json {
  return { ...doc, scrape_configs: keyed(doc.scrape_configs ?? [], 'job_name') };
}
