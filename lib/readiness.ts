/**
 * The course's production checklist ("Checklist de mise en production"), evaluated on a
 * stack's construct tree: `readiness(stack)` returns each item with pass / warn / fail and
 * the reasons, `readinessTable()` renders it, `belowLevel()` picks the items under a chosen
 * level (for a test that fails the pipeline).
 */
import { IConstruct } from 'constructs';
import { AlertRoute } from '../constructs/alert-route';
import { Alertmanager } from '../constructs/alertmanager';
import { Dashboard } from '../constructs/dashboard';
import { GrafanaAlertRules } from '../constructs/grafana-alert-rules';
import { GrafanaDataSources } from '../constructs/grafana-data-sources';
import { LogAgent } from '../constructs/log-agent';
import { LokiCluster } from '../constructs/loki-cluster';
import { MonitoredService } from '../constructs/monitored-service';
import { NodeExporter } from '../constructs/node-exporter';
import { OtelCollector } from '../constructs/otel-collector';
import { PrometheusServer } from '../constructs/prometheus-server';
import { SloBudget } from '../constructs/slo-budget';
import { TempoBackend } from '../constructs/tempo-backend';
import { isWatchdog } from './alerting/policy';
import { DurationLike, resolveDuration } from './core/duration';
import { renderTable } from './core/table';
import { isLokiAlertingRule } from './loki/config';
import { Observability } from './observability';
import { alertingRulesOf, isAlertingRule } from './prometheus/rules';

/** The verdict on one item: `pass` < `warn` < `fail` in severity. */
export type ReadinessStatus = 'pass' | 'warn' | 'fail';

/** One item of the checklist. */
export interface ReadinessItem {
  /** Stable id, e.g. `slos`. */
  readonly id: string;
  /** The item as the course words it. */
  readonly title: string;
  readonly status: ReadinessStatus;
  /** Why: what passes, what is missing ("service checkout has no SLO", "1 Prometheus replica"). */
  readonly reasons: readonly string[];
}

/** Options of {@link readiness}. */
export interface ReadinessOptions {
  /**
   * Services that need an SLO with a monitored budget.
   * @default - every service of the stack: each `MonitoredService`, and each service an `SloBudget` names
   */
  readonly criticalServices?: readonly string[];
  /** Retention each signal needs. @default - the course's: metrics 30d, logs 30d, traces 14d */
  readonly retention?: { readonly metrics?: DurationLike; readonly logs?: DurationLike; readonly traces?: DurationLike };
}

const ORDER: Record<ReadinessStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The items whose status is worse than `level` (`'pass'`: every warn and fail; `'warn'`: every fail). */
export function belowLevel(items: readonly ReadinessItem[], level: 'pass' | 'warn'): ReadinessItem[] {
  return items.filter((i) => ORDER[i.status] > ORDER[level]);
}

/** The checklist as a text table: item, status, reasons (one line each). */
export function readinessTable(items: readonly ReadinessItem[]): string {
  const rows = items.flatMap((i) => i.reasons.map((r, n) => (n === 0 ? [i.title, i.status.toUpperCase(), r] : ['', '', r])));
  return renderTable(['item', 'status', 'reason'], rows);
}

/** Evaluates the course's production checklist on the stack that holds `scope`. */
export function readiness(scope: IConstruct, options: ReadinessOptions = {}): ReadinessItem[] {
  const t = new Tree(scope);
  return [redUse(t), slos(t, options), alerts(t), logs(t), traces(t), correlation(t), dashboards(t), retention(t, options), availability(t)];
}

/** The constructs of the stack, by class. */
class Tree {
  public readonly all: IConstruct[];
  constructor(scope: IConstruct) {
    const stack = Observability.of(scope).node.scope!;
    this.all = stack.node.findAll();
  }
  public of<T>(cls: abstract new (...args: never[]) => T): T[] {
    return this.all.filter((c): c is IConstruct & T => c instanceof cls);
  }
}

function item(id: string, title: string, parts: Array<{ status: ReadinessStatus; reason: string }>): ReadinessItem {
  const status = parts.reduce<ReadinessStatus>((s, p) => (ORDER[p.status] > ORDER[s] ? p.status : s), 'pass');
  return { id, title, status, reasons: parts.map((p) => p.reason) };
}

const pass = (reason: string) => ({ status: 'pass' as const, reason });
const warn = (reason: string) => ({ status: 'warn' as const, reason });
const fail = (reason: string) => ({ status: 'fail' as const, reason });

/** Every expression of the stack's Prometheus recording rules. */
function recordingExprs(t: Tree): string[] {
  return t.of(PrometheusServer).flatMap((p) => p.ruleGroups.flatMap((g) => g.rules.filter((r) => !isAlertingRule(r)).map((r) => r.expr)));
}

function dashboardQueriesText(t: Tree): string {
  return t.of(Dashboard).flatMap((d) => d.queries.map((q) => q.expr)).join('\n');
}

function services(t: Tree): string[] {
  return [...new Set([...t.of(MonitoredService).map((s) => s.service), ...t.of(SloBudget).map((s) => s.spec.service)])];
}

function redUse(t: Tree): ReadinessItem {
  const title = 'Metrics: RED for every service, USE for every node';
  const parts: Array<{ status: ReadinessStatus; reason: string }> = [];
  if (!t.of(PrometheusServer).length) return item('red-use', title, [fail('no Prometheus: no metrics at all')]);
  const rules = recordingExprs(t).join('\n');
  const queries = dashboardQueriesText(t);
  // RED: request rate, errors and duration, recorded and on a dashboard.
  const red = { rate: /_requests_total\b/.test(rules), errors: /status=~?"5/.test(rules), duration: /_duration_seconds_bucket\b/.test(rules) };
  const missing = Object.entries(red).filter(([, v]) => !v).map(([k]) => k);
  const redBoard = /_requests_total\b/.test(queries);
  if (missing.length) parts.push(fail(`RED recording rules lack ${missing.join(', ')} (RuleSets.red() or MonitoredService add them)`));
  else parts.push(redBoard ? pass('RED recorded (rate, errors, duration) and on a dashboard') : warn('RED recorded, but no dashboard shows the request rate'));
  const svcs = services(t);
  const own = new Set(t.of(MonitoredService).map((s) => s.service));
  if (!svcs.length) parts.push(warn('no service declared (addService / MonitoredService): RED cannot be checked per service'));
  else {
    const byLabel = /by \([^)]*\bservice\b/.test(rules);
    const uncovered = svcs.filter((s) => !own.has(s) && !byLabel);
    parts.push(uncovered.length ? fail(`service ${uncovered.join(', ')} has no RED rules`) : pass(`services covered: ${svcs.join(', ')}`));
  }
  // USE: a node exporter scraped, USE rules, a USE dashboard.
  const exporters = t.of(NodeExporter);
  const scraped = exporters.filter((n) => t.of(PrometheusServer).some((p) => p.configuredJobs.some((j) => JSON.stringify(j).includes(n.endpoint.host))));
  if (!exporters.length) parts.push(fail('no node exporter: no USE metrics for the nodes'));
  else if (scraped.length < exporters.length) parts.push(fail('a node exporter is not scraped by any Prometheus'));
  else {
    const useRules = /node_cpu_seconds_total/.test(rules) && /node_memory_/.test(rules);
    const useBoard = /node_cpu_seconds_total|instance:node_cpu/.test(queries);
    parts.push(useRules && useBoard ? pass('USE for every node: node exporter scraped, USE rules, USE dashboard') : warn(`node exporter scraped, but ${[!useRules && 'no USE recording rules', !useBoard && 'no USE dashboard'].filter(Boolean).join(' and ')}`));
  }
  return item('red-use', title, parts);
}

function slos(t: Tree, options: ReadinessOptions): ReadinessItem {
  const title = 'SLOs for critical services, error budgets monitored';
  const budgets = t.of(SloBudget);
  const critical = options.criticalServices ? [...options.criticalServices] : services(t);
  if (!critical.length) return item('slos', title, [fail('no SLO defined (SloBudget, or slos on a MonitoredService)')]);
  const parts = critical.map((svc) => {
    const mine = budgets.filter((b) => b.spec.service === svc);
    if (!mine.length) return fail(`service ${svc} has no SLO`);
    const alerting = mine.filter((b) => b.ruleGroups.some((g) => g.rules.some(isAlertingRule)));
    const boards = new Set(t.of(Dashboard).map((d) => d.uid));
    const unwatched = mine.filter((b) => !alerting.includes(b));
    if (unwatched.length) return fail(`SLO ${unwatched.map((b) => `${svc}/${b.spec.name}`).join(', ')} has no burn-rate alert`);
    const noBoard = mine.filter((b) => ![...boards].some((u) => u.includes(`${svc}`) && u.includes(b.spec.name)));
    const names = mine.map((b) => `${b.spec.name} ${b.spec.objective}%`).join(', ');
    return noBoard.length ? warn(`service ${svc}: ${names}, burn-rate alerts; no dashboard for ${noBoard.map((b) => b.spec.name).join(', ')}`) : pass(`service ${svc}: ${names}, burn-rate alerts and budget dashboards`);
  });
  return item('slos', title, parts);
}

function alerts(t: Tree): ReadinessItem {
  const title = 'Alerts: actionable, with runbooks, two severities';
  const rules = [
    ...t.of(PrometheusServer).flatMap((p) => p.ruleGroups.flatMap(alertingRulesOf)),
    ...t.of(GrafanaAlertRules).flatMap((g) => g.group.rules.filter(isAlertingRule)),
    ...t.of(LokiCluster).flatMap((l) => l.ruleGroups.flatMap((g) => g.rules.filter(isLokiAlertingRule))),
  ].filter((r) => !isWatchdog(r));
  if (!rules.length) return item('alerts', title, [fail('no alerting rule')]);
  const parts: Array<{ status: ReadinessStatus; reason: string }> = [];
  const severities = new Set(rules.map((r) => r.labels?.severity));
  const noRunbook = rules.filter((r) => r.labels?.severity === 'critical' && !r.annotations?.runbook_url).map((r) => r.alert);
  const bad = rules.filter((r) => !['critical', 'warning'].includes(r.labels?.severity ?? '')).map((r) => r.alert);
  const undescribed = rules.filter((r) => !r.annotations?.summary || !r.annotations?.description).map((r) => r.alert);
  parts.push(noRunbook.length ? fail(`critical alert ${[...new Set(noRunbook)].join(', ')} has no runbook_url`) : pass(`${rules.length} alerts; every critical one links a runbook`));
  if (bad.length) parts.push(fail(`alert ${[...new Set(bad)].join(', ')} has no critical/warning severity`));
  else parts.push(severities.has('critical') && severities.has('warning') ? pass('two severities: critical and warning') : warn(`one severity only (${[...severities].join(', ')})`));
  if (undescribed.length) parts.push(warn(`alert ${[...new Set(undescribed)].join(', ')} lacks a summary or description`));
  const routes = t.of(AlertRoute);
  const viaAlertmanager = routes.length > 0 && t.of(Alertmanager).length > 0;
  const viaGrafana = routes.some((r) => r.grafana !== undefined);
  parts.push(viaAlertmanager || viaGrafana ? pass(`routed by an AlertRoute through ${[viaAlertmanager && 'Alertmanager', viaGrafana && "Grafana's notification policy"].filter(Boolean).join(' and ')}`) : fail('no AlertRoute deployed to Alertmanager or Grafana: alerts notify nobody'));
  return item('alerts', title, parts);
}

function logs(t: Tree): ReadinessItem {
  const title = 'Logs: structured (JSON), with trace_id, centralised in Loki';
  if (!t.of(LokiCluster).length) return item('logs', title, [fail('no Loki: logs are not centralised')]);
  const parts: Array<{ status: ReadinessStatus; reason: string }> = [];
  const agents = t.of(LogAgent);
  const collectorLogs = t.of(OtelCollector).some((c) => Object.keys(c.model().pipelines).some((id) => id === 'logs' || id.startsWith('logs/')));
  parts.push(agents.length || collectorLogs ? pass(`shipped to Loki by ${[agents.length && 'the log agent', collectorLogs && 'the Collector (OTLP)'].filter(Boolean).join(' and ')}`) : fail('nothing ships logs to Loki (no LogAgent, no Collector logs pipeline)'));
  const c = Observability.of(t.all[0]).correlation;
  parts.push(c.logFormat === 'json' ? pass(`JSON lines, trace id in "${c.logTraceIdField}"`) : warn(`log format is ${c.logFormat}, not JSON (trace id in "${c.logTraceIdField}")`));
  return item('logs', title, parts);
}

function traces(t: Tree): ReadinessItem {
  const title = 'Traces: OpenTelemetry, sampling suited to the volume';
  const parts: Array<{ status: ReadinessStatus; reason: string }> = [];
  if (!t.of(TempoBackend).length) parts.push(fail('no Tempo: traces are not stored'));
  const collectors = t.of(OtelCollector);
  if (!collectors.length) return item('traces', title, [...parts, fail('no OpenTelemetry Collector')]);
  for (const c of collectors) {
    const m = c.model();
    const sampling = new Set(m.processors.filter((p) => p.type === 'tail_sampling').map((p) => (p.name ? `${p.type}/${p.name}` : p.type)));
    const tracePipes = Object.entries(m.pipelines).filter(([id]) => id === 'traces' || id.startsWith('traces/'));
    if (!tracePipes.length) parts.push(fail(`Collector ${c.componentName} has no traces pipeline`));
    else if (tracePipes.some(([, p]) => (p.processors ?? []).some((x) => sampling.has(x)))) parts.push(pass(`Collector ${c.componentName} samples traces (tail_sampling)`));
    else parts.push(warn(`Collector ${c.componentName} keeps every trace: no tail_sampling in its traces pipeline`));
  }
  return item('traces', title, parts);
}

function correlation(t: Tree): ReadinessItem {
  const title = 'Correlation: metrics → logs → traces links in Grafana';
  const ds = t.of(GrafanaDataSources);
  if (!ds.length) return item('correlation', title, [fail('no Grafana data sources')]);
  // The values given to the data sources (the getters without Input are Terraform references).
  const json = (r: { jsonDataEncodedInput?: string } | undefined): Record<string, unknown> => {
    try {
      return r?.jsonDataEncodedInput ? (JSON.parse(r.jsonDataEncodedInput) as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const d = ds[0];
  const prom = json(d.prometheus);
  const loki = json(d.loki);
  const tempo = json(d.tempo);
  const links: Array<[string, boolean]> = [
    ['metrics → traces (exemplars)', Array.isArray(prom.exemplarTraceIdDestinations) && t.of(PrometheusServer).some((p) => p.exemplarStorage)],
    ['logs → traces (derived field)', Array.isArray(loki.derivedFields) && (loki.derivedFields as Array<{ datasourceUid?: string }>).some((f) => f.datasourceUid !== undefined)],
    ['traces → logs', tempo.tracesToLogsV2 !== undefined],
    ['traces → metrics', tempo.tracesToMetrics !== undefined],
  ];
  const missing = links.filter(([, ok]) => !ok).map(([n]) => n);
  return item('correlation', title, [missing.length === links.length ? fail('no link between the signals') : missing.length ? warn(`missing: ${missing.join(', ')}`) : pass(links.map(([n]) => n).join(', '))]);
}

function dashboards(t: Tree): ReadinessItem {
  const title = 'Dashboards as code, versioned in Git';
  const boards = t.of(Dashboard);
  return item('dashboards', title, [boards.length ? pass(`${boards.length} dashboards in the stack's code (${boards.map((b) => b.uid).join(', ')})`) : fail('no dashboard defined in code')]);
}

function retention(t: Tree, options: ReadinessOptions): ReadinessItem {
  const title = 'Retention per signal (metrics 30d, logs 30d, traces 14d)';
  const want = { metrics: options.retention?.metrics ?? '30d', logs: options.retention?.logs ?? '30d', traces: options.retention?.traces ?? '14d' };
  const have: Array<[keyof typeof want, string | undefined]> = [
    ['metrics', t.of(PrometheusServer)[0]?.retentionTime],
    ['logs', t.of(LokiCluster)[0]?.retentionPeriod],
    ['traces', t.of(TempoBackend)[0]?.retention],
  ];
  const parts = have.map(([signal, value]) => {
    if (value === undefined) return warn(`${signal}: no back end in the stack`);
    const got = resolveDuration(value).ms ?? 0;
    const need = resolveDuration(want[signal]).ms ?? 0;
    const days = got > 0 && got % 86_400_000 === 0 ? `${got / 86_400_000}d` : value;
    const text = `${signal} ${days}`;
    return got >= need ? pass(text) : fail(`${text}, shorter than ${resolveDuration(want[signal]).text}`);
  });
  return item('retention', title, parts);
}

function availability(t: Tree): ReadinessItem {
  const title = 'High availability: Prometheus HA, Loki and Tempo distributed';
  const parts: Array<{ status: ReadinessStatus; reason: string }> = [];
  for (const p of t.of(PrometheusServer)) parts.push(p.replicas >= 2 ? pass(`${p.replicas} Prometheus replicas`) : fail(`${p.replicas} Prometheus replica`));
  for (const l of t.of(LokiCluster)) parts.push(l.mode === 'monolithic' ? fail('Loki is monolithic') : pass('Loki is simple-scalable (read, write, backend)'));
  for (const x of t.of(TempoBackend)) parts.push(x.distributed ? pass(`Tempo is distributed (${x.replicas} ingesters)`) : fail('Tempo is monolithic'));
  for (const a of t.of(Alertmanager)) {
    const n = a.replicas;
    parts.push(n >= 2 ? pass(`${n} Alertmanager replicas`) : warn(`${n} Alertmanager replica`));
  }
  if (!parts.length) parts.push(fail('no back end in the stack'));
  return item('high-availability', title, parts);
}
