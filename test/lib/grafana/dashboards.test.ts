import { promqlProblem, promqlSyntaxProblem } from '../../../lib/core/promql';
import {
  dashboardQueries,
  nodeUseDashboard,
  redDashboard,
  sanitizeDashboardUid,
  sloDashboard,
  substituteGrafanaVariables,
  validateDashboardQueries,
} from '../../../lib/grafana/dashboards';
import { ValidationError } from '../../../lib/core/errors';

/** A loose view of the built model, for reading panels and variables in assertions. */
interface Panel {
  type: string;
  id?: number;
  title?: string;
  panels?: Panel[];
  collapsed?: boolean;
  targets?: Array<{ expr?: string; refId?: string; legendFormat?: string; datasource?: { type?: string; uid?: string } }>;
  datasource?: { type?: string; uid?: string };
  options?: Record<string, unknown>;
  fieldConfig?: {
    defaults: {
      unit?: string;
      min?: number;
      max?: number;
      thresholds?: { mode: string; steps: Array<{ value: number | null; color: string }> };
      mappings?: Array<{ type: string; options: Record<string, { text?: string; color?: string }> }>;
      links?: Array<{ title: string; url?: string }>;
      custom?: { thresholdsStyle?: { mode: string } };
    };
  };
}
interface Variable {
  type: string;
  name: string;
  query?: string;
  multi?: boolean;
  includeAll?: boolean;
  refresh?: number;
  current?: { value: string | string[] };
  datasource?: { type?: string; uid?: string };
}
interface Model {
  uid?: string;
  title?: string;
  tags?: string[];
  timezone?: string;
  refresh?: string;
  links?: Array<{ title: string; url?: string }>;
  panels?: Panel[];
  templating: { list?: Variable[] };
}

const view = (model: unknown): Model => JSON.parse(JSON.stringify(model)) as Model;
const allPanels = (m: Model): Panel[] => (m.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const panel = (m: Model, title: string): Panel => {
  const found = allPanels(m).find((p) => p.title === title);
  if (!found) throw new Error(`no panel ${JSON.stringify(title)} in ${allPanels(m).map((p) => p.title).join(', ')}`);
  return found;
};
const variable = (m: Model, name: string): Variable => {
  const found = (m.templating.list ?? []).find((v) => v.name === name);
  if (!found) throw new Error(`no variable ${name}`);
  return found;
};
const exprs = (p: Panel): string[] => (p.targets ?? []).map((t) => t.expr ?? '');
const stepsOf = (p: Panel): Array<[number | null, string]> => (p.fieldConfig?.defaults.thresholds?.steps ?? []).map((s) => [s.value, s.color]);

describe('redDashboard', () => {
  const model = redDashboard();
  const m = view(model);

  test('builds the Service Overview with the course settings', () => {
    expect(m).toMatchObject({ uid: 'service-overview', title: 'Service Overview', tags: ['generated', 'service'], timezone: 'browser', refresh: '30s' });
    expect(JSON.parse(JSON.stringify(m))).toEqual(m); // plain JSON, ready for config_json
  });

  test('defines the datasource, service and percentile variables', () => {
    expect((m.templating.list ?? []).map((v) => v.name)).toEqual(['datasource', 'service', 'percentile']);
    expect(variable(m, 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variable(m, 'service')).toMatchObject({
      type: 'query',
      query: 'label_values(http_requests_total, service)',
      datasource: { uid: '${datasource}' },
      refresh: 2,
      multi: true,
      includeAll: true,
    });
    expect(variable(m, 'percentile')).toMatchObject({ type: 'custom', query: '50,90,95,99', current: { value: '99' }, multi: false });
  });

  test('has stat panels on top and the RED time series with their units', () => {
    const top = (m.panels ?? []).slice(0, 3);
    expect(top.map((p) => [p.type, p.title])).toEqual([
      ['stat', 'Request rate'],
      ['stat', 'Error ratio'],
      ['stat', 'p99 latency'],
    ]);
    const units = Object.fromEntries(allPanels(m).map((p) => [p.title, p.fieldConfig?.defaults.unit]));
    expect(units).toEqual({
      'Request rate': 'reqps',
      'Error ratio': 'percentunit',
      'p99 latency': 's',
      'Request Rate': 'reqps',
      'Error Rate': 'percentunit',
      'Latency p$percentile': 's',
    });
    for (const p of allPanels(m).filter((x) => x.type === 'timeseries')) {
      expect(p.targets?.map((t) => t.legendFormat)).toEqual(['{{service}}']);
    }
    expect(new Set(allPanels(m).map((p) => p.id)).size).toBe(allPanels(m).length);
  });

  test('queries follow the course', () => {
    expect(exprs(panel(m, 'Request Rate'))).toEqual(['sum by (service) (rate(http_requests_total{service=~"$service"}[$__rate_interval]))']);
    expect(exprs(panel(m, 'Error Rate'))[0]).toBe(
      'sum by (service) (rate(http_requests_total{service=~"$service", status=~"5.."}[$__rate_interval]))\n/\nsum by (service) (rate(http_requests_total{service=~"$service"}[$__rate_interval]))',
    );
    expect(exprs(panel(m, 'Latency p$percentile'))[0].replace(/\s+/g, ' ')).toBe(
      'histogram_quantile(0.$percentile, sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service"}[$__rate_interval])) )',
    );
    expect(exprs(panel(m, 'p99 latency'))[0]).toMatch(/^histogram_quantile\(0\.99,/);
  });

  test('every query uses $__rate_interval and ${datasource}, none a hard-coded [5m]', () => {
    const queries = dashboardQueries(model);
    expect(queries).toHaveLength(6);
    for (const q of queries) {
      expect(q.expr).toContain('[$__rate_interval]');
      expect(q.expr).not.toMatch(/\[\d+[smhd]\]/);
      expect(q.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  test('every query parses once variables are substituted', () => {
    expect(validateDashboardQueries(model, promqlProblem)).toEqual([]);
  });

  test('colours the error ratio and thresholds the error rate as an area', () => {
    const expected: Array<[number | null, string]> = [
      [null, 'green'],
      [0.01, 'yellow'],
      [0.05, 'red'],
    ];
    expect(stepsOf(panel(m, 'Error Rate'))).toEqual(expected);
    expect(stepsOf(panel(m, 'Error ratio'))).toEqual(expected);
    expect(panel(m, 'Error Rate').fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'area' });
    expect(stepsOf(panel(m, 'p99 latency')).map(([, c]) => c)).toEqual(['green', 'yellow', 'red']);
  });

  test('drills down to the service dashboard and links the node USE dashboard', () => {
    for (const title of ['Request Rate', 'Error Rate', 'Latency p$percentile']) {
      const links = panel(m, title).fieldConfig?.defaults.links ?? [];
      expect(links).toHaveLength(1);
      // By default the drill-down opens this same dashboard, filtered to the clicked service.
      expect(links[0].url).toMatch(/^\/d\/service-overview\?var-service=\$\{__field\.labels\.service\}/);
    }
    expect(m.links).toEqual([expect.objectContaining({ title: 'Node USE', url: '/d/node-use' })]);
    const custom = view(redDashboard({ serviceDashboardUid: 'svc', nodeDashboardUid: 'nodes' }));
    expect(panel(custom, 'Request Rate').fieldConfig?.defaults.links?.[0].url).toMatch(/^\/d\/svc\?var-service=/);
    expect(custom.links?.[0].url).toBe('/d/nodes');
  });

  test('takes other metric and label names, and a fixed datasource', () => {
    const custom = redDashboard({
      uid: 'api-red',
      title: 'API',
      requestsMetric: 'api_requests_total',
      durationMetric: 'api_latency_seconds',
      statusLabel: 'code',
      errorStatusRegex: '5..|429',
      serviceLabel: 'app',
      datasourceUid: 'prom-main',
    });
    const c = view(custom);
    expect(c).toMatchObject({ uid: 'api-red', title: 'API' });
    expect((c.templating.list ?? []).map((v) => v.name)).toEqual(['service', 'percentile']);
    expect(variable(c, 'service').query).toBe('label_values(api_requests_total, app)');
    expect(exprs(panel(c, 'Error Rate'))[0]).toContain('api_requests_total{app=~"$service", code=~"5..|429"}');
    expect(exprs(panel(c, 'Latency p$percentile'))[0]).toContain('sum by (app, le) (rate(api_latency_seconds_bucket{app=~"$service"}');
    expect(panel(c, 'Request Rate').targets?.[0].legendFormat).toBe('{{app}}');
    expect(dashboardQueries(custom).every((q) => JSON.stringify(q.datasource) === '{"type":"prometheus","uid":"prom-main"}')).toBe(true);
    expect(validateDashboardQueries(custom, promqlProblem)).toEqual([]);
  });

  test('rejects invalid options with one message per problem', () => {
    expect(() => redDashboard({ uid: 'not a uid!' })).toThrow(ValidationError);
    expect(() => redDashboard({ uid: 'not a uid!' })).toThrow(/uid .*"not-a-uid"/);
    expect(() => redDashboard({ serviceLabel: 'bad-label', requestsMetric: '1x' })).toThrow(/2 problems[\s\S]*requestsMetric[\s\S]*serviceLabel/);
    expect(() => redDashboard({ errorStatusRegex: '(?!5)..' })).toThrow(/errorStatusRegex/);
  });
});

describe('nodeUseDashboard', () => {
  const model = nodeUseDashboard();
  const m = view(model);

  test('builds with the datasource and instance variables', () => {
    expect(m).toMatchObject({ uid: 'node-use', title: 'Node USE' });
    expect((m.templating.list ?? []).map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['instance', 'query'],
    ]);
    expect(variable(m, 'instance')).toMatchObject({ multi: true, includeAll: true, datasource: { uid: '${datasource}' } });
  });

  test('has one row per resource and the USE panels with their units', () => {
    expect((m.panels ?? []).filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['CPU', 'Memory', 'Disk', 'Network']);
    const units = Object.fromEntries(allPanels(m).map((p) => [p.title, p.fieldConfig?.defaults.unit]));
    expect(units).toMatchObject({
      'CPU utilization': 'percentunit',
      'CPU saturation (load per core)': 'short',
      'Memory utilization': 'percentunit',
      'Memory used': 'bytes',
      'Disk space used': 'percentunit',
      'Disk predicted full (hours)': 'h',
      'Disk I/O saturation (queue length)': 'short',
      'Network throughput': 'bps',
      'Network errors and drops': 'pps',
    });
  });

  test('queries the node exporter series', () => {
    expect(exprs(panel(m, 'CPU utilization'))).toEqual(['1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", instance=~"$instance"}[$__rate_interval]))']);
    expect(exprs(panel(m, 'CPU saturation (load per core)'))[0]).toMatch(/^node_load1\{instance=~"\$instance"\}\n\/\ncount without \(cpu, mode\) \(node_cpu_seconds_total\{mode="idle"/);
    expect(exprs(panel(m, 'Memory utilization'))[0]).toMatch(/^1 - node_memory_MemAvailable_bytes\{[^}]*\} \/ node_memory_MemTotal_bytes\{/);
    const full = exprs(panel(m, 'Disk predicted full (hours)'))[0];
    expect(full).toContain('instance:node_disk:predicted_full_hours{instance=~"$instance"}\n  or\n');
    expect(full).toContain('deriv(node_filesystem_avail_bytes{');
    expect(exprs(panel(m, 'Disk I/O saturation (queue length)'))[0]).toContain('rate(node_disk_io_time_weighted_seconds_total{');
    expect(exprs(panel(m, 'Network throughput'))).toHaveLength(2);
    expect(exprs(panel(m, 'Network errors and drops')).join('\n')).toMatch(/node_network_receive_errs_total[\s\S]*node_network_transmit_errs_total[\s\S]*receive_drop_total[\s\S]*transmit_drop_total/);
  });

  test('every query parses once variables are substituted', () => {
    expect(dashboardQueries(model).length).toBeGreaterThanOrEqual(14);
    expect(validateDashboardQueries(model, promqlProblem)).toEqual([]);
  });
});

describe('sloDashboard', () => {
  const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];
  const model = sloDashboard({ service: 'payment-api', name: 'availability', objective: 99.9, windowDays: 30, burnWindows: windows });
  const m = view(model);
  const sel = '{slo="availability", service="payment-api"}';

  test('has the uid, title and datasource variable', () => {
    expect(m.uid).toBe('slo-payment-api-availability');
    expect(m.title).toBe('SLO payment-api / availability (99.9% over 30d)');
    expect((m.templating.list ?? []).map((v) => v.name)).toEqual(['datasource']);
    expect(allPanels(m).map((p) => p.title)).toEqual([
      'Error budget remaining',
      'Budget policy',
      'SLI (30d)',
      'Current burn rate (1h)',
      'SLI vs objective',
      'Error budget remaining over time',
      'Burn rate per window',
    ]);
  });

  test('reads the recorded series of this SLO', () => {
    expect(exprs(panel(m, 'Error budget remaining'))).toEqual([`slo:error_budget:remaining_ratio${sel}`]);
    expect(exprs(panel(m, 'Budget policy'))).toEqual([`slo:error_budget:policy_state${sel}`]);
    expect(exprs(panel(m, 'Current burn rate (1h)'))).toEqual([`slo:burn_rate:ratio_rate1h${sel}`]);
    expect(exprs(panel(m, 'SLI vs objective'))).toEqual([`1 - slo:sli_error:ratio_rate30d${sel}`]);
    const burn = panel(m, 'Burn rate per window');
    expect(burn.targets?.map((t) => t.legendFormat)).toEqual(windows);
    expect(exprs(burn)).toEqual(windows.map((w) => `slo:sli_error:ratio_rate${w}${sel}\n/ on (slo, service) group_left\nslo:error_budget:ratio${sel}`));
    expect(burn.targets?.map((t) => t.refId)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
  });

  test('thresholds: budget policy, objective line and burn-rate lines', () => {
    expect(stepsOf(panel(m, 'Error budget remaining'))).toEqual([
      [null, 'red'],
      [0, 'orange'],
      [0.25, 'yellow'],
      [0.5, 'green'],
    ]);
    expect(panel(m, 'Error budget remaining').type).toBe('gauge');
    const sli = panel(m, 'SLI vs objective');
    expect(stepsOf(sli)).toEqual([
      [null, 'red'],
      [0.999, 'green'],
    ]);
    expect(sli.fieldConfig?.defaults.custom?.thresholdsStyle?.mode).toBe('line');
    const burn = panel(m, 'Burn rate per window');
    expect(stepsOf(burn).map(([v]) => v)).toEqual([null, 1, 6, 14.4]);
    expect(burn.fieldConfig?.defaults.custom?.thresholdsStyle?.mode).toBe('dashed');
  });

  test('maps the policy states to their names', () => {
    const mappings = panel(m, 'Budget policy').fieldConfig?.defaults.mappings ?? [];
    expect(mappings).toHaveLength(1);
    expect(mappings[0].type).toBe('value');
    expect(Object.fromEntries(Object.entries(mappings[0].options).map(([k, v]) => [k, v.text]))).toEqual({ 0: 'normal', 1: 'caution', 2: 'freeze', 3: 'incident' });
  });

  test('every query parses', () => {
    expect(validateDashboardQueries(model, promqlProblem)).toEqual([]);
  });

  test('defaults the burn windows to the recorded ones and names windows canonically', () => {
    const d = view(sloDashboard({ service: 'api', name: 'latency', objective: 99, windowDays: 28 }));
    expect(d.title).toBe('SLO api / latency (99% over 28d)');
    const legends = panel(d, 'Burn rate per window').targets?.map((t) => t.legendFormat);
    expect(legends).toContain('28d');
    expect(legends).toContain('5m');
    expect(exprs(panel(d, 'SLI vs objective'))).toEqual(['1 - slo:sli_error:ratio_rate28d{slo="latency", service="api"}']);
    const canonical = view(sloDashboard({ service: 'api', name: 'x', objective: 99, windowDays: 7, burnWindows: ['60m', '1h', '1w'] }));
    expect(panel(canonical, 'Burn rate per window').targets?.map((t) => t.legendFormat)).toEqual(['1h', '7d']);
  });

  test('sanitizes the default uid to Grafana rules', () => {
    const d = view(sloDashboard({ service: 'checkout service', name: 'p99 latency < 300ms', objective: 99, windowDays: 30, burnWindows: ['1h'] }));
    expect(d.uid).toBe('slo-checkout-service-p99-latency-300ms');
    const long = view(sloDashboard({ service: 'a-very-long-service-name-indeed', name: 'an-even-longer-slo-name', objective: 99, windowDays: 30, burnWindows: ['1h'] }));
    expect(long.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(long.uid).toMatch(/^slo-a-very-long-service-name-in-[0-9a-f]{8}$/);
    expect(sanitizeDashboardUid('slo-x-y')).toBe('slo-x-y');
  });

  test('rejects an invalid SLO', () => {
    expect(() => sloDashboard({ service: 'api', name: 'x', objective: 100, windowDays: 30, burnWindows: ['1h'] })).toThrow(/objective must be a percentage/);
    expect(() => sloDashboard({ service: 'api', name: 'x', objective: 99, windowDays: 30, burnWindows: ['1 hour'] })).toThrow(/burnWindows\[0\]/);
    expect(() => sloDashboard({ service: 'api', name: 'x', objective: 99, windowDays: 30, uid: 'bad uid' })).toThrow(/uid/);
  });
});

describe('substituteGrafanaVariables', () => {
  test.each([
    ['rate(x[$__rate_interval])', 'rate(x[5m])'],
    ['increase(x[$__range]) / $__range_s', 'increase(x[5m]) / 300'],
    ['rate(x[${__interval}])', 'rate(x[5m])'],
    ['x{service=~"${service:pipe}"}', 'x{service=~"service"}'],
    ['x{service=~"$service", env="[[env]]"}', 'x{service=~"service", env="env"}'],
    ['histogram_quantile(0.$percentile, y)', 'histogram_quantile(0.99, y)'],
    ['sum by ($label) ($metric{a="b"})', 'sum by (var_label) (var_metric{a="b"})'],
    ['rate(x[$window]) offset $shift', 'rate(x[5m]) offset 5m'],
    ['x{a="\\"$v"}', 'x{a="\\"v"}'],
    ['topk($k, x)', 'topk(var_k, x)'],
  ])('%s', (input, expected) => {
    expect(substituteGrafanaVariables(input)).toBe(expected);
    expect(promqlSyntaxProblem(expected)).toBeUndefined();
  });
});

describe('dashboardQueries and validateDashboardQueries', () => {
  const handMade = {
    title: 'Hand made',
    panels: [
      {
        type: 'timeseries',
        title: 'Broken',
        datasource: { type: 'prometheus', uid: 'prom' },
        targets: [
          { refId: 'A', expr: 'sum(rate(http_requests_total{service=~"$service"}[$__rate_interval]))' },
          { refId: 'B', expr: 'sum(rate(http_requests_total[$__rate_interval])' },
        ],
      },
      {
        type: 'row',
        title: 'Collapsed',
        collapsed: true,
        panels: [
          {
            type: 'stat',
            title: 'Nested',
            targets: [{ expr: 'up{job=~"$job"} == 0', datasource: { type: 'prometheus', uid: '${datasource}' } }, { expr: 'by (job) up' }],
          },
        ],
      },
      {
        type: 'logs',
        title: 'Logs',
        datasource: { type: 'loki', uid: 'loki' },
        targets: [{ refId: 'A', expr: 'sum by (level) (count_over_time({job="api"} |= "error" [$__interval]))' }],
      },
      { type: 'traces', title: 'Traces', datasource: { type: 'tempo' }, targets: [{ refId: 'A', query: '{}' }, { refId: 'B', expr: 'not promql (' }] },
      { type: 'text', title: 'Notes' },
    ],
  };

  test('lists the targets with an expr, nested rows included', () => {
    expect(dashboardQueries(handMade).map((q) => [q.panel, q.refId])).toEqual([
      ['Broken', 'A'],
      ['Broken', 'B'],
      ['Nested', 'A'],
      ['Nested', 'B'],
      ['Logs', 'A'],
      ['Traces', 'B'],
    ]);
    expect(dashboardQueries(handMade)[0].datasource).toEqual({ type: 'prometheus', uid: 'prom' });
    expect(dashboardQueries(handMade)[4].datasource).toEqual({ type: 'loki', uid: 'loki' });
    expect(dashboardQueries({ dashboard: handMade })).toHaveLength(6);
    expect(dashboardQueries(undefined)).toEqual([]);
    expect(dashboardQueries({ panels: 'nope' })).toEqual([]);
  });

  test('names the panel and refId of each invalid PromQL query', () => {
    const problems = validateDashboardQueries(handMade, promqlProblem, { logql: () => undefined });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^panel "Broken" query B: is not valid PromQL/);
    expect(problems[1]).toMatch(/^panel "Nested" query B: is not valid PromQL/);
  });

  test('sends Loki targets to the logql parser, or to parse with their datasource', () => {
    const seen: Array<[string, unknown]> = [];
    validateDashboardQueries(handMade, (expr, ds) => {
      seen.push([expr, ds]);
      return undefined;
    });
    expect(seen).toHaveLength(5); // the tempo target is skipped
    expect(seen[4]).toEqual(['sum by (level) (count_over_time({job="api"} |= "error" [5m]))', { type: 'loki', uid: 'loki' }]);
    const logql = jest.fn(() => 'bad LogQL');
    expect(validateDashboardQueries(handMade, () => undefined, { logql })).toEqual(['panel "Logs" query A: bad LogQL']);
  });
});
