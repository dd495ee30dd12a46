import { promqlProblem } from '../../../lib/core/promql';

describe('promqlProblem (lezer-promql)', () => {
  test.each([
    'sum by (service) (rate(http_requests_total{status=~"5.."}[5m]))',
    'histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))',
    'predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[6h], 24*3600) < 0',
    '(avg_over_time(rate(http_requests_total[5m])[1h:5m]) - avg_over_time(rate(http_requests_total[5m])[7d:1h])) / stddev_over_time(rate(http_requests_total[5m])[7d:1h]) > 3',
    'vector(1)',
    'up{job="node"} == 0',
  ])('accepts %s', (expr) => {
    expect(promqlProblem(expr)).toBeUndefined();
  });

  test('reports the position of the first error', () => {
    expect(promqlProblem('rate(x[5m]')).toMatch(/line 1, column 11 at the end of the expression/);
    expect(promqlProblem('rate(x[5 minutes])')).toMatch(/line 1, column 10 near/);
    expect(promqlProblem('sum(rate(x[5m]))\n/\nsum(rate(y[5m])) by')).toMatch(/line 3/);
  });

  test('rejects empty expressions', () => {
    expect(promqlProblem('  ')).toMatch(/is empty/);
  });
});

describe('logqlProblem (lezer-logql)', () => {
  const { logqlProblem } = require('../../../lib/core/logql') as typeof import('../../../lib/core/logql');
  test.each([
    'count_over_time({job=~".+"} |= "OOM" [5m]) > 0',
    '{service="payment-api"} | json | level="error"',
    'sum by (service) (rate({job="docker"} |= "error" [1m]))',
  ])('accepts %s', (q) => expect(logqlProblem(q)).toBeUndefined());
  test('reports the first error', () => {
    expect(logqlProblem('count_over_time({job=~".+"} |= "OOM" [5m) > 0')).toMatch(/is not valid LogQL: syntax error at line 1, column 41/);
  });
});
