import { Duration } from '../core/duration';
import { toYaml, GENERATED_HEADER } from '../core/yaml';
import { AlertingRule, RecordingRule, Rule, RuleGroup } from '../prometheus/rules';
import { leSpellings } from './le';
import { Sli } from './sli';

/** One tier of the multi-window, multi-burn-rate alerts (Google SRE workbook, 30-day SLO). */
export interface BurnTier {
  /** The alert the tier belongs to: the page ({@link PAGE_ALERT}) or the ticket ({@link TICKET_ALERT}). */
  readonly alert: string;
  /** Burn rate that fires it (the error ratio must be at least factor × budget in both windows). */
  readonly factor: number;
  /** Long and short windows for a 30-day SLO; scaled with the SLO window. */
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  readonly severity: 'critical' | 'warning';
  /** Share of the budget consumed in the long window at this burn rate. */
  readonly budgetShare: number;
  /**
   * The short-window error ratio must also have stayed at or above the budget (1×) for this
   * long: a burst shorter than about `sustain − shortWindow` (a 1-minute total outage) does
   * not page through this tier. @default - no such condition
   */
  readonly sustain?: Duration;
}

/** The page: one alert for both page tiers, so one incident pages once. */
export const PAGE_ALERT = 'SLOFastBurn';
/** The ticket: one alert for both ticket tiers. */
export const TICKET_ALERT = 'SLOSlowBurn';

/**
 * The tiers: page at 14.4× (1h, 5m) or 6× (6h, 30m); ticket at 2× (1d, 2h) or 1× (3d, 6h).
 * The 2× day tier (Pyrra's) replaces the workbook's 3×: it tickets a 14.4× burn after 200
 * minutes instead of 300.
 */
export const BURN_TIERS: Record<'fast' | 'medium' | 'day' | 'slow', BurnTier> = {
  fast: { alert: PAGE_ALERT, factor: 14.4, longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), severity: 'critical', budgetShare: 0.02, sustain: Duration.minutes(8) },
  medium: { alert: PAGE_ALERT, factor: 6, longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), severity: 'critical', budgetShare: 0.05 },
  day: { alert: TICKET_ALERT, factor: 2, longWindow: Duration.days(1), shortWindow: Duration.hours(2), severity: 'warning', budgetShare: 1 / 15 },
  slow: { alert: TICKET_ALERT, factor: 1, longWindow: Duration.days(3), shortWindow: Duration.hours(6), severity: 'warning', budgetShare: 0.1 },
};

export const NO_DATA_ALERT = 'SLONoData';
const NO_DATA_DESCRIPTION =
  'For 10 minutes the SLI has had no data, or has traffic while a series the burn-rate alerts read is missing (e.g. no bucket matches the latency threshold, or an error series is absent): the burn-rate alerts cannot fire. Check the scrape, the metric names and the le value of the threshold bucket.';
const BASE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => Duration.parse(w));
/**
 * Windows read straight from the raw series, without the recorded 5m rates' ramp: the 14.4×
 * tier's long window (a 14.4× burn pages when its hour is full) and the 6× tier's short window
 * (the page resolves within 30m of the burn's end).
 */
const RAW_WINDOWS = ['30m', '1h'];
/** Windows the page reads from the recorded 5m rates, in the fast group. */
const FAST_RECORDED_WINDOWS = ['6h'];
/** Interval of the budget group (ticket windows, whole window, remaining budget, policy state). */
export const BUDGET_GROUP_INTERVAL = Duration.minutes(5);
/** Interval of the fast group (5m rates, page windows, the alerts). */
export const FAST_GROUP_INTERVAL = Duration.seconds(30);

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
  /** Also ticket at 2× over 1d and 2h (default true). */
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
 * 5m: the long windows are built from recorded 5m rates, so a shorter one would mean nothing.
 */
export function scaleWindow(d: Duration, windowDays: number): Duration {
  return Duration.seconds(Math.max(300, Math.round((d.toSeconds() * windowDays) / 30)));
}

/** The tiers in use, with windows scaled to the SLO window. */
export function tiersFor(spec: Pick<SloSpec, 'windowDays' | 'dayTicket'>): BurnTier[] {
  const keys: Array<keyof typeof BURN_TIERS> = spec.dayTicket === false ? ['fast', 'medium', 'slow'] : ['fast', 'medium', 'day', 'slow'];
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
  // every window an alert reads is recorded (the day tier's too)
  for (const t of tiersFor({ windowDays, dayTicket: true })) {
    for (const w of [t.longWindow, t.shortWindow]) out.set(w.toString(), w);
  }
  const whole = Duration.days(windowDays);
  out.set(whole.toString(), whole);
  return [...out.values()].sort((a, b) => a.milliseconds - b.milliseconds);
}

/**
 * Where each recorded window is computed: the recorded 5m rates themselves (5m), the raw
 * series (30m and 1h), sums of recorded 5m rates in the fast group, or sums
 * of their 5-minute averages in the budget group.
 */
export function windowSource(w: Duration, windowDays: number): 'rate5m' | 'raw' | 'fast' | 'budget' {
  const scaled = (names: string[]) => names.some((n) => scaleWindow(Duration.parse(n), windowDays).toString() === w.toString());
  if (w.toString() === '5m') return 'rate5m';
  if (scaled(RAW_WINDOWS)) return 'raw';
  if (scaled(FAST_RECORDED_WINDOWS)) return 'fast';
  return 'budget';
}

/** Metric names of the recorded series (one naming scheme, `slo`/`service` labels on each). */
export const SloMetrics = {
  badRate5m: 'slo:sli_bad:rate5m',
  totalRate5m: 'slo:sli_total:rate5m',
  /** The 5m rates averaged over 5 minutes, recorded every 5 minutes: what the budget group's windows sum. */
  badRate5mAvg: 'slo:sli_bad:rate5m_avg5m',
  totalRate5mAvg: 'slo:sli_total:rate5m_avg5m',
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

export function sloGroupNames(spec: Pick<SloSpec, 'service' | 'name'>): { rules: string; budget: string } {
  const base = `slo_${spec.service}_${spec.name}`.replace(/[^A-Za-z0-9_]+/g, '_');
  return { rules: base, budget: `${base}_budget` };
}

/** The recorded windows of an SLO window and where each is computed: the same for every SLO of that window, made once per window. */
const windowPlans = new Map<number, ReadonlyArray<{ w: Duration; source: ReturnType<typeof windowSource> }>>();
function windowPlan(windowDays: number): ReadonlyArray<{ w: Duration; source: ReturnType<typeof windowSource> }> {
  let plan = windowPlans.get(windowDays);
  if (!plan) {
    plan = recordedWindows(windowDays).map((w) => ({ w, source: windowSource(w, windowDays) }));
    if (windowPlans.size >= 256) windowPlans.clear();
    windowPlans.set(windowDays, plan);
  }
  return plan;
}

/**
 * The rule groups of an SLO, written out for this SLO alone: the reference that
 * {@link sloRuleGroups} (which reuses the text shared by SLOs of one objective and window) is
 * compared with in the tests.
 */
export function sloRuleGroupsDirect(spec: SloSpec): RuleGroup[] {
  const labels = { ...(spec.labels ?? {}), slo: spec.name, service: spec.service };
  const sel = `{slo=${JSON.stringify(spec.name)}, service=${JSON.stringify(spec.service)}}`;
  const budget = budgetFigures(spec.objective, spec.windowDays);
  const b = num(budget.errorBudgetRatio);
  const whole = Duration.days(spec.windowDays);
  const names = sloGroupNames(spec);
  const on = 'on (slo, service)';
  const fromRecorded = (w: Duration | string, bad: string, total: string) => `sum_over_time(${bad}${sel}[${w}])\n/\nsum_over_time(${total}${sel}[${w}])`;

  const fast: Array<RecordingRule | AlertingRule> = [
    { record: SloMetrics.badRate5m, expr: spec.sli.perSecond('bad', '5m', 300), labels },
    { record: SloMetrics.totalRate5m, expr: spec.sli.perSecond('total', '5m', 300), labels },
  ];
  const slow: RecordingRule[] = [
    // one sample per 5 minutes: the long windows sum a tenth of the samples of the 30s series
    { record: SloMetrics.badRate5mAvg, expr: `avg_over_time(${SloMetrics.badRate5m}${sel}[5m])`, labels },
    { record: SloMetrics.totalRate5mAvg, expr: `avg_over_time(${SloMetrics.totalRate5m}${sel}[5m])`, labels },
  ];
  for (const { w, source } of windowPlan(spec.windowDays)) {
    let expr: string;
    if (source === 'rate5m') expr = `${SloMetrics.badRate5m}${sel}\n/\n${SloMetrics.totalRate5m}${sel}`;
    else if (source === 'raw') expr = spec.sli.errorRatio(w.toString());
    else if (source === 'fast') expr = fromRecorded(w, SloMetrics.badRate5m, SloMetrics.totalRate5m);
    else expr = fromRecorded(w, SloMetrics.badRate5mAvg, SloMetrics.totalRate5mAvg);
    (source === 'budget' ? slow : fast).push({ record: SloMetrics.errorRatio(w), expr, labels });
  }
  fast.push({ record: SloMetrics.burnRate, expr: `${SloMetrics.errorRatio(scaleWindow(Duration.hours(1), spec.windowDays))}${sel} / ${b}`, labels });
  slow.push(
    { record: SloMetrics.objective, expr: `vector(${num(spec.objective / 100)})`, labels },
    { record: SloMetrics.errorBudget, expr: `vector(${b})`, labels },
    { record: SloMetrics.budgetRemaining, expr: `1 - (${SloMetrics.errorRatio(whole)}${sel} / ${b})`, labels },
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
  const tiers = tiersFor(spec);
  for (const alert of [PAGE_ALERT, TICKET_ALERT]) {
    const mine = tiers.filter((t) => t.alert === alert);
    const conditions = mine.map((t) => {
      const threshold = num(t.factor * budget.errorBudgetRatio);
      const parts = [`${SloMetrics.errorRatio(t.longWindow)}${sel} >= ${threshold}`, `${SloMetrics.errorRatio(t.shortWindow)}${sel} >= ${threshold}`];
      if (t.sustain) parts.push(`min_over_time(${SloMetrics.errorRatio(t.shortWindow)}${sel}[${t.sustain}]) >= ${b}`);
      return `(\n  ${parts.join(`\n  and ${on}\n  `)}\n)`;
    });
    const tierText = mine.map((t) => `${t.factor}x over ${t.longWindow} and ${t.shortWindow}`).join(', or ');
    const first = mine[0];
    const page = alert === PAGE_ALERT;
    fast.push({
      alert,
      // `or`: the tiers share one label set, so a burn that moves from one tier to the other stays one alert (one page)
      expr: conditions.join('\nor\n'),
      fireImmediately: true,
      labels: { ...labels, severity: first.severity },
      annotations: {
        summary: `{{ $labels.service }}: SLO {{ $labels.slo }} burns its error budget too fast (${page ? 'page' : 'ticket'})`,
        description:
          `Error ratio {{ $value | humanizePercentage }} over the long window of a tier: ${tierText} (burn rate at or above the factor in both windows). ` +
          mine.map((t) => `At ${t.factor}x, ${num(t.budgetShare * 100)}% of the ${spec.windowDays}d budget goes every ${t.longWindow}, all of it in ${Duration.seconds(Math.round((spec.windowDays * 86400) / t.factor))}.`).join(' ') +
          (first.sustain ? ` The ${first.factor}x tier also needs the ${first.shortWindow} ratio at or above the budget for ${first.sustain}, so a burst of a minute or two does not page through it.` : ''),
        tiers: tierText,
        ...figures,
      },
    });
  }
  // Every series an alert reads must exist while the SLI has traffic: a threshold bucket that
  // no series matches (a dead SLI) leaves only the total, and no burn alert could ever fire.
  const needed = [...new Set(tiers.flatMap((t) => [t.longWindow, t.shortWindow]).map((w) => w.toString()))].map((w) => `${SloMetrics.errorRatio(w)}${sel}`);
  fast.push(noDataAlert(`absent(${SloMetrics.totalRate5m}${sel})\nor\n(\n  ${SloMetrics.totalRate5m}${sel} > 0\n  unless ${on}\n  (${needed.join(` and ${on} `)})\n)`, labels, figures));
  return sloGroups(names, fast, slow);
}

/** The SLONoData alert of an SLO. */
function noDataAlert(expr: string, labels: Record<string, string>, figures: Record<string, string>): AlertingRule {
  return {
    alert: NO_DATA_ALERT,
    expr,
    for: Duration.minutes(10),
    labels: { ...labels, severity: 'warning' },
    annotations: {
      summary: '{{ $labels.service }}: no data for SLO {{ $labels.slo }}',
      description: NO_DATA_DESCRIPTION,
      ...figures,
    },
  };
}

/** The fast group (30s) and the budget group (5m) of an SLO. */
function sloGroups(names: { rules: string; budget: string }, fast: Rule[], slow: Rule[]): RuleGroup[] {
  return [
    { name: names.rules, interval: FAST_GROUP_INTERVAL.toString(), rules: fast },
    { name: names.budget, interval: BUDGET_GROUP_INTERVAL.toString(), rules: slow },
  ];
}

/** Stands for an SLO's selector (`{slo="...", service="..."}`) in the text shared by SLOs: never in the library's text, nor in a selector. */
const SEL = '\u0000';

/** Text with the selector left out, as its parts: `parts.join(sel)` is the text for a selector. */
type SelTemplate = readonly string[];

type PlannedRecord =
  | { readonly record: string; readonly template: SelTemplate }
  | { readonly record: string; readonly perSecond: 'bad' | 'total' }
  | { readonly record: string; readonly raw: string };

interface PlannedAlert {
  readonly alert: string;
  readonly template: SelTemplate;
  readonly severity: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** What the rules of every SLO of one objective, window and tier set share (all but the selector, SLI, labels and URLs). */
interface SloPlan {
  readonly fast: readonly PlannedRecord[];
  readonly slow: readonly PlannedRecord[];
  readonly alerts: readonly PlannedAlert[];
  readonly noData: SelTemplate;
  readonly figures: Readonly<Record<string, string>>;
}

const sloPlans = new Map<string, SloPlan>();

/** The shared text of SLOs like `spec`, made once (by sloRuleGroupsDirect itself, on a stand-in selector and SLI). */
function sloPlan(spec: SloSpec): SloPlan {
  const key = `${spec.objective}|${spec.windowDays}|${spec.dayTicket === false}`;
  let plan = sloPlans.get(key);
  if (plan) return plan;
  const standIn = {
    perSecond: (which: 'bad' | 'total') => `${SEL}perSecond:${which}${SEL}`,
    errorRatio: (w: string) => `${SEL}raw:${w}${SEL}`,
  } as unknown as Sli;
  const [fastGroup, slowGroup] = sloRuleGroupsDirect({ ...spec, sli: standIn, service: '', name: '', labels: undefined, runbookUrl: '', dashboardUrl: undefined });
  const sel = `{slo="", service=""}`;
  const template = (expr: string): SelTemplate => expr.split(sel).join(SEL).split(SEL);
  const planRecord = (r: RecordingRule): PlannedRecord => {
    const m = /^\u0000(perSecond|raw):(.*)\u0000$/.exec(r.expr);
    if (m) return m[1] === 'perSecond' ? { record: r.record, perSecond: m[2] as 'bad' | 'total' } : { record: r.record, raw: m[2] };
    return { record: r.record, template: template(r.expr) };
  };
  const fastRules = fastGroup.rules;
  const alerts = fastRules.filter((r): r is AlertingRule => (r as AlertingRule).alert !== undefined);
  const shown = alerts[0].annotations!;
  const figures = { error_budget: shown.error_budget, allowed_bad_minutes: shown.allowed_bad_minutes, allowed_bad_per_million: shown.allowed_bad_per_million };
  plan = {
    fast: fastRules.filter((r): r is RecordingRule => (r as RecordingRule).record !== undefined).map(planRecord),
    slow: (slowGroup.rules as RecordingRule[]).map(planRecord),
    alerts: alerts
      .filter((a) => a.alert !== NO_DATA_ALERT)
      .map((a) => {
        const { error_budget: _e, allowed_bad_minutes: _m, allowed_bad_per_million: _p, runbook_url: _u, ...own } = a.annotations!;
        return { alert: a.alert, template: template(a.expr), severity: a.labels!.severity, annotations: own };
      }),
    noData: template(alerts.find((a) => a.alert === NO_DATA_ALERT)!.expr),
    figures,
  };
  if (sloPlans.size >= 256) sloPlans.clear();
  sloPlans.set(key, plan);
  return plan;
}

/**
 * The recording and alerting rule groups of an SLO: the fast group (30s) and the budget group
 * (5m). The same rules as {@link sloRuleGroupsDirect}, from the text shared by SLOs of the
 * same objective and window (made once) with this SLO's selector, SLI, labels and URLs put in.
 */
export function sloRuleGroups(spec: SloSpec): RuleGroup[] {
  const plan = sloPlan(spec);
  const labels = { ...(spec.labels ?? {}), slo: spec.name, service: spec.service };
  const sel = `{slo=${JSON.stringify(spec.name)}, service=${JSON.stringify(spec.service)}}`;
  const names = sloGroupNames(spec);
  const record = (r: PlannedRecord): RecordingRule => ({
    record: r.record,
    expr: 'template' in r ? r.template.join(sel) : 'perSecond' in r ? spec.sli.perSecond(r.perSecond, '5m', 300) : spec.sli.errorRatio(r.raw),
    labels,
  });
  const figures = { ...plan.figures, runbook_url: spec.runbookUrl, ...(spec.dashboardUrl ? { dashboard_url: spec.dashboardUrl } : {}) };
  const fast: Array<RecordingRule | AlertingRule> = plan.fast.map(record);
  for (const a of plan.alerts) {
    fast.push({ alert: a.alert, expr: a.template.join(sel), fireImmediately: true, labels: { ...labels, severity: a.severity }, annotations: { ...a.annotations, ...figures } });
  }
  fast.push(noDataAlert(plan.noData.join(sel), labels, figures));
  return sloGroups(names, fast, plan.slow.map(record));
}

// ---------------------------------------------------------------------------------------------
// Generated promtool unit tests
// ---------------------------------------------------------------------------------------------

/** One expectation of a scenario: an alert firing or not at a time after the onset. */
export interface BurnExpectation {
  /** Alert name, '*' for "no alert of this SLO", or {@link ANY_PAGE}. */
  readonly alert: string;
  readonly firing: boolean;
  /** Time after the onset. */
  readonly after: Duration;
}

/** A scenario of the generated unit tests. */
export interface BurnScenario {
  readonly name: string;
  /** Error ratio as a burn rate (errors = burn × budget × traffic) from the onset on. */
  readonly burn: number;
  /** Healthy traffic before the onset. */
  readonly history: Duration;
  /** How long the burn lasts. @default - until the end of the test */
  readonly duration?: Duration;
  readonly expect: BurnExpectation[];
  /** Number of times the page starts firing over the test (rising edges). @default - not checked */
  /** Critical alert series of the SLO that start firing (rising edges), under any alert name. */
  readonly pages?: { count: number; over: Duration };
}

/** In expectations: any critical alert of the SLO (a page under any alert name). */
export const ANY_PAGE = 'severity=critical';

/** Events per second the generated tests feed: 62,500/s makes every rate and ratio exact in binary. */
const TEST_RATE = 62_500;

/** First minute after the onset at which the tier's windows both reach the factor (ignoring the 5m-rate ramp). */
function crossing(t: BurnTier, burn: number, history: Duration): number {
  const h = history.toSeconds() / 60;
  const ratio = (w: Duration, m: number) => (burn * Math.min(m, w.toSeconds() / 60)) / Math.min(w.toSeconds() / 60, h + m);
  for (let m = 1; m < 100_000; m++) if (ratio(t.longWindow, m) >= t.factor && ratio(t.shortWindow, m) >= t.factor) return m;
  return Infinity;
}

/** Scenarios proving the tiers, the single page per incident, its reset time and the quiet cases. */
export function burnScenarios(spec: Pick<SloSpec, 'windowDays' | 'dayTicket' | 'objective'>): BurnScenario[] {
  const tiers = tiersFor(spec);
  const fast = tiers[0];
  const medium = tiers[1];
  const tickets = tiers.filter((x) => x.alert === TICKET_ALERT);
  const ticket = tickets[0];
  const b = budgetFigures(spec.objective, spec.windowDays).errorBudgetRatio;
  // long enough that the page's long windows hold healthy history, as on a server running for a while
  const history = Duration.seconds(medium.longWindow.toSeconds() + 600);
  // 5 minutes of recorded-rate ramp, plus 10 % and 5 minutes of slack
  const bound = (m: number) => Duration.minutes(Math.ceil(m * 1.1 + 10));
  const early = (m: number) => Duration.minutes(Math.max(1, Math.floor(m * 0.5)));
  const out: BurnScenario[] = [];
  // exact only when the bad events per second are a multiple of 1/4 (binary-exact sums)
  const exact = Number.isInteger(Number(num(TEST_RATE * fast.factor * b * 4)));
  if (exact) {
    const l = fast.longWindow.toSeconds() / 60;
    out.push({
      name: `a burn of exactly ${fast.factor}x pages when its ${fast.longWindow} window is full of it (>= the exact threshold)`,
      burn: fast.factor,
      history,
      expect: [
        { alert: PAGE_ALERT, firing: false, after: Duration.minutes(l - 1) },
        { alert: PAGE_ALERT, firing: true, after: Duration.minutes(l) },
      ],
    });
  }
  const mediumBurn = medium.factor * 1.25;
  const m = crossing(medium, mediumBurn, history);
  out.push({
    name: `${mediumBurn}x burn pages through the ${medium.factor}x tier`,
    burn: mediumBurn,
    history,
    expect: [
      { alert: PAGE_ALERT, firing: false, after: early(m) },
      { alert: PAGE_ALERT, firing: true, after: bound(m) },
    ],
  });
  const ticketBurn = ticket.factor * 1.25;
  const t = Math.min(...tickets.map((x) => crossing(x, ticketBurn, history)));
  out.push({
    name: `${ticketBurn}x burn tickets and does not page`,
    burn: ticketBurn,
    history,
    expect: [
      { alert: TICKET_ALERT, firing: false, after: early(t) },
      { alert: TICKET_ALERT, firing: true, after: bound(t) },
      { alert: PAGE_ALERT, firing: false, after: bound(t) },
    ],
  });
  out.push({ name: '0.5x burn fires nothing', burn: 0.5, history, expect: [{ alert: '*', firing: false, after: bound(t) }] });

  // A total outage long enough to cost 1.2 times the 6x tier's threshold pages once, then resets.
  const outage = Math.max(3, Math.ceil(1.2 * medium.factor * b * (medium.longWindow.toSeconds() / 60)));
  const reset = Duration.seconds(outage * 60 + medium.shortWindow.toSeconds() + 120);
  out.push({
    name: `a ${outage}-minute total outage pages once, and the page resolves within ${medium.shortWindow} after it`,
    burn: 1 / b,
    history,
    duration: Duration.minutes(outage),
    expect: [
      // the 6x tier's long window is built from recorded 5m rates: it sees the whole outage 5 minutes after it ends
      { alert: PAGE_ALERT, firing: true, after: Duration.minutes(outage + 6) },
      { alert: ANY_PAGE, firing: false, after: reset },
    ],
    pages: { count: 1, over: Duration.seconds(reset.toSeconds() + 3600) },
  });
  // A 1-minute outage stays under the 6x tier and is too short for the 14.4x tier's sustain condition.
  if (1 / (medium.longWindow.toSeconds() / 60) < medium.factor * b) {
    out.push({
      name: 'a 1-minute total outage does not page',
      burn: 1 / b,
      history,
      duration: Duration.minutes(1),
      expect: [],
      pages: { count: 0, over: Duration.seconds(medium.longWindow.toSeconds() + 600) },
    });
  }
  return out;
}

/** Builds `values` for a counter growing by `perMin[i]` during the i-th span of `spans[i]` minutes. */
function counterValues(spans: Array<[number, number]>): string {
  let v = 0;
  const parts = [`0+${num(spans[0][1])}x${spans[0][0]}`];
  v = spans[0][1] * spans[0][0];
  for (const [minutes, perMin] of spans.slice(1)) {
    if (minutes <= 0) continue;
    parts.push(`${num(v + perMin)}+${num(perMin)}x${minutes - 1}`);
    v += perMin * minutes;
  }
  return parts.join(' ');
}

/** A `promtool test rules` file for an SLO, or undefined for raw SLIs (no metric names to feed). */
export function sloUnitTests(spec: SloSpec, ruleFiles: string[]): string | undefined {
  const series = spec.sli.series();
  if (!series) return undefined;
  const budget = budgetFigures(spec.objective, spec.windowDays).errorBudgetRatio;
  const perMin = TEST_RATE * 60;
  const labels = (alert: string, severity: string) =>
    `ALERTS{${Object.entries({ ...(spec.labels ?? {}), alertname: alert, alertstate: 'firing', service: spec.service, severity, slo: spec.name })
      .sort(([a], [c]) => a.localeCompare(c))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
  const severityOf = (alert: string) => (alert === PAGE_ALERT ? 'critical' : 'warning');
  const sloSel = `slo=${JSON.stringify(spec.name)},service=${JSON.stringify(spec.service)}`;
  const anyPage = `ALERTS{alertstate="firing",severity="critical",${sloSel}}`;
  const alertSel = (alert: string) => `ALERTS{alertname=${JSON.stringify(alert)},alertstate="firing",${sloSel}}`;
  const zero = (expr: string, evalTime: string) => ({ expr: `count(${expr}) or vector(0)`, eval_time: evalTime, exp_samples: [{ labels: '{}', value: 0 }] });
  /** Input series: `spans` of [minutes, bad fraction]; `good` may be renamed (another le spelling). */
  const input = (spans: Array<[number, number]>, good = series.good) => {
    const goodValues = counterValues(spans.map(([m, f]) => [m, perMin * (1 - f)]));
    return series.total
      ? [{ series: series.total, values: counterValues(spans.map(([m]) => [m, perMin])) }, { series: good, values: goodValues }]
      : [{ series: good, values: goodValues }, { series: series.bad!, values: counterValues(spans.map(([m, f]) => [m, perMin * f])) }];
  };

  const tests: object[] = burnScenarios(spec).map((sc) => {
    const onset = sc.history.toSeconds() / 60;
    const lastAfter = Math.max(0, ...sc.expect.map((e) => e.after.toSeconds() / 60), (sc.pages?.over.toSeconds() ?? 0) / 60);
    const total = onset + lastAfter + 5;
    const burnMin = sc.duration ? sc.duration.toSeconds() / 60 : total - onset;
    const f = Math.min(1, sc.burn * budget);
    const at = (after: Duration) => Duration.seconds(onset * 60 + after.toSeconds()).toString();
    const checks = sc.expect.map((e) => {
      if (e.alert === '*') return zero(`ALERTS{alertstate="firing",${sloSel}}`, at(e.after));
      if (e.alert === ANY_PAGE) return zero(anyPage, at(e.after));
      return e.firing
        ? { expr: alertSel(e.alert), eval_time: at(e.after), exp_samples: [{ labels: labels(e.alert, severityOf(e.alert)), value: 1 }] }
        : zero(alertSel(e.alert), at(e.after));
    });
    if (sc.pages) {
      checks.push({
        expr: `sum(sum_over_time((${anyPage} unless ${anyPage} offset 1m)[${sc.pages.over}:1m])) or vector(0)`,
        eval_time: at(sc.pages.over),
        exp_samples: [{ labels: '{}', value: sc.pages.count }],
      });
    }
    return {
      name: `${spec.service}/${spec.name}: ${sc.name}`,
      interval: '1m',
      input_series: input([[onset, 0], [burnMin, f], [total - onset - burnMin, 0]]),
      promql_expr_test: checks,
    };
  });

  if (spec.sli.kind === 'latency') {
    // A dead SLI: traffic, but no bucket matches the threshold (a wrong le spelling or bucket).
    tests.push({
      name: `${spec.service}/${spec.name}: a dead SLI (traffic, no threshold bucket) fires ${NO_DATA_ALERT}`,
      interval: '1m',
      input_series: [{ series: series.total!, values: `0+${perMin}x40` }, { series: series.good.replace(/le="[^"]*"/, 'le="+Inf"'), values: `0+${perMin}x40` }],
      promql_expr_test: [{ expr: alertSel(NO_DATA_ALERT), eval_time: '20m', exp_samples: [{ labels: labels(NO_DATA_ALERT, 'warning'), value: 1 }] }],
    });
    const o = spec.sli.options as { thresholdSeconds: number; leLabel?: string };
    const spellings = leSpellings(o.thresholdSeconds);
    if (o.leLabel === undefined && spellings.length > 1) {
      // The float spelling (Python and Java clients, Prometheus 3) reaches the same alerts.
      const floatGood = series.good.replace(/le="[^"]*"/, `le="${spellings[spellings.length - 1]}"`);
      const onset = 60;
      tests.push({
        name: `${spec.service}/${spec.name}: a threshold bucket written le="${spellings[spellings.length - 1]}" still pages`,
        interval: '1m',
        input_series: input([[onset, 0], [60, 1]], floatGood),
        promql_expr_test: [
          { expr: alertSel(PAGE_ALERT), eval_time: `${onset + 20}m`, exp_samples: [{ labels: labels(PAGE_ALERT, 'critical'), value: 1 }] },
          zero(alertSel(NO_DATA_ALERT), `${onset + 20}m`),
        ],
      });
    }
  }
  tests.push({
    name: `${spec.service}/${spec.name}: missing data fires ${NO_DATA_ALERT}`,
    interval: '1m',
    input_series: [{ series: 'up{job="unrelated"}', values: '1x30' }],
    promql_expr_test: [{ expr: alertSel(NO_DATA_ALERT), eval_time: '15m', exp_samples: [{ labels: labels(NO_DATA_ALERT, 'warning'), value: 1 }] }],
  });
  return toYaml({ rule_files: ruleFiles, evaluation_interval: '1m', tests }, `${GENERATED_HEADER} Run: promtool test rules <this file>`);
}
