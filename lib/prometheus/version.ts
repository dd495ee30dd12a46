import { Token } from 'cdktf';
import { promqlFunctions } from '../core/promql';
import { compareReleases } from '../core/releases';

/**
 * What the library writes differently by Prometheus version, derived from the image tag.
 *
 * The facts behind each table were read from prometheus/prometheus at v3.14.0 and v2.53.0
 * (test/fixtures/engines/prometheus-3.14.0.json and prometheus-2.53.0.json record the files
 * and commits; test/lib/prometheus/engine-facts.test.ts checks these tables against them).
 */

/** A Prometheus release, as read from an image tag (`v3.14.0`, `3.14.0`, `v3.14.0-distroless`). */
export interface PrometheusVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The tag's suffix after the version (`distroless`, `busybox`, `rc.0`), if any. */
  readonly suffix?: string;
}

/** The version an image tag names, or undefined when the tag names none (`main`, a build id). */
export function prometheusVersionOf(tag: string): PrometheusVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(tag);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), ...(m[4] ? { suffix: m[4] } : {}) };
}

/** The version the library writes for when a tag names none: the pinned default's (PROMETHEUS_IMAGE). */
export const DEFAULT_PROMETHEUS_VERSION: PrometheusVersion = { major: 3, minor: 14, patch: 0 };

/** The version a tag names, or the pinned default's (`named: false`) when it names none. */
export function prometheusVersionFor(tag: string): { version: PrometheusVersion; named: boolean } {
  const v = prometheusVersionOf(tag);
  return v ? { version: v, named: true } : { version: DEFAULT_PROMETHEUS_VERSION, named: false };
}

/** Whether `v` is `major.minor.patch` or later. */
export function atLeast(v: PrometheusVersion, major: number, minor: number, patch = 0): boolean {
  return compareReleases([v.major, v.minor, v.patch], [major, minor, patch]) >= 0;
}

/**
 * How native histograms are turned on: the `scrape_native_histograms` setting from 3.8.0 on
 * (the `native-histograms` feature flag is deprecated in 3.8 and a no-op from 3.9.0), the
 * `--enable-feature=native-histograms` flag before.
 */
export function nativeHistogramsVia(v: PrometheusVersion): 'config' | 'flag' {
  return atLeast(v, 3, 8) ? 'config' : 'flag';
}

/** Functions of 3.14.0's table that 2.53.0's lacks (promql/parser/functions.go). */
export const FUNCTIONS_NOT_IN_2 = [
  'double_exponential_smoothing', 'end', 'first_over_time', 'histogram_quantiles', 'info', 'max_of', 'min_of', 'range', 'start', 'start_timestamp', 'step',
  'ts_of_first_over_time', 'ts_of_last_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time',
];
/** Functions 2.53.0 marks experimental (`--enable-feature=promql-experimental-functions`). */
export const EXPERIMENTAL_FUNCTIONS_2 = ['mad_over_time', 'sort_by_label', 'sort_by_label_desc'];
/** Functions 3.14.0 marks experimental. */
export const EXPERIMENTAL_FUNCTIONS_3 = [
  'double_exponential_smoothing', 'end', 'histogram_quantiles', 'info', 'mad_over_time', 'max_of', 'min_of', 'range', 'sort_by_label', 'sort_by_label_desc', 'start', 'start_timestamp', 'step',
  'ts_of_first_over_time', 'ts_of_last_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time',
];
/** Aggregations 3.14.0 marks experimental (promql/parser/lex.go); 2.53.0 has neither. */
export const EXPERIMENTAL_AGGREGATIONS_3 = ['limitk', 'limit_ratio'];

/**
 * Why the pinned Prometheus refuses `expr` although its syntax and types are valid: a
 * function it does not have, or one behind `--enable-feature=promql-experimental-functions`
 * (which the library does not turn on). Checked against 2.53.0's table for 2.x and 3.14.0's
 * for 3.x; undefined when it loads.
 */
export function promqlVersionProblem(expr: string, v: PrometheusVersion, image: string): string | undefined {
  if (typeof expr !== 'string' || Token.isUnresolved(expr)) return undefined;
  // The functions read once per expression (or per shape), not by a parse here.
  for (const f of promqlFunctions(expr)) {
    if (v.major < 3 && (FUNCTIONS_NOT_IN_2.includes(f) || EXPERIMENTAL_AGGREGATIONS_3.includes(f))) {
      return `uses ${f}, which Prometheus 2.x does not have (the image is ${image}; it came with 3.x). Pin a Prometheus 3 image or rewrite the expression${f === 'double_exponential_smoothing' ? ' with holt_winters, its 2.x name' : ''}.`;
    }
    const experimental = v.major < 3 ? EXPERIMENTAL_FUNCTIONS_2 : [...EXPERIMENTAL_FUNCTIONS_3, ...EXPERIMENTAL_AGGREGATIONS_3];
    if (experimental.includes(f)) {
      return `uses ${f}, which ${image} only accepts with --enable-feature=promql-experimental-functions; the library does not turn experimental PromQL on, so Prometheus would refuse the rule file. Rewrite the expression without it.`;
    }
    if (v.major === 3 && f === 'first_over_time' && !atLeast(v, 3, 14)) {
      return `uses first_over_time, which is experimental (or missing) before Prometheus 3.14.0 (the image is ${image}); the library does not turn experimental PromQL on. Pin 3.14.0 or later, or rewrite the expression.`;
    }
  }
  return undefined;
}

/**
 * Rule group keys and the first Prometheus release whose rule files accept them (RuleGroup in
 * model/rulefmt/rulefmt.go: `query_offset` from v2.53.0, `labels` from v3.0.0; older
 * releases refuse the file). test/fixtures/engines/prometheus-rule-group-keys.json records
 * the tags and commits read.
 */
export const RULE_GROUP_KEYS_SINCE: Readonly<Record<'query_offset' | 'labels', readonly [number, number, number]>> = {
  query_offset: [2, 53, 0],
  labels: [3, 0, 0],
};

/** Why the pinned Prometheus would refuse the group's `query_offset` or `labels`; undefined when it reads them. */
export function ruleGroupVersionProblem(group: { readonly name: string; readonly queryOffset?: unknown; readonly labels?: Record<string, string> }, v: PrometheusVersion, image: string): string | undefined {
  const used: Array<['query_offset' | 'labels', string]> = [];
  if (group.queryOffset !== undefined) used.push(['query_offset', 'queryOffset']);
  if (group.labels !== undefined && Object.keys(group.labels).length) used.push(['labels', 'labels']);
  for (const [key, prop] of used) {
    const [major, minor, patch] = RULE_GROUP_KEYS_SINCE[key];
    if (!atLeast(v, major, minor, patch)) {
      return `rule group ${JSON.stringify(group.name)}: ${prop} is written as the rule group key ${key}, which Prometheus reads from ${major}.${minor}.${patch} on; the image is ${image}, which would refuse the rule file (field ${key} not found). Pin prom/prometheus:v${major}.${minor}.${patch} or later, or ${key === 'labels' ? "put the labels on each rule" : 'remove queryOffset (the global rule_query_offset needs 2.53 too)'}.`;
    }
  }
  return undefined;
}
