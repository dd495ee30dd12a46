import { Duration } from '../core/duration';
import { toYaml, GENERATED_HEADER } from '../core/yaml';
import { AlertingRule, RecordingRule, RuleGroup } from '../prometheus/rules';
import { Sli } from './sli';

/** One tier of the multi-window, multi-burn-rate alerts (Google SRE workbook, 30-day SLO). */
export interface BurnTier {
  readonly alert: string;
  /** Burn rate that fires it. */
  readonly factor: number;
  /** Long and short windows for a 30-day SLO; scaled with the SLO window. */
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  readonly severity: 'critical' | 'warning';
  /** How long both conditions must hold. */
  readonly for: Duration;
  /** Share of the budget consumed in the long window at this burn rate. */
  readonly budgetShare: number;
}

/** The workbook's tiers: page at 14.4× (1h, 5m) and 6× (6h, 30m), ticket at 1× (3d, 6h), optionally 3× (1d, 2h). */
export const BURN_TIERS: Record<'fast' | 'medium' | 'day' | 'slow', BurnTier> = {
  fast: { alert: 'SLOFastBurn', factor: 14.4, longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), severity: 'critical', for: Duration.minutes(2), budgetShare: 0.02 },
  medium: { alert: 'SLOMediumBurn', factor: 6, longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), severity: 'critical', for: Duration.minutes(15), budgetShare: 0.05 },
  day: { alert: 'SLODayBurn', factor: 3, longWindow: Duration.days(1), shortWindow: Duration.hours(2), severity: 'warning', for: Duration.hours(1), budgetShare: 0.1 },
  slow: { alert: 'SLOSlowBurn', factor: 1, longWindow: Duration.days(3), shortWindow: Duration.hours(6), severity: 'warning', for: Duration.hours(1), budgetShare: 0.1 },
};

export const NO_DATA_ALERT = 'SLONoData';
const BASE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => Duration.parse(w));

/** Everything an SLO's rules are generated from. */
export interface SloSpec {
  readonly service: string;
  readonly name: string;
  /** Percent, strictly between 0 and 100. */
  readonly objective: number;
  /** Compliance window in whole days. */
  readonly windowDays: number;
  readonly sli: Sli;
  readonly runbookUrl: string;
  readonly dashboardUrl?: string;
  /** Also ticket at 3× over 1d and 2h. */
  readonly dayTicket?: boolean;
  /** Extra labels on every rule (e.g. team). */
  readonly labels?: Record<string, string>;
}

/** The budget figures of an SLO. */
export interface BudgetFigures {
  /** 1 − objective, e.g. 0.001. */
  readonly errorBudgetRatio: number;
  /** Bad minutes allowed over the window, e.g. 43.2 for 99.9 % over 30 d. */
  readonly allowedBadMinutes: number;
  /** Bad events allowed per million, e.g. 1000. */
  readonly allowedBadPerMillion: number;
}

export function budgetFigures(objectivePercent: number, windowDays: number): BudgetFigures {
  const ratio = round((100 - objectivePercent) / 100);
  return { errorBudgetRatio: ratio, allowedBadMinutes: round(ratio * windowDays * 1440), allowedBadPerMillion: round(ratio * 1e6) };
}

/** Rounds away float noise (0.1 + 0.2) while keeping 12 significant digits. */
function round(n: number): number {
  return Number(n.toPrecision(12));
}

/**
 * A window scaled from the 30-day reference to `windowDays`, to the second, and never below
 * 5m: every window is built from recorded 5m rates, so a shorter one would mean nothing.
 */
export function scaleWindow(d: Duration, windowDays: number): Duration {
  return Duration.seconds(Math.max(300, Math.round((d.toSeconds() * windowDays) / 30)));
}

/** The tiers in use, with windows scaled to the SLO window. */
export function tiersFor(spec: Pick<SloSpec, 'windowDays' | 'dayTicket'>): BurnTier[] {
  const keys: Array<keyof typeof BURN_TIERS> = spec.dayTicket ? ['fast', 'medium', 'day', 'slow'] : ['fast', 'medium', 'slow'];
  return keys.map((k) => {
    const t = BURN_TIERS[k];
    return { ...t, longWindow: scaleWindow(t.longWindow, spec.windowDays), shortWindow: scaleWindow(t.shortWindow, spec.windowDays) };
  });
}

/** The recorded error-ratio windows: the workbook's, scaled, plus the whole window. */
export function recordedWindows(windowDays: number): Duration[] {
  const out = new Map<string, Duration>();
  for (const w of BASE_WINDOWS) {
    const s = scaleWindow(w, windowDays);
    out.set(s.toString(), s);
  }
  // every window an alert reads is recorded (the 3x tier's too)
  for (const t of tiersFor({ windowDays, dayTicket: true })) {
    for (const w of [t.longWindow, t.shortWindow]) out.set(w.toString(), w);
  }
  const whole = Duration.days(windowDays);
  out.set(whole.toString(), whole);
  return [...out.values()].sort((a, b) => a.milliseconds - b.milliseconds);
}

/** Metric names of the recorded series (one naming scheme, `slo`/`service` labels on each). */
export const SloMetrics = {
  badRate5m: 'slo:sli_bad:rate5m',
  totalRate5m: 'slo:sli_total:rate5m',
  errorRatio: (w: Duration | string) => `slo:sli_error:ratio_rate${w.toString()}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  budgetRemaining: 'slo:error_budget:remaining_ratio',
  burnRate: 'slo:burn_rate:ratio_rate1h',
  policyState: 'slo:error_budget:policy_state',
};

/** `0.0144`, not `0.014400000000000001`. */
export function num(n: number): string {
  return String(round(n));
}

export function sloGroupNames(spec: Pick<SloSpec, 'service' | 'name'>): { rules: string; alerts: string } {
  const base = `slo_${spec.service}_${spec.name}`.replace(/[^A-Za-z0-9_]+/g, '_');
  return { rules: base, alerts: `${base}_alerts` };
}

/** The recording and alerting rule groups of an SLO. */
export function sloRuleGroups(spec: SloSpec): RuleGroup[] {
  const labels = { ...(spec.labels ?? {}), slo: spec.name, service: spec.service };
  const sel = `{slo=${JSON.stringify(spec.name)}, service=${JSON.stringify(spec.service)}}`;
  const budget = budgetFigures(spec.objective, spec.windowDays);
  const b = num(budget.errorBudgetRatio);
  const whole = Duration.days(spec.windowDays);
  const names = sloGroupNames(spec);

  const recording: RecordingRule[] = [
    { record: SloMetrics.badRate5m, expr: spec.sli.badRate('5m'), labels },
    { record: SloMetrics.totalRate5m, expr: spec.sli.totalRate('5m'), labels },
  ];
  for (const w of recordedWindows(spec.windowDays)) {
    recording.push({
      record: SloMetrics.errorRatio(w),
      expr:
        w.toString() === '5m'
          ? `${SloMetrics.badRate5m}${sel}\n/\n${SloMetrics.totalRate5m}${sel}`
          : `sum_over_time(${SloMetrics.badRate5m}${sel}[${w}])\n/\nsum_over_time(${SloMetrics.totalRate5m}${sel}[${w}])`,
      labels,
    });
  }
  recording.push(
    { record: SloMetrics.objective, expr: `vector(${num(spec.objective / 100)})`, labels },
    { record: SloMetrics.errorBudget, expr: `vector(${b})`, labels },
    { record: SloMetrics.budgetRemaining, expr: `1 - (${SloMetrics.errorRatio(whole)}${sel} / ${b})`, labels },
    { record: SloMetrics.burnRate, expr: `${SloMetrics.errorRatio(scaleWindow(Duration.hours(1), spec.windowDays))}${sel} / ${b}`, labels },
    {
      // 0 normal (> 50 % left), 1 caution (25–50 %), 2 freeze non-critical deploys (< 25 %), 3 incident (exhausted)
      record: SloMetrics.policyState,
      expr: `(${SloMetrics.budgetRemaining}${sel} <= bool 0)\n+ (${SloMetrics.budgetRemaining}${sel} < bool 0.25)\n+ (${SloMetrics.budgetRemaining}${sel} <= bool 0.5)`,
      labels,
    },
  );

  const figures = {
    error_budget: `${num(budget.errorBudgetRatio * 100)}%`,
    allowed_bad_minutes: num(budget.allowedBadMinutes),
    allowed_bad_per_million: num(budget.allowedBadPerMillion),
    runbook_url: spec.runbookUrl,
    ...(spec.dashboardUrl ? { dashboard_url: spec.dashboardUrl } : {}),
  };
  const alerts: AlertingRule[] = tiersFor(spec).map((t) => {
    const threshold = num(t.factor * budget.errorBudgetRatio);
    const exhaust = Duration.seconds(Math.round((spec.windowDays * 86400) / t.factor));
    return {
      alert: t.alert,
      expr: `${SloMetrics.errorRatio(t.longWindow)}${sel} > ${threshold}\nand\n${SloMetrics.errorRatio(t.shortWindow)}${sel} > ${threshold}`,
      for: t.for,
      labels: { ...labels, severity: t.severity },
      annotations: {
        summary: `{{ $labels.service }}: SLO {{ $labels.slo }} burns its error budget ${t.factor}x too fast`,
        description:
          `Error ratio {{ $value | humanizePercentage }} over ${t.longWindow} and ${t.shortWindow} (threshold ${num(t.factor * budget.errorBudgetRatio * 100)}%). ` +
          `At this rate ${num(t.budgetShare * 100)}% of the ${spec.windowDays}d budget is consumed every ${t.longWindow}, and all of it in ${exhaust}.`,
        budget_consumed: `${num(t.budgetShare * 100)}% of the budget per ${t.longWindow}`,
        ...figures,
      },
    };
  });
  alerts.push({
    alert: NO_DATA_ALERT,
    expr: `absent(${SloMetrics.totalRate5m}${sel})`,
    for: Duration.minutes(10),
    labels: { ...labels, severity: 'warning' },
    annotations: {
      summary: '{{ $labels.service }}: no data for SLO {{ $labels.slo }}',
      description: 'The SLI of this SLO has had no data for 10 minutes: the service, its metrics or the scrape are broken, and burn-rate alerts cannot fire.',
      ...figures,
    },
  });
  return [
    { name: names.rules, interval: '30s', rules: recording },
    { name: names.alerts, interval: '30s', rules: alerts },
  ];
}

/** A scenario of the generated unit tests. */
export interface BurnScenario {
  readonly name: string;
  /** Burn rate relative to the budget (errors = burn × budget × traffic). */
  readonly burn: number;
  /** Expected alert and when it must be firing / not yet firing, after the burn starts. */
  readonly expect: Array<{ alert: string; firing: boolean; after: Duration }>;
}

/** Scenarios proving the tiers: each burn 25 % above its threshold, plus a harmless 0.5×. */
export function burnScenarios(spec: Pick<SloSpec, 'windowDays' | 'dayTicket'>): BurnScenario[] {
  const tiers = tiersFor(spec);
  const [fast, medium] = tiers;
  const slow = tiers[tiers.length - 1];
  // The long window crosses the threshold after long × factor / burn; the recorded 5m rates
  // lag by up to 5 minutes; then `for` must elapse.
  const detect = (t: BurnTier, burn: number) => (t.longWindow.toSeconds() * t.factor) / burn + 300 + t.for.toSeconds();
  const bound = (s: number) => Duration.seconds(Math.ceil((s * 1.1 + 300) / 60) * 60);
  const early = (s: number) => Duration.seconds(Math.floor(((s - 300) * 0.5) / 60) * 60);
  const fastBurn = fast.factor * 1.25;
  const mediumBurn = medium.factor * 1.25;
  const slowBurn = slow.factor * 1.25;
  const out: BurnScenario[] = [
    {
      name: `${fast.factor}x burn pages`,
      burn: fastBurn,
      expect: [
        { alert: fast.alert, firing: false, after: early(detect(fast, fastBurn)) },
        { alert: fast.alert, firing: true, after: bound(detect(fast, fastBurn)) },
      ],
    },
    {
      name: `${medium.factor}x burn pages later`,
      burn: mediumBurn,
      expect: [
        { alert: fast.alert, firing: false, after: bound(detect(medium, mediumBurn)) },
        { alert: medium.alert, firing: false, after: bound(detect(fast, fastBurn)) },
        { alert: medium.alert, firing: true, after: bound(detect(medium, mediumBurn)) },
      ],
    },
    {
      name: `${slow.factor}x burn tickets and does not page`,
      burn: slowBurn,
      expect: [
        { alert: slow.alert, firing: true, after: bound(detect(slow, slowBurn)) },
        { alert: fast.alert, firing: false, after: bound(detect(slow, slowBurn)) },
        { alert: medium.alert, firing: false, after: bound(detect(slow, slowBurn)) },
      ],
    },
    { name: '0.5x burn fires nothing', burn: 0.5, expect: [{ alert: '*', firing: false, after: bound(detect(slow, slowBurn)) }] },
  ];
  return out;
}

/** A `promtool test rules` file for an SLO, or undefined for raw SLIs (no metric names to feed). */
export function sloUnitTests(spec: SloSpec, ruleFiles: string[]): string | undefined {
  const series = spec.sli.series();
  if (!series) return undefined;
  const budget = budgetFigures(spec.objective, spec.windowDays).errorBudgetRatio;
  const onsetMin = 60;
  const perMin = 1000;
  const labels = (alert: string, severity: string) =>
    `ALERTS{${Object.entries({ ...(spec.labels ?? {}), alertname: alert, alertstate: 'firing', service: spec.service, severity, slo: spec.name })
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
  const severityOf = (alert: string) => Object.values(BURN_TIERS).find((t) => t.alert === alert)?.severity ?? 'warning';
  const sloSel = `slo=${JSON.stringify(spec.name)},service=${JSON.stringify(spec.service)}`;

  const tests = burnScenarios(spec).map((sc) => {
    const lastMin = onsetMin + Math.max(...sc.expect.map((e) => e.after.toSeconds() / 60)) + 5;
    const bad = perMin * budget * sc.burn;
    const burnMin = lastMin - onsetMin;
    const input = series.total
      ? [
          { series: series.total, values: `0+${perMin}x${lastMin}` },
          { series: series.good, values: `0+${perMin}x${onsetMin} ${num(perMin * onsetMin + perMin - bad)}+${num(perMin - bad)}x${burnMin - 1}` },
        ]
      : [
          { series: series.good, values: `0+${perMin}x${onsetMin} ${num(perMin * onsetMin + perMin - bad)}+${num(perMin - bad)}x${burnMin - 1}` },
          { series: series.bad!, values: `0+0x${onsetMin} ${num(bad)}+${num(bad)}x${burnMin - 1}` },
        ];
    return {
      name: `${spec.service}/${spec.name}: ${sc.name}`,
      interval: '1m',
      input_series: input,
      promql_expr_test: sc.expect.map((e) => {
        const evalTime = Duration.seconds(onsetMin * 60 + e.after.toSeconds()).toString();
        if (e.alert === '*') {
          return { expr: `count(ALERTS{alertstate="firing",${sloSel}}) or vector(0)`, eval_time: evalTime, exp_samples: [{ labels: '{}', value: 0 }] };
        }
        const sel = `ALERTS{alertname=${JSON.stringify(e.alert)},alertstate="firing",${sloSel}}`;
        return e.firing
          ? { expr: sel, eval_time: evalTime, exp_samples: [{ labels: labels(e.alert, severityOf(e.alert)), value: 1 }] }
          : { expr: `count(${sel}) or vector(0)`, eval_time: evalTime, exp_samples: [{ labels: '{}', value: 0 }] };
      }),
    };
  });
  tests.push({
    name: `${spec.service}/${spec.name}: missing data fires ${NO_DATA_ALERT}`,
    interval: '1m',
    input_series: [{ series: 'up{job="unrelated"}', values: '1x30' }],
    promql_expr_test: [
      { expr: `ALERTS{alertname="${NO_DATA_ALERT}",alertstate="firing",${sloSel}}`, eval_time: '15m', exp_samples: [{ labels: labels(NO_DATA_ALERT, 'warning'), value: 1 }] },
    ],
  });
  return toYaml({ rule_files: ruleFiles, evaluation_interval: '1m', tests }, `${GENERATED_HEADER} Run: promtool test rules <this file>`);
}
