import * as fs from 'fs';
import * as path from 'path';
import { Dashboard } from '../../../constructs/dashboard';
import { ExistingGrafana } from '../../../constructs/grafana-server';
import { nodeUseDashboard, redDashboard, sloDashboard } from '../../../lib/grafana/dashboards';
import { GRAFANA_SCHEMA_DEFAULTS, slimDashboard } from '../../../lib/grafana/slim';
import { resources, synthJson, testStack } from '../../helpers/synth';

type Json = Record<string, unknown>;
const facts = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/grafana/schema-defaults.json'), 'utf8')) as Json;

/**
 * What Grafana does on load, written out from the fixture (not from lib/grafana/slim.ts): each
 * missing field with a schema default gets it, at the same places.
 */
function withDefaults(model: Json): Json {
  const fill = (o: Json, d: unknown) => {
    for (const [k, v] of Object.entries(d as Json)) if (!(k in o)) o[k] = structuredClone(v);
  };
  const isRec = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
  const m = structuredClone(model);
  fill(m, facts.dashboard);
  for (const l of (m.links as Json[]) ?? []) fill(l, facts.dashboardLink);
  for (const v of ((m.templating as Json | undefined)?.list as Json[]) ?? []) fill(v, facts.variable);
  const panel = (p: Json) => {
    if (p.type === 'row') {
      fill(p, facts.rowPanel);
      (p.panels as Json[]).forEach(panel);
      return;
    }
    fill(p, facts.panel);
    if (isRec(p.fieldConfig)) {
      fill(p.fieldConfig, facts.fieldConfigSource);
      if (isRec(p.fieldConfig.defaults)) fill(p.fieldConfig.defaults, facts.fieldConfig);
    }
    if (isRec(p.options) && p.type === 'stat') fill(p.options, facts.statOptions);
    if (isRec(p.options) && p.type === 'timeseries' && isRec(p.options.legend)) fill(p.options.legend, facts.legendOptions);
  };
  ((m.panels as Json[]) ?? []).forEach(panel);
  return m;
}

/** The model as Grafana holds it: the fields the schema does not default are all present. */
function asLoaded(model: unknown): Json {
  return JSON.parse(JSON.stringify(model)) as Json;
}

describe('dashboards without the fields equal to Grafana schema defaults (issue 16)', () => {
  test('the table is the fixture (facts from @grafana/schema 13.2.3)', () => {
    const { _source, ...values } = facts;
    expect(_source).toMatchObject({ package: '@grafana/schema', version: '13.2.3' });
    expect(JSON.parse(JSON.stringify(GRAFANA_SCHEMA_DEFAULTS))).toEqual(values);
  });

  test.each([
    ['RED', () => redDashboard({ service: 'api' })],
    ['node USE (rows)', () => nodeUseDashboard()],
    ['SLO', () => sloDashboard({ service: 'api', name: 'availability', objective: 99.9, windowDays: 30 })],
  ])('%s: smaller, and Grafana\'s defaults give back every field of the full model', (_name, build) => {
    const full = asLoaded(build());
    const slim = asLoaded(slimDashboard(full));
    expect(withDefaults(slim)).toEqual(withDefaults(full));
    // Nothing the schema does not default is lost: every field of the full model is back.
    expect(withDefaults(slim)).toMatchObject(full);
    expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(full).length * 0.92);
    // Fields with a schema default but a meaning of their own when missing stay.
    expect(slim).toMatchObject({ timezone: full.timezone, schemaVersion: 42 });
  });

  test('only default values go: a non-default value of the same field stays', () => {
    const model = { schemaVersion: 42, uid: 'u', title: 't', editable: false, graphTooltip: 1, tags: ['a'], panels: [{ type: 'stat', transparent: true, repeatDirection: 'v', options: { colorMode: 'background', wideLayout: true } }] };
    expect(slimDashboard(model)).toEqual({ schemaVersion: 42, uid: 'u', title: 't', editable: false, graphTooltip: 1, tags: ['a'], panels: [{ type: 'stat', transparent: true, repeatDirection: 'v', options: { colorMode: 'background' } }] });
  });

  test('another schemaVersion is left as it is; the model given is not changed', () => {
    const old = { schemaVersion: 39, uid: 'u', title: 't', editable: true, panels: [{ type: 'stat', transparent: false }] };
    expect(slimDashboard(old)).toBe(old);
    const current = { schemaVersion: 42, uid: 'u', title: 't', editable: true };
    const copy = structuredClone(current);
    slimDashboard(current);
    expect(current).toEqual(copy);
  });

  test('the Dashboard construct writes the slim JSON and keeps the full model', () => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://g.example.com' });
    const d = new Dashboard(stack, 'Red', { dashboard: redDashboard() });
    const r = Object.values(resources(synthJson(stack), 'grafana_dashboard'))[0];
    const written = JSON.parse(String(r.config_json).replace(/\$\$\{/g, '${')) as Json;
    expect(written).toEqual(asLoaded(slimDashboard(d.model)));
    expect(written.editable).toBeUndefined();
    expect(d.model.editable).toBe(true);
  });
});

describe('review: defaults Grafana\'s frontend does not apply on load', () => {
  test('a repeated panel keeps repeatDirection "h": the dashboard scene reads a missing direction as "v" (vertical)', () => {
    const model = { schemaVersion: 42, uid: 'u', title: 't', panels: [{ type: 'timeseries', repeat: 'instance', repeatDirection: 'h', maxPerRow: 4 }, { type: 'stat', repeatDirection: 'h' }] };
    expect(slimDashboard(model).panels).toEqual([{ type: 'timeseries', repeat: 'instance', repeatDirection: 'h', maxPerRow: 4 }, { type: 'stat' }]);
  });

  test('a repeated panel inside a collapsed row keeps repeatDirection "h" too', () => {
    const model = { schemaVersion: 42, uid: 'u', title: 't', panels: [{ type: 'row', collapsed: true, panels: [{ type: 'timeseries', repeat: 'pod', repeatDirection: 'h' }] }] };
    expect(slimDashboard(model).panels).toEqual([{ type: 'row', collapsed: true, panels: [{ type: 'timeseries', repeat: 'pod', repeatDirection: 'h' }] }]);
  });
});
