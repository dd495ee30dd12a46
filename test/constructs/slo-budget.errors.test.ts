import { AnnotationMetadataEntryType } from 'cdktf';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { SloBudget, SloBudgetProps } from '../../constructs/slo-budget';
import { Sli } from '../../lib/slo/sli';
import { testStack } from '../helpers/synth';

const sli = Sli.availability({ selector: 'service="payment-api"' });
const base: SloBudgetProps = { service: 'payment-api', name: 'availability', objective: 99.9, sli, runbookUrl: 'https://wiki.example.com/slo' };
function slo(props: Partial<SloBudgetProps>) {
  const stack = testStack();
  new PrometheusServer(stack, 'Prometheus');
  return () => new SloBudget(stack, 'Slo', { ...base, ...props });
}

describe('SloBudget rejects bad input with messages', () => {
  test.each([
    [0, /objective must be strictly between 0 and 100 percent \(got 0\)/],
    [100, /objective must be strictly between 0 and 100 percent \(got 100\)\. 100 leaves no error budget/],
    [100.5, /objective must be strictly between 0 and 100 percent \(got 100\.5\)/],
    [-1, /objective must be strictly between 0 and 100 percent \(got -1\)/],
  ])('objective %p', (objective, message) => {
    expect(slo({ objective })).toThrow(message);
  });

  test('an objective so low that the page tier could never fire', () => {
    expect(slo({ objective: 90 })).toThrow(/objective 90% leaves an error budget so large that the 14\.4x page could never fire .* at least 93\.1%/);
    expect(slo({ objective: 93.1 })).not.toThrow();
  });

  test('unit tests for windows over 30 days are refused with the reason', () => {
    const s = slo({ window: '90d' })();
    expect(() => s.unitTests()).toThrow(/unit tests are generated for windows up to 30d \(got 90d\): promtool's test engine caps a query at 10,000 samples/);
  });

  test('"99.9%" as a string', () => {
    expect(slo({ objective: '99.9%' as unknown as number })).toThrow(/^\[test\/Slo\] props\.objective must be a number \(got string "99\.9%"\); write 99\.9, not "99\.9%"\./);
  });

  test('an unknown window', () => {
    expect(slo({ window: 'month' })).toThrow(/window is not a valid duration \(got "month"\)/);
    expect(slo({ window: '12h' })).toThrow(/window must be a whole number of days from 1d to 90d \(got "12h"\)/);
    expect(slo({ window: '365d' })).toThrow(/window must be a whole number of days from 1d to 90d \(got "365d"\)/);
  });

  test('a non-positive latency threshold', () => {
    expect(slo({ sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0, selector: 'service="a"' }) })).toThrow(/sli\.thresholdSeconds must be a positive number of seconds \(got 0\), e\.g\. 0\.3 for 300 ms/);
    expect(slo({ sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: -0.3, selector: 'service="a"' }) })).toThrow(/thresholdSeconds must be a positive number of seconds \(got -0\.3\)/);
  });

  test('an empty selector', () => {
    expect(slo({ sli: Sli.availability({ selector: '' }) })).toThrow(/sli\.selector is empty \(got ""\)\. Select the service's series/);
    expect(slo({ sli: Sli.latency({ metric: 'h', thresholdSeconds: 0.3, selector: '{}' }) })).toThrow(/sli\.selector is empty \(got "\{\}"\)/);
  });

  test('a selector that is not matchers', () => {
    expect(slo({ sli: Sli.availability({ selector: 'service=payment-api' }) })).toThrow(/sli\.selector is not a list of label matchers \(got "service=payment-api"\)/);
  });

  test('a histogram name with its suffix', () => {
    expect(slo({ sli: Sli.latency({ metric: 'http_request_duration_seconds_bucket', thresholdSeconds: 0.3, selector: 'service="a"' }) })).toThrow(/must be the histogram name without its suffix .* Use "http_request_duration_seconds"/);
  });

  test('two SLOs with the same name in one service', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    new SloBudget(stack, 'A', base);
    expect(() => new SloBudget(stack, 'B', base)).toThrow(/\[test\/B\] service "payment-api" already has an SLO named "availability" \(test\/A\)/);
  });

  test('a raw SLI whose PromQL does not parse', () => {
    expect(slo({ sli: Sli.raw({ badRate: 'sum(rate(jobs_failed_total[$window])', totalRate: 'sum(rate(jobs_total[$window]))' }) })).toThrow(/sli\.badRate is not valid PromQL: syntax error/);
  });

  test('a raw SLI without $window', () => {
    expect(slo({ sli: Sli.raw({ badRate: 'sum(rate(jobs_failed_total[5m]))', totalRate: 'sum(rate(jobs_total[$window]))' }) })).toThrow(/sli\.badRate must use \$window as its range/);
  });

  test('no runbook', () => {
    expect(slo({ runbookUrl: '' })).toThrow(/runbookUrl must be an http\(s\) URL \(got ""\)/);
  });

  test('labels that clash with the SLO labels', () => {
    expect(slo({ labels: { severity: 'critical' } })).toThrow(/labels must not set severity; the SLO sets it/);
  });

  test('no Prometheus in the stack', () => {
    expect(() => new SloBudget(testStack(), 'Slo', base)).toThrow(/no PrometheusServer in this stack to hold the SLO rules/);
  });

  test('unit tests for a raw SLI are refused with a reason', () => {
    const s = slo({ sli: Sli.raw({ badRate: 'sum(rate(a[$window]))', totalRate: 'sum(rate(b[$window]))' }) })();
    expect(() => s.unitTests()).toThrow(/unit tests need the SLI's metric names; a raw SLI has none/);
  });

  test('a threshold that is not a declared bucket is a warning', () => {
    const s = slo({ sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.25, selector: 'service="a"', buckets: [0.1, 0.3, 1] }) })();
    const warnings = s.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/sli\.thresholdSeconds 0\.25 is not one of the histogram's buckets \(0\.1, 0\.3, 1\): le must match a bucket exactly/)]);
  });
});
