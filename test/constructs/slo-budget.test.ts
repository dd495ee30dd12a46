import { parse } from 'yaml';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { SloBudget, SloBudgetProps } from '../../constructs/slo-budget';
import { BURN_TIERS, recordedWindows, tiersFor } from '../../lib/slo/model';
import { leSpellings } from '../../lib/slo/le';
import { engineFacts } from '../helpers/engines';
import { AlertingRule } from '../../lib/prometheus/rules';
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

  test('records the SLI over 5m, 30m, 1h, 2h, 6h, 1d, 3d and 30d: page windows every 30s, the rest every 5m', () => {
    const { slo } = withSlo();
    const [fast, budget] = slo.ruleGroups;
    expect([fast.name, fast.interval, budget.name, budget.interval]).toEqual(['slo_payment_api_latency', '30s', 'slo_payment_api_latency_budget', '5m']);
    const names = (g: typeof fast) => g.rules.map((r) => ('record' in r ? r.record : `alert:${r.alert}`));
    expect(names(fast)).toEqual([
      'slo:sli_bad:rate5m',
      'slo:sli_total:rate5m',
      ...['5m', '30m', '1h', '6h'].map((w) => `slo:sli_error:ratio_rate${w}`),
      'slo:burn_rate:ratio_rate1h',
      'alert:SLOFastBurn',
      'alert:SLOSlowBurn',
      'alert:SLONoData',
    ]);
    expect(names(budget)).toEqual([
      'slo:sli_bad:rate5m_avg5m',
      'slo:sli_total:rate5m_avg5m',
      ...['2h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:error_budget:remaining_ratio',
      'slo:error_budget:policy_state',
    ]);
    // events per second from increase()s: a burn at exactly a factor gives exactly the factor on aligned samples
    expect(fast.rules[0].expr).toBe(
      '(\nsum(increase(http_request_duration_seconds_count{service="payment-api", method!="OPTIONS"}[5m]))\n-\nsum(increase(http_request_duration_seconds_bucket{service="payment-api", method!="OPTIONS", le="0.3"}[5m]))\n)\n/ 300',
    );
    // page windows from the raw series (no recorded-rate lag), as a ratio of increases
    expect(fast.rules.find((r) => 'record' in r && r.record === 'slo:sli_error:ratio_rate1h')!.expr).toBe(
      '(\nsum(increase(http_request_duration_seconds_count{service="payment-api", method!="OPTIONS"}[1h]))\n-\nsum(increase(http_request_duration_seconds_bucket{service="payment-api", method!="OPTIONS", le="0.3"}[1h]))\n)\n/\n(\nsum(increase(http_request_duration_seconds_count{service="payment-api", method!="OPTIONS"}[1h]))\n)',
    );
    expect(budget.rules.find((r) => 'record' in r && r.record === 'slo:sli_error:ratio_rate30d')!.expr).toBe(
      'sum_over_time(slo:sli_bad:rate5m_avg5m{slo="latency", service="payment-api"}[30d])\n/\nsum_over_time(slo:sli_total:rate5m_avg5m{slo="latency", service="payment-api"}[30d])',
    );
    expect([...fast.rules, ...budget.rules].every((r) => r.labels?.slo === 'latency' && r.labels?.service === 'payment-api')).toBe(true);
  });

  test('a whole-second threshold matches both le spellings; leLabel overrides', () => {
    const one = (o: Partial<Parameters<typeof Sli.latency>[0]>) => Sli.latency({ metric: 'h', thresholdSeconds: 1, selector: 'service="a"', ...o }).errorRatio('5m');
    expect(one({})).toContain('h_bucket{service="a", le=~"1|1\\\\.0"}');
    expect(one({ thresholdSeconds: 2.5 })).toContain('le="2.5"');
    expect(one({ leLabel: '1.00' })).toContain('le="1.00"');
    expect(leSpellings(10)).toEqual(['10', '10.0']);
    expect(leSpellings(0.00001)).toEqual(['1e-05']);
  });

  test('le spellings follow Go (strconv g, -1) and Prometheus 3 (FormatOpenMetricsFloat) at the tag, exponent from 1e6', () => {
    // test/fixtures/engines/prometheus-3.14.0.json: model/labels/float.go at v3.14.0 appends
    // ".0" to strconv's shortest 'g' form, which switches to an exponent at 1e6 (not 1e21).
    const facts = engineFacts('prometheus', '3.14.0').leNormalisation.examples as Record<string, string>;
    for (const [value, prometheus3] of Object.entries(facts)) {
      const spellings = leSpellings(Number(value));
      expect(spellings[spellings.length - 1]).toBe(prometheus3);
    }
    expect(leSpellings(1e6)).toEqual(['1e+06']);
    expect(leSpellings(1234567)).toEqual(['1.234567e+06']);
    expect(leSpellings(999999.5)).toEqual(['999999.5']);
    expect(leSpellings(100000)).toEqual(['100000', '100000.0']);
  });

  test('one page alert and one ticket alert, each joining its tiers with or, at >= the exact threshold; plus no-data', () => {
    const { slo } = withSlo();
    const alerts = slo.ruleGroups[0].rules.filter((r) => 'alert' in r) as AlertingRule[];
    expect(alerts.map((a) => [a.alert, a.labels?.severity, a.for === undefined ? undefined : String(a.for)])).toEqual([
      ['SLOFastBurn', 'critical', undefined],
      ['SLOSlowBurn', 'warning', undefined],
      ['SLONoData', 'warning', '10m'],
    ]);
    const sel = '{slo="latency", service="payment-api"}';
    expect(alerts[0].expr).toBe(
      `(\n  slo:sli_error:ratio_rate1h${sel} >= 0.0144\n  and on (slo, service)\n  slo:sli_error:ratio_rate5m${sel} >= 0.0144\n  and on (slo, service)\n  min_over_time(slo:sli_error:ratio_rate5m${sel}[8m]) >= 0.001\n)\nor\n` +
        `(\n  slo:sli_error:ratio_rate6h${sel} >= 0.006\n  and on (slo, service)\n  slo:sli_error:ratio_rate30m${sel} >= 0.006\n)`,
    );
    expect(alerts[1].expr).toContain(`slo:sli_error:ratio_rate1d${sel} >= 0.002`);
    expect(alerts[1].expr).toContain(`slo:sli_error:ratio_rate3d${sel} >= 0.001`);
    expect(alerts[2].expr).toContain(`slo:sli_total:rate5m${sel} > 0\n  unless on (slo, service)\n  (slo:sli_error:ratio_rate1h${sel} and on (slo, service) slo:sli_error:ratio_rate5m${sel}`);
    expect(alerts[0]).toMatchObject({ annotations: { runbook_url: runbookUrl, tiers: '14.4x over 1h and 5m, or 6x over 6h and 30m', allowed_bad_minutes: '43.2', allowed_bad_per_million: '1000', error_budget: '0.1%' } });
  });

  test('dayTicket: false keeps only the 1x ticket tier', () => {
    const ticket = withSlo({ dayTicket: false }).slo.ruleGroups[0].rules.find((a) => 'alert' in a && a.alert === 'SLOSlowBurn')!;
    expect(ticket.expr).not.toContain('ratio_rate1d');
    expect(ticket.expr).toContain('ratio_rate3d');
  });

  test('windows scale with the SLO window; factors keep the budget share', () => {
    const seven = tiersFor({ windowDays: 7 });
    expect(seven.map((t) => [t.alert, t.factor, t.longWindow.toString(), t.shortWindow.toString()])).toEqual([
      ['SLOFastBurn', 14.4, '14m', '5m'],
      ['SLOFastBurn', 6, '1h24m', '7m'],
      ['SLOSlowBurn', 2, '5h36m', '28m'],
      ['SLOSlowBurn', 1, '16h48m', '1h24m'],
    ]);
    // 14.4 × 14m over 7 days is still 2 % of the budget
    expect((14.4 * seven[0].longWindow.toSeconds()) / (7 * 86400)).toBeCloseTo(BURN_TIERS.fast.budgetShare, 6);
    expect(recordedWindows(28).map(String)).toEqual(['5m', '28m', '56m', '1h52m', '5h36m', '22h24m', '2d19h12m', '28d']);
  });

  test('budget policy state and remaining budget are recorded in the budget group', () => {
    const rec = withSlo().slo.ruleGroups[1].rules;
    expect(rec.find((r) => 'record' in r && r.record === 'slo:error_budget:remaining_ratio')!.expr).toBe('1 - (slo:sli_error:ratio_rate30d{slo="latency", service="payment-api"} / 0.001)');
    expect(rec.find((r) => 'record' in r && r.record === 'slo:error_budget:policy_state')!.expr).toMatch(/<= bool 0\)\n\+ .* < bool 0\.25\)\n\+ .* <= bool 0\.5\)/);
  });

  test('the rules land in the stack Prometheus as files', () => {
    const { stack } = withSlo();
    const files = containerFiles(synthJson(stack), 'prometheus');
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['/etc/prometheus/rules/slo_payment_api_latency.yml', '/etc/prometheus/rules/slo_payment_api_latency_budget.yml']));
    const fast = parse(files['/etc/prometheus/rules/slo_payment_api_latency.yml']);
    expect(fast.groups[0].rules.find((r: { alert?: string }) => r.alert === 'SLOFastBurn').labels).toEqual({ slo: 'latency', service: 'payment-api', severity: 'critical' });
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

describe('a healthy service with no error series yet, and a quiet one', () => {
  (haveTool('promtool') ? test : test.skip)('has its whole budget left and policy state normal (not "no data"); an hour without traffic keeps the budget a number', () => {
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
        rule_files: ['rules/slo_payment_api_availability.yml', 'rules/slo_payment_api_availability_budget.yml'],
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
          {
            // an hour of errors at 2x the budget, then an hour without any traffic: the budget stays a number
            interval: '1m',
            input_series: [
              { series: 'http_requests_total{service="payment-api", status="200"}', values: '0+998x60 59880x60' },
              { series: 'http_requests_total{service="payment-api", status="500"}', values: '0+2x60 120x60' },
            ],
            promql_expr_test: [
              { expr: `round(slo:error_budget:remaining_ratio${sel}, 0.1)`, eval_time: '2h', exp_samples: [{ labels: sel, value: -1 }] },
              { expr: `slo:error_budget:policy_state${sel}`, eval_time: '2h', exp_samples: [{ labels: `slo:error_budget:policy_state${sel}`, value: 3 }] },
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

/**
 * The four defects of issue 18, each proven by a generated promtool test that fails on rules
 * written the old way (mutated here) and passes on the generated rules.
 */
describe('generated promtool tests catch the old defects', () => {
  const sli = Sli.latency({ metric: 'http_request_duration_seconds', thresholdSeconds: 1, selector: 'service="payment-api"' });
  type Mutation = (fast: string) => string;

  /** Runs the generated test(s) named by `pick` against the rule files, optionally mutating the fast group. */
  function runPicked(pick: RegExp, mutate?: Mutation) {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const slo = new SloBudget(stack, 'Slo', { service: 'payment-api', name: 'latency', objective: 99.9, sli, runbookUrl });
    const files = containerFiles(synthJson(stack), 'prometheus');
    const fastFile = '/etc/prometheus/rules/slo_payment_api_latency.yml';
    if (mutate) {
      const mutated = mutate(files[fastFile]);
      expect(mutated).not.toBe(files[fastFile]);
      files[fastFile] = mutated;
    }
    const root = layOut(files);
    const dir = path.join(root, 'etc/prometheus');
    const generated = parse(slo.unitTests().content);
    generated.tests = generated.tests.filter((t: { name: string }) => pick.test(t.name));
    expect(generated.tests.length).toBeGreaterThan(0);
    fs.writeFileSync(path.join(dir, 'picked.yml'), JSON.stringify(generated));
    const r = run('promtool', ['test', 'rules', 'picked.yml'], dir, 300_000);
    fs.rmSync(root, { recursive: true, force: true });
    return { ok: r.code === 0 && /SUCCESS/.test(r.stdout + r.stderr), out: r.stdout + r.stderr };
  }

  /** The alert `name`'s YAML block, to mutate it alone. */
  const alertBlock = (yaml: string, name: string) => {
    const start = yaml.indexOf(`- alert: ${name}`);
    const next = yaml.indexOf('- alert:', start + 1);
    return [start, next < 0 ? yaml.length : next] as const;
  };
  const inAlert = (name: string, f: (block: string) => string): Mutation => (y) => {
    const [a, b] = alertBlock(y, name);
    return y.slice(0, a) + f(y.slice(a, b)) + y.slice(b);
  };

  const cases: Array<[string, RegExp, Mutation]> = [
    ['1. a threshold bucket written le="1.0" pages (old: only le="1")', /le="1\.0" still pages/, (y) => y.split('le=~"1|1\\\\.0"').join('le="1"')],
    ['1. a dead SLI fires SLONoData (old: only an absent total did)', /dead SLI/, inAlert('SLONoData', (b) => b.replace(/expr: \|-\n\s+absent\(([^\n]*)\)\n[\s\S]*?\n(\s+for:)/, 'expr: absent($1)\n$2'))],
    ['2. a 3-minute outage pages once (old: one alert per tier, a second page)', /pages once/, inAlert('SLOFastBurn', (b) => b.replace(/\n( *)or\n *\(([\s\S]*?)\n *\)\n/, (_m, indent, medium) => `\n${indent}or\n${indent}label_replace((${medium}), "tier", "6x", "", "")\n`))],
    ['2. a 1-minute outage does not page (old: no sustain condition)', /1-minute total outage/, inAlert('SLOFastBurn', (b) => b.replace(/\n\s*and on \(slo, service\)\n\s*min_over_time\([^\n]*/, ''))],
    ['3. a ticket burn tickets in time (old: for: 1h)', /tickets and does not page/, inAlert('SLOSlowBurn', (b) => b.replace('    labels:', '    for: 1h\n    labels:'))],
    ['4. a burn of exactly 14.4x pages when its window fills (old: strict >)', /exactly 14\.4x/, (y) => y.split(' >= ').join(' > ')],
  ];
  (haveTool('promtool') ? test.each(cases) : test.skip.each(cases))('%s', (_name, pick, mutate) => {
    const fixed = runPicked(pick);
    expect(fixed.out).toMatch(/SUCCESS/);
    expect(fixed.ok).toBe(true);
    const old = runPicked(pick, mutate);
    expect(old.out).toMatch(/FAILED/);
    expect(old.ok).toBe(false);
  }, 300_000);
});
