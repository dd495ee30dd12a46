import * as path from 'path';
import { Matcher } from '../alertmanager/matchers';
import { RouteNode, RouteOptions } from '../alertmanager/route';
import { isWatchdog } from '../alerting/policy';
import { Commented, FileRef, Notes } from './model';
import { secretsInRaw } from './raw-secrets';
import { globFiles, isObject, parseYaml, unknownKeys } from './parse';

/** A matcher as the generated code writes it: `Matcher.eq('severity', 'critical')`. */
export class MatcherCall {
  constructor(
    public readonly label: string,
    public readonly operator: '=' | '!=' | '=~' | '!~',
    public readonly value: string,
  ) {}
}

/** alertmanager.yml as AlertRoute props (plain data). */
export interface ImportedAlertmanager {
  readonly file: string;
  readonly props: Record<string, unknown>;
}

const KNOWN_KINDS = ['discord', 'email', 'msteams', 'msteamsv2', 'opsgenie', 'pagerduty', 'pushover', 'slack', 'sns', 'telegram', 'victorops', 'webex', 'webhook', 'wechat', 'jira', 'rocketchat'].map((k) => `${k}_configs`);
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

function matchersFrom(o: Record<string, unknown>, prefix: '' | 'source_' | 'target_', file: string, where: string, notes: Notes): MatcherCall[] {
  const out: MatcherCall[] = [];
  const match = o[`${prefix}match`];
  const matchRe = o[`${prefix}match_re`];
  const list = o[`${prefix}matchers`];
  if (isObject(match)) {
    for (const [k, v] of Object.entries(match)) out.push(new MatcherCall(k, '=', str(v)));
    notes.add('choice', file, `${where}.${prefix}match`, `historic ${prefix}match written as equality matchers (${prefix}matchers)`);
  }
  if (isObject(matchRe)) {
    for (const [k, v] of Object.entries(matchRe)) out.push(new MatcherCall(k, '=~', str(v)));
    notes.add('choice', file, `${where}.${prefix}match_re`, `historic ${prefix}match_re written as regex matchers (${prefix}matchers)`);
  }
  if (Array.isArray(list)) {
    for (const m of list) {
      // One entry may hold several comma-separated matchers, optionally in braces.
      for (const part of splitMatchers(str(m))) {
        const p = Matcher.parse(part);
        out.push(new MatcherCall(p.label, p.operator, p.value));
      }
    }
  }
  return out;
}

/** Splits `{a="x", b=~"y,z"}` or `a=x` into single matchers, respecting quotes. */
export function splitMatchers(text: string): string[] {
  let t = text.trim();
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '\\' && quoted) {
      cur += c + (t[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function importRoute(r: Record<string, unknown>, file: string, where: string, notes: Notes, root: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.receiver !== undefined) out.receiver = str(r.receiver);
  if (!root) {
    const m = matchersFrom(r, '', file, where, notes);
    if (m.length) out.matchers = m;
  }
  if (r.group_by !== undefined) out.groupBy = (Array.isArray(r.group_by) ? r.group_by : []).map(str);
  if (r.group_wait !== undefined) out.groupWait = str(r.group_wait);
  if (r.group_interval !== undefined) out.groupInterval = str(r.group_interval);
  if (r.repeat_interval !== undefined) out.repeatInterval = str(r.repeat_interval);
  if (r.continue === true) out.continue = true;
  if (Array.isArray(r.mute_time_intervals)) out.muteTimeIntervals = r.mute_time_intervals.map(str);
  if (Array.isArray(r.active_time_intervals)) out.activeTimeIntervals = r.active_time_intervals.map(str);
  if (Array.isArray(r.routes)) out.routes = r.routes.map((c, i) => importRoute(isObject(c) ? c : {}, file, `${where}.routes[${i}]`, notes, false));
  for (const k of unknownKeys(r, ['receiver', 'match', 'match_re', 'matchers', 'group_by', 'group_wait', 'group_interval', 'repeat_interval', 'continue', 'mute_time_intervals', 'active_time_intervals', 'routes'])) {
    notes.add('warning', file, `${where}.${k}`, `${k} is not a route key the library knows: not carried`);
  }
  return out;
}

/** Whether a webhook URL is plain enough to stay literal (no credentials, no query). */
function plainUrl(u: string): boolean {
  return /^https?:\/\/[^\s/@?#]+(\/[^\s?#]*)?$/.test(u) && !/token|secret|key|hooks\.slack\.com/i.test(u);
}

function importReceiver(r: Record<string, unknown>, globalSlackUrl: unknown, file: string, where: string, notes: Notes): Record<string, unknown> {
  const name = str(r.name);
  const out: Record<string, unknown> = { name };
  const raw: Record<string, unknown[]> = {};
  const secretName = (kind: string, i: number, field: string) => `${name}_${kind}_${field}${i ? `_${i}` : ''}`;
  const toRaw = (key: string, why: string, warn = false) => {
    raw[key] = r[key] as unknown[];
    notes.add(warn ? 'warning' : 'escape-hatch', file, `${where}.${key}`, why);
  };
  const list = (key: string) => (Array.isArray(r[key]) ? (r[key] as unknown[]).map((x) => (isObject(x) ? x : {})) : []);

  const slack = list('slack_configs');
  const slackKeys = ['api_url', 'channel', 'username', 'send_resolved', 'color', 'title', 'text', 'actions'];
  if (slack.length) {
    const ok = slack.every((s) => unknownKeys(s, slackKeys).length === 0 && (s.api_url !== undefined || globalSlackUrl !== undefined) && (s.actions === undefined || (Array.isArray(s.actions) && s.actions.every((a) => isObject(a) && unknownKeys(a, ['type', 'text', 'url', 'style']).length === 0))));
    if (ok) {
      out.slack = slack.map((s, i) => {
        const w = `${where}.slack_configs[${i}]`;
        if (s.api_url === undefined) notes.add('choice', file, `${w}.api_url`, 'not set: the global slack_api_url is given to this config (the library keeps each Slack URL in its own secret file)');
        const c: Record<string, unknown> = {
          webhookUrl: s.api_url !== undefined ? notes.secret(file, `${w}.api_url`, secretName('slack', i, 'webhook_url'), s.api_url) : notes.secret(file, 'global.slack_api_url', 'slack_api_url', globalSlackUrl),
        };
        if (s.channel !== undefined) c.channel = str(s.channel);
        if (s.username !== undefined) c.username = str(s.username);
        if (s.send_resolved !== undefined) c.sendResolved = Boolean(s.send_resolved);
        else {
          c.sendResolved = new Commented("Alertmanager's default for Slack; the library's would be true.", false);
          notes.add('default', file, `${w}.send_resolved`, "not set: Alertmanager's default false written out (the library's default is true)");
        }
        for (const k of ['color', 'title', 'text'] as const) if (s[k] !== undefined) c[k] = str(s[k]);
        if (Array.isArray(s.actions)) c.actions = s.actions.map((a: Record<string, unknown>) => ({ ...(a.type !== undefined ? { type: str(a.type) } : {}), text: str(a.text), url: str(a.url), ...(a.style !== undefined ? { style: str(a.style) } : {}) }));
        return c;
      });
    } else toRaw('slack_configs', 'Slack options the library has no prop for (or api_url_file): written through rawConfigs (literal URLs in it become secret variables)');
  }
  const pd = list('pagerduty_configs');
  if (pd.length) {
    const ok = pd.every((p) => p.routing_key !== undefined && unknownKeys(p, ['routing_key', 'severity', 'description', 'details', 'send_resolved', 'url']).length === 0);
    if (ok) {
      out.pagerduty = pd.map((p, i) => {
        const w = `${where}.pagerduty_configs[${i}]`;
        const c: Record<string, unknown> = { routingKey: notes.secret(file, `${w}.routing_key`, secretName('pagerduty', i, 'routing_key'), p.routing_key) };
        if (p.severity !== undefined) c.severity = str(p.severity);
        else {
          c.severity = new Commented("Alertmanager's default; the library's would be 'critical'.", 'error');
          notes.add('default', file, `${w}.severity`, "not set: Alertmanager's default \"error\" written out (the library's default is \"critical\")");
        }
        if (p.description !== undefined) c.description = str(p.description);
        if (isObject(p.details)) c.details = Object.fromEntries(Object.entries(p.details).map(([k, v]) => [k, str(v)]));
        if (p.send_resolved !== undefined) c.sendResolved = Boolean(p.send_resolved);
        if (p.url !== undefined) c.url = str(p.url);
        return c;
      });
    } else toRaw('pagerduty_configs', 'PagerDuty options the library has no prop for (service_key, links, ...): written through rawConfigs (literal keys in it become secret variables)');
  }
  const email = list('email_configs');
  if (email.length) {
    const ok = email.every((e) => e.to !== undefined && unknownKeys(e, ['to', 'from', 'smarthost', 'auth_username', 'auth_password', 'require_tls', 'send_resolved', 'headers']).length === 0);
    if (ok) {
      out.email = email.map((e, i) => {
        const w = `${where}.email_configs[${i}]`;
        const c: Record<string, unknown> = { to: str(e.to) };
        if (e.from !== undefined) c.from = str(e.from);
        if (e.smarthost !== undefined) c.smarthost = str(e.smarthost);
        if (e.auth_username !== undefined) c.authUsername = str(e.auth_username);
        if (e.auth_password !== undefined) c.authPassword = notes.secret(file, `${w}.auth_password`, secretName('email', i, 'password'), e.auth_password);
        if (e.require_tls !== undefined) c.requireTls = Boolean(e.require_tls);
        if (e.send_resolved !== undefined) c.sendResolved = Boolean(e.send_resolved);
        if (isObject(e.headers)) c.headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, str(v)]));
        return c;
      });
    } else toRaw('email_configs', 'email options the library has no prop for: written through rawConfigs');
  }
  const hooks = list('webhook_configs');
  if (hooks.length) {
    const ok = hooks.every((h) => h.url !== undefined && unknownKeys(h, ['url', 'max_alerts', 'send_resolved']).length === 0);
    if (ok) {
      out.webhook = hooks.map((h, i) => {
        const w = `${where}.webhook_configs[${i}]`;
        const url = str(h.url);
        const c: Record<string, unknown> = { url: plainUrl(url) ? url : notes.secret(file, `${w}.url`, secretName('webhook', i, 'url'), h.url) };
        if (h.max_alerts !== undefined) c.maxAlerts = Number(h.max_alerts);
        if (h.send_resolved !== undefined) c.sendResolved = Boolean(h.send_resolved);
        return c;
      });
    } else toRaw('webhook_configs', 'webhook options the library has no prop for (http_config, url_file, ...): written through rawConfigs');
  }
  for (const k of unknownKeys(r, ['name', 'slack_configs', 'pagerduty_configs', 'email_configs', 'webhook_configs'])) {
    if (KNOWN_KINDS.includes(k)) toRaw(k, `${k}: no library type, written through rawConfigs (unchecked; literal secrets in it become secret variables)`);
    else toRaw(k, `unknown receiver kind ${k}: kept raw (rawConfigs), unchecked`, true);
  }
  if (Object.keys(raw).length) out.rawConfigs = new Commented('Escape hatch: written as is (see the import report).', secretsInRaw(raw, file, where, name, notes));
  return out;
}

function importTimeInterval(t: Record<string, unknown>): Record<string, unknown> {
  const specs = Array.isArray(t.time_intervals) ? t.time_intervals : [];
  return {
    name: str(t.name),
    timeIntervals: specs.map((s: Record<string, unknown>) => {
      const o: Record<string, unknown> = {};
      if (Array.isArray(s.times)) o.times = s.times.map((r: Record<string, unknown>) => ({ startTime: str(r.start_time), endTime: str(r.end_time) }));
      for (const [k, p] of [['weekdays', 'weekdays'], ['days_of_month', 'daysOfMonth'], ['months', 'months'], ['years', 'years']] as const) if (Array.isArray(s[k])) o[p] = (s[k] as unknown[]).map(str);
      if (s.location !== undefined) o.location = str(s.location);
      return o;
    }),
  };
}

/**
 * Imports alertmanager.yml as AlertRoute props. `alerts` (name and labels of every alerting
 * rule imported with it) decides whether the routing check must be turned off.
 */
export function importAlertmanager(file: string, text: string, notes: Notes, outDir: string, alerts: Array<{ alert: string; expr?: string; labels?: Record<string, string> }> = [], externalLabels: Record<string, string> = {}): ImportedAlertmanager {
  const doc = parseYaml(text, file, 'alertmanager');
  const props: Record<string, unknown> = {};
  const raw: Record<string, unknown> = {};
  const g = isObject(doc.global) ? doc.global : {};
  const global: Record<string, unknown> = {};
  if (g.resolve_timeout !== undefined) global.resolveTimeout = str(g.resolve_timeout);
  for (const [k, p] of [['smtp_from', 'smtpFrom'], ['smtp_smarthost', 'smtpSmarthost'], ['smtp_auth_username', 'smtpAuthUsername'], ['pagerduty_url', 'pagerdutyUrl']] as const) if (g[k] !== undefined) global[p] = str(g[k]);
  if (g.smtp_auth_password !== undefined) global.smtpAuthPassword = notes.secret(file, 'global.smtp_auth_password', 'smtp_auth_password', g.smtp_auth_password);
  if (g.smtp_require_tls !== undefined) global.smtpRequireTls = Boolean(g.smtp_require_tls);
  const rawGlobal: Record<string, unknown> = {};
  for (const k of unknownKeys(g, ['resolve_timeout', 'smtp_from', 'smtp_smarthost', 'smtp_auth_username', 'smtp_auth_password', 'smtp_require_tls', 'pagerduty_url', 'slack_api_url'])) {
    rawGlobal[k] = g[k];
    notes.add('escape-hatch', file, `global.${k}`, 'no library prop: written through rawConfig.global');
  }
  if (Object.keys(rawGlobal).length) raw.global = rawGlobal;
  if (Object.keys(global).length) props.global = global;

  const route = isObject(doc.route) ? doc.route : {};
  const root = importRoute(route, file, 'route', notes, true);
  props.receiver = root.receiver ?? '';
  if (root.groupBy !== undefined) props.groupBy = root.groupBy;
  else props.groupBy = new Commented("route.group_by not set: no grouping (the library's default would group by alertname, cluster, service).", []);
  for (const k of ['groupWait', 'groupInterval', 'repeatInterval'] as const) if (root[k] !== undefined) props[k] = root[k];
  for (const k of ['muteTimeIntervals', 'activeTimeIntervals'] as const) {
    if (root[k] !== undefined) notes.add('warning', file, `route.${k}`, 'time intervals on the root route are not carried (Alertmanager refuses them there too)');
  }

  const receivers = (Array.isArray(doc.receivers) ? doc.receivers : []).map((r, i) => importReceiver(isObject(r) ? r : {}, g.slack_api_url, file, `receivers[${i}] (${JSON.stringify(str(isObject(r) ? r.name : ''))})`, notes));
  props.receivers = receivers;
  if (root.routes) props.routes = root.routes;

  const inhibit = Array.isArray(doc.inhibit_rules) ? doc.inhibit_rules : [];
  if (inhibit.length) {
    props.inhibitRules = inhibit.map((r, i) => {
      const o = isObject(r) ? r : {};
      const w = `inhibit_rules[${i}]`;
      return {
        sourceMatchers: matchersFrom(o, 'source_', file, w, notes),
        targetMatchers: matchersFrom(o, 'target_', file, w, notes),
        ...(Array.isArray(o.equal) ? { equal: o.equal.map(str) } : {}),
      };
    });
  }
  const intervals = [...(Array.isArray(doc.time_intervals) ? doc.time_intervals : [])];
  if (Array.isArray(doc.mute_time_intervals)) {
    intervals.push(...doc.mute_time_intervals);
    notes.add('choice', file, 'mute_time_intervals', 'the deprecated mute_time_intervals section is written as time_intervals (same meaning)');
  }
  if (intervals.length) props.timeIntervals = intervals.map((t) => importTimeInterval(isObject(t) ? t : {}));

  if (Array.isArray(doc.templates)) {
    const base = path.dirname(path.resolve(file));
    const templates: Record<string, unknown> = {};
    for (const pattern of doc.templates.map(str)) {
      // Paths in alertmanager.yml are container paths; look beside the file as well.
      let found = globFiles(pattern, base);
      if (!found.length && path.isAbsolute(pattern)) found = globFiles(path.join(path.basename(path.dirname(pattern)), path.basename(pattern)), base);
      if (!found.length) {
        notes.add('warning', file, `templates ${JSON.stringify(pattern)}`, `no template file matches ${JSON.stringify(pattern)} (looked relative to ${base}): not imported; receivers calling its templates will fail`);
        continue;
      }
      for (const f of found) templates[path.basename(f).replace(/\.tmpl$/, '').replace(/[^A-Za-z0-9_.-]/g, '_')] = new FileRef(path.relative(outDir, f), 'text');
    }
    if (Object.keys(templates).length) {
      props.templates = templates;
      notes.add('choice', file, 'templates', `template files read at synth from their paths (relative to the generated file) and written to /etc/alertmanager/templates/`);
    }
  }
  for (const k of unknownKeys(doc, ['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'templates'])) {
    raw[k] = doc[k];
    notes.add('escape-hatch', file, k, `no library prop: written as is through rawConfig.${k}`);
  }
  // Raw Slack configs without api_url rely on the global URL: keep it there for them.
  const rawSlackWithoutUrl = receivers.some((r) => {
    const rc = r.rawConfigs instanceof Commented ? (r.rawConfigs.value as Record<string, unknown[]>) : undefined;
    return (rc?.slack_configs ?? []).some((c) => isObject(c) && c.api_url === undefined && c.api_url_file === undefined);
  });
  if (rawSlackWithoutUrl && g.slack_api_url !== undefined) {
    raw.global = { ...((raw.global as Record<string, unknown>) ?? {}), slack_api_url: g.slack_api_url };
    notes.add('choice', file, 'global.slack_api_url', 'kept in rawConfig.global for the raw Slack configs that rely on it (as the secret variable of the Slack URL)');
  }
  if (Object.keys(raw).length) props.rawConfig = new Commented('Escape hatch: written as is (see the import report).', Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, secretsInRaw(v, file, k, k === 'global' ? '' : k, notes)])));

  // The library fails synth when an alert only reaches null receivers: keep the user's routing.
  const nullNames = new Set(receivers.filter((r) => Object.keys(r).length === 1).map((r) => String(r.name)));
  // Only null receivers can make the check fail: without any, skip the simulation.
  const tree = nullNames.size ? new RouteNode(toRouteOptions(root)) : undefined;
  const unrouted = !tree ? [] : alerts.filter((a) => !isWatchdog({ alert: a.alert, expr: a.expr ?? '' }) && tree.resolve({ ...externalLabels, alertname: a.alert, ...(a.labels ?? {}) }, true).every((n) => nullNames.has(n.receiver)));
  if (unrouted.length) {
    props.requireRouting = new Commented(`Kept as in ${path.basename(file)}: ${unrouted.map((a) => a.alert).join(', ')} only reach${unrouted.length === 1 ? 'es' : ''} null receivers.`, false);
    notes.add('choice', file, 'route', `requireRouting: false (the library's routing check would fail: ${unrouted.map((a) => a.alert).join(', ')} reach only null receivers)`);
  }
  return { file, props };
}

function toRouteOptions(r: Record<string, unknown>): RouteOptions {
  return {
    receiver: r.receiver as string | undefined,
    continue: r.continue as boolean | undefined,
    matchers: ((r.matchers ?? []) as MatcherCall[]).map((m) => (m.operator === '=' ? Matcher.eq(m.label, m.value) : m.operator === '!=' ? Matcher.ne(m.label, m.value) : m.operator === '=~' ? Matcher.re(m.label, m.value) : Matcher.notRe(m.label, m.value))),
    routes: ((r.routes ?? []) as Array<Record<string, unknown>>).map(toRouteOptions),
  };
}
