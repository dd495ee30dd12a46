/**
 * Leaves out of a dashboard model the fields whose value is the default of Grafana's dashboard
 * schema, so that `config_json` carries only what Grafana would not fill in itself (a
 * per-service RED dashboard: 6.3 KB of JSON instead of 7.4 KB). The defaults are those of
 * `@grafana/schema` 13.2.3 for schemaVersion 42 (the version the foundation SDK writes); they
 * are listed, with their files and the defaults deliberately kept (timezone, schemaVersion,
 * link placement), in test/fixtures/grafana/schema-defaults.json, which a test compares with
 * this table.
 */

/** Schema defaults by place in the model (schemaVersion 42). */
export const GRAFANA_SCHEMA_DEFAULTS = {
  schemaVersion: 42,
  dashboard: { editable: true, fiscalYearStartMonth: 0, graphTooltip: 0, links: [], tags: [] },
  panel: { links: [], repeatDirection: 'h', targets: [], transformations: [], transparent: false },
  rowPanel: { collapsed: false, panels: [] },
  fieldConfigSource: { overrides: [] },
  fieldConfig: { actions: [], links: [], mappings: [] },
  variable: { allowCustomValue: true, enableGroupBy: false, includeAll: false, multi: false, options: [], skipUrlSync: false, staticOptions: [], valuesFormat: 'csv' },
  dashboardLink: { asDropdown: false, includeVars: false, keepTime: false, tags: [], targetBlank: false },
  statOptions: { colorMode: 'value', graphMode: 'area', justifyMode: 'auto', percentChangeColorMode: 'standard', showPercentChange: false, textMode: 'auto', wideLayout: true },
  legendOptions: { calcs: [] },
} as const;

type Json = Record<string, unknown>;
const D = GRAFANA_SCHEMA_DEFAULTS;

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether `value` is the default `d` (defaults are primitives or empty arrays). */
function isDefault(value: unknown, d: unknown): boolean {
  if (Array.isArray(d)) return Array.isArray(value) && value.length === 0 && d.length === 0;
  return value === d;
}

/** A copy of `obj` without the keys whose value is their default in `defaults`. */
function without(obj: Json, defaults: Readonly<Record<string, unknown>>): Json {
  const out: Json = {};
  for (const key of Object.keys(obj)) {
    if (Object.prototype.hasOwnProperty.call(defaults, key) && isDefault(obj[key], defaults[key])) continue;
    out[key] = obj[key];
  }
  return out;
}

function mapRecords(list: unknown, f: (item: Json) => Json): unknown {
  return Array.isArray(list) ? list.map((item) => (isRecord(item) ? f(item) : item)) : list;
}

function slimPanel(panel: Json): Json {
  if (panel.type === 'row') {
    const row = without(panel, D.rowPanel);
    if ('panels' in row) row.panels = mapRecords(row.panels, slimPanel);
    return row;
  }
  const out = without(panel, D.panel);
  // Grafana's dashboard scene lays out a repeated panel without repeatDirection vertically
  // (its frontend does not apply the schema's "h"): a repeated panel keeps it.
  if (panel.repeat && 'repeatDirection' in panel) out.repeatDirection = panel.repeatDirection;
  if (isRecord(out.fieldConfig)) {
    const fc = without(out.fieldConfig, D.fieldConfigSource);
    if (isRecord(fc.defaults)) fc.defaults = without(fc.defaults, D.fieldConfig);
    out.fieldConfig = fc;
  }
  if (isRecord(out.options)) {
    const options = out.type === 'stat' ? without(out.options, D.statOptions) : { ...out.options };
    if (out.type === 'timeseries' && isRecord(options.legend)) options.legend = without(options.legend, D.legendOptions);
    out.options = options;
  }
  return out;
}

/**
 * `model` without the fields equal to the defaults of Grafana's dashboard schema (see
 * {@link GRAFANA_SCHEMA_DEFAULTS}): on the dashboard, its links, variables and panels (nested
 * rows included), their field config, stat options and time series legends. Only a model of
 * schemaVersion 42 is changed (other versions go through Grafana's migrations, whose defaults
 * may differ); the model given is not modified.
 */
export function slimDashboard(model: Json): Json {
  if (model.schemaVersion !== D.schemaVersion) return model;
  const out = without(model, D.dashboard);
  if ('links' in out) out.links = mapRecords(out.links, (l) => without(l, D.dashboardLink));
  if (isRecord(out.templating) && Array.isArray(out.templating.list)) {
    out.templating = { ...out.templating, list: mapRecords(out.templating.list, (v) => without(v, D.variable)) };
  }
  if ('panels' in out) out.panels = mapRecords(out.panels, slimPanel);
  return out;
}
