/**
 * Rules for one latency SLO written the way Sloth and Pyrra generate them, for the SLO
 * benchmark only. Hand-written from the facts in `bench/fixtures/slo-generators.json` (their
 * documented output formats); no code of theirs is used.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The fixture, next to this file (ts) or two levels up from dist/bench (compiled). */
function loadFacts() {
  const name = 'fixtures/slo-generators.json';
  const here = path.join(__dirname, name);
  return JSON.parse(fs.readFileSync(fs.existsSync(here) ? here : path.join(__dirname, '../../bench', name), 'utf8'));
}
const facts: {
  sloth: { sliWindows: string[]; windows: Record<'page' | 'ticket', Array<{ factor: number; short: string; long: string }>> };
  pyrra: { windows: Array<{ severity: string; factor: number; forDivisor: number; longDivisor: number; shortDivisor: number }>; burnrateInterval: string; increaseInterval30d: string };
} = loadFacts();

/** A latency SLO as both generators take it: the histogram, its selector and the threshold bucket. */
export interface BenchSlo {
  readonly service: string;
  readonly name: string;
  /** Percent, e.g. 99.9. */
  readonly objective: number;
  readonly windowDays: number;
  readonly metric: string;
  /** Matchers without braces, e.g. `service="svc1"`. */
  readonly selector: string;
  /** The `le` value of the threshold bucket, e.g. "0.3". */
  readonly le: string;
}

export interface PromRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
export interface PromGroup {
  name: string;
  interval?: string;
  rules: PromRule[];
}

/** Go's `model.Duration` string of whole minutes: 64 → "1h4m", 1543 → "1d1h43m". */
function minutes(m: number): string {
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${mm ? `${mm}m` : ''}` || '0s';
}

/** Sloth's events SLI for a latency histogram: errors = all requests minus those under the threshold. */
function latencyQueries(s: BenchSlo) {
  return {
    error: (w: string) => `(sum(rate(${s.metric}_count{${s.selector}}[${w}])) - sum(rate(${s.metric}_bucket{${s.selector},le="${s.le}"}[${w}])))`,
    total: (w: string) => `sum(rate(${s.metric}_count{${s.selector}}[${w}]))`,
  };
}

/** Sloth: one recording group (7 raw windows + the period from the 5m ratio), meta rules, one page and one ticket alert. */
export function slothStyleRules(s: BenchSlo): PromGroup[] {
  const f = facts.sloth;
  const id = `${s.service}-${s.name}`;
  const ids = { sloth_id: id, sloth_service: s.service, sloth_slo: s.name };
  const sel = `{sloth_id="${id}", sloth_service="${s.service}", sloth_slo="${s.name}"}`;
  const q = latencyQueries(s);
  // Sloth computes the budget as (100 - objective) / 100 in float64 and prints it as is.
  const budget = String((100 - s.objective) / 100);
  const period = `${s.windowDays}d`;
  const sli: PromRule[] = f.sliWindows.map((w) => ({
    record: `slo:sli_error:ratio_rate${w}`,
    expr: `(${q.error(w)})\n/\n(${q.total(w)})`,
    labels: { ...ids, sloth_window: w },
  }));
  sli.push({
    record: `slo:sli_error:ratio_rate${period}`,
    expr: `sum_over_time(slo:sli_error:ratio_rate5m${sel}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m${sel}[${period}])`,
    labels: { ...ids, sloth_window: period },
  });
  const objective = String(s.objective / 100);
  const meta: PromRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${objective})`, labels: ids },
    { record: 'slo:error_budget:ratio', expr: `vector(1-${objective})`, labels: ids },
    { record: 'slo:time_period:days', expr: `vector(${s.windowDays})`, labels: ids },
    { record: 'slo:current_burn_rate:ratio', expr: `slo:sli_error:ratio_rate5m${sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${sel}`, labels: ids },
    { record: 'slo:period_burn_rate:ratio', expr: `slo:sli_error:ratio_rate${period}${sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${sel}`, labels: ids },
    { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${sel}`, labels: ids },
    { record: 'sloth_slo_info', expr: 'vector(1)', labels: ids },
  ];
  const cond = (t: { factor: number; short: string; long: string }) =>
    `(\n  max(slo:sli_error:ratio_rate${t.short}${sel} > (${t.factor} * ${budget})) without (sloth_window)\n  and\n  max(slo:sli_error:ratio_rate${t.long}${sel} > (${t.factor} * ${budget})) without (sloth_window)\n)`;
  const alerts: PromRule[] = (['page', 'ticket'] as const).map((sev) => ({
    alert: `Sloth${sev === 'page' ? 'Page' : 'Ticket'}`,
    expr: f.windows[sev].map(cond).join('\nor\n'),
    labels: { ...ids, severity: sev === 'page' ? 'critical' : 'warning', sloth_severity: sev },
  }));
  return [
    { name: `sloth-slo-sli-recordings-${id}`, rules: sli },
    { name: `sloth-slo-meta-recordings-${id}`, rules: meta },
    { name: `sloth-slo-alerts-${id}`, rules: alerts },
  ];
}

/** Pyrra's four windows scaled from its 28-day reference, rounded to the minute like its generator. */
export function pyrraWindows(windowDays: number) {
  const windowMin = windowDays * 1440;
  // Go divides the window (integer nanoseconds) by the divisor, then rounds to the minute
  const scaled = (divisor: number) => Math.round((windowMin * 60) / divisor / 60);
  return facts.pyrra.windows.map((w) => ({
    severity: w.severity,
    factor: w.factor,
    for: minutes(scaled(w.forDivisor)),
    long: minutes(scaled(w.longDivisor)),
    short: minutes(scaled(w.shortDivisor)),
  }));
}

/** Pyrra: raw burn-rate recordings per window and one ErrorBudgetBurn alert per window (30s); raw increases over the window (2m30s). */
export function pyrraStyleRules(s: BenchSlo): PromGroup[] {
  const f = facts.pyrra;
  const slo = `${s.service}-${s.name}`;
  const base = s.metric;
  const ws = pyrraWindows(s.windowDays);
  const rates = [...new Set(ws.flatMap((w) => [w.long, w.short]))];
  const burn = (w: string) => `${base}:burnrate${w}`;
  const rules: PromRule[] = rates.map((w) => ({
    record: burn(w),
    expr: `(\n  sum(rate(${base}_count{${s.selector}}[${w}]))\n  -\n  sum(rate(${base}_bucket{${s.selector},le="${s.le}"}[${w}]))\n)\n/\nsum(rate(${base}_count{${s.selector}}[${w}]))`,
    labels: { slo },
  }));
  const target = String(s.objective / 100);
  for (const w of ws) {
    rules.push({
      alert: 'ErrorBudgetBurn',
      expr: `${burn(w.short)}{slo="${slo}"} > (${w.factor} * (1-${target}))\nand\n${burn(w.long)}{slo="${slo}"} > (${w.factor} * (1-${target}))`,
      for: w.for,
      labels: { slo, long: w.long, short: w.short, severity: w.severity },
    });
  }
  const period = `${s.windowDays}d`;
  const increase: PromRule[] = [
    { record: `${base}:increase${period}`, expr: `sum(increase(${base}_count{${s.selector}}[${period}]))`, labels: { slo } },
    { record: `${base}:increase${period}`, expr: `sum(increase(${base}_bucket{${s.selector},le="${s.le}"}[${period}]))`, labels: { slo, le: s.le } },
  ];
  return [
    { name: slo, interval: f.burnrateInterval, rules },
    { name: `${slo}-increase`, interval: f.increaseInterval30d, rules: increase },
  ];
}
