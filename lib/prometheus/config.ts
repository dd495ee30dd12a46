import { DurationLike, resolveDuration } from '../core/duration';
import { labelNameProblem } from '../core/names';
import { matchesSnapshot, snapshotOf } from '../core/produced-memo';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { stringText } from '../core/yaml-emit';
import { isAlertingRule, RuleGroup, renderRuleGroup, ruleGroupProblems } from './rules';
import { deliverRawSecrets } from './raw-secrets';
import { rawFieldsDelivery, ScrapeJobOptions, SecretFile, renderScrapeJob, scrapeJobProblems, slug } from './scrape';
import { flat } from '../core/flat-string';

/** The `global` section. */
export interface GlobalConfig {
  /** @default '15s' */
  readonly scrapeInterval?: DurationLike;
  /** @default '10s' */
  readonly scrapeTimeout?: DurationLike;
  /** @default '15s' */
  readonly evaluationInterval?: DurationLike;
  /** Labels added to every series and alert leaving this server. @default - none */
  readonly externalLabels?: Record<string, string>;
}

/** Everything prometheus.yml and its rule files are rendered from. */
export interface PrometheusConfigModel {
  readonly global: GlobalConfig;
  readonly scrapeJobs: readonly ScrapeJobOptions[];
  readonly ruleGroups: readonly RuleGroup[];
  /** `host:port` of each Alertmanager. */
  readonly alertmanagers: readonly string[];
  /** Top-level keys written as they are (escape hatch), e.g. `remote_write`. */
  readonly rawConfig?: Record<string, unknown>;
  /**
   * Write `global.scrape_native_histograms: true` (Prometheus 3.8+; older versions take the
   * `native-histograms` feature flag instead and refuse the key).
   * @default false
   */
  readonly scrapeNativeHistograms?: boolean;
}

/** The directory of rule files, relative to the config file. */
export const RULES_DIR = 'rules';

export function prometheusGlobalProblems(g: GlobalConfig): string[] {
  const out: string[] = [];
  for (const [k, v] of [['scrape_interval', g.scrapeInterval], ['scrape_timeout', g.scrapeTimeout], ['evaluation_interval', g.evaluationInterval]] as const) {
    if (v !== undefined) {
      const p = resolveDuration(v).problem;
      if (p) out.push(`global.${k} ${p}`);
    }
  }
  const si = resolveDuration(g.scrapeInterval ?? '15s').ms;
  const st = g.scrapeTimeout !== undefined ? resolveDuration(g.scrapeTimeout).ms : undefined;
  if (si !== undefined && st !== undefined && st > si) {
    out.push(`global.scrape_timeout (${resolveDuration(g.scrapeTimeout!).text}) is greater than global.scrape_interval (${resolveDuration(g.scrapeInterval ?? '15s').text}). Lower the timeout or raise the interval.`);
  }
  for (const k of Object.keys(g.externalLabels ?? {})) {
    const p = labelNameProblem(k);
    if (p) out.push(`global.external_labels key ${p}`);
  }
  return out;
}

/** Problems with a job, including a clash with the names of jobs already present. */
export function jobProblemsInContext(job: ScrapeJobOptions, existingNames: ReadonlySet<string>, g: GlobalConfig): string[] {
  const si = resolveDuration(g.scrapeInterval ?? '15s').ms;
  const st = g.scrapeTimeout !== undefined ? resolveDuration(g.scrapeTimeout).ms : Math.min(10_000, si ?? 10_000);
  const out = scrapeJobProblems(job, si, st);
  if (existingNames.has(job.jobName)) {
    out.unshift(`scrape job ${JSON.stringify(job.jobName)} is already defined. Job names must be unique per Prometheus server; rename one of them.`);
  }
  return out;
}

/**
 * Problems with a group, including a clash with groups already present. `existingFiles`
 * maps each rule file slug to the name of the group written there.
 */
export function groupProblemsInContext(group: RuleGroup, existingFiles: ReadonlyMap<string, string>): string[] {
  const out = ruleGroupProblems(group);
  const owner = existingFiles.get(slug(group.name));
  if (owner === group.name) {
    out.unshift(`rule group ${JSON.stringify(group.name)} is already defined. Group names must be unique per Prometheus server; rename one or merge their rules.`);
  } else if (owner !== undefined) {
    out.unshift(`rule group ${JSON.stringify(group.name)} would be written to the same file as group ${JSON.stringify(owner)} (${RULES_DIR}/${slug(group.name)}.yml). Rename one of them.`);
  }
  return out;
}

/** Renders prometheus.yml. Rule files are referenced relative to it. */
export function renderPrometheusYaml(model: PrometheusConfigModel): string {
  const g = model.global;
  const doc: Record<string, unknown> = {
    global: {
      scrape_interval: resolveDuration(g.scrapeInterval ?? '15s').text,
      // Left out when not given: Prometheus then uses min(10s, scrape_interval).
      ...(g.scrapeTimeout !== undefined ? { scrape_timeout: resolveDuration(g.scrapeTimeout).text } : {}),
      evaluation_interval: resolveDuration(g.evaluationInterval ?? '15s').text,
      ...(g.externalLabels && Object.keys(g.externalLabels).length ? { external_labels: g.externalLabels } : {}),
      ...(model.scrapeNativeHistograms ? { scrape_native_histograms: true } : {}),
    },
  };
  if (model.ruleGroups.length) doc.rule_files = [`${RULES_DIR}/*.yml`];
  if (model.alertmanagers.length) {
    doc.alerting = { alertmanagers: [{ static_configs: [{ targets: [...model.alertmanagers] }] }] };
  }
  doc.scrape_configs = model.scrapeJobs.map((j) => renderScrapeJob(j));
  if (model.rawConfig) {
    // `global` merges key by key (the raw keys win), so settings the library derives there
    // (e.g. scrape_native_histograms on Prometheus 3.8+) survive an imported global block;
    // every other raw key replaces the library's.
    const { global: rawGlobal, ...rest } = deliverRawSecrets(model.rawConfig, RAW_CONFIG_SECRETS_PREFIX).value as Record<string, unknown>;
    Object.assign(doc, rest);
    if (rawGlobal !== undefined) {
      doc.global = rawGlobal !== null && typeof rawGlobal === 'object' && !Array.isArray(rawGlobal) ? { ...(doc.global as object), ...rawGlobal } : rawGlobal;
    }
  }
  return toYaml(doc, GENERATED_HEADER);
}

/** Secret files of the prometheus.yml escape hatches start with this name (`secrets/config.remote_write.0...`). */
const RAW_CONFIG_SECRETS_PREFIX = 'config';

/**
 * The secret files the raw escape hatches need (references in `rawConfig` and in jobs'
 * `rawFields` under a key with a `*_file` form), and whether prometheus.yml itself holds a
 * reference (one without a file form, e.g. in a URL), which makes it a secret file.
 */
export function rawSecrets(model: Pick<PrometheusConfigModel, 'rawConfig' | 'scrapeJobs'>): { files: SecretFile[]; inlineInConfig: boolean } {
  const config = deliverRawSecrets(model.rawConfig ?? {}, RAW_CONFIG_SECRETS_PREFIX);
  const jobs = model.scrapeJobs.map((j) => rawFieldsDelivery(j));
  return { files: config.files, inlineInConfig: config.inline.length > 0 || jobs.some((j) => j.inline.length > 0) };
}

/**
 * Renders each rule group to its own file: `rules/<group>.yml` → content.
 *
 * cdktf resolves the upload that holds these files twice per synth (prepareStack, then
 * toTerraform), so each group's file is remembered with the group (by object, with a
 * snapshot of its values, so a group changed in between renders anew) and the second pass
 * reuses the same text: 3,000 files at 1,000 services (issue 16). A group holding a token is
 * rendered each time (a token becomes a fresh `jsonencode` token per rendering).
 */
export function renderRuleFiles(groups: readonly RuleGroup[]): Array<{ relativePath: string; content: string }> {
  return groups.map((g) => {
    const hit = RULE_FILES.get(g);
    if (hit !== undefined && matchesSnapshot(g, hit.snapshot)) return { relativePath: hit.relativePath, content: hit.content };
    const file = { relativePath: `${RULES_DIR}/${slug(g.name)}.yml`, content: ruleFileText(g) ?? toYaml({ groups: [renderRuleGroup(g)] }, GENERATED_HEADER) };
    const snapshot = snapshotOf(g);
    if (snapshot !== undefined) RULE_FILES.set(g, { snapshot, ...file });
    else RULE_FILES.delete(g);
    return file;
  });
}

/**
 * The rule file of `g` written directly: byte for byte what `toYaml({ groups:
 * [renderRuleGroup(g)] }, GENERATED_HEADER)` writes (the emitter's layout, its string
 * writer), without building the document and walking it (3,000 files at 1,000 services,
 * issue 16). Undefined for anything but the usual shape (a value that is not a string, a
 * string starting with `$` such as a token, a text the emitter is unsure of): the caller then
 * renders the document. test/lib/prometheus/rule-files.property.test.ts compares both.
 */
export function ruleFileText(g: RuleGroup): string | undefined {
  // `groups:` / `  - ` then the group's map at indent 4 (values at 6), its rules at 6, each
  // rule's map at 8 (values at 10), their label maps at 10 (values at 12).
  let out = `# ${GENERATED_HEADER}\ngroups:\n  - name:`;
  const name = valueText(g.name, '      ');
  if (name === undefined) return undefined;
  out += name;
  if (g.interval !== undefined) {
    const text = durationText(g.interval, '      ');
    if (text === undefined) return undefined;
    out += `\n    interval:${text}`;
  }
  if (g.queryOffset !== undefined) {
    const text = durationText(g.queryOffset, '      ');
    if (text === undefined) return undefined;
    out += `\n    query_offset:${text}`;
  }
  if (g.limit !== undefined) {
    if (typeof g.limit !== 'number' || !Number.isFinite(g.limit) || Object.is(g.limit, -0)) return undefined;
    out += `\n    limit: ${JSON.stringify(g.limit)}`;
  }
  if (g.labels && Object.keys(g.labels).length) {
    const labels = mapText(g.labels, '      ');
    if (labels === undefined) return undefined;
    out += `\n    labels:${labels}`;
  }
  if (!Array.isArray(g.rules) || g.rules.length === 0) return undefined;
  out += '\n    rules:';
  for (const rule of g.rules) {
    if (rule === null || typeof rule !== 'object') return undefined;
    const alerting = isAlertingRule(rule);
    const head = alerting ? valueText(rule.alert, '          ') : valueText(rule.record, '          ');
    const expr = valueText(rule.expr, '          ');
    if (head === undefined || expr === undefined) return undefined;
    out += `\n      - ${alerting ? 'alert' : 'record'}:${head}\n        expr:${expr}`;
    if (alerting && rule.for !== undefined) {
      const text = durationText(rule.for, '          ');
      if (text === undefined) return undefined;
      out += `\n        for:${text}`;
    }
    if (alerting && rule.keepFiringFor !== undefined) {
      const text = durationText(rule.keepFiringFor, '          ');
      if (text === undefined) return undefined;
      out += `\n        keep_firing_for:${text}`;
    }
    if (rule.labels && Object.keys(rule.labels).length) {
      const labels = mapText(rule.labels, '          ');
      if (labels === undefined) return undefined;
      out += `\n        labels:${labels}`;
    }
    if (alerting && rule.annotations && Object.keys(rule.annotations).length) {
      const annotations = mapText(rule.annotations, '          ');
      if (annotations === undefined) return undefined;
      out += `\n        annotations:${annotations}`;
    }
  }
  return flat(out + '\n');
}

/** ` value` after `key:` for a duration, as renderRuleGroup writes it (its normalized text). */
function durationText(d: DurationLike, indent: string): string | undefined {
  return valueText(resolveDuration(d).text, indent);
}

/** ` value` after `key:`, a string written at `indent` (undefined: not a plain string the emitter writes as it is). */
function valueText(v: unknown, indent: string): string | undefined {
  if (typeof v !== 'string' || v.charCodeAt(0) === 36 /* $ */) return undefined;
  const text = stringText(v, indent, false);
  return text === undefined ? undefined : ` ${text}`;
}

/** A non-empty map of strings as the value of a key written at `indent` less two: each `key: value` on its own line at `indent`. */
function mapText(m: Readonly<Record<string, unknown>>, indent: string): string | undefined {
  let out = '';
  for (const k of Object.keys(m)) {
    const key = stringText(k, indent + '  ', true);
    const value = valueText(m[k], indent + '  ');
    if (key === undefined || key.length > 1024 || value === undefined) return undefined;
    out += `\n${indent}${key}:${value}`;
  }
  return out;
}

/** A rule group's file as last rendered, with the snapshot of the group it was rendered from. */
const RULE_FILES = new WeakMap<RuleGroup, { snapshot: unknown[]; relativePath: string; content: string }>();
