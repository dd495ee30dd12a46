import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import fc from 'fast-check';
import { costOutliers, estimateSamples, fmt, medianSamples, ruleCostTable, ruleCosts, stackCostOutliers, stackRuleCosts } from '../../../lib/prometheus/rule-cost';
import { CourseStack } from '../../../stacks/course-stack';
import { testStack } from '../../helpers/synth';

function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

describe('estimateSamples: series × samples in range', () => {
  test.each([
    ['up', 100],
    ['rate(http_requests_total[5m])', 100 * 20],
    ['rate(http_requests_total[5m]) / rate(http_requests_total[5m])', 2 * 100 * 20],
    ['sum(rate(http_request_duration_seconds_bucket[5m]))', 100 * 10 * 20],
    ['sum(rate(http_request_duration_seconds_bucket{le="0.3"}[5m]))', 100 * 20],
    ['rate(x[30d])', 100 * 172_800],
    ['max_over_time(rate(x[5m])[1h:1m])', 60 * 100 * 20],
    ['avg_over_time(job:x:rate5m[1h])', 10 * 240],
    ['rate(x[5m] offset 1h)', 100 * 20],
    ['vector(1)', 0],
  ])('%s → %i', (expr, samples) => {
    expect(estimateSamples(expr, { scrapeIntervalMs: 15_000, evaluationIntervalMs: 15_000 }).samples).toBe(samples);
  });

  test('hints, job intervals and the interval of the group recording a metric', () => {
    expect(estimateSamples('rate(x[5m])', { seriesHints: { x: 3 } }).samples).toBe(3 * 20);
    expect(estimateSamples('rate(x{job="slow"}[5m])', { jobIntervalsMs: { slow: 60_000 } }).samples).toBe(100 * 5);
    const [, reader] = ruleCosts('p', [
      { name: 'g', interval: '1m', rules: [{ record: 'a:b:rate5m', expr: 'sum(rate(x[5m]))' }] },
      { name: 'h', rules: [{ record: 'a:b:avg1h', expr: 'avg_over_time(a:b:rate5m[1h])' }] },
    ]);
    expect(reader.samples).toBe(10 * 60);
  });
});

describe('rule cost: a rule far above the others is a warning', () => {
  const typical = Array.from({ length: 5 }, (_, i) => ({ record: `job:r${i}:rate5m`, expr: `sum(rate(metric_${i}_total[5m]))` }));

  test('a raw rate(x[30d]) among 5m rates is reported with its estimate and the fix', () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus');
    p.addRuleGroup({ name: 'rates', rules: [...typical, { record: 'job:requests:rate30d', expr: 'sum(rate(http_requests_total[30d]))' }] });
    Testing.synth(stack, true);
    expect(warnings(stack)).toEqual([
      expect.stringMatching(
        /^rule group "rates", recording rule "job:requests:rate30d" reads about 17,280,000 samples per evaluation, 8,640× the median rule of this stack \(2,000\); most of it from http_requests_total\[30d\]: 100 series × 172,800 samples\. .*record a short-range rate first/,
      ),
    ]);
  });

  test('a rule whose expression was changed after its group was added is estimated from the new expression', () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus');
    const group = { name: 'rates', rules: [...typical, { record: 'job:requests:rate30d', expr: 'sum(rate(http_requests_total[5m]))' }] };
    p.addRuleGroup(group);
    // Same rule count, another expression: what was remembered when the group was added no longer holds.
    group.rules[group.rules.length - 1] = { record: 'job:requests:rate30d', expr: 'sum(rate(http_requests_total[30d]))' };
    const costs = stackRuleCosts(stack);
    expect(costs.find((c) => c.rule === 'job:requests:rate30d')?.samples).toBe(100 * 172_800);
  });

  test('a 30d range over a series recorded every 5m is not reported', () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus');
    p.addRuleGroup({ name: 'rates', interval: '5m', rules: typical });
    p.addRuleGroup({ name: 'long', rules: [{ record: 'job:requests:avg30d', expr: 'avg_over_time(job:r0:rate5m[30d])' }] });
    Testing.synth(stack, true);
    expect(warnings(stack)).toEqual([]);
    expect(costOutliers(stackRuleCosts(stack))).toEqual([]);
  });

  test('a cardinality hint changes the verdict', () => {
    const stack = testStack();
    const p = new PrometheusServer(stack, 'Prometheus', { seriesHints: { http_requests_total: 1 } });
    p.addRuleGroup({ name: 'rates', rules: [...typical, { record: 'job:requests:rate30d', expr: 'sum(rate(http_requests_total[30d]))' }] });
    Testing.synth(stack, true);
    expect(warnings(stack)).toEqual([]);
  });

  test('the default app has no outlier, and its table lists its 10 most expensive rules', () => {
    const stack = new CourseStack(Testing.app(), 'obs');
    expect(costOutliers(stackRuleCosts(stack))).toEqual([]);
    const table = ruleCostTable(stack).split('\n');
    expect(table).toHaveLength(12);
    expect(table[0]).toMatch(/^ *# +samples\/eval +kind +rule +group$/);
  });
});

describe('fmt', () => {
  test('property: the text of toLocaleString("en-US") of the rounded number', () => {
    const n = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constantFrom(0, -0, 999, 1000, 999_999, 1_000_000, 2 ** 53, 1e21, -1234.5, Infinity, NaN));
    fc.assert(
      fc.property(n, (x) => {
        expect(fmt(x)).toBe(Math.round(x).toLocaleString('en-US'));
      }),
      { numRuns: 2000 },
    );
    expect(fmt(1234567.4)).toBe('1,234,567');
  });
});

describe('stackCostOutliers (the synth warning) words only the outliers (issue 16)', () => {
  test('property: the outliers and median of stackRuleCosts, in the same order', () => {
    const expr = fc.constantFrom('up', 'sum(rate(x[5m]))', 'sum(rate(x[30d]))', 'rate(y[7d])', 'avg_over_time(a:b:rate5m[30d])', 'vector(1)', 'max_over_time(rate(x[5m])[1d:1m])', 'rate(z{job="a"}[1h])');
    const group = fc.record({ interval: fc.option(fc.constantFrom('30s', '5m'), { nil: undefined }), exprs: fc.array(expr, { minLength: 1, maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 4 }), fc.array(group, { maxLength: 3 }), (a, b) => {
        const stack = testStack();
        const servers = [new PrometheusServer(stack, 'P1', { alertPolicy: 'off' }), ...(b.length ? [new PrometheusServer(stack, 'P2', { alertPolicy: 'off', name: 'prometheus-2', publishPorts: false })] : [])];
        [a, b].forEach((groups, s) =>
          groups.forEach((g, i) => servers[s]?.addRuleGroup({ name: `g${i}`, interval: g.interval, rules: g.exprs.map((e, j) => ({ record: `job:r${i}_${j}:x`, expr: e })) })),
        );
        const all = stackRuleCosts(stack);
        const { outliers, median } = stackCostOutliers(stack);
        expect(outliers).toEqual(costOutliers(all));
        expect(median).toBe(medianSamples(all));
      }),
      { numRuns: 60 },
    );
  });
});
