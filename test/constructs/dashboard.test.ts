import * as fs from 'fs';
import * as path from 'path';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Dashboard } from '../../constructs/dashboard';
import { GrafanaFolder } from '../../constructs/grafana-folder';
import { ExistingGrafana } from '../../constructs/grafana-server';
import { nodeUseDashboard, redDashboard } from '../../lib/grafana/dashboards';
import { resources, synthJson, testStack } from '../helpers/synth';

function grafanaStack() {
  const stack = testStack();
  new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
  return stack;
}

describe('Dashboard', () => {
  test('a foundation-sdk builder in a folder; ${vars} escaped for Terraform and parsed back intact', () => {
    const stack = grafanaStack();
    const folder = new GrafanaFolder(stack, 'Folder', { title: 'Services' });
    const d = new Dashboard(stack, 'Red', { dashboard: redDashboard(), folder });
    const r = Object.values(resources(synthJson(stack), 'grafana_dashboard'))[0];
    expect(r).toMatchObject({ folder: 'services', overwrite: true });
    const raw = String(r.config_json);
    expect(raw).toContain('$${datasource}');
    expect(raw).not.toMatch(/[^$]\$\{datasource\}/);
    const model = JSON.parse(raw.replace(/\$\$\{/g, '${'));
    expect(model.uid).toBe('service-overview');
    expect(model.templating.list.map((v: { name: string }) => v.name)).toEqual(['datasource', 'service', 'percentile']);
    expect(d.queries.length).toBeGreaterThan(3);
    expect(d.queries.every((q) => !/\[5m\]/.test(q.expr))).toBe(true);
  });

  test('a user builder and a JSON model', () => {
    const stack = grafanaStack();
    new Dashboard(stack, 'Mine', { dashboard: new DashboardBuilder('Mine').uid('mine') });
    new Dashboard(stack, 'Json', { dashboard: { uid: 'from-json', title: 'From JSON', panels: [{ title: 'Up', type: 'stat', targets: [{ refId: 'A', expr: 'up' }] }] } });
    expect(Object.keys(resources(synthJson(stack), 'grafana_dashboard'))).toHaveLength(2);
  });

  test('a panel with invalid PromQL fails synth, naming the dashboard, panel and query', () => {
    const stack = grafanaStack();
    expect(
      () => new Dashboard(stack, 'Bad', { dashboard: { uid: 'bad', title: 'Bad', panels: [{ title: 'Errors', type: 'timeseries', targets: [{ refId: 'A', expr: 'sum(rate(http_requests_total[$__rate_interval])' }] }] } }),
    ).toThrow(/\[test\/Bad\] dashboard "Bad": panel "Errors" query A: .*is not valid PromQL/);
  });

  test('a panel with invalid LogQL fails synth', () => {
    const stack = grafanaStack();
    expect(
      () =>
        new Dashboard(stack, 'Logs', {
          dashboard: { uid: 'logs', title: 'Logs', panels: [{ title: 'OOM', type: 'logs', datasource: { type: 'loki', uid: 'loki' }, targets: [{ refId: 'A', expr: '{job="api" |= "OOM"', datasource: { type: 'loki', uid: 'loki' } }] }] },
        }),
    ).toThrow(/panel "OOM" query A: .*is not valid LogQL/);
  });

  test('duplicate dashboard UIDs', () => {
    const stack = grafanaStack();
    new Dashboard(stack, 'A', { dashboard: nodeUseDashboard() });
    expect(() => new Dashboard(stack, 'B', { dashboard: nodeUseDashboard() })).toThrow(/\[test\/B\] dashboard uid "node-use" is already used by test\/A/);
  });

  test('a dashboard without uid', () => {
    expect(() => new Dashboard(grafanaStack(), 'A', { dashboard: { title: 'No uid', panels: [] } })).toThrow(/dashboard "No uid" has no uid/);
  });
});

describe('Dashboard imported from elsewhere: every place a panel holds a query is parsed', () => {
  // Old-style export (schemaVersion 14): panels under rows[].panels, as on grafana.com.
  const rowsFixture = () => JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/dashboards/rows-schema14.json'), 'utf8')) as { rows: Array<{ panels: Array<{ targets: Array<{ expr: string }> }> }> };

  test('an old-style dashboard with rows[].panels: every query is listed and parsed, and it is accepted', () => {
    const d = new Dashboard(grafanaStack(), 'Node', { dashboard: rowsFixture() });
    expect(d.queries.map((q) => `${q.panel} ${q.refId}`)).toEqual([
      'Overview / System Uptime A',
      'Overview / CPU Usage A',
      'Overview / CPU Usage B',
      'Memory and disk / Memory Usage A',
      'Memory and disk / Disk I/O A',
      'Memory and disk / Disk I/O B',
    ]);
  });

  test('a broken query in a row panel is refused like one in panels[], naming the row and the panel', () => {
    const model = rowsFixture();
    model.rows[1].panels[1].targets[1].expr = 'rate(node_disk_written_bytes_total{instance=~"$node:$port"}[$interval]';
    expect(() => new Dashboard(grafanaStack(), 'Node', { dashboard: model })).toThrow(/^\[test\/Node\] dashboard "Node Exporter \(rows\)": panel "Memory and disk \/ Disk I\/O" query B: /);
  });

  test('a broken query in a collapsed row (schema 16+) and in a library panel model is refused', () => {
    const broken = { refId: 'A', expr: 'sum(rate(x[5m])' };
    const nested = { uid: 'n', title: 'N', schemaVersion: 39, panels: [{ type: 'row', title: 'R', collapsed: true, panels: [{ type: 'timeseries', title: 'Inner', targets: [broken] }] }] };
    expect(() => new Dashboard(grafanaStack(), 'N', { dashboard: nested })).toThrow(/panel "Inner" query A: /);
    const inline = { uid: 'l', title: 'L', panels: [{ title: 'Shared', libraryPanel: { uid: 'lib1', name: 'Shared', model: { type: 'stat', targets: [broken] } } }] };
    expect(() => new Dashboard(grafanaStack(), 'L', { dashboard: inline })).toThrow(/panel "Shared" query A: /);
    // A dashboard exported "for sharing externally": the panel only references the element.
    const exported = { uid: 'e', title: 'E', __elements: { lib1: { kind: 1, uid: 'lib1', name: 'Shared', model: { type: 'stat', datasource: { type: 'prometheus', uid: '${DS_PROMETHEUS}' }, targets: [broken] } } }, panels: [{ id: 1, title: 'Shared', libraryPanel: { uid: 'lib1', name: 'Shared' } }] };
    expect(() => new Dashboard(grafanaStack(), 'E', { dashboard: exported })).toThrow(/panel "Shared" query A: /);
    exported.__elements.lib1.model.targets = [{ refId: 'A', expr: 'sum(rate(x[5m]))' }];
    expect(() => new Dashboard(grafanaStack(), 'E2', { dashboard: { ...exported, uid: 'e2' } })).not.toThrow();
  });
});
