import { promqlParses, promqlProblem } from '../core/promql';
import { checkShape } from '../core/shape';
import { leSpellings } from './le';

/** A latency SLI: the share of requests faster than a threshold, from a histogram. */
export interface LatencySliOptions {
  /** Histogram name without suffix, e.g. `http_request_duration_seconds`. */
  readonly metric: string;
  /**
   * Threshold in seconds; must equal a bucket boundary (`le`). The bucket is matched in every
   * spelling clients write: `1` (Go) and `1.0` (Python, Java, Prometheus 3), `0.3`.
   */
  readonly thresholdSeconds: number;
  /** Label matchers selecting the service's requests, e.g. `service="payment-api", method!="OPTIONS"`. */
  readonly selector: string;
  /** The histogram's declared bucket boundaries, to check the threshold against. @default - not checked */
  readonly buckets?: number[];
  /**
   * The `le` label value of the threshold bucket, when the client library formats it in yet
   * another way (e.g. "0.30"); matched exactly.
   * @default - the threshold as Go clients write it and, for whole numbers, the float form too (`le=~"1|1\\.0"`)
   */
  readonly leLabel?: string;
}

/** An availability (events ratio) SLI: the share of requests that are not errors. */
export interface AvailabilitySliOptions {
  /** Counter of all events. @default 'http_requests_total' */
  readonly metric?: string;
  /** Matchers selecting the service's events, e.g. `service="payment-api"`. */
  readonly selector: string;
  /** Extra matchers selecting bad events. @default 'status=~"5.."' */
  readonly errorSelector?: string;
}

/** A raw SLI: PromQL for the bad-event and total-event rates, with `$window` as the range. */
export interface RawSliOptions {
  /** e.g. `sum(rate(jobs_failed_total{queue="billing"}[$window]))` */
  readonly badRate: string;
  /** e.g. `sum(rate(jobs_total{queue="billing"}[$window]))` */
  readonly totalRate: string;
}

/** The input metrics of an SLI, for generated unit tests. */
export interface SliSeries {
  /** Series for good events, e.g. `http_request_duration_seconds_bucket{le="0.3",service="payment-api"}`. */
  readonly good: string;
  /** Series for bad events (only for availability SLIs). */
  readonly bad?: string;
  /** Series for all events (latency SLIs: `_count`). */
  readonly total?: string;
}

/** A service level indicator: bad and total event rates over a window. */
export class Sli {
  public static latency(options: LatencySliOptions): Sli {
    checkShape(undefined, 'LatencySliOptions', options, 'Sli.latency(options)');
    const sel = options.selector.trim();
    const le = leMatcher(options);
    return new Sli(
      'latency',
      (w) => `sum(rate(${options.metric}_count{${sel}}[${w}]))\n-\nsum(rate(${options.metric}_bucket{${sel}, ${le}}[${w}]))`,
      (w) => `sum(rate(${options.metric}_count{${sel}}[${w}]))`,
      options,
    );
  }

  public static availability(options: AvailabilitySliOptions): Sli {
    checkShape(undefined, 'AvailabilitySliOptions', options, 'Sli.availability(options)');
    const metric = options.metric ?? 'http_requests_total';
    const sel = options.selector.trim();
    const err = (options.errorSelector ?? 'status=~"5.."').trim();
    return new Sli(
      'availability',
      // `or vector(0)`: client libraries create error series only at the first error, and a
      // healthy service must still show a full budget.
      (w) => `sum(rate(${metric}{${[sel, err].filter(Boolean).join(', ')}}[${w}])) or vector(0)`,
      (w) => `sum(rate(${metric}{${sel}}[${w}]))`,
      { ...options, metric, errorSelector: err },
    );
  }

  public static raw(options: RawSliOptions): Sli {
    checkShape(undefined, 'RawSliOptions', options, 'Sli.raw(options)');
    return new Sli('raw', (w) => options.badRate.split('$window').join(w), (w) => options.totalRate.split('$window').join(w), options);
  }

  private constructor(
    public readonly kind: 'latency' | 'availability' | 'raw',
    /** PromQL for the rate of bad events over `window`. */
    public readonly badRate: (window: string) => string,
    /** PromQL for the rate of all events over `window`. */
    public readonly totalRate: (window: string) => string,
    public readonly options: LatencySliOptions | AvailabilitySliOptions | RawSliOptions,
  ) {}

  /**
   * Bad or total events over `window` as `increase()`s (raw SLIs: their own rates). Same
   * ratios as the rates (both scale with the window), but increase skips rate's division by
   * the range: a burn at exactly a threshold then yields exactly the threshold on aligned
   * samples.
   */
  private events(which: 'bad' | 'total', window: string): string {
    const e = which === 'bad' ? this.badRate(window) : this.totalRate(window);
    return this.kind === 'raw' ? e : e.replace(/\brate\(/g, 'increase(');
  }

  /** PromQL for the error ratio over `window` straight from the raw series. */
  public errorRatio(window: string): string {
    return `(\n${this.events('bad', window)}\n)\n/\n(\n${this.events('total', window)}\n)`;
  }

  /** PromQL for bad or total events per second over `window` (`seconds` long), from increases. */
  public perSecond(which: 'bad' | 'total', window: string, seconds: number): string {
    if (this.kind === 'raw') return this.events(which, window);
    return `(\n${this.events(which, window)}\n)\n/ ${seconds}`;
  }

  /** Problems: empty selectors, unparsable PromQL, a non-positive threshold. Warnings separately. */
  public problems(): { errors: string[]; warnings: string[] } {
    const errors: string[] = [];
    const warnings: string[] = [];
    if (this.kind === 'latency') {
      const o = this.options as LatencySliOptions;
      if (typeof o.thresholdSeconds !== 'number' || !(o.thresholdSeconds > 0) || !Number.isFinite(o.thresholdSeconds)) {
        errors.push(`sli.thresholdSeconds must be a positive number of seconds (got ${JSON.stringify(o.thresholdSeconds)}), e.g. 0.3 for 300 ms.`);
      }
      if (o.leLabel !== undefined && !/^(\+Inf|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)$/.test(o.leLabel)) {
        errors.push(`sli.leLabel must be the bucket's le value as the histogram writes it (got ${JSON.stringify(o.leLabel)}), e.g. "0.3" or "0.25".`);
      }
      if (o.buckets && !o.buckets.includes(o.thresholdSeconds)) {
        warnings.push(`sli.thresholdSeconds ${o.thresholdSeconds} is not one of the histogram's buckets (${o.buckets.join(', ')}): le must match a bucket exactly, or the SLI reads no good events. Use a declared boundary.`);
      }
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(o.metric ?? '')) errors.push(`sli.metric is not a metric name (got ${JSON.stringify(o.metric)}), e.g. "http_request_duration_seconds".`);
      else if (/_(bucket|count|sum)$/.test(o.metric)) errors.push(`sli.metric must be the histogram name without its suffix (got ${JSON.stringify(o.metric)}). Use "${o.metric.replace(/_(bucket|count|sum)$/, '')}".`);
      errors.push(...selectorProblems('sli.selector', o.selector));
    } else if (this.kind === 'availability') {
      const o = this.options as AvailabilitySliOptions;
      errors.push(...selectorProblems('sli.selector', o.selector));
      errors.push(...selectorProblems('sli.errorSelector', o.errorSelector ?? ''));
    } else {
      const o = this.options as RawSliOptions;
      for (const [k, v] of [['badRate', o.badRate], ['totalRate', o.totalRate]] as const) {
        if (typeof v !== 'string' || !v.includes('$window')) {
          errors.push(`sli.${k} must use $window as its range, e.g. "sum(rate(jobs_total[$window]))" (got ${JSON.stringify(v)}).`);
          continue;
        }
        const p = promqlProblem(v.split('$window').join('5m'));
        if (p) errors.push(`sli.${k} ${p}`);
      }
    }
    if (!errors.length) {
      for (const [k, e] of [['bad events', this.badRate('5m')], ['total events', this.totalRate('5m')]] as const) {
        const p = promqlProblem(e);
        if (p) errors.push(`sli ${k} query ${p}`);
      }
    }
    return { errors, warnings };
  }

  /**
   * Concrete series that generated unit tests feed (a selector is turned into one label set
   * that matches it), or undefined for raw SLIs.
   */
  public series(): SliSeries | undefined {
    if (this.kind === 'latency') {
      const o = this.options as LatencySliOptions;
      const sel = concreteLabels(o.selector);
      return { good: `${o.metric}_bucket{${[sel, `le="${o.leLabel ?? leSpellings(o.thresholdSeconds)[0]}"`].filter(Boolean).join(', ')}}`, total: `${o.metric}_count{${sel}}` };
    }
    if (this.kind === 'availability') {
      const o = this.options as AvailabilitySliOptions;
      const sel = concreteLabels(o.selector);
      const err = o.errorSelector ?? 'status=~"5.."';
      const bad = concreteLabels(err);
      const good = concreteLabels(err, true);
      return { good: `${o.metric}{${[sel, good].filter(Boolean).join(', ')}}`, bad: `${o.metric}{${[sel, bad].filter(Boolean).join(', ')}}` };
    }
    return undefined;
  }
}

/** `le="0.3"`, `le=~"1|1\\.0"` (both spellings of a whole number), or `le="<leLabel>"`. */
function leMatcher(o: LatencySliOptions): string {
  if (o.leLabel !== undefined) return `le="${o.leLabel}"`;
  const spellings = leSpellings(o.thresholdSeconds);
  return spellings.length === 1 ? `le="${spellings[0]}"` : `le=~"${spellings.map((x) => x.replace(/[.+]/g, (c) => `\\\\${c}`)).join('|')}"`;
}

function selectorProblems(what: string, selector: string): string[] {
  if (typeof selector !== 'string' || selector.trim() === '' || selector.trim() === '{}') {
    return [`${what} is empty (got ${JSON.stringify(selector)}). Select the service's series, e.g. 'service="payment-api", method!="OPTIONS"'.`];
  }
  const s = selector.trim();
  if (s.startsWith('{')) return [`${what} must be the matchers only, without braces (got ${JSON.stringify(selector)}), e.g. 'service="payment-api"'.`];
  // Parsed once per shape: the selectors of 1,000 services differ only in their values.
  const bad = !promqlParses(`m{${s}}`);
  return bad ? [`${what} is not a list of label matchers (got ${JSON.stringify(selector)}). Use e.g. 'service="payment-api", status=~"5.."'.`] : [];
}

const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/g;

/** An example value that a regex matches: `5..` → `500`, `a|b` → `a`. */
function exampleFor(regex: string): string {
  return regex.split('|')[0].replace(/\\d/g, '0').replace(/\./g, '0').replace(/[()^$?*+]/g, '').replace(/\[[^\]]*\]/g, '0');
}

/**
 * One concrete label set matching `selector` (equalities kept, regexes given an example value,
 * negative matchers left out). With `negate`, a set that does NOT match the selector's first
 * matcher (a good event for an error selector).
 */
export function concreteLabels(selector: string, negate = false): string {
  const out: string[] = [];
  for (const m of selector.matchAll(MATCHER)) {
    const [, label, op, value] = m;
    if (negate) {
      if (op === '=' || op === '=~') out.push(`${label}="${/^5/.test(exampleFor(value)) ? '200' : `not-${exampleFor(value)}`}"`);
      else out.push(`${label}="${exampleFor(value)}"`);
      break;
    }
    if (op === '=') out.push(`${label}="${value}"`);
    else if (op === '=~') out.push(`${label}="${exampleFor(value)}"`);
  }
  return out.join(', ');
}
