import { Token } from 'cdktf';
import { DurationLike, resolveDuration } from '../core/duration';
import { labelNameProblem, metricNameProblem, nonEmptyNameProblem } from '../core/names';
import { promqlFacts } from '../core/promql';

/** A recording rule: stores the result of `expr` as a new series named `record`. */
export interface RecordingRule {
  /** Metric name, by convention `level:metric:operations`, e.g. `service:http_requests:rate5m`. */
  readonly record: string;
  /** PromQL expression, parsed at synth. */
  readonly expr: string;
  /** Labels added to the result. @default - none */
  readonly labels?: Record<string, string>;
}

/** An alerting rule. */
export interface AlertingRule {
  /** Alert name (a valid metric name, e.g. `HighErrorRate`). */
  readonly alert: string;
  /** PromQL condition, parsed at synth. */
  readonly expr: string;
  /** How long the condition must hold before firing. @default - fires on the first evaluation */
  readonly for?: DurationLike;
  /** How long the alert keeps firing after the condition clears. @default - stops at once */
  readonly keepFiringFor?: DurationLike;
  /** Labels such as `severity` and `team`. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations such as `summary`, `description`, `runbook_url`. @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * Explicit opt-out of the alert policy's "a threshold alert has `for:`" check, for a
   * threshold that must page on the first evaluation. Not rendered.
   * @default false
   */
  readonly fireImmediately?: boolean;
}

/** A recording or alerting rule. */
export type Rule = RecordingRule | AlertingRule;

/** A rule group: rules evaluated together, in order, at one interval. */
export interface RuleGroup {
  /** Unique within the server. */
  readonly name: string;
  /** @default - the global evaluation interval */
  readonly interval?: DurationLike;
  /** Limit on alerts or series produced; 0 means none. @default 0 */
  readonly limit?: number;
  /**
   * How far back in time every rule of the group evaluates (`query_offset`), to wait for
   * late samples, e.g. from remote write. Prometheus 2.53.0 or later (refused on an older
   * pinned image).
   * @default - the server's global rule_query_offset (0 unless set)
   */
  readonly queryOffset?: DurationLike;
  /**
   * Labels added to every rule of the group (`labels`); a rule's own label of the same name
   * wins. Prometheus 3.0.0 or later (refused on an older pinned image).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  readonly rules: Rule[];
  /**
   * The engine that evaluates the group: `prometheus` (a rule file of the PrometheusServer) or
   * `grafana` (a Grafana-managed rule group with the same PromQL, `for`, labels and
   * annotations, alerting rules only; see GrafanaAlertRules). SLOs choose with `alertEngine`.
   * @default 'prometheus'
   */
  readonly engine?: 'prometheus' | 'grafana';
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return (rule as AlertingRule).alert !== undefined;
}

/**
 * The group's alerting rules with the labels their alerts carry: the group's `labels` under
 * the rule's own (Prometheus' rules/manager.go merges them so, the rule's winning).
 */
export function alertingRulesOf(group: RuleGroup): AlertingRule[] {
  const rules = group.rules.filter(isAlertingRule);
  if (!group.labels || !Object.keys(group.labels).length) return rules;
  return rules.map((r) => ({ ...r, labels: { ...group.labels, ...(r.labels ?? {}) } }));
}

/** Problems with a group (names, durations, PromQL, duplicates within the group). */
export function ruleGroupProblems(group: RuleGroup): string[] {
  const np = nonEmptyNameProblem('rule group name', group.name);
  if (np) return [np];
  const where = `rule group ${JSON.stringify(group.name)}`;
  const out: string[] = [];
  if (group.interval !== undefined) {
    const p = resolveDuration(group.interval).problem;
    if (p) out.push(`${where}: interval ${p}`);
  }
  if (group.engine !== undefined && group.engine !== 'prometheus' && group.engine !== 'grafana') {
    out.push(`${where}: engine must be "prometheus" or "grafana" (got ${JSON.stringify(group.engine)}).`);
  }
  if (group.limit !== undefined && (!Number.isSafeInteger(group.limit) || group.limit < 0)) {
    out.push(`${where}: limit must be a non-negative integer (got ${JSON.stringify(group.limit)}).`);
  }
  if (group.queryOffset !== undefined) {
    const p = resolveDuration(group.queryOffset).problem;
    if (p) out.push(`${where}: queryOffset ${p}`);
  }
  for (const k of Object.keys(group.labels ?? {})) {
    const p = k === '__name__' ? `must not be __name__ (got "__name__"): Prometheus refuses it in group labels; a recording rule's name is its record.` : labelNameProblem(k);
    if (p) out.push(`${where}: labels key ${p}`);
  }
  if (group.engine === 'grafana' && (group.queryOffset !== undefined || group.labels !== undefined)) {
    out.push(`${where}: queryOffset and labels are rule-file keys of Prometheus; a Grafana-managed group (engine: "grafana") has neither (got ${[group.queryOffset !== undefined && 'queryOffset', group.labels !== undefined && 'labels'].filter(Boolean).join(' and ')}). Put the labels on each rule, or evaluate the group in Prometheus.`);
  }
  if (!Array.isArray(group.rules) || group.rules.length === 0) {
    out.push(`${where} has no rules. Add at least one recording or alerting rule, or drop the group.`);
    return out;
  }
  // Records by name, each with the JSON of its labels once a second record of that name asks (rarely).
  const seenRecords = new Map<string, Array<{ readonly labels: unknown; json?: string }>>();
  const labelsJson = (e: { readonly labels: unknown; json?: string }) => (e.json ??= JSON.stringify(e.labels ?? {}));
  const seenAlerts = new Set<string>();
  group.rules.forEach((rule, i) => {
    const r = rule as Partial<RecordingRule & AlertingRule>;
    if (r.record !== undefined && r.alert !== undefined) {
      out.push(`${where}: rules[${i}] has both record (${JSON.stringify(r.record)}) and alert (${JSON.stringify(r.alert)}). A rule is one or the other.`);
      return;
    }
    if (r.record === undefined && r.alert === undefined) {
      out.push(`${where}: rules[${i}] has neither record nor alert. Set record for a recording rule or alert for an alerting rule.`);
      return;
    }
    // Where, in the messages: worded only when there is a problem to tell.
    let atText: string | undefined;
    const at = () => (atText ??= `${where}, ${r.record !== undefined ? `recording rule ${JSON.stringify(r.record)}` : `alert ${JSON.stringify(r.alert)}`}`);
    const name = (r.record ?? r.alert) as string;
    if (!Token.isUnresolved(name)) {
      const p = metricNameProblem(name);
      if (p) out.push(`${at()}: name ${p}`);
    }
    // Verdict and type from one look-up (the expression's facts are shared with the version check and the rule cost).
    const { problem: ep, type } = promqlFacts(r.expr as string);
    if (ep) out.push(`${at()}: expr ${ep}`);
    else if (type === 'range vector' || type === 'string') {
      out.push(`${at()}: expr yields a ${type} (got ${JSON.stringify(r.expr)}); a rule must yield an instant vector or a scalar, or it fails at every evaluation. Wrap a range in a function such as rate(...) or max_over_time(...).`);
    }
    for (const k of Object.keys(r.labels ?? {})) {
      const p = labelNameProblem(k);
      if (p) out.push(`${at()}: labels key ${p}`);
    }
    if (r.record !== undefined) {
      if ((r as { for?: unknown }).for !== undefined || r.annotations !== undefined || r.keepFiringFor !== undefined) {
        out.push(`${at()}: for, keep_firing_for and annotations only apply to alerting rules. Remove them or make it an alerting rule.`);
      }
      if (r.labels && '__name__' in r.labels) out.push(`${at()}: labels must not set __name__; the record name is the metric name.`);
      const entry = { labels: r.labels };
      const same = seenRecords.get(r.record);
      if (same === undefined) seenRecords.set(r.record, [entry]);
      else {
        if (same.some((e) => labelsJson(e) === labelsJson(entry))) {
          out.push(`${at()} is defined twice in the group with the same labels. Prometheus would write the same series twice; remove one or give them different labels.`);
        }
        same.push(entry);
      }
    } else {
      for (const [k, v] of [['for', r.for], ['keep_firing_for', r.keepFiringFor]] as const) {
        if (v !== undefined) {
          const p = resolveDuration(v).problem;
          if (p) out.push(`${at()}: ${k} ${p}`);
        }
      }
      for (const k of Object.keys(r.annotations ?? {})) {
        const p = labelNameProblem(k);
        if (p) out.push(`${at()}: annotations key ${p}`);
      }
      if (seenAlerts.has(name)) {
        out.push(`${at()} is defined twice in the group. Alert names must be unique per group; merge the two or rename one.`);
      }
      seenAlerts.add(name);
    }
  });
  return out;
}

/** The YAML shape of a rule group. */
export function renderRuleGroup(group: RuleGroup): Record<string, unknown> {
  const out: Record<string, unknown> = { name: group.name };
  if (group.interval !== undefined) out.interval = resolveDuration(group.interval).text;
  if (group.queryOffset !== undefined) out.query_offset = resolveDuration(group.queryOffset).text;
  if (group.limit !== undefined) out.limit = group.limit;
  if (group.labels && Object.keys(group.labels).length) out.labels = group.labels;
  out.rules = group.rules.map((rule) => {
    if (isAlertingRule(rule)) {
      const r: Record<string, unknown> = { alert: rule.alert, expr: rule.expr };
      if (rule.for !== undefined) r.for = resolveDuration(rule.for).text;
      if (rule.keepFiringFor !== undefined) r.keep_firing_for = resolveDuration(rule.keepFiringFor).text;
      if (rule.labels && Object.keys(rule.labels).length) r.labels = rule.labels;
      if (rule.annotations && Object.keys(rule.annotations).length) r.annotations = rule.annotations;
      return r;
    }
    const r: Record<string, unknown> = { record: rule.record, expr: rule.expr };
    if (rule.labels && Object.keys(rule.labels).length) r.labels = rule.labels;
    return r;
  });
  return out;
}
