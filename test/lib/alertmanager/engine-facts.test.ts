/**
 * Alertmanager v0.34.0 (issue 19): the library's facts about the pinned release against the
 * fixture read from prometheus/alertmanager at its tags, the matcher text we write read the same
 * by both of its parsers, and what an older pinned image lacks refused at synth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformVariable } from 'cdktf';
import { parse } from 'yaml';
import { AlertRoute } from '../../../constructs/alert-route';
import { ALERTMANAGER_IMAGE, Alertmanager } from '../../../constructs/alertmanager';
import { ALERTMANAGER_FUNCS_SINCE, ALERTMANAGER_TEMPLATES_SINCE } from '../../../lib/alertmanager/go-template';
import { Matcher, classicValue as classicUnescape } from '../../../lib/alertmanager/matchers';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { EMPTY_GROUP_BY_OVERRIDES_SINCE } from '../../../lib/alertmanager/versions';
import { releaseOf } from '../../../lib/core/releases';
import { amtoolCheckConfig, amtoolRoutesTest, containerFiles, haveTool, synthJson, testStack } from '../../helpers/synth';

const AM = '/etc/alertmanager/alertmanager.yml';
const facts = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/engines/alertmanager.json'), 'utf8'));
const hasAmtool = haveTool('amtool');

describe('Alertmanager facts match the source at the pinned tag', () => {
  test('the pinned image is the fixture\'s tag', () => {
    expect(ALERTMANAGER_IMAGE).toEqual({ repository: 'prom/alertmanager', tag: facts.pinned.tag });
    expect(facts.tagCommits[facts.pinned.tag]).toBe(facts.pinned.commit);
  });
  test('template functions and their first releases', () => {
    expect(ALERTMANAGER_FUNCS_SINCE).toEqual(facts.templateFunctions.since);
  });
  test('default templates and their first releases', () => {
    expect(ALERTMANAGER_TEMPLATES_SINCE).toEqual(facts.defaultTemplates.since);
  });
  test('empty group_by on a child route overrides from the fixture\'s release', () => {
    expect(EMPTY_GROUP_BY_OVERRIDES_SINCE).toBe(facts.routeGroupByEmpty.since);
  });
  test('release tags parse; other tags do not', () => {
    expect(releaseOf('v0.34.0')).toEqual([0, 34, 0]);
    expect(releaseOf('0.28.1-rc.0')).toEqual([0, 28, 1]);
    expect(releaseOf('main')).toBeUndefined();
  });
});

/**
 * The two matcher parsers of Alertmanager, as the fixture describes them: the classic one
 * (pkg/labels/parse.go) unescapes only \n, \" and \\ (the library's classicValue, which
 * Matcher.parse uses, checked against amtool 0.25 below); the UTF-8 one (matcher/parse) reads a
 * quoted value with Go's strconv.Unquote (modelled here). By default v0.34.0 runs both and, when
 * they disagree, keeps the classic reading.
 */
function classicValue(text: string): string {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/.exec(text);
  const value = m ? classicUnescape(m[3]) : undefined;
  if (value === undefined) throw new Error(`classic parser refuses ${text}`);
  return value;
}
function goUnquoteValue(text: string): string {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|=|!=|!~)("[\s\S]*")$/.exec(text);
  if (!m) throw new Error(`not label op "value": ${text}`);
  const body = m[3].slice(1, -1);
  if (body.includes('\n')) throw new Error('strconv.Unquote: raw newline');
  const escapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') throw new Error('strconv.Unquote: unescaped quote');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (escapes[n] === undefined) throw new Error(`strconv.Unquote: escape \\${n} not modelled`);
    out += escapes[n];
  }
  return out;
}

describe('matcher text reads the same in the classic and the UTF-8 parser', () => {
  const values = ['critical', 'a\tb', 'line\nbreak', 'say "hi"', 'C:\\path\\n', 'cr\rlf', 'x,y=z', '{braces}', 'trailing ', ' leading', 'ünïcödé ✓', '5..|4..', 'back\\', 'bell\x07', ''];
  test.each(values.map((v) => [v]))('%j', (value) => {
    for (const m of [Matcher.eq('l', value), Matcher.re('l', value), Matcher.ne('l', value), Matcher.notRe('l', value)]) {
      const text = String(m);
      expect(classicValue(text)).toBe(value);
      expect(goUnquoteValue(text)).toBe(value);
    }
  });
  test('Matcher.parse reads what Alertmanager reads, and what it writes parses back to the same value', () => {
    for (const value of values) {
      expect(Matcher.parse(String(Matcher.re('l', value))).value).toBe(value);
    }
    expect(Matcher.parse('code=~"5\\d\\d"').value).toBe('5\\d\\d'); // was a JSON SyntaxError
    expect(Matcher.parse('a="x\\ty"').value).toBe('x\\ty'); // a backslash and t, as Alertmanager keeps it
    expect(() => Matcher.parse('a=b"c')).toThrow(/has a double quote that is neither escaped nor closing the value/);
    expect(() => Matcher.parse('a="b')).toThrow(/neither escaped nor closing/);
  });
  test('the models tell the parsers apart (the check can fail): \\t is a tab only for strconv.Unquote', () => {
    expect(classicValue('l="a\\tb"')).toBe('a\\tb');
    expect(goUnquoteValue('l="a\\tb"')).toBe('a\tb');
  });
  test('a label name beyond the classic set is quoted, as the UTF-8 parser needs it', () => {
    expect(String(Matcher.eq('service.name', 'checkout'))).toBe('"service.name"="checkout"');
    expect(String(Matcher.eq('service_name', 'checkout'))).toBe('service_name="checkout"');
  });
  test('a value that is not valid UTF-8 (a lone surrogate) is refused', () => {
    expect(Matcher.eq('l', 'x\ud800').problems('route')).toEqual([expect.stringMatching(/route: matcher l= value is not valid UTF-8/)]);
  });

  (hasAmtool ? test : test.skip)('amtool (classic parser) routes an alert whose label holds a tab, a quote and a backslash to the matching route', () => {
    const stack = testStack();
    const routing = new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('default', { url: 'http://hook:8080/' }) });
    routing.addReceiver(Receiver.webhook('tabbed', { url: 'http://hook:8080/t' }));
    routing.addRoute({ receiver: 'tabbed', matchers: [Matcher.eq('summary', 'a\tb "c" d\\e')] });
    new Alertmanager(stack, 'Alertmanager');
    const files = containerFiles(synthJson(stack), 'alertmanager');
    expect(amtoolCheckConfig(files).stdout).toMatch(/SUCCESS/);
    // amtool reads each label argument with the same classic parser, so it is written quoted.
    expect(amtoolRoutesTest(files, { summary: '"a\tb \\"c\\" d\\\\e"' }, ['tabbed']).code).toBe(0);
    expect(amtoolRoutesTest(files, { summary: '"a\\\\tb \\"c\\" d\\\\e"' }, ['default']).code).toBe(0);
  });
});

(hasAmtool ? test : test.skip)('amtool refuses email headers that differ only in case (the fact behind the receiver check)', () => {
  const config = 'route: { receiver: m }\nreceivers:\n  - name: m\n    email_configs:\n      - { to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587", headers: { x-team: a, X-TEAM: b } }\n';
  const r = amtoolCheckConfig({ [AM]: config });
  expect(r.code).not.toBe(0);
  expect(r.stdout + r.stderr).toMatch(/duplicate header "X-Team" in email config/);
  expect(amtoolCheckConfig({ [AM]: config.replace('X-TEAM: b', 'X-Other: b') }).code).toBe(0);
});

describe('an image older than what the config uses is refused at synth', () => {
  function stackWith(image: string | undefined, setup: (r: AlertRoute) => void) {
    const stack = testStack();
    const routing = new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('default', { url: 'http://hook:8080/' }) });
    setup(routing);
    new Alertmanager(stack, 'Alertmanager', image ? { image } : {});
    return () => synthJson(stack);
  }
  const dated = (r: AlertRoute) => r.addTemplate('when', '{{ define "when" }}{{ (index .Alerts 0).StartsAt | date "15:04" }}{{ end }}');

  test('a template function added after the image\'s release', () => {
    expect(stackWith('prom/alertmanager:v0.27.0', dated)).toThrow(/template "when" calls the template function date, which Alertmanager has only from v0\.28\.0 \(the image runs v0\.27\.0\): every notification using it would fail/);
    expect(stackWith(undefined, dated)).not.toThrow();
    expect(stackWith('prom/alertmanager:v0.28.0', dated)).not.toThrow();
  });
  test('a receiver field calling a default template added after the image\'s release', () => {
    const colored = (r: AlertRoute) => r.addReceiver(Receiver.slack('slack', { webhookUrl: new TerraformVariable(r, 'x', { type: 'string', sensitive: true }).stringValue, color: '{{ template "slack.default.color" . }}' }));
    expect(stackWith('prom/alertmanager:v0.31.1', colored)).toThrow(/receiver "slack" calls the default template "slack.default.color", which Alertmanager defines only from v0\.32\.0/);
    expect(stackWith('prom/alertmanager:v0.32.0', colored)).not.toThrow();
  });
  test('an empty groupBy on a child route, which releases before v0.31.0 ignore', () => {
    const flat = (r: AlertRoute) => r.addRoute({ matchers: [Matcher.eq('team', 'a')], groupBy: [] });
    expect(stackWith('prom/alertmanager:v0.30.1', flat)).toThrow(/route\.routes\[0\] has an empty groupBy, which Alertmanager reads as "one group for all alerts" only from v0\.31\.0; the image runs v0\.30\.1/);
    expect(stackWith(undefined, flat)).not.toThrow();
  });
  test('a tag that is not a release is not judged', () => {
    expect(stackWith('prom/alertmanager:main', dated)).not.toThrow();
  });
  test('the pinned default renders the empty groupBy as written', () => {
    const stack = testStack();
    const routing = new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('default', { url: 'http://hook:8080/' }) });
    routing.addRoute({ matchers: [Matcher.eq('team', 'a')], groupBy: [] });
    new Alertmanager(stack, 'Alertmanager');
    expect(parse(containerFiles(synthJson(stack), 'alertmanager')[AM]).route.routes[0].group_by).toEqual([]);
  });
});
