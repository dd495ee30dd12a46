import { parse } from 'yaml';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { SloBudget, SloBudgetProps } from '../../constructs/slo-budget';
import { BURN_TIERS, recordedWindows, tiersFor } from '../../lib/slo/model';
import { Sli } from '../../lib/slo/sli';
import { containerFiles, haveTool, layOut, promtoolCheckRules, run, synthJson, testStack } from '../helpers/synth';
import * as fs from 'fs';
import * as path from 'path';

const latency = Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 0.3, selector: 'service="payment-api", method!="OPTIONS"', buckets: [0.1, 0.3, 1] });
const availability = Sli.availability({ selector: 'service="payment-api"' });
const runbookUrl = 'https://wiki.example.com/runbooks/slo';

function withSlo(props: Partial<SloBudgetProps> = {}) {
  const stack = testStack();
  const prometheus = new PrometheusServer(stack, 'Prometheus');
  const slo = new SloBudget(stack, 'Slo', { service: 'payment-api', name: 'latency', objective: 99.9, sli: latency, runbookUrl, ...props });
  return { stack, prometheus, slo };
}

/** Runs the generated `promtool test rules` file next to the rule files, as a user would. */
function promtoolTest(stack: ReturnType<typeof testStack>, slos: SloBudget[]) {
  const files = containerFiles(synthJson(stack), 'prometheus');
  const root = layOut(files);
  const dir = path.join(root, 'etc/prometheus');
  const results = slos.map((slo) => {
    const t = slo.unitTests();
    fs.writeFileSync(path.join(dir, t.fileName), t.content);
    return run('promtool', ['test', 'rules', t.fileName], dir, 300_000);
  });
  fs.rmSync(root, { recursive: true, force: true });
  return results;
}

describe('SloBudget', () => {
  test('budget figures: 99.9 % over 30 d = 43.2 minutes, 1,000 bad per million', () => {
    const { slo } = withSlo();
    expect(slo.figures).toEqual({ errorBudgetRatio: 0.001, allowedBadMinutes: 43.2, allowedBadPerMillion: 1000 });
    expect(withSlo({ objective: 99.5, window: '7d' }).slo.figures).toEqual({ errorBudgetRatio: 0.005, allowedBadMinutes: 50.4, allowedBadPerMillion: 5000 });
  });

  test('records the SLI over 5m, 30m, 1h, 2h, 6h, 1d, 3d and 30d, built from aggregated 5m rates', () => {
    const { slo } = withSlo();
    const [rec] = slo.ruleGroups;
    expect(rec.name).toBe('slo_payment-api_latency'.replace(/-/g, '_'));
    const names = rec.rules.map((r) => ('record' in r ? r.record : ''));
    expect(names).toEqual([
      'slo:sli_bad:rate5m',
      'slo:sli_total:rate5m',
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:error_budget:remaining_ratio',
      'slo:burn_rate:ratio_rate1h',
      'slo:error_budget:policy_state',
    ]);
    expect(rec.rules[0].expr).toBe(
      'sum(rate(http_request_duration_seconds_count{service="payment-api", method!="OPTIONS"}[5m]))\n-\nsum(rate(http_request_duration_seconds_bucket{service="payment-api", method!="OPTIONS", le="0.3"}[5m]))',
    );
    expect(rec.rules.find((r) => 'record' in r && r.record === 'slo:sli_error:ratio_rate30d')!.expr).toBe(
      'sum_over_time(slo:sli_bad:rate5m{slo="latency", service="payment-api"}[30d])\n/\nsum_over_time(slo:sli_total:rate5m{slo="latency", service="payment-api"}[30d])',
    );
    expect(rec.rules.every((r) => r.labels?.slo === 'latency' && r.labels?.service === 'payment-api')).toBe(true);
  });

  test('alerts: page at 14.4x (1h & 5m) and 6x (6h & 30m), ticket at 1x (3d & 6h), plus no-data', () => {
    const { slo } = withSlo();
    const alerts = slo.ruleGroups[1].rules;
    expect(alerts.map((a) => ('alert' in a ? [a.alert, a.labels?.severity] : []))).toEqual([
      ['SLOFastBurn', 'critical'],
      ['SLOMediumBurn', 'critical'],
      ['SLOSlowBurn', 'warning'],
      ['SLONoData', 'warning'],
    ]);
    expect(alerts[0].expr).toBe('slo:sli_error:ratio_rate1h{slo="latency", service="payment-api"} > 0.0144\nand\nslo:sli_error:ratio_rate5m{slo="latency", service="payment-api"} > 0.0144');
    expect(alerts[1].expr).toContain('ratio_rate6h{slo="latency", service="payment-api"} > 0.006');
    expect(alerts[2].expr).toContain('ratio_rate3d{slo="latency", service="payment-api"} > 0.001');
    expect(alerts[0]).toMatchObject({ annotations: { runbook_url: runbookUrl, budget_consumed: '2% of the budget per 1h', allowed_bad_minutes: '43.2', allowed_bad_per_million: '1000', error_budget: '0.1%' } });
  });

  test('the optional 3x ticket over 1d and 2h', () => {
    expect(withSlo({ dayTicket: true }).slo.ruleGroups[1].rules.map((a) => ('alert' in a ? a.alert : ''))).toEqual(['SLOFastBurn', 'SLOMediumBurn', 'SLODayBurn', 'SLOSlowBurn', 'SLONoData']);
  });

  test('windows scale with the SLO window; factors keep the budget share', () => {
    const seven = tiersFor({ windowDays: 7 });
    expect(seven.map((t) => [t.factor, t.longWindow.toString(), t.shortWindow.toString()])).toEqual([
      [14.4, '14m', '5m'],
      [6, '1h24m', '7m'],
      [1, '16h48m', '1h24m'],
    ]);
    // 14.4 × 14m over 7 days is still 2 % of the budget
    expect((14.4 * seven[0].longWindow.toSeconds()) / (7 * 86400)).toBeCloseTo(BURN_TIERS.fast.budgetShare, 6);
    expect(recordedWindows(28).map(String)).toEqual(['5m', '28m', '56m', '1h52m', '5h36m', '22h24m', '2d19h12m', '28d']);
  });

  test('budget policy state and remaining budget are recorded', () => {
    const rec = withSlo().slo.ruleGroups[0].rules;
    expect(rec.find((r) => 'record' in r && r.record === 'slo:error_budget:remaining_ratio')!.expr).toBe('1 - (slo:sli_error:ratio_rate30d{slo="latency", service="payment-api"} / 0.001)');
    expect(rec.find((r) => 'record' in r && r.record === 'slo:error_budget:policy_state')!.expr).toMatch(/<= bool 0\)\n\+ .* < bool 0\.25\)\n\+ .* <= bool 0\.5\)/);
  });

  test('the rules land in the stack Prometheus as files', () => {
    const { stack } = withSlo();
    const files = containerFiles(synthJson(stack), 'prometheus');
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['/etc/prometheus/rules/slo_payment_api_latency.yml', '/etc/prometheus/rules/slo_payment_api_latency_alerts.yml']));
    const alerts = parse(files['/etc/prometheus/rules/slo_payment_api_latency_alerts.yml']);
    expect(alerts.groups[0].rules[0].labels).toEqual({ slo: 'latency', service: 'payment-api', severity: 'critical' });
  });

  const hasPromtool = haveTool('promtool');
  (hasPromtool ? test : test.skip)('promtool check rules accepts latency, availability and raw SLOs, 30d and 7d', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    new SloBudget(stack, 'Latency', { service: 'payment-api', name: 'latency', objective: 99.9, sli: latency, runbookUrl });
    new SloBudget(stack, 'Availability', { service: 'payment-api', name: 'availability', objective: 99.95, window: '7d', sli: availability, runbookUrl, dayTicket: true });
    new SloBudget(stack, 'Jobs', { service: 'billing', name: 'jobs', objective: 99, window: '28d', runbookUrl, sli: Sli.raw({ badRate: 'sum(rate(jobs_failed_total{queue="billing"}[$window]))', totalRate: 'sum(rate(jobs_total{queue="billing"}[$window]))' }) });
    const r = promtoolCheckRules(containerFiles(synthJson(stack), 'prometheus'));
    expect(r.stdout + r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
  });

  // The 30-day latency and availability SLOs of payment-api run theirs in test/stacks/course-stack.test.ts.
  (hasPromtool ? test : test.skip)('the generated promtool unit tests pass for 7-day latency and availability SLOs', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const slos = [
      new SloBudget(stack, 'L7', { service: 'search', name: 'latency-7d', objective: 99.5, window: '7d', runbookUrl, sli: Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 1, selector: 'service="search"' }) }),
      new SloBudget(stack, 'A7', { service: 'search', name: 'availability-7d', objective: 99, window: '7d', runbookUrl, labels: { team: 'search' }, sli: Sli.availability({ selector: 'service="search"', errorSelector: 'code=~"5.."' , metric: 'requests_total' }) }),
    ];
    const results = promtoolTest(stack, slos);
    results.forEach((r) => {
      expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
      expect(r.code).toBe(0);
    });
  }, 300_000);
});

describe('a healthy service with no error series yet', () => {
  (haveTool('promtool') ? test : test.skip)('has its whole budget left and policy state normal (not "no data")', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    new SloBudget(stack, 'Slo', { service: 'payment-api', name: 'availability', objective: 99.9, sli: availability, runbookUrl });
    const files = containerFiles(synthJson(stack), 'prometheus');
    const root = layOut(files);
    const dir = path.join(root, 'etc/prometheus');
    const sel = '{slo="availability",service="payment-api"}';
    fs.writeFileSync(
      path.join(dir, 'healthy.yml'),
      JSON.stringify({
        rule_files: ['rules/slo_payment_api_availability.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [{ series: 'http_requests_total{service="payment-api", status="200"}', values: '0+600x120' }],
            promql_expr_test: [
              { expr: `slo:error_budget:remaining_ratio${sel}`, eval_time: '2h', exp_samples: [{ labels: `slo:error_budget:remaining_ratio${sel}`, value: 1 }] },
              { expr: `slo:error_budget:policy_state${sel}`, eval_time: '2h', exp_samples: [{ labels: `slo:error_budget:policy_state${sel}`, value: 0 }] },
            ],
          },
        ],
      }),
    );
    const r = run('promtool', ['test', 'rules', 'healthy.yml'], dir);
    fs.rmSync(root, { recursive: true, force: true });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
  });
});

describe('time to page, measured by promtool', () => {
  (haveTool('promtool') ? test : test.skip)('payment-api latency 99.9 %/30 d: first firing minute of each tier at 1.25x its burn rate', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const slo = new SloBudget(stack, 'Slo', { service: 'payment-api', name: 'latency', objective: 99.9, sli: latency, runbookUrl });
    const files = containerFiles(synthJson(stack), 'prometheus');
    const root = layOut(files);
    const dir = path.join(root, 'etc/prometheus');
    const generated = parse(slo.unitTests().content);
    const measured: Record<string, number> = {};
    for (const [index, alert, horizon] of [[0, 'SLOFastBurn', '3h'], [1, 'SLOMediumBurn', '9h']] as const) {
      const t = generated.tests[index];
      const last = t.promql_expr_test[t.promql_expr_test.length - 1];
      // Ask for an impossible value: promtool prints what it got, the first firing timestamp.
      t.promql_expr_test = [{ expr: `min_over_time(timestamp(ALERTS{alertname="${alert}",alertstate="firing"})[${horizon}:1m])`, eval_time: last.eval_time, exp_samples: [{ labels: '{}', value: -1 }] }];
      fs.writeFileSync(path.join(dir, 'probe.yml'), JSON.stringify({ ...generated, tests: [t] }));
      const r = run('promtool', ['test', 'rules', 'probe.yml'], dir, 300_000);
      const got = /got: \{[^}]*\} ([0-9.eE+-]+)/.exec(r.stdout + r.stderr);
      expect(got).not.toBeNull();
      measured[alert] = Number(got![1]) / 60 - 60; // minutes after the burn started (at minute 60)
    }
    fs.rmSync(root, { recursive: true, force: true });
    console.log(`time to page at 1.25x burn: SLOFastBurn ${measured.SLOFastBurn} min, SLOMediumBurn ${measured.SLOMediumBurn} min after the burn started`);
    expect(measured.SLOFastBurn).toBeGreaterThan(30);
    expect(measured.SLOFastBurn).toBeLessThanOrEqual(66);
    expect(measured.SLOMediumBurn).toBeGreaterThan(measured.SLOFastBurn);
    expect(measured.SLOMediumBurn).toBeLessThanOrEqual(6 * 60);
  }, 300_000);
});
