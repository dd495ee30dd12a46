import { Token } from 'cdktf';
import { DurationLike, resolveDuration } from '../core/duration';
import { labelNameProblem } from '../core/names';
import { literalSecretProblem } from '../core/secrets';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { Matcher } from './matchers';
import { ALERTMANAGER_CONFIG_DIR, AlertmanagerSecretFile, ReceiverSpec, renderReceiver } from './receivers';
import { RouteNode, renderRoute } from './route';

/** The `global` section. */
export interface AlertmanagerGlobal {
  /** @default '5m' */
  readonly resolveTimeout?: DurationLike;
  /** @default - none */
  readonly smtpFrom?: string;
  /** `host:port` @default - none */
  readonly smtpSmarthost?: string;
  /** @default - none */
  readonly smtpAuthUsername?: string;
  /** A token (sensitive variable). @default - none */
  readonly smtpAuthPassword?: string;
  /** @default true */
  readonly smtpRequireTls?: boolean;
  /** @default 'https://events.pagerduty.com/v2/enqueue' */
  readonly pagerdutyUrl?: string;
}

/** An inhibit rule: while a source alert fires, matching target alerts are muted. */
export interface InhibitRule {
  readonly sourceMatchers: Matcher[];
  readonly targetMatchers: Matcher[];
  /** Labels that must be equal in source and target. @default - none */
  readonly equal?: string[];
}

/** A time range within a day, `HH:MM` (24h). */
export interface TimeRange {
  readonly startTime: string;
  readonly endTime: string;
}

/** One time specification; all fields must match. */
export interface TimeSpec {
  /** @default - all day */
  readonly times?: TimeRange[];
  /** e.g. `['monday:friday', 'saturday']` @default - every day */
  readonly weekdays?: string[];
  /** e.g. `['1:5', '-1']` @default - every day of the month */
  readonly daysOfMonth?: string[];
  /** e.g. `['january:march', 'december']` or `['1:3']` @default - every month */
  readonly months?: string[];
  /** e.g. `['2026:2027']` @default - every year */
  readonly years?: string[];
  /** IANA time zone, e.g. `Europe/Zurich`. @default 'UTC' */
  readonly location?: string;
}

/** A named time interval, used to mute routes or make them active. */
export interface TimeInterval {
  readonly name: string;
  readonly timeIntervals: TimeSpec[];
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function rangeProblems(where: string, values: string[] | undefined, ok: (v: string) => boolean, example: string): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    const parts = v.split(':');
    if (parts.length > 2 || !parts.every((p) => ok(p.trim().toLowerCase()))) {
      out.push(`${where} has an invalid entry (got ${JSON.stringify(v)}). Use a value or an inclusive range, e.g. ${example}.`);
    }
  }
  return out;
}

/** Whether Go's time.LoadLocation would load `name` (the IANA database, `UTC` or `Local`). */
function validTimeZone(name: string): boolean {
  if (name === 'Local' || name === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function timeIntervalProblems(t: TimeInterval): string[] {
  const where = `time interval ${JSON.stringify(t.name)}`;
  const out: string[] = [];
  if (!/^[A-Za-z0-9_.-]+$/.test(t.name ?? '')) out.push(`${where}: the name must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(t.name)}).`);
  if (!t.timeIntervals?.length) out.push(`${where} has no time specification. Add at least one, e.g. { weekdays: ['saturday', 'sunday'] }.`);
  (t.timeIntervals ?? []).forEach((s, i) => {
    const w = `${where}: time_intervals[${i}]`;
    if (s.location !== undefined && !validTimeZone(s.location)) {
      out.push(`${w}.location is not an IANA time zone (got ${JSON.stringify(s.location)}). Use e.g. "Europe/Zurich", "UTC" or "Local".`);
    }
    for (const r of s.times ?? []) {
      const hm = /^([01]\d|2[0-4]):([0-5]\d)$/;
      if (!hm.test(r.startTime) || !hm.test(r.endTime) || r.startTime >= r.endTime) {
        out.push(`${w}.times has an invalid range (got ${JSON.stringify(r)}). Use HH:MM with start before end, e.g. { startTime: '09:00', endTime: '17:00' }.`);
      }
    }
    out.push(...rangeProblems(`${w}.weekdays`, s.weekdays, (p) => DAYS.includes(p), "'monday:friday'"));
    out.push(...rangeProblems(`${w}.days_of_month`, s.daysOfMonth, (p) => /^-?\d+$/.test(p) && Math.abs(Number(p)) >= 1 && Math.abs(Number(p)) <= 31, "'1:5' or '-1'"));
    out.push(...rangeProblems(`${w}.months`, s.months, (p) => MONTHS.includes(p) || (/^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 12), "'january:march' or '1:3'"));
    out.push(...rangeProblems(`${w}.years`, s.years, (p) => /^\d{4}$/.test(p), "'2026:2027'"));
  });
  return out;
}

export function inhibitRuleProblems(rule: InhibitRule, index: number): string[] {
  const where = `inhibit_rules[${index}]`;
  const out: string[] = [];
  if (!rule.sourceMatchers?.length) out.push(`${where} has no source matchers; it would let any alert mute others. Add e.g. Matcher.eq('alertname', 'NodeDown').`);
  if (!rule.targetMatchers?.length) out.push(`${where} has no target matchers; it would mute every alert. Add e.g. Matcher.eq('severity', 'warning').`);
  (rule.sourceMatchers ?? []).forEach((m) => out.push(...m.problems(`${where}.source_matchers`)));
  (rule.targetMatchers ?? []).forEach((m) => out.push(...m.problems(`${where}.target_matchers`)));
  for (const l of rule.equal ?? []) {
    const p = labelNameProblem(l);
    if (p) out.push(`${where}.equal entry ${p}`);
  }
  return out;
}

export function alertmanagerGlobalProblems(g: AlertmanagerGlobal): string[] {
  const out: string[] = [];
  if (g.resolveTimeout !== undefined) {
    const p = resolveDuration(g.resolveTimeout).problem;
    if (p) out.push(`global.resolve_timeout ${p}`);
  }
  if (g.smtpAuthPassword !== undefined) {
    const p = literalSecretProblem(g.smtpAuthPassword);
    if (p) out.push(`global.smtpAuthPassword ${p}`);
  }
  if (g.smtpSmarthost !== undefined && !Token.isUnresolved(g.smtpSmarthost) && !/^[^\s:]+:\d+$/.test(g.smtpSmarthost)) {
    out.push(`global.smtp_smarthost must be host:port (got ${JSON.stringify(g.smtpSmarthost)}), e.g. "smtp.example.com:587".`);
  }
  return out;
}

/** Everything alertmanager.yml is rendered from. */
export interface AlertmanagerConfigModel {
  readonly global: AlertmanagerGlobal;
  readonly route: RouteNode;
  readonly receivers: readonly ReceiverSpec[];
  readonly inhibitRules: readonly InhibitRule[];
  readonly timeIntervals: readonly TimeInterval[];
  /** Template file name → content. */
  readonly templates: ReadonlyMap<string, string>;
  /** Keys written as they are (escape hatch); `global` merges into the library's. */
  readonly rawConfig?: Record<string, unknown>;
}

/** A rendered file, relative to the Alertmanager config directory. */
export interface RenderedFile {
  readonly relativePath: string;
  readonly content: string;
  readonly secret?: boolean;
}

export const TEMPLATES_DIR = 'templates';

/**
 * Where the Alertmanager finds its secret files and templates. Docker uploads them under
 * `/etc/alertmanager`; the Prometheus Operator mounts secrets at
 * `/etc/alertmanager/secrets/<secret>/` and templates next to its generated config.
 */
export interface AlertmanagerLayout {
  /** Absolute directory of the secret files. */
  readonly secretsDir: string;
  /** The `templates` glob of alertmanager.yml. */
  readonly templatesGlob: string;
  /**
   * Webhook URLs that are references (secrets) go to a file read with `url_file`
   * (Alertmanager ≥ 0.26) instead of being inlined at apply time.
   * @default false (inlined: amtool 0.25, which checks the Docker configs, has no url_file)
   */
  readonly webhookUrlFile?: boolean;
}

/** The Docker layout: everything uploaded under /etc/alertmanager. */
export const DOCKER_ALERTMANAGER_LAYOUT: AlertmanagerLayout = { secretsDir: `${ALERTMANAGER_CONFIG_DIR}/secrets`, templatesGlob: `${TEMPLATES_DIR}/*.tmpl` };

/** alertmanager.yml as an object, with its templates and the secret files it references. */
export interface AlertmanagerDocument {
  readonly doc: Record<string, unknown>;
  /** Template name (without `.tmpl`) → content. */
  readonly templates: ReadonlyMap<string, string>;
  /** Secret files, relative to the config directory (`secrets/<name>`). */
  readonly secrets: readonly AlertmanagerSecretFile[];
}

/** Renders alertmanager.yml, its templates and secret files. */
export function renderAlertmanagerFiles(model: AlertmanagerConfigModel): RenderedFile[] {
  const { doc, secrets } = renderAlertmanagerDocument(model, DOCKER_ALERTMANAGER_LAYOUT);
  const yaml = toYaml(doc, GENERATED_HEADER);
  return [
    // Webhook URLs given as references are inlined (amtool 0.25 has no url_file): the file
    // then holds a secret and is delivered as one.
    { relativePath: 'alertmanager.yml', content: yaml, secret: Token.isUnresolved(yaml) || undefined },
    ...[...model.templates].map(([name, content]) => ({ relativePath: `${TEMPLATES_DIR}/${name}.tmpl`, content })),
    ...secrets.map((s) => ({ ...s, secret: true })),
  ];
}

/** The alertmanager.yml document for a layout (the one model behind every target). */
export function renderAlertmanagerDocument(model: AlertmanagerConfigModel, layout: AlertmanagerLayout): AlertmanagerDocument {
  const g = model.global;
  const secrets: AlertmanagerSecretFile[] = [];
  const global: Record<string, unknown> = { resolve_timeout: resolveDuration(g.resolveTimeout ?? '5m').text };
  if (g.smtpFrom !== undefined) global.smtp_from = g.smtpFrom;
  if (g.smtpSmarthost !== undefined) global.smtp_smarthost = g.smtpSmarthost;
  if (g.smtpAuthUsername !== undefined) global.smtp_auth_username = g.smtpAuthUsername;
  if (g.smtpAuthPassword !== undefined) {
    secrets.push({ relativePath: 'secrets/global.smtp_password', content: g.smtpAuthPassword });
    global.smtp_auth_password_file = `${layout.secretsDir}/global.smtp_password`;
  }
  if (g.smtpFrom !== undefined || g.smtpSmarthost !== undefined) global.smtp_require_tls = g.smtpRequireTls ?? true;
  if (g.pagerdutyUrl !== undefined) global.pagerduty_url = g.pagerdutyUrl;

  const doc: Record<string, unknown> = { global };
  if (model.templates.size) doc.templates = [layout.templatesGlob];
  doc.route = renderRoute(model.route);
  if (model.inhibitRules.length) {
    doc.inhibit_rules = model.inhibitRules.map((r) => ({
      source_matchers: r.sourceMatchers.map(String),
      target_matchers: r.targetMatchers.map(String),
      ...(r.equal?.length ? { equal: [...r.equal] } : {}),
    }));
  }
  doc.receivers = model.receivers.map((r) => {
    const rendered = renderReceiver(r, layout.secretsDir, { webhookUrlFile: layout.webhookUrlFile });
    secrets.push(...rendered.secrets);
    return rendered.yaml;
  });
  if (model.timeIntervals.length) {
    doc.time_intervals = model.timeIntervals.map((t) => ({
      name: t.name,
      time_intervals: t.timeIntervals.map((s) => {
        const o: Record<string, unknown> = {};
        if (s.times?.length) o.times = s.times.map((r) => ({ start_time: r.startTime, end_time: r.endTime }));
        if (s.weekdays?.length) o.weekdays = [...s.weekdays];
        if (s.daysOfMonth?.length) o.days_of_month = [...s.daysOfMonth];
        if (s.months?.length) o.months = [...s.months];
        if (s.years?.length) o.years = [...s.years];
        if (s.location) o.location = s.location;
        return o;
      }),
    }));
  }
  for (const [k, v] of Object.entries(model.rawConfig ?? {})) {
    doc[k] = k === 'global' && typeof v === 'object' && v !== null ? { ...global, ...v } : v;
  }
  return { doc, templates: model.templates, secrets };
}
