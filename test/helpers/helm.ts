/**
 * What Helm does with the library's values, modelled from the chart facts in
 * test/fixtures/charts (hand-written from each chart's sources at its tag): the merge of user
 * values over the chart's defaults, a minimal `tpl`, and where kube-prometheus-stack takes the
 * Alertmanager configuration from. Tests check the *effective* result, not only our values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CHARTS } from '../../lib/kubernetes/charts';
import { unescapeTemplate } from '../../lib/core/tf-escape';
import { SynthJson, helmValues, k8sResource, standIn } from './synth';

type Json = Record<string, any>;

/** A chart fact file of test/fixtures/charts. */
export function chartFacts(chart: string, version: string): Json {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'charts', `${chart}-${version}.json`), 'utf8'));
}

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Helm's merge of user values over chart defaults (chartutil.CoalesceTables): maps merge key
 * by key, anything else (lists included) replaces, and a user `null` deletes the key.
 */
export function helmMerge(defaults: Json, values: Json): Json {
  const out: Json = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = helmMerge(out[k], v);
    else out[k] = v;
  }
  return out;
}

/**
 * A minimal Helm `tpl` for strings that should hold no template of Helm's: a string-literal
 * action (`{{ "{{" }}`, `` {{`{{`}} ``) prints its literal, any other action is refused (Helm
 * would evaluate it: `{{ $labels.x }}` fails, `{{ .Release.Name }}` is replaced).
 */
export function helmTpl(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) return out + text.slice(i);
    out += text.slice(i, open);
    const close = text.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`tpl: unclosed action in ${JSON.stringify(text)}`);
    let action = text.slice(open + 2, close);
    // `}}` inside a raw string literal belongs to the literal.
    const raw = /^\s*`([^`]*)`\s*$/.exec(action);
    const quoted = /^\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(action);
    if (raw) out += raw[1];
    else if (quoted) out += JSON.parse(`"${quoted[1]}"`);
    else {
      action = action.trim();
      throw new Error(`tpl would evaluate {{ ${action} }} in ${JSON.stringify(text)}`);
    }
    i = close + 2;
  }
  return out;
}

/**
 * Sprig's `quote` (`fmt.Sprintf("%q", s)`): a Go double-quoted literal. Modelled with JSON's
 * string syntax, which agrees with Go's for `"`, `\\`, `\n`, `\t` and printable text, and
 * which YAML reads back as a double-quoted scalar; the lines Go's YAML reads as breaks are
 * escaped too, as Go's %q does (they are not printable).
 */
export function sprigQuote(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Applies helmTpl to every string (keys included) of a value. */
export function helmTplDeep(v: unknown): unknown {
  if (typeof v === 'string') return helmTpl(v);
  if (Array.isArray(v)) return v.map(helmTplDeep);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [helmTpl(k), helmTplDeep(x)]));
  return v;
}

/** The value at a dotted path (`prometheus.prometheusSpec.externalLabels`). */
export function at(values: Json, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), values);
}

/** The chart's defaults merged with a release's values, as Helm renders the templates from. */
export function effectiveValues(json: SynthJson, release: string, facts: Json): Json {
  return helmMerge(facts.defaults, helmValues(json, release));
}

/** A kubernetes_secret_v1's data as the cluster stores it (Terraform escapes undone). */
export function secretData(json: SynthJson, name: string): Record<string, string> {
  const data = (k8sResource(json, 'kubernetes_secret_v1', name).data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, unescapeTemplate(v, standIn)]));
}

/**
 * The Alertmanager configuration the operator receives from kube-prometheus-stack (facts of
 * templates/alertmanager/secret.yaml): the chart's Secret renders `alertmanager.config` merged
 * over the chart's default config, unless `alertmanagerSpec.useExistingSecret`, in which case
 * the operator reads the Secret named by `alertmanagerSpec.configSecret`.
 */
export function effectiveAlertmanager(json: SynthJson, release = 'prometheus'): { config: Json; templates: Record<string, string>; source: string } {
  const facts = chartFacts(CHARTS.kubePrometheusStack.chart, CHARTS.kubePrometheusStack.version);
  const values = effectiveValues(json, release, facts);
  const am = values.alertmanager;
  const spec = am.alertmanagerSpec ?? {};
  if (spec.useExistingSecret) {
    const fullname = String(values.fullnameOverride).slice(0, 26).replace(/-+$/, '');
    const name = spec.configSecret ?? `alertmanager-${fullname}-alertmanager`;
    const data = secretData(json, name);
    const templates = Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'alertmanager.yaml'));
    return { config: parse(data['alertmanager.yaml']), templates, source: `Secret ${name}` };
  }
  const config = am.tplConfig ? (helmTplDeep(am.config) as Json) : am.config;
  return { config, templates: am.templateFiles ?? {}, source: 'chart Secret from alertmanager.config' };
}
