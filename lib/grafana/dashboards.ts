/**
 * Grafana dashboards as code, built with the Grafana Foundation SDK's builders: the course's
 * RED "Service Overview", a node USE dashboard, one dashboard per SLO, and helpers that list
 * and check the queries of any dashboard model.
 *
 * Every function returns the dashboard model (`DashboardBuilder.build()`), ready for
 * `JSON.stringify` and the Grafana provider's `config_json`.
 */
import { createHash } from 'crypto';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { Duration, durationProblem } from '../core/duration';
import { ValidationError } from '../core/errors';
import { labelNameProblem, metricNameProblem, re2Problem } from '../core/names';
import { grafanaUidProblem } from './uid';
import { remember } from '../core/query-shape';
import { budgetFigures, num, recordedWindows, SloMetrics } from '../slo/model';

// The SDK publishes one entry per kind through package.json "exports"; tsconfig "paths" maps
// them to dist/ for type-checking under "node" resolution, Node and Jest use "exports".

/** A dashboard model as built by the SDK (`DashboardBuilder.build()`). */
export type DashboardModel = dashboard.Dashboard;

/** The datasource variable every generated dashboard defines unless a datasource uid is given. */
const DATASOURCE_VARIABLE = 'datasource';

// ---------------------------------------------------------------------------------------------
// RED: Service Overview
// ---------------------------------------------------------------------------------------------

/** Options of {@link redDashboard}. */
export interface RedDashboardOptions {
  /** @default 'service-overview' */
  readonly uid?: string;
  /** @default 'Service Overview' */
  readonly title?: string;
  /** Preselect one service in the `service` variable (a per-service dashboard). @default - All */
  readonly service?: string;
  /** Request counter. @default 'http_requests_total' */
  readonly requestsMetric?: string;
  /** Request duration histogram, without `_bucket`. @default 'http_request_duration_seconds' */
  readonly durationMetric?: string;
  /** Label holding the HTTP status code. @default 'status' */
  readonly statusLabel?: string;
  /** RE2 regex of the status codes counted as errors. @default '5..' */
  readonly errorStatusRegex?: string;
  /** Label naming the service. @default 'service' */
  readonly serviceLabel?: string;
  /**
   * Uid of the Prometheus datasource. When unset, a `datasource` variable (type prometheus)
   * is defined and every query uses `${datasource}`.
   * @default undefined (the `datasource` variable)
   */
  readonly datasourceUid?: string;
  /**
   * Uid of the per-service dashboard the panels' data links open (with `var-service` set to
   * the clicked series' service).
   * @default - this dashboard's own uid: the drill-down shows the same RED panels for the one service
   */
  readonly serviceDashboardUid?: string;
  /** Uid of the node USE dashboard linked from the dashboard. @default 'node-use' */
  readonly nodeDashboardUid?: string;
  /** Error ratio shown yellow from this value. @default 0.01 */
  readonly errorRatioWarning?: number;
  /** Error ratio shown red from this value. @default 0.05 */
  readonly errorRatioCritical?: number;
  /** p99 latency (seconds) shown yellow from this value. @default 0.5 */
  readonly latencyWarningSeconds?: number;
  /** p99 latency (seconds) shown red from this value. @default 1 */
  readonly latencyCriticalSeconds?: number;
}

/**
 * The course's "Service Overview" RED dashboard: rate, errors and duration per service, with
 * stat panels on top, `datasource`/`service`/`percentile` variables, data links that drill
 * down to one service (this dashboard filtered, or the per-service dashboard you name) and a
 * link to the node USE dashboard.
 */
export function redDashboard(options: RedDashboardOptions = {}): DashboardModel {
  const uid = options.uid ?? 'service-overview';
  const title = options.title ?? 'Service Overview';
  const req = options.requestsMetric ?? 'http_requests_total';
  const dur = options.durationMetric ?? 'http_request_duration_seconds';
  const status = options.statusLabel ?? 'status';
  const errors = options.errorStatusRegex ?? '5..';
  const svc = options.serviceLabel ?? 'service';
  const serviceUid = options.serviceDashboardUid ?? uid;
  const nodeUid = options.nodeDashboardUid ?? 'node-use';
  const errWarn = options.errorRatioWarning ?? 0.01;
  const errCrit = options.errorRatioCritical ?? 0.05;
  const latWarn = options.latencyWarningSeconds ?? 0.5;
  const latCrit = options.latencyCriticalSeconds ?? 1;

  const problems = [
    uidProblem('uid', uid),
    options.serviceDashboardUid !== undefined ? uidProblem('serviceDashboardUid', serviceUid) : undefined,
    uidProblem('nodeDashboardUid', nodeUid),
    prefixed('requestsMetric', metricNameProblem(req)),
    prefixed('durationMetric', metricNameProblem(dur)),
    prefixed('statusLabel', labelNameProblem(status)),
    prefixed('serviceLabel', labelNameProblem(svc)),
    prefixed('errorStatusRegex', re2Problem(errors)),
    titleProblem(title),
    datasourceUidProblem(options.datasourceUid),
    orderedProblem('errorRatioWarning', errWarn, 'errorRatioCritical', errCrit),
    orderedProblem('latencyWarningSeconds', latWarn, 'latencyCriticalSeconds', latCrit),
  ];
  throwProblems('redDashboard', problems);

  const ds = datasourceRef(options.datasourceUid);
  const ids = new IdSequence();
  const sel = `${svc}=~"$service"`;
  const errSel = `${sel}, ${status}=~${JSON.stringify(errors)}`;
  const rate = (matchers: string): string => `rate(${req}{${matchers}}[$__rate_interval])`;
  const legend = `{{${svc}}}`;
  const drillDown = new dashboard.DashboardLinkBuilder('Service detail: ${__field.labels.' + svc + '}')
    .url(`/d/${serviceUid}?var-service=\${__field.labels.${svc}}&\${__url_time_range}`)
    .targetBlank(false);

  const builder = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .tags(['generated', 'service'])
    .timezone('browser')
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('Node USE')
        .type(dashboard.DashboardLinkType.Link)
        .url(`/d/${nodeUid}`)
        .icon('dashboard')
        .tooltip('Nodes: utilization, saturation, errors')
        .keepTime(true)
        .includeVars(false)
        .targetBlank(false),
    );
  if (options.datasourceUid === undefined) builder.withVariable(datasourceVariable());
  const serviceVariable = new dashboard.QueryVariableBuilder('service');
  if (options.service !== undefined) serviceVariable.current({ text: [options.service], value: [options.service], selected: true });
  builder
    .withVariable(
      serviceVariable
        .label('Service')
        .datasource(ds)
        .query(`label_values(${req}, ${svc})`)
        .definition(`label_values(${req}, ${svc})`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true),
    )
    .withVariable(
      new dashboard.CustomVariableBuilder('percentile')
        .label('Percentile')
        .values('50,90,95,99')
        .current({ text: '99', value: '99', selected: true })
        .options(['50', '90', '95', '99'].map((p) => ({ text: p, value: p, selected: p === '99' })))
        .multi(false)
        .includeAll(false),
    );

  // Stat panels: the current figures over the selected services.
  builder
    .withPanel(
      statPanel(ids, 'Request rate', units.RequestsPerSecond, 8)
        .description('Requests per second over the selected services.')
        .withTarget(query(ds, 'A', `sum(${rate(sel)})`, 'requests'))
        .thresholds(steps('green', [])),
    )
    .withPanel(
      statPanel(ids, 'Error ratio', units.PercentUnit, 8)
        .description(`Share of requests whose ${status} label matches ${JSON.stringify(errors)}.`)
        .withTarget(query(ds, 'A', `sum(${rate(errSel)})\n/\nsum(${rate(sel)})`, 'errors'))
        .decimals(2)
        .thresholds(steps('green', [[errWarn, 'yellow'], [errCrit, 'red']]))
        .colorMode(common.BigValueColorMode.Background),
    )
    .withPanel(
      statPanel(ids, 'p99 latency', units.Seconds, 8)
        .description('99th percentile of the request duration over the selected services.')
        .withTarget(query(ds, 'A', `histogram_quantile(0.99,\n  sum by (le) (rate(${dur}_bucket{${sel}}[$__rate_interval]))\n)`, 'p99'))
        .thresholds(steps('green', [[latWarn, 'yellow'], [latCrit, 'red']]))
        .colorMode(common.BigValueColorMode.Background),
    );

  // Time series per service, each with the drill-down link.
  builder
    .withPanel(
      seriesPanel(ids, 'Request Rate', units.RequestsPerSecond, 12)
        .withTarget(query(ds, 'A', `sum by (${svc}) (${rate(sel)})`, legend))
        .dataLinks([drillDown]),
    )
    .withPanel(
      seriesPanel(ids, 'Error Rate', units.PercentUnit, 12)
        .withTarget(query(ds, 'A', `sum by (${svc}) (${rate(errSel)})\n/\nsum by (${svc}) (${rate(sel)})`, legend))
        .min(0)
        .thresholds(steps('green', [[errWarn, 'yellow'], [errCrit, 'red']]))
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Area))
        .dataLinks([drillDown]),
    )
    .withPanel(
      seriesPanel(ids, 'Latency p$percentile', units.Seconds, 24)
        .withTarget(
          query(ds, 'A', `histogram_quantile(0.$percentile,\n  sum by (${svc}, le) (rate(${dur}_bucket{${sel}}[$__rate_interval]))\n)`, legend),
        )
        .min(0)
        .dataLinks([drillDown]),
    );
  return builder.build();
}

/** Stand-ins for the values that differ between the RED dashboards of a stack's services (a valid uid, title and service). */
const RED_STAND_INS = { uid: 'x0redtemplateuidx0', title: 'x0redtemplatetitlex0', service: 'x0redtemplateservicex0' } as const;
const RED_STAND_IN = /x0redtemplate(uid|title|service)x0/;
/** Values written into JSON as they are (no escape, no surrogate, no stand-in). */
const PLAIN_JSON_TEXT = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;

/** config_json texts with stand-ins, split at them, per set of the other options (`null`: not one of them fits). */
const redJsonTemplates = new Map<string, { readonly parts: readonly string[]; readonly keys: ReadonlyArray<keyof typeof RED_STAND_INS> } | null>();

/**
 * The JSON text of `slim(redDashboard(options))`, made from a text built once per set of the
 * options other than uid, title and service, with these put in (1,000 services differ only in
 * them): undefined when they cannot be put in exactly (a value needing a JSON escape, or
 * holding a stand-in; options other than strings, numbers and booleans), then the caller
 * writes the model itself. Compared with the direct text in the tests.
 */
export function redDashboardJson(options: RedDashboardOptions, slim: (model: Record<string, unknown>) => unknown): string | undefined {
  const uid = options.uid ?? 'service-overview';
  const title = options.title ?? 'Service Overview';
  const values = { uid, title, service: options.service };
  const plain = (v: unknown) => typeof v === 'string' && PLAIN_JSON_TEXT.test(v) && !RED_STAND_IN.test(v);
  if (!plain(uid) || !plain(title) || (options.service !== undefined && !plain(options.service))) return undefined;
  const { uid: _u, title: _t, service, ...others } = options;
  if (!Object.values(others).every((v) => v === undefined || typeof v === 'number' || typeof v === 'boolean' || plain(v))) return undefined;
  const key = JSON.stringify([service === undefined, Object.entries(others).map(([k, v]) => [k, typeof v, Object.is(v, -0) ? '-0' : String(v)])]);
  let template = redJsonTemplates.get(key);
  if (template === undefined) {
    const text = JSON.stringify(slim(redDashboard({ ...options, ...RED_STAND_INS, ...(service === undefined ? { service: undefined } : {}) }) as unknown as Record<string, unknown>));
    const split = text.split(RED_STAND_IN);
    template = { parts: split.filter((_, i) => i % 2 === 0), keys: split.filter((_, i) => i % 2 === 1) as Array<keyof typeof RED_STAND_INS> };
    if (redJsonTemplates.size >= 64) redJsonTemplates.clear();
    redJsonTemplates.set(key, template);
  }
  if (template === null) return undefined;
  let out = template.parts[0];
  for (let i = 0; i < template.keys.length; i++) out += (values[template.keys[i]] ?? '') + template.parts[i + 1];
  return out;
}

// ---------------------------------------------------------------------------------------------
// USE: nodes
// ---------------------------------------------------------------------------------------------

/** Options of {@link nodeUseDashboard}. */
export interface NodeUseDashboardOptions {
  /** @default 'node-use' */
  readonly uid?: string;
  /** @default 'Node USE' */
  readonly title?: string;
  /** Uid of the Prometheus datasource. @default undefined (a `datasource` variable) */
  readonly datasourceUid?: string;
  /** RE2 regex of the filesystem types left out of the disk panels. @default 'tmpfs|overlay|squashfs|ramfs|nsfs|devtmpfs' */
  readonly excludedFsTypes?: string;
  /** RE2 regex of the network devices left out of the network panels. @default 'lo|veth.*|docker.*|br-.*' */
  readonly excludedNetworkDevices?: string;
}

/**
 * Utilization, saturation and errors of each node (node exporter metrics): CPU, memory,
 * disk and network, one row each, with `datasource` and `instance` (multi, All) variables.
 */
export function nodeUseDashboard(options: NodeUseDashboardOptions = {}): DashboardModel {
  const uid = options.uid ?? 'node-use';
  const title = options.title ?? 'Node USE';
  const fsTypes = options.excludedFsTypes ?? 'tmpfs|overlay|squashfs|ramfs|nsfs|devtmpfs';
  const devices = options.excludedNetworkDevices ?? 'lo|veth.*|docker.*|br-.*';
  throwProblems('nodeUseDashboard', [
    uidProblem('uid', uid),
    titleProblem(title),
    datasourceUidProblem(options.datasourceUid),
    prefixed('excludedFsTypes', re2Problem(fsTypes)),
    prefixed('excludedNetworkDevices', re2Problem(devices)),
  ]);

  const ds = datasourceRef(options.datasourceUid);
  const ids = new IdSequence();
  const inst = 'instance=~"$instance"';
  const fs = `${inst}, fstype!~${JSON.stringify(fsTypes)}`;
  const dev = `${inst}, device!~${JSON.stringify(devices)}`;
  const byInstance = '{{instance}}';
  const byMount = '{{instance}} {{mountpoint}}';
  const byDevice = '{{instance}} {{device}}';
  const rawFullHours = `-1 * (\n  node_filesystem_avail_bytes{${fs}}\n  /\n  deriv(node_filesystem_avail_bytes{${fs}}[6h])\n) / 3600`;

  const builder = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .tags(['generated', 'node', 'use'])
    .timezone('browser')
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
  if (options.datasourceUid === undefined) builder.withVariable(datasourceVariable());
  builder.withVariable(
    new dashboard.QueryVariableBuilder('instance')
      .label('Instance')
      .datasource(ds)
      .query('label_values(node_uname_info, instance)')
      .definition('label_values(node_uname_info, instance)')
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true),
  );

  builder
    .withRow(new dashboard.RowBuilder('CPU').id(ids.next()))
    .withPanel(
      seriesPanel(ids, 'CPU utilization', units.PercentUnit, 12)
        .withTarget(query(ds, 'A', `1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", ${inst}}[$__rate_interval]))`, byInstance))
        .min(0)
        .max(1)
        .thresholds(steps('green', [[0.8, 'yellow'], [0.9, 'red']])),
    )
    .withPanel(
      seriesPanel(ids, 'CPU saturation (load per core)', units.Short, 12)
        .description('1-minute load average divided by the number of CPUs: above 1, runnable tasks wait for a CPU.')
        .withTarget(query(ds, 'A', `node_load1{${inst}}\n/\ncount without (cpu, mode) (node_cpu_seconds_total{mode="idle", ${inst}})`, byInstance))
        .min(0)
        .thresholds(steps('green', [[1, 'orange'], [2, 'red']]))
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed)),
    )
    .withRow(new dashboard.RowBuilder('Memory').id(ids.next()))
    .withPanel(
      seriesPanel(ids, 'Memory utilization', units.PercentUnit, 8)
        .withTarget(query(ds, 'A', `1 - node_memory_MemAvailable_bytes{${inst}} / node_memory_MemTotal_bytes{${inst}}`, byInstance))
        .min(0)
        .max(1)
        .thresholds(steps('green', [[0.8, 'yellow'], [0.9, 'red']])),
    )
    .withPanel(
      seriesPanel(ids, 'Memory used', units.BytesIEC, 8)
        .withTarget(query(ds, 'A', `node_memory_MemTotal_bytes{${inst}} - node_memory_MemAvailable_bytes{${inst}}`, '{{instance}} used'))
        .withTarget(query(ds, 'B', `node_memory_MemTotal_bytes{${inst}}`, '{{instance}} total'))
        .min(0),
    )
    .withPanel(
      seriesPanel(ids, 'Memory saturation (major page faults)', units.OpsPerSecond, 8)
        .description('Major page faults per second: pages read back from disk, a sign of memory pressure.')
        .withTarget(query(ds, 'A', `rate(node_vmstat_pgmajfault{${inst}}[$__rate_interval])`, byInstance))
        .min(0),
    )
    .withRow(new dashboard.RowBuilder('Disk').id(ids.next()))
    .withPanel(
      seriesPanel(ids, 'Disk space used', units.PercentUnit, 12)
        .withTarget(query(ds, 'A', `1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}`, byMount))
        .min(0)
        .max(1)
        .thresholds(steps('green', [[0.8, 'yellow'], [0.9, 'red']])),
    )
    .withPanel(
      seriesPanel(ids, 'Disk predicted full (hours)', units.Hours, 12)
        .description(
          'Hours until the filesystem is full at the 6h trend: the recorded `instance:node_disk:predicted_full_hours` where it exists, computed from node_filesystem_avail_bytes otherwise. Only filling filesystems are shown.',
        )
        .withTarget(query(ds, 'A', `(\n  instance:node_disk:predicted_full_hours{${inst}}\n  or\n  ${rawFullHours.replace(/\n/g, '\n  ')}\n) > 0`, byMount))
        .min(0)
        .thresholds(steps('red', [[24, 'orange'], [72, 'yellow'], [168, 'green']])),
    )
    .withPanel(
      seriesPanel(ids, 'Disk I/O utilization', units.PercentUnit, 12)
        .description('Share of time the device was busy with I/O.')
        .withTarget(query(ds, 'A', `rate(node_disk_io_time_seconds_total{${inst}}[$__rate_interval])`, byDevice))
        .min(0)
        .max(1),
    )
    .withPanel(
      seriesPanel(ids, 'Disk I/O saturation (queue length)', units.Short, 12)
        .description('Weighted seconds spent doing I/O per second: the average number of requests in flight or queued.')
        .withTarget(query(ds, 'A', `rate(node_disk_io_time_weighted_seconds_total{${inst}}[$__rate_interval])`, byDevice))
        .min(0),
    )
    .withRow(new dashboard.RowBuilder('Network').id(ids.next()))
    .withPanel(
      seriesPanel(ids, 'Network throughput', units.BitsPerSecondSI, 12)
        .withTarget(query(ds, 'A', `rate(node_network_receive_bytes_total{${dev}}[$__rate_interval]) * 8`, `${byDevice} receive`))
        .withTarget(query(ds, 'B', `rate(node_network_transmit_bytes_total{${dev}}[$__rate_interval]) * 8`, `${byDevice} transmit`))
        .min(0),
    )
    .withPanel(
      seriesPanel(ids, 'Network errors and drops', units.PacketsPerSecond, 12)
        .withTarget(query(ds, 'A', `rate(node_network_receive_errs_total{${dev}}[$__rate_interval])`, `${byDevice} receive errors`))
        .withTarget(query(ds, 'B', `rate(node_network_transmit_errs_total{${dev}}[$__rate_interval])`, `${byDevice} transmit errors`))
        .withTarget(query(ds, 'C', `rate(node_network_receive_drop_total{${dev}}[$__rate_interval])`, `${byDevice} receive drops`))
        .withTarget(query(ds, 'D', `rate(node_network_transmit_drop_total{${dev}}[$__rate_interval])`, `${byDevice} transmit drops`))
        .min(0)
        .thresholds(steps('green', [[0.01, 'red']])),
    );
  return builder.build();
}

// ---------------------------------------------------------------------------------------------
// SLO
// ---------------------------------------------------------------------------------------------

/** Options of {@link sloDashboard}: the SLO, as given to `SloBudget`. */
export interface SloDashboardOptions {
  readonly service: string;
  readonly name: string;
  /** Objective in percent, strictly between 0 and 100 (e.g. 99.9). */
  readonly objective: number;
  /** Compliance window in whole days. */
  readonly windowDays: number;
  /** @default `slo-<service>-<name>`, sanitized to Grafana's uid rules ({@link sanitizeDashboardUid}) */
  readonly uid?: string;
  /**
   * Windows of the burn-rate panel; each must have a recorded `slo:sli_error:ratio_rate<w>`.
   * @default the recorded windows of the SLO (`recordedWindows(windowDays)`)
   */
  readonly burnWindows?: readonly string[];
  /** Uid of the Prometheus datasource. @default undefined (a `datasource` variable) */
  readonly datasourceUid?: string;
}

/** Colours of the budget policy states recorded in `slo:error_budget:policy_state`. */
const POLICY_STATES: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'normal', 'green'],
  [1, 'caution', 'yellow'],
  [2, 'freeze', 'orange'],
  [3, 'incident', 'red'],
];

/** Burn rates drawn as threshold lines: 1 (budget exactly spent), 6 and 14.4 (page). */
export const SLO_BURN_THRESHOLDS: readonly number[] = [1, 6, 14.4];

/**
 * One SLO's dashboard over the series its `SloBudget` records (labels `slo` and `service`):
 * budget remaining and policy state, SLI against the objective, current burn rate and the
 * burn rate of each window.
 */
export function sloDashboard(options: SloDashboardOptions): DashboardModel {
  const { service, name, objective, windowDays } = options;
  const problems: Array<string | undefined> = [];
  if (typeof service !== 'string' || service.trim() === '') problems.push(`service must be a non-empty string (got ${JSON.stringify(service)}).`);
  if (typeof name !== 'string' || name.trim() === '') problems.push(`name must be a non-empty string (got ${JSON.stringify(name)}).`);
  if (typeof objective !== 'number' || !(objective > 0 && objective < 100)) {
    problems.push(`objective must be a percentage strictly between 0 and 100 (got ${JSON.stringify(objective)}). Give e.g. 99.9.`);
  }
  if (!Number.isSafeInteger(windowDays) || windowDays < 1) {
    problems.push(`windowDays must be a whole number of days, at least 1 (got ${JSON.stringify(windowDays)}). Give e.g. 30.`);
  }
  throwProblems('sloDashboard', problems);

  const uid = options.uid ?? sanitizeDashboardUid(`slo-${service}-${name}`);
  const whole = Duration.days(windowDays);
  const givenWindows = options.burnWindows ?? recordedWindows(windowDays).map((w) => w.toString());
  throwProblems('sloDashboard', [
    uidProblem('uid', uid),
    datasourceUidProblem(options.datasourceUid),
    givenWindows.length === 0 ? 'burnWindows must not be empty. Give the recorded windows, e.g. ["5m", "30m", "1h", "6h", "1d", "3d"].' : undefined,
    ...givenWindows.map((w, i) => prefixed(`burnWindows[${i}]`, durationProblem(w))),
  ]);
  // The canonical form names the recorded series: '60m' is recorded as ratio_rate1h.
  const burnWindows = [...new Set(givenWindows.map((w) => Duration.parse(w).toString()))];

  const ds = datasourceRef(options.datasourceUid);
  const ids = new IdSequence();
  const sel = `{slo=${JSON.stringify(name)}, service=${JSON.stringify(service)}}`;
  const budget = budgetFigures(objective, windowDays);
  const target = Number(num(objective / 100));
  const burn = (w: string): string => `${SloMetrics.errorRatio(w)}${sel}\n/ on (slo, service) group_left\n${SloMetrics.errorBudget}${sel}`;
  const budgetSteps = steps('red', [[0, 'orange'], [0.25, 'yellow'], [0.5, 'green']]);
  const burnSteps = steps('green', [[SLO_BURN_THRESHOLDS[0], 'yellow'], [SLO_BURN_THRESHOLDS[1], 'orange'], [SLO_BURN_THRESHOLDS[2], 'red']]);
  const sliSteps = steps('red', [[target, 'green']]);

  const builder = new dashboard.DashboardBuilder(`SLO ${service} / ${name} (${objective}% over ${windowDays}d)`)
    .uid(uid)
    .description(
      `SLO ${name} of ${service}: ${objective}% over ${windowDays}d, error budget ${num(budget.errorBudgetRatio * 100)}% ` +
        `(${num(budget.allowedBadMinutes)} bad minutes, ${num(budget.allowedBadPerMillion)} bad events per million).`,
    )
    .tags(['generated', 'slo', service])
    .timezone('browser')
    .refresh('1m')
    .time({ from: `now-${whole}`, to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
  if (options.datasourceUid === undefined) builder.withVariable(datasourceVariable());

  builder
    .withPanel(
      new gauge.PanelBuilder()
        .id(ids.next())
        .title('Error budget remaining')
        .description(`Share of the ${windowDays}d error budget left. Policy: caution below 50%, freeze below 25%, incident when exhausted.`)
        .datasource(ds)
        .span(6)
        .height(6)
        .unit(units.PercentUnit)
        .min(0)
        .max(1)
        .decimals(1)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .showThresholdMarkers(true)
        .withTarget(query(ds, 'A', `${SloMetrics.budgetRemaining}${sel}`, 'remaining'))
        .thresholds(budgetSteps),
    )
    .withPanel(
      statPanel(ids, 'Budget policy', units.NoUnit, 6)
        .description('0 normal, 1 caution, 2 freeze non-critical deploys, 3 incident (budget exhausted).')
        .withTarget(query(ds, 'A', `${SloMetrics.policyState}${sel}`, 'state'))
        .mappings([
          {
            type: dashboard.MappingType.ValueToText,
            options: Object.fromEntries(POLICY_STATES.map(([value, text, color], index) => [String(value), { text, color, index }])),
          },
        ])
        .thresholds(steps('green', [[1, 'yellow'], [2, 'orange'], [3, 'red']]))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None),
    )
    .withPanel(
      statPanel(ids, `SLI (${whole})`, units.PercentUnit, 6)
        .description(`Good share of events over ${whole}; the objective is ${objective}%.`)
        .withTarget(query(ds, 'A', `1 - ${SloMetrics.errorRatio(whole)}${sel}`, 'SLI'))
        .decimals(3)
        .thresholds(sliSteps)
        .colorMode(common.BigValueColorMode.Background),
    )
    .withPanel(
      statPanel(ids, 'Current burn rate (1h)', 'suffix:×', 6)
        .description('Error ratio over the last hour divided by the error budget: 1 spends the budget exactly over the window.')
        .withTarget(query(ds, 'A', `${SloMetrics.burnRate}${sel}`, 'burn rate'))
        .decimals(2)
        .thresholds(burnSteps)
        .colorMode(common.BigValueColorMode.Background),
    )
    .withPanel(
      seriesPanel(ids, 'SLI vs objective', units.PercentUnit, 12)
        .description(`SLI over ${whole}; the line is the objective (${objective}%).`)
        .withTarget(query(ds, 'A', `1 - ${SloMetrics.errorRatio(whole)}${sel}`, `SLI (${whole})`))
        .decimals(3)
        .thresholds(sliSteps)
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line)),
    )
    .withPanel(
      seriesPanel(ids, 'Error budget remaining over time', units.PercentUnit, 12)
        .withTarget(query(ds, 'A', `${SloMetrics.budgetRemaining}${sel}`, 'remaining'))
        .thresholds(budgetSteps)
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Area)),
    );
  const burnPanel = seriesPanel(ids, 'Burn rate per window', 'suffix:×', 24)
    .description('Error ratio of each window divided by the error budget. Lines: 1 (budget spent exactly over the window), 6 and 14.4 (page).')
    .min(0)
    .thresholds(burnSteps)
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  burnWindows.forEach((w, i) => burnPanel.withTarget(query(ds, refIdFor(i), burn(w), w)));
  builder.withPanel(burnPanel);
  return builder.build();
}

/**
 * Turns any text into a Grafana dashboard uid: characters outside `[a-zA-Z0-9-_]` become
 * `-`, and a uid longer than 40 characters is cut and suffixed with a hash of the text so
 * that two long names stay distinct.
 */
export function sanitizeDashboardUid(text: string): string {
  const clean = text
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean.length > 0 && clean.length <= 40) return clean;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${clean.slice(0, 31).replace(/-+$/, '')}-${hash}`.replace(/^-/, '');
}

// ---------------------------------------------------------------------------------------------
// Query listing and validation
// ---------------------------------------------------------------------------------------------

/** One query of a dashboard panel. */
export interface DashboardQuery {
  /** Title of the panel holding the query. */
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  /** The target's datasource, else the panel's. */
  readonly datasource?: unknown;
}

/**
 * Every target with an `expr` (Prometheus and Loki queries) of a dashboard model, wherever a
 * panel can hold one: top-level `panels`, panels nested in (collapsed) rows (schema 16+),
 * panels of old-style `rows[].panels` (schema before 16, most dashboards on grafana.com),
 * and library panels whose model is inline (`panel.libraryPanel.model`, or the export's
 * `__elements[uid].model` for a panel that only references it). Also accepts the API form
 * `{ dashboard: {...} }`. Panels under an old-style row are named `<row title> / <panel title>`.
 */
export function dashboardQueries(model: unknown): DashboardQuery[] {
  const root = isRecord(model) && !Array.isArray(model.panels) && !Array.isArray(model.rows) && isRecord(model.dashboard) ? model.dashboard : model;
  const out: DashboardQuery[] = [];
  if (!isRecord(root)) return out;
  const elements = isRecord(root.__elements) ? root.__elements : {};
  collectQueries(root.panels, out, elements, '');
  if (Array.isArray(root.rows)) {
    root.rows.forEach((row, i) => {
      if (!isRecord(row)) return;
      const title = typeof row.title === 'string' && row.title !== '' ? row.title : `rows[${i}]`;
      collectQueries(row.panels, out, elements, `${title} / `);
    });
  }
  return out;
}

function collectQueries(panels: unknown, out: DashboardQuery[], elements: Record<string, unknown>, prefix: string): void {
  if (!Array.isArray(panels)) return;
  for (const panel of panels) {
    if (!isRecord(panel)) continue;
    const title = typeof panel.title === 'string' && panel.title !== '' ? panel.title : `#${String(panel.id ?? '?')}`;
    const targets: Array<[unknown, unknown]> = (Array.isArray(panel.targets) ? panel.targets : []).map((t) => [t, panel.datasource]);
    // A library panel: its inline model, or the export's element, holds the targets.
    const library = isRecord(panel.libraryPanel) ? panel.libraryPanel : undefined;
    const element = library && typeof library.uid === 'string' ? elements[library.uid] : undefined;
    const libraryModel = library && isRecord(library.model) ? library.model : isRecord(element) && isRecord(element.model) ? element.model : undefined;
    if (!targets.length && libraryModel && Array.isArray(libraryModel.targets)) {
      for (const t of libraryModel.targets) targets.push([t, libraryModel.datasource ?? panel.datasource]);
    }
    targets.forEach(([target, panelDatasource], i) => {
      if (!isRecord(target) || typeof target.expr !== 'string') return;
      const refId = typeof target.refId === 'string' && target.refId !== '' ? target.refId : refIdFor(i);
      const datasource = target.datasource ?? panelDatasource;
      const name = `${prefix}${title}`;
      out.push(datasource === undefined || datasource === null ? { panel: name, refId, expr: target.expr } : { panel: name, refId, expr: target.expr, datasource });
    });
    collectQueries(panel.panels, out, elements, prefix);
  }
}

/** Parses one query; returns a message for the first error, or undefined. */
export type QueryParser = (expr: string, datasource?: unknown, context?: QueryContext) => string | undefined;

/** What a {@link QueryParser} is told about the query it checks. */
export interface QueryContext {
  /** Grafana variables were replaced by stand-ins: only the syntax is meaningful, not the types. */
  readonly substituted: boolean;
}

/** Options of {@link validateDashboardQueries}. */
export interface ValidateDashboardQueriesOptions {
  /**
   * Parser for Loki (LogQL) targets, recognised by a datasource of type `loki` (or a string
   * or uid naming Loki).
   * @default undefined (Loki targets go to `parse`, which receives the datasource)
   */
  readonly logql?: QueryParser;
}

/**
 * Checks every query of a dashboard model with `parse` (e.g. `promqlProblem`) after replacing
 * Grafana variables ({@link substituteGrafanaVariables}). `parse` receives the target's (or
 * panel's) datasource as second argument. Loki targets go to `options.logql` when given;
 * targets of other datasource types (tempo, elasticsearch, ...) are skipped. A target with
 * no datasource type (e.g. `${datasource}`) counts as Prometheus.
 * Returns `panel "<title>" query <refId>: <message>` per problem.
 */
export function validateDashboardQueries(model: unknown, parse: QueryParser, options: ValidateDashboardQueriesOptions = {}): string[] {
  const problems: string[] = [];
  for (const q of dashboardQueries(model)) {
    const language = queryLanguage(q.datasource);
    if (language === 'other') continue;
    const check = language === 'logql' && options.logql ? options.logql : parse;
    const expr = substituteGrafanaVariables(q.expr);
    const problem = check(expr, q.datasource, { substituted: expr !== q.expr });
    if (problem) problems.push(`panel ${JSON.stringify(q.panel)} query ${q.refId}: ${problem}`);
  }
  return problems;
}

const DURATION_BUILTINS = new Set(['__rate_interval', '__interval', '__range', '__auto']);
const NUMBER_BUILTINS: Record<string, string> = {
  __rate_interval_ms: '300000',
  __interval_ms: '300000',
  __range_ms: '300000',
  __range_s: '300',
};
const BRACED = /\$\{([A-Za-z0-9_.]+)(?::[^}]*)?\}/y;
const PLAIN = /\$(\w+)/y;
const BRACKETED = /\[\[([A-Za-z0-9_.]+)(?::[^\]]*)?\]\]/y;

/**
 * Replaces Grafana variables in a query with values a parser accepts: `$__rate_interval`,
 * `$__interval`, `$__range` (and `$__auto`) become `5m`; in strings (label matchers, regexes)
 * `$var`, `${var}`, `${var:fmt}` and `[[var]]` become the variable's name; after a digit or a
 * decimal point (`0.$percentile`) they become `99`; inside `[...]` or after `offset`, `5m`;
 * elsewhere an identifier `var_<name>` (a metric or label name).
 */
export function substituteGrafanaVariables(expr: string): string {
  // Nothing to replace without `$` or `[[`.
  if (typeof expr === 'string' && !expr.includes('$') && !expr.includes('[[')) return expr;
  if (typeof expr !== 'string') return substituteVariables(expr);
  // Remembered by query: the dashboards of 1,000 services repeat the same few.
  let out = SUBSTITUTED.get(expr);
  if (out === undefined) remember(SUBSTITUTED, expr, (out = substituteVariables(expr)));
  return out;
}

const SUBSTITUTED = new Map<string, string>();

function substituteVariables(expr: string): string {
  let out = '';
  let quote: string | undefined;
  let brackets = 0;
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    const variable = matchVariable(expr, i);
    if (variable) {
      out += quote !== undefined ? stringValue(variable.name) : codeValue(variable.name, out, brackets);
      i += variable.length;
      continue;
    }
    if (quote !== undefined) {
      if (c === '\\' && quote !== '`') {
        out += expr.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '[') {
      brackets++;
    } else if (c === ']') {
      brackets = Math.max(0, brackets - 1);
    }
    out += c;
    i++;
  }
  return out;
}

function matchVariable(text: string, at: number): { name: string; length: number } | undefined {
  const c = text[at];
  if (c !== '$' && c !== '[') return undefined;
  for (const re of c === '$' ? [BRACED, PLAIN] : [BRACKETED]) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m) return { name: m[1], length: m[0].length };
  }
  return undefined;
}

function stringValue(name: string): string {
  if (DURATION_BUILTINS.has(name)) return '5m';
  return NUMBER_BUILTINS[name] ?? name;
}

function codeValue(name: string, before: string, brackets: number): string {
  if (DURATION_BUILTINS.has(name)) return '5m';
  if (NUMBER_BUILTINS[name]) return NUMBER_BUILTINS[name];
  if (/[0-9.]$/.test(before)) return '99';
  if (brackets > 0 || /\boffset\s*$/i.test(before)) return '5m';
  return `var_${name.replace(/\W/g, '_')}`;
}

function queryLanguage(datasource: unknown): 'promql' | 'logql' | 'other' {
  if (typeof datasource === 'string') return /loki/i.test(datasource) ? 'logql' : 'promql';
  if (!isRecord(datasource)) return 'promql';
  const type = typeof datasource.type === 'string' ? datasource.type : '';
  if (type === 'loki' || (type === '' && typeof datasource.uid === 'string' && /loki/i.test(datasource.uid))) return 'logql';
  if (type === '' || type === 'prometheus') return 'promql';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

class IdSequence {
  private current = 0;
  public next(): number {
    this.current += 1;
    return this.current;
  }
}

function datasourceRef(uid: string | undefined): common.DataSourceRef {
  return { type: 'prometheus', uid: uid ?? `\${${DATASOURCE_VARIABLE}}` };
}

function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus').regex('').multi(false).includeAll(false);
}

function query(ds: common.DataSourceRef, refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().refId(refId).datasource(ds).expr(expr).legendFormat(legend).range();
}

function seriesPanel(ids: IdSequence, title: string, unit: string, width: number): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(ids.next())
    .title(title)
    .unit(unit)
    .span(width)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

function statPanel(ids: IdSequence, title: string, unit: string, width: number): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .id(ids.next())
    .title(title)
    .unit(unit)
    .span(width)
    .height(4)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
}

function steps(base: string, rest: ReadonlyArray<readonly [number, string]>): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...rest.map(([value, color]) => ({ value, color }))]);
}

/** `A`, `B`, ... `Z`, `AA`, `AB`, ... as Grafana names targets. */
function refIdFor(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function uidProblem(field: string, uid: string): string | undefined {
  const problem = grafanaUidProblem(uid);
  if (problem === undefined) return undefined;
  const suggestion = typeof uid === 'string' ? ` (${JSON.stringify(sanitizeDashboardUid(uid))} would do)` : '';
  return `${field} ${problem}${suggestion}`;
}

function titleProblem(title: string): string | undefined {
  if (typeof title === 'string' && title.trim() !== '') return undefined;
  return `title must be a non-empty string (got ${JSON.stringify(title)}).`;
}

function datasourceUidProblem(uid: string | undefined): string | undefined {
  if (uid === undefined || (typeof uid === 'string' && uid.trim() !== '')) return undefined;
  return `datasourceUid must be a non-empty string when given (got ${JSON.stringify(uid)}). Leave it unset to use the "datasource" variable.`;
}

function orderedProblem(lowName: string, low: number, highName: string, high: number): string | undefined {
  if (Number.isFinite(low) && Number.isFinite(high) && low >= 0 && low < high) return undefined;
  return `${lowName} must be a non-negative number below ${highName} (got ${JSON.stringify(low)} and ${JSON.stringify(high)}).`;
}

function prefixed(field: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${field} ${problem}`;
}

function throwProblems(where: string, problems: ReadonlyArray<string | undefined>): void {
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length === 0) return;
  if (found.length === 1) throw new ValidationError(`${where}: ${found[0]}`);
  throw new ValidationError(`${where}: ${found.length} problems:\n  - ${found.join('\n  - ')}`);
}
