import { resolveDuration } from '../core/duration';
import { escapeTemplate } from '../core/tf-escape';
import { AlertingRule, RuleGroup, isAlertingRule } from '../prometheus/rules';

/** Which engine evaluates a rule group's alerting rules. */
export type RuleEngine = 'prometheus' | 'grafana';

/** Grafana's state when the query returns no series. */
export type GrafanaNoDataState = 'OK' | 'NoData' | 'Alerting' | 'KeepLast';
/** Grafana's state when the query fails (data source down, timeout, bad query). */
export type GrafanaExecErrState = 'Error' | 'Alerting' | 'OK' | 'KeepLast';

export const NO_DATA_STATES: readonly GrafanaNoDataState[] = ['OK', 'NoData', 'Alerting', 'KeepLast'];
export const EXEC_ERR_STATES: readonly GrafanaExecErrState[] = ['Error', 'Alerting', 'OK', 'KeepLast'];

/**
 * The query model of a Prometheus-style alert in Grafana, as Grafana's own converter of
 * Prometheus rules builds it (grafana/grafana `pkg/services/ngalert/prom/query.go`; see
 * test/fixtures/grafana/prometheus-rule-conversion.json): the PromQL as an instant query,
 * then a math node that turns every returned sample into 1 (NaN and ±Inf too), then a
 * threshold `> 0` as the condition. So any series the expression returns fires, whatever its
 * value — Prometheus' semantics (`up == 0` returns 0, which a bare threshold would not fire).
 */
export const GRAFANA_QUERY = {
  queryRefId: 'A',
  mathRefId: 'B',
  conditionRefId: 'C',
  /** The data source uid of server-side expressions. */
  expressionDatasourceUid: '__expr__',
  /** Seconds of history the instant query may look back (Grafana's converter uses 600). */
  fromSeconds: 600,
} as const;

/** The `data` entries of one alert: query, math, threshold. Strings are escaped for Terraform. */
export interface GrafanaRuleData {
  readonly refId: string;
  readonly datasourceUid: string;
  readonly queryType?: string;
  readonly relativeTimeRange: { readonly from: number; readonly to: number };
  readonly model: string;
}

/** The model object of the PromQL query node (before JSON encoding). */
export function promqlQueryModel(expr: string, datasourceUid: string): Record<string, unknown> {
  return {
    datasource: { type: 'prometheus', uid: datasourceUid },
    expr,
    instant: true,
    range: false,
    refId: GRAFANA_QUERY.queryRefId,
  };
}

/** The three data nodes of a Prometheus-style alert. */
export function grafanaRuleData(expr: string, datasourceUid: string): GrafanaRuleData[] {
  const q = GRAFANA_QUERY;
  const json = (o: object) => escapeTemplate(JSON.stringify(o));
  const exprDs = { type: '__expr__', uid: q.expressionDatasourceUid };
  return [
    { refId: q.queryRefId, datasourceUid, relativeTimeRange: { from: q.fromSeconds, to: 0 }, model: json(promqlQueryModel(expr, datasourceUid)) },
    {
      refId: q.mathRefId,
      datasourceUid: q.expressionDatasourceUid,
      queryType: 'math',
      relativeTimeRange: { from: 0, to: 0 },
      model: json({ datasource: exprDs, refId: q.mathRefId, type: 'math', expression: `is_number($${q.queryRefId}) || is_nan($${q.queryRefId}) || is_inf($${q.queryRefId})` }),
    },
    {
      refId: q.conditionRefId,
      datasourceUid: q.expressionDatasourceUid,
      queryType: 'threshold',
      relativeTimeRange: { from: 0, to: 0 },
      model: json({ datasource: exprDs, refId: q.conditionRefId, type: 'threshold', expression: q.mathRefId, conditions: [{ evaluator: { type: 'gt', params: [0] } }] }),
    },
  ];
}

/**
 * Evaluation interval of a group in whole seconds (Grafana's `interval_seconds`, a multiple of
 * its 10s scheduler tick). The group's own interval must be one; the fallback (e.g. the
 * server's 15s evaluation interval) is rounded up to the next multiple of 10s.
 */
export function groupIntervalSeconds(group: RuleGroup, fallback: string): { seconds: number; problem?: string } {
  if (group.interval === undefined) {
    const f = resolveDuration(fallback);
    return { seconds: Math.max(10, Math.ceil((f.ms ?? 60_000) / 10_000) * 10) };
  }
  const r = resolveDuration(group.interval);
  if (r.problem || r.ms === undefined) return { seconds: 60, problem: `interval ${r.problem}` };
  const seconds = r.ms / 1000;
  if (!Number.isInteger(seconds) || seconds < 10 || seconds % 10 !== 0) {
    return { seconds: 60, problem: `interval must be a multiple of 10 seconds for Grafana-managed rules (got ${JSON.stringify(r.text)}): Grafana's scheduler ticks every 10s. Use e.g. "30s" or "1m".` };
  }
  return { seconds };
}

/**
 * What the Grafana engine cannot take from a group the Prometheus engine accepts: recording
 * rules (Grafana-managed recording rules need a writable target data source and a feature
 * toggle on Grafana 11), `limit` (not carried, so refused rather than silently changing
 * behaviour), and rule templates reading Prometheus' `$externalLabels` / `$externalURL`, which
 * Grafana's template data does not define, or calling `query`, which returns nothing there.
 */
export function grafanaEngineProblems(group: RuleGroup): string[] {
  const where = `rule group ${JSON.stringify(group.name)} (engine "grafana")`;
  const out: string[] = [];
  const records = group.rules.filter((r) => !isAlertingRule(r)).map((r) => JSON.stringify((r as { record: string }).record));
  if (records.length) {
    out.push(
      `${where} has recording rules (${records.join(', ')}). Grafana-managed recording rules need a target data source to write to and, on the pinned Grafana 11.5, the grafanaManagedRecordingRules feature toggle; this library keeps them in Prometheus. Move them to a group with engine "prometheus" (the default): the Grafana-managed alerts can read the recorded series.`,
    );
  }
  for (const r of group.rules.filter(isAlertingRule)) {
    for (const [kind, map] of [['labels', r.labels], ['annotations', r.annotations]] as const) {
      for (const [k, v] of Object.entries(map ?? {})) {
        const found = prometheusOnlyTemplateData(v);
        if (found) {
          out.push(`${where}, alert ${JSON.stringify(r.alert)}: ${kind}.${k} uses ${found.used}, ${found.why} (got ${JSON.stringify(v)}). Write the value out, or keep this alert on engine "prometheus".`);
        }
      }
    }
  }
  if (group.limit !== undefined && group.limit !== 0) {
    out.push(`${where}: limit has no Grafana equivalent (got ${group.limit}). Remove it, or keep the group on engine "prometheus".`);
  }
  return out;
}

/** Labels Grafana sets on every alert itself; a rule label of the same name is ignored. */
const GRAFANA_RESERVED_LABELS = ['grafana_folder', 'alertname', '__alert_rule_uid__', '__alert_rule_namespace_uid__'];

/**
 * The known labels of a rule's alerts in folder `folderTitle`, as routing sees them: Grafana's
 * `grafana_folder` and `alertname` (the rule's name) win over the rule's labels of those names
 * (grafana/grafana `pkg/services/ngalert/state/cache.go`, expandAnnotationsAndLabels).
 */
export function grafanaAlertLabels(rule: AlertingRule, folderTitle: string): Record<string, string> {
  const own = Object.entries(rule.labels ?? {}).filter(([k]) => !GRAFANA_RESERVED_LABELS.includes(k));
  return { grafana_folder: folderTitle, alertname: rule.alert, ...Object.fromEntries(own) };
}

const ACTION = /\{\{[\s\S]*?\}\}/g;

/**
 * An annotation or label template for Grafana: `$value`, `.Value` and `$.Value` (in
 * Prometheus the alerting sample's number) become `$values.A.Value` / `.Values.A.Value`, the
 * query node's value, since Grafana's own `.Value` is the evaluation string naming every node
 * (grafana/grafana `pkg/services/ngalert/state/template/template.go`; the variable replacer in
 * `pkg/services/ngalert/prom/template.go` maps `.Value` the same way). Only inside `{{ }}`
 * actions; `$values`, `.Values` and a field named Value of something else
 * (`$labels.Value`) are left alone.
 */
export function grafanaTemplate(text: string): string {
  const a = GRAFANA_QUERY.queryRefId;
  return text.replace(ACTION, (action) =>
    action
      .replace(/\$value(?![A-Za-z0-9_])/g, `$values.${a}.Value`)
      .replace(/(^|[^A-Za-z0-9_)\]])(\$?)\.Value(?![A-Za-z0-9_])/g, (_m, before: string, dollar: string) => `${before}${dollar}.Values.${a}.Value`),
  );
}

/**
 * The first Prometheus-only piece of a rule template, inside its actions: `$externalLabels`,
 * `$externalURL`, `.ExternalLabels`, `.ExternalURL` (undefined in Grafana: the template fails),
 * or a call of `query` (Grafana's returns no result). Undefined when there is none.
 */
export function prometheusOnlyTemplateData(text: string): { used: string; why: string } | undefined {
  for (const action of text.match(ACTION) ?? []) {
    const m = /\$externalLabels(?![A-Za-z0-9_])|\$externalURL(?![A-Za-z0-9_])|(?<![A-Za-z0-9_)\]])\$?\.External(?:Labels|URL)(?![A-Za-z0-9_])/.exec(action);
    if (m) return { used: m[0], why: "which Grafana-managed rules do not have (Grafana's rule templates define $labels, $values and $value only), so the template would fail to expand" };
    if (/(?:^\{\{-?|[\s(|])query(?=[\s)]|-?\}\})/.test(action)) return { used: 'the query function', why: 'which returns nothing in Grafana-managed rules (Grafana gives its templates a query function without a data source)' };
  }
  return undefined;
}
