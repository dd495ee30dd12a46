/**
 * Hostile characters in every YAML file the library writes (issue 13, class 1).
 *
 * Go's YAML parsers (Prometheus, Alertmanager, Loki, Tempo, the Collector) read U+0085,
 * U+2028 and U+2029 as line breaks and refuse DEL, the C1 controls, U+FEFF, U+FFFE and U+FFFF;
 * the `yaml` package writes them raw. Every string must come back exactly, or (a lone
 * surrogate, which UTF-8 cannot carry) be refused with a ValidationError.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { Alertmanager } from '../../../constructs/alertmanager';
import { AlertRoute } from '../../../constructs/alert-route';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { ValidationError } from '../../../lib/core/errors';
import { toYaml } from '../../../lib/core/yaml';
import { amtoolCheckConfig, containerFiles, haveTool, layOut, promtoolCheckConfig, run, synthJson, testStack } from '../../helpers/synth';

/** The characters that hurt: Go line breaks, controls, BOM, non-characters, YAML syntax, templates. */
const HOSTILE = ['\u2028', '\u2029', '\u0085', '\u007f', '\u0080', '\u009f', '\ufeff', '\ufffe', '\uffff', '\u0000', '\u0001', '\u001b', '\t', '\n', '\r', '"', "'", '\\', '#', ': ', '- ', '{{', '}}', '${', '%{', '$$', '&a', '*a', '!!str', '---', '...', '|', '>', '@', '`', ' ', '\u00a0', '\u200b', 'é', '😀', 'a'];

/** Strings mixing hostile pieces with arbitrary code points (well-formed UTF-16). */
const hostileString = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 3 })), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''));

/** What Go's YAML reader accepts as a raw character (yaml.v2/v3 `is_printable`, less its line breaks). */
function goPrintableOutsideEscapes(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const ok =
      c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff && c !== 0x2028 && c !== 0x2029) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || c >= 0x10000;
    if (!ok) return false;
  }
  return true;
}

/** A PromQL / Go string literal for `s` with every non-ASCII or control character escaped. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

describe('toYaml with hostile strings (property)', () => {
  test('every well-formed string in keys and values reads back exactly, with nothing Go refuses written raw', () => {
    fc.assert(
      fc.property(hostileString, hostileString, fc.array(hostileString, { maxLength: 3 }), (key, value, list) => {
        const doc = { [key]: value, nested: { list, value } };
        const text = toYaml(doc, 'header');
        expect(goPrintableOutsideEscapes(text)).toBe(true);
        expect(parse(text)).toEqual(doc);
      }),
      { numRuns: 500 },
    );
  });

  test('a lone surrogate anywhere is a ValidationError naming where it is', () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), hostileString, (before, lone, after) => {
        const s = `${before}${lone}${after}`;
        expect(() => toYaml({ groups: [{ labels: { team: s } }] })).toThrow(ValidationError);
        expect(() => toYaml({ groups: [{ labels: { team: s } }] })).toThrow(/\$\.groups\[0\]\.labels\.team holds a lone UTF-16 surrogate/);
      }),
      { numRuns: 100 },
    );
  });

  test('the characters Go misreads are written as escapes inside double quotes', () => {
    expect(toYaml({ a: 'x\u2028y', b: 'p\u0085q', c: 'del\u007f' })).toBe('a: "x\\u2028y"\nb: "p\\u0085q"\nc: "del\\u007f"\n');
  });
});

const hasPromtool = haveTool('promtool');
const hasAmtool = haveTool('amtool');

describe('hostile strings through the constructs, read back by the real Go parsers', () => {
  // One synth and one tool run for many generated values keeps this fast.
  const values = fc.sample(hostileString.filter((s) => !s.includes('\u0000')), { numRuns: 40, seed: 1302 });
  // promtool's PromQL string parser cannot express NUL in a label value, so NUL is checked by parse only.

  (hasPromtool ? test : test.skip)('recording-rule labels and external labels: promtool checks the files and finds every value exactly', () => {
    const stack = testStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus', { externalLabels: { site: values[0] } });
    prometheus.addRuleGroup({
      name: 'hostile',
      rules: values.map((v, i) => ({ record: `hostile:value${i}`, expr: 'vector(1)', labels: { v } })),
    });
    const files = containerFiles(synthJson(stack), 'prometheus');
    const check = promtoolCheckConfig(files);
    expect(check.stdout + check.stderr).toMatch(/SUCCESS/);
    expect(check.code).toBe(0);

    const ruleFile = Object.keys(files).find((f) => f.includes('/rules/'))!;
    const root = layOut(files);
    const testFile = path.join(root, 'hostile.test.yml');
    // JSON is YAML: the expectations are written with \u escapes only, independent of toYaml.
    fs.writeFileSync(
      testFile,
      JSON.stringify({
        rule_files: [path.join(root, ruleFile)],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [],
            promql_expr_test: values.map((v, i) => ({ expr: `hostile:value${i}`, eval_time: '1m', exp_samples: [{ labels: `hostile:value${i}{v=${goQuote(v)}}`, value: 1 }] })),
          },
        ],
      }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
    try {
      const r = run('promtool', ['test', 'rules', testFile]);
      expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
      expect(r.code).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  (hasAmtool ? test : test.skip)('route matchers, receiver fields and templates: amtool accepts the config', () => {
    const stack = testStack();
    const route = new AlertRoute(stack, 'Route', { receiver: Receiver.webhook('default', { url: 'http://hook.internal:8080/' }) });
    values.slice(0, 15).forEach((v, i) => {
      route.addReceiver(Receiver.webhook(`hook-${i}`, { url: 'http://hook.internal:8080/' }));
      route.addRoute({ receiver: `hook-${i}`, matchers: [Matcher.eq('team', v)] });
    });
    new Alertmanager(stack, 'Alertmanager');
    const files = containerFiles(synthJson(stack), 'alertmanager');
    const r = amtoolCheckConfig(files);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
    const config = parse(files['/etc/alertmanager/alertmanager.yml']);
    expect(config.route.routes.length).toBe(15);
  });
});

describe('the checks can fail', () => {
  test('the yaml package alone writes U+2028 raw (what toYaml must not do)', () => {
    const { stringify } = require('yaml') as typeof import('yaml');
    expect(goPrintableOutsideEscapes(stringify({ a: 'x\u2028y' }))).toBe(false);
  });

  (hasPromtool ? test : test.skip)('promtool refuses a rule file with a raw U+2028 in a label value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-raw-'));
    try {
      const file = path.join(dir, 'r.yml');
      fs.writeFileSync(file, `groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: vector(1)\n        labels:\n          v: x\u2028y: z\n`);
      expect(run('promtool', ['check', 'rules', file]).code).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
