/**
 * A rough cost model for recording and alerting rules: the samples one evaluation reads.
 *
 * The model (simple on purpose, so its figures can be explained):
 * - every vector selector selects `series` series: the hint given for its metric name, else
 *   {@link DEFAULT_SERIES} for a scraped metric (× {@link BUCKETS_PER_HISTOGRAM} for a
 *   `_bucket` metric, unless `le="..."` picks one bucket), or {@link DEFAULT_RECORDED_SERIES} for a metric recorded by a rule of
 *   the stack (its name has a colon, or a rule records it);
 * - an instant selector reads 1 sample per series; a range `[r]` reads `r / interval` samples
 *   per series, where `interval` is the scrape interval of a scraped metric (the job's own
 *   interval when the selector names `job="..."`, else the global one) or the evaluation
 *   interval of the group that records it;
 * - a subquery `[R:step]` evaluates its inner expression `R / step` times (step: the global
 *   evaluation interval when left out);
 * - a rule reads the sum over its selectors. Offsets and `@` change nothing.
 *
 * It ignores what Prometheus does not read (chunks already in memory cost the same) and
 * real cardinality; it is meant to rank the rules of a stack and catch the one that reads
 * thousands of times more than the others (a raw `rate(x[30d])`).
 */
import { IConstruct } from 'constructs';
import { DurationLike, resolveDuration } from '../core/duration';
import { renderTable } from '../core/table';
import { Observability } from '../observability';
import { promqlSelectors } from '../core/promql';
import { SelectorFact } from '../core/promql-selectors';
import { RuleGroup } from './rules';

/** Series a selector of a scraped metric selects when no hint is given. */
export const DEFAULT_SERIES = 100;
/** Buckets per classic histogram (a `_bucket` selector selects this many times more series). */
export const BUCKETS_PER_HISTOGRAM = 10;
/** Series a selector of a recorded metric selects when no hint is given (rules aggregate). */
export const DEFAULT_RECORDED_SERIES = 10;
/** A rule is far above the others when it reads this many times the median rule... */
export const OUTLIER_FACTOR = 100;
/** ...and at least this many samples per evaluation. */
export const OUTLIER_FLOOR = 1_000_000;

/** What the model needs to know about the stack. */
export interface RuleCostContext {
  /** Global scrape interval, ms. @default 15 000 */
  readonly scrapeIntervalMs?: number;
  /** Global evaluation interval, ms (the default subquery step). @default 15 000 */
  readonly evaluationIntervalMs?: number;
  /** Scrape interval per job name, ms, for jobs with their own. @default - none */
  readonly jobIntervalsMs?: Readonly<Record<string, number>>;
  /** Evaluation interval of the group recording each metric, ms. @default - none */
  readonly recordedIntervalsMs?: Readonly<Record<string, number>>;
  /** Known series counts per metric name (cardinality hints). @default - none */
  readonly seriesHints?: Readonly<Record<string, number>>;
}

/** The estimate for one rule. */
export interface RuleCost {
  /** Where it runs (a construct path). */
  readonly source: string;
  readonly group: string;
  /** The rule's `record` or `alert` name. */
  readonly rule: string;
  readonly kind: 'record' | 'alert';
  /** Samples read per evaluation (rounded up). */
  readonly samples: number;
  /** The largest selector's share: `<selector>: <series> series × <samples> samples`. */
  readonly largest: string;
}

interface Term {
  readonly text: string;
  readonly series: number;
  readonly perSeries: number;
  readonly times: number;
}

/** The selectors of each rule of a group, taken when the group was added (its expressions were just parsed). */
const REMEMBERED = new WeakMap<RuleGroup, ReadonlyArray<{ readonly expr: string; readonly facts: readonly SelectorFact[] }>>();

/**
 * Remembers the selectors of a group's rules, right after its validation parsed them: the
 * estimate at synth then parses nothing again (the parse cache is bounded).
 */
export function rememberSelectors(group: RuleGroup): void {
  REMEMBERED.set(group, group.rules.map((r) => ({ expr: r.expr, facts: promqlSelectors(r.expr) })));
}

/** Samples one evaluation of `expr` reads (0 for an expression that does not parse or holds a token). */
export function estimateSamples(expr: string, ctx: RuleCostContext = {}): { samples: number; terms: readonly Term[] } {
  return samplesOf(promqlSelectors(expr), ctx);
}

function samplesOf(facts: readonly SelectorFact[], ctx: RuleCostContext): { samples: number; terms: readonly Term[] } {
  const scrape = ctx.scrapeIntervalMs ?? 15_000;
  const evaluation = ctx.evaluationIntervalMs ?? 15_000;
  const terms = facts.map((f): Term => {
    const recordedInterval = f.name !== undefined ? ctx.recordedIntervalsMs?.[f.name] : undefined;
    const recorded = recordedInterval !== undefined || (f.name ?? '').includes(':');
    const hint = f.name !== undefined ? ctx.seriesHints?.[f.name] : undefined;
    const series = hint ?? (recorded ? DEFAULT_RECORDED_SERIES : DEFAULT_SERIES * (f.name?.endsWith('_bucket') && !f.oneBucket ? BUCKETS_PER_HISTOGRAM : 1));
    const interval = recorded ? recordedInterval ?? evaluation : (f.job !== undefined ? ctx.jobIntervalsMs?.[f.job] : undefined) ?? scrape;
    const perSeries = f.rangeMs === undefined ? 1 : Math.max(1, f.rangeMs / interval);
    const times = f.subqueries.reduce((n, q) => n * Math.max(1, q.rangeMs / (q.stepMs ?? evaluation)), 1);
    return { text: f.text, series, perSeries, times };
  });
  return { samples: Math.ceil(terms.reduce((n, t) => n + t.series * t.perSeries * t.times, 0)), terms };
}

function ms(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  return resolveDuration(text).ms ?? fallback;
}

/** The estimate of every rule of `groups` (run by `source`). */
export function ruleCosts(source: string, groups: readonly RuleGroup[], ctx: RuleCostContext = {}): RuleCost[] {
  return ruleEstimates(groups, ctx).map((e) => ruleCost(source, e));
}

/** One rule's samples and terms, before the wording of a RuleCost. */
interface RuleEstimate {
  readonly group: RuleGroup;
  readonly rule: RuleGroup['rules'][number];
  readonly samples: number;
  readonly terms: readonly Term[];
}

function ruleEstimates(groups: readonly RuleGroup[], ctx: RuleCostContext): RuleEstimate[] {
  const recordedIntervalsMs: Record<string, number> = { ...(ctx.recordedIntervalsMs ?? {}) };
  for (const g of groups) {
    const interval = ms(g.interval === undefined ? undefined : resolveDuration(g.interval).text, ctx.evaluationIntervalMs ?? 15_000);
    for (const r of g.rules) if ('record' in r && r.record) recordedIntervalsMs[r.record] ??= interval;
  }
  const full = { ...ctx, recordedIntervalsMs };
  const out: RuleEstimate[] = [];
  for (const g of groups) {
    const remembered = REMEMBERED.get(g);
    g.rules.forEach((r, i) => {
      // A rule changed after its group was added (same count, another expression) is read again.
      const known = remembered?.[i];
      const { samples, terms } = known !== undefined && known.expr === r.expr ? samplesOf(known.facts, full) : estimateSamples(r.expr, full);
      out.push({ group: g, rule: r, samples, terms });
    });
  }
  return out;
}

function ruleCost(source: string, e: RuleEstimate): RuleCost {
  const { rule: r, samples } = e;
  const top = largestTerm(e.terms);
  const largest = top ? `${top.text}: ${fmt(top.series)} series × ${fmt(Math.ceil(top.perSeries))} samples${top.times > 1 ? ` × ${fmt(Math.ceil(top.times))} subquery steps` : ''}` : 'no selector';
  const isRecord = 'record' in r && r.record !== undefined;
  return { source, group: e.group.name, rule: isRecord ? (r as { record: string }).record : (r as { alert: string }).alert, kind: isRecord ? 'record' : 'alert', samples, largest } as RuleCost;
}

/** The term reading the most samples (the first of those that read as many), without sorting a copy. */
function largestTerm(terms: readonly Term[]): Term | undefined {
  let top: Term | undefined;
  let most = 0;
  for (const t of terms) {
    const n = t.series * t.perSeries * t.times;
    if (top === undefined || n > most) {
      top = t;
      most = n;
    }
  }
  return top;
}

/** Rules far above the others: at least {@link OUTLIER_FACTOR} × the median and {@link OUTLIER_FLOOR} samples. */
export function costOutliers(costs: readonly RuleCost[]): RuleCost[] {
  if (!costs.length) return [];
  const sorted = costs.map((c) => c.samples).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return costs.filter((c) => c.samples >= OUTLIER_FLOOR && c.samples >= OUTLIER_FACTOR * Math.max(1, median));
}

/** The warning for an outlier: the estimate, what drives it, and the fix. */
export function costOutlierMessage(c: RuleCost, median: number): string {
  return `rule group ${JSON.stringify(c.group)}, ${c.kind === 'record' ? 'recording rule' : 'alert'} ${JSON.stringify(c.rule)} reads about ${fmt(c.samples)} samples per evaluation, ${fmt(Math.round(c.samples / Math.max(1, median)))}× the median rule of this stack (${fmt(median)}); most of it from ${c.largest}. A long range over raw series is read again at every evaluation: record a short-range rate first (e.g. rate(x[5m]) as a recording rule) and aggregate that series over the long window, or give the metric a cardinality hint if it has few series. (Estimate: series × samples in range, from the scrape and evaluation intervals; see docs/guides/production-readiness.md.)`;
}

/** The median samples of `costs` (0 when empty). */
export function medianSamples(costs: readonly RuleCost[]): number {
  if (!costs.length) return 0;
  const sorted = costs.map((c) => c.samples).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A number with thousands separators. */
export function fmt(n: number): string {
  const r = Math.round(n);
  // The same text as toLocaleString('en-US'), which is slow, for the whole numbers the estimates are (one string per rule).
  if (Number.isSafeInteger(r) && r >= 0 && !Object.is(r, -0)) return String(r).replace(/\B(?=(\d{3})+$)/g, ',');
  return r.toLocaleString('en-US');
}

/** What the stack-wide estimate reads from a Prometheus server (a PrometheusServer). */
interface CostedServer extends IConstruct {
  readonly ruleGroups: readonly RuleGroup[];
  readonly intervals: { readonly scrape: string; readonly evaluation: string };
  readonly configuredJobs: ReadonlyArray<{ readonly jobName: string; readonly scrapeInterval?: DurationLike }>;
  readonly seriesHints: Readonly<Record<string, number>>;
}

/**
 * The estimate of every rule of every Prometheus server of the stack that holds `scope`,
 * most expensive first.
 */
export function stackRuleCosts(scope: IConstruct): RuleCost[] {
  return serverEstimates(scope)
    .flatMap(({ source, estimates }) => estimates.map((e) => ruleCost(source, e)))
    .sort((a, b) => b.samples - a.samples);
}

/** The estimates of the rules of every Prometheus server of the stack that holds `scope`, by server path. */
function serverEstimates(scope: IConstruct): Array<{ source: string; estimates: RuleEstimate[] }> {
  return Observability.of(scope)
    .find<CostedServer>('prometheus')
    .filter((s) => Array.isArray(s.ruleGroups) && s.intervals !== undefined)
    .map((s) => ({
      source: s.node.path,
      estimates: ruleEstimates(s.ruleGroups, {
        scrapeIntervalMs: ms(s.intervals.scrape, 15_000),
        evaluationIntervalMs: ms(s.intervals.evaluation, 15_000),
        jobIntervalsMs: Object.fromEntries(s.configuredJobs.filter((j) => j.scrapeInterval !== undefined).map((j) => [j.jobName, ms(resolveDuration(j.scrapeInterval!).text, 15_000)])),
        seriesHints: s.seriesHints,
      }),
    }));
}

/**
 * `costOutliers(stackRuleCosts(scope))` and the median of the stack's rules, with only the
 * outliers worded (a stack of thousands of rules has few or none): what the synth warning reads.
 */
export function stackCostOutliers(scope: IConstruct): { outliers: RuleCost[]; median: number } {
  const all = serverEstimates(scope).flatMap(({ source, estimates }) => estimates.map((e) => ({ source, e })));
  if (!all.length) return { outliers: [], median: 0 };
  const sorted = all.map((x) => x.e.samples).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const outliers = all
    .filter((x) => x.e.samples >= OUTLIER_FLOOR && x.e.samples >= OUTLIER_FACTOR * Math.max(1, median))
    .sort((a, b) => b.e.samples - a.e.samples)
    .map((x) => ruleCost(x.source, x.e));
  return { outliers, median };
}

/** The `limit` most expensive rules of the stack as a text table (for `npm run synth`). */
export function ruleCostTable(scope: IConstruct, limit = 10): string {
  const rows = stackRuleCosts(scope).slice(0, limit).map((c, i) => [String(i + 1), fmt(c.samples), c.kind, c.rule, c.group]);
  return renderTable(['#', 'samples/eval', 'kind', 'rule', 'group'], rows);
}
