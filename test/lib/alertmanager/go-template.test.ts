/**
 * Alertmanager templates (issue 13, class 9): checked as Go's text/template parser with
 * Alertmanager's functions would, differential-tested against amtool.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { checkGoTemplate } from '../../../lib/alertmanager/go-template';
import { haveTool, run } from '../../helpers/synth';

const REFUSED: Array<[string, RegExp]> = [
  ['{{ define "x" }}{{ $labels.instance }}{{ end }}', /undefined variable "\$labels"/],
  ['{{ define "x" }}{{{ end }}', /unexpected "\{" in command/],
  ['{{ define "x" }}{{ foo }}{{ end }}', /function "foo" not defined/],
  ['{{ define "x" }}{{ if .Status }}{{ end }}', /unexpected EOF/],
  ['{{ define "x" }}{{ end }}{{ end }}', /unexpected \{\{end\}\}/],
  ['{{ define "x" }}{{ .Status }', /unexpected "\}" in command|unclosed action/],
  ['{{ define "x" }}{{ nil }}{{ end }}', /nil is not a command/],
  ['{{ define "x" }}{{ $y = "a" }}{{ end }}', /undefined variable "\$y"/],
  ['{{ define "x" }}{{ break }}{{ end }}', /\{\{break\}\} outside \{\{range\}\}/],
  ['{{ define "x" }}{{ range .Alerts }}{{ $a := . }}{{ end }}{{ $a }}{{ end }}', /undefined variable "\$a"/],
  ['{{/* unclosed', /unclosed comment/],
];
const ACCEPTED = [
  '{{ define "x" }}{{ range $i, $a := .Alerts }}{{ $a.Labels.instance }}{{ if gt $i 0 }}, {{ end }}{{ end }}{{ end }}',
  '{{ define "x" }}{{- /* note */ -}}{{ .CommonLabels.alertname | toUpper }}{{ end }}',
  '{{ define "x" }}{{ if eq .Status "firing" }}🔥{{ else if eq .Status "resolved" }}ok{{ else }}?{{ end }}{{ end }}',
  '{{ define "x" }}{{ template "slack.default.title" . }}{{ end }}',
  '{{ define "x" }}{{ $s := "a" }}{{ $s = "b" }}{{ printf "%s" $s }}{{ end }}',
];

describe('checkGoTemplate', () => {
  test.each(REFUSED)('refuses %s', (text, message) => {
    expect(checkGoTemplate(text).problem).toMatch(message);
  });
  test.each(ACCEPTED)('accepts %s', (text) => {
    expect(checkGoTemplate(text).problem).toBeUndefined();
  });
  test('reports what a template defines and calls', () => {
    expect(checkGoTemplate('{{ define "a" }}{{ template "b" . }}{{ end }}{{ block "c" . }}x{{ end }}')).toEqual({ defines: ['a', 'c'], calls: ['b', 'c'], funcs: [] });
    expect(checkGoTemplate('{{ define "a" }}{{ .Status | toUpper | printf "%s" | toUpper }}{{ date "15:04" now }}{{ end }}').funcs).toEqual(['toUpper', 'date', 'now']);
  });
});

const PIECES = ['text ', '{{ .Status }}', '{{ $labels.x }}', '{{ $x := .Status }}', '{{ $x }}', '{{ $x = "a" }}', '{{ if .Status }}', '{{ else }}', '{{ else if .Alerts }}', '{{ end }}', '{{ range .Alerts }}', '{{ range $i, $a := .Alerts }}', '{{ $a.Labels }}', '{{ with .CommonLabels }}', '{{ template "x" . }}', '{{ toUpper "a" }}', '{{ foo }}', '{{{', '}}', '{{/* c */}}', '{{- .Status -}}', '{{ .Status | toLower }}', '{{ break }}', '{{ "a" }}', '{{ printf "%s" .Status }}', '{{ (.Status) }}', '{{ ) }}', '{{ }}', '{{ define "y" }}', '{{ len .Alerts | printf "%d" }}', '{{ join "," (stringSlice "a" "b") }}', '{{ .Status "x }}', '{{ 1.5 }}', '{{ nil }}', '{{ reReplaceAll "a" "b" .Status }}'];
const template = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 7 }).map((p) => `{{ define "x" }}${p.join('')}{{ end }}`);

const hasAmtool = haveTool('amtool');

describe('the checker agrees with amtool (property, differential)', () => {
  (hasAmtool ? test : test.skip)('for generated templates, synth refuses exactly what amtool check-config refuses', () => {
    const texts = [...new Set([...REFUSED.map(([t]) => t), ...ACCEPTED.filter((t) => !t.includes('🔥')), ...fc.sample(template, { numRuns: 300, seed: 1311 })])];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-tmpl-'));
    try {
      const configs = texts.map((t, i) => {
        fs.writeFileSync(path.join(dir, `t${i}.tmpl`), t);
        const config = path.join(dir, `am${i}.yml`);
        fs.writeFileSync(config, JSON.stringify({ route: { receiver: 'a' }, receivers: [{ name: 'a' }], templates: [path.join(dir, `t${i}.tmpl`)] }));
        return config;
      });
      const r = run('amtool', ['check-config', ...configs], undefined, 120_000);
      // One block per config: "Checking '<file>'  SUCCESS", what it found, then the templates' verdict.
      const ok = new Set(r.stdout.split(/^Checking '/m).filter((b) => b && !/FAILED/.test(b)).map((b) => b.slice(0, b.indexOf("'"))));
      const disagreements = texts
        .map((t, i) => ({ t, ours: checkGoTemplate(t).problem, amtool: !ok.has(configs[i]) }))
        .filter((d) => (d.ours !== undefined) !== d.amtool)
        // Stricter on purpose: Go parses these and fails at every execution (every notification):
        // `{{ nil }}`, and `$x = ...` on a variable never declared.
        .filter((d) => !(d.amtool === false && (/nil is not a command/.test(d.ours ?? '') || (/undefined variable/.test(d.ours ?? '') && / = /.test(d.t)))));
      if (process.env.OBS_STATS) console.log(`templates: ${texts.length} templates, amtool accepted ${ok.size}, synth refused ${texts.filter((t) => checkGoTemplate(t).problem).length}`);
      expect(disagreements).toEqual([]);
      expect(ok.size).toBeGreaterThan(30);
      expect(texts.length - ok.size).toBeGreaterThan(30);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
