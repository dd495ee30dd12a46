/**
 * The direct YAML emitter (issue 16) writes byte for byte what the `yaml` package writes with
 * toYaml's options, or declines (undefined) and the `yaml` package renders the document.
 * `renderYaml` is the `yaml`-package rendering toYaml used for every file before the emitter.
 */
import fc from 'fast-check';
import { TerraformVariable, Testing } from 'cdktf';
import { Document, parse } from 'yaml';
import { ObservabilityStack } from '../../../stacks/observability-stack';
import { CourseStack } from '../../../stacks/course-stack';
import { addPlatformServices } from '../../../bench/platform-case';
import { renderRuleGroup } from '../../../lib/prometheus/rules';
import { unescapeTemplate } from '../../../lib/core/tf-escape';
import { GENERATED_HEADER, renderYaml, toYaml } from '../../../lib/core/yaml';
import { emitYaml, resolvesAsNonString, RESOLVING_FIRST, RESOLVING_TESTS } from '../../../lib/core/yaml-emit';
import { synthJson, testStack } from '../../helpers/synth';

const noToken = (): undefined => undefined;

/** Strings YAML treats specially: keywords of 1.1 and 1.2, number forms, indicators, quotes, blanks, breaks. */
const NASTY = [
  '', ' ', '  ', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'On', 'OFF', 'null', 'Null', 'NULL', 'nULL', '~', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
  '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', 'inf', 'nan', '0x1F', '0x', '0xg', '0o17', '0o8', '0b101', '1e3', '1E3', '-1e-3', '+1e+3', '1e', 'e3', '.1e3',
  '012', '08', '1_000', '+1', '-1', '1.', '.5', '1.5', '-0', '0', '00', '1:20', '12:30:00', '2001-12-14', '1,000', '3.14.15', '0.', '-.5', '+', '-', '.', '..',
  ':', '?', '- ', '? ', '-a', '?a', ':a', 'a:', 'a: b', 'a:b', 'a :b', 'a:\tb', 'a #b', 'a\t#b', 'a#b', '#', '#a', '---', '--- a', '---a', '...', '....', '-- a', '%', '%YAML', '@', '`',
  '&a', '*a', '!a', '!!str', '|', '>', '|-', '>+', "'", '"', "a'b", 'a"b', `a'b"c`, `"a'`, "''", '""', '{', '}', '[', ']', '{}', '[]', ',', 'a,b', ',a', 'a,',
  '${', '${x}', '$${x}', '%{', '%{ if x }', '{{ $labels.x }}', '${TfToken[TOKEN.99999]}', '\t', 'a\tb', '\ta', 'a\t', ' a', 'a ', '\n', 'a\n', 'a\nb', '\na', 'a\n\n', 'a\n\nb',
  '\n\na', ' \n', 'a \nb', 'a\n b', ' a\nb', '  a\nb', 'a\n\t', 'a\n ', '\n\n', '\n \n', 'a\n---\nb', 'a\n...', 'a\n# b', 'a\n- b', 'é', '😀', '\u00a0', '\u200b', '\u2028', '\u2029',
  '\u0085', '\u007f', '\u0000', '\u0007', '\r', '\r\n', '\u001b', '\ufeff', '\ufffe', '\ud800', '\udc00', '__proto__', 'constructor', 'toJSON', 'x'.repeat(200), 'word '.repeat(40), 'a'.repeat(1024),
];

/** A decliner: a string the emitter leaves to the `yaml` package wherever it is (see emitYaml). */
const DECLINED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|^---|^\.\.\.|\n[\t ]+$/;

function arbitraries(sure: boolean) {
  const nasty = sure ? NASTY.filter((x) => !DECLINED.test(x)) : NASTY;
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...nasty) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
    { weight: 1, arbitrary: fc.string({ unit: sure ? 'grapheme' : 'binary', maxLength: 3 }) },
  );
  /** Keys and strings: a nasty one, a few pieces glued together, arbitrary text, or a long one. */
  const anyText = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...nasty) },
    { weight: 6, arbitrary: fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', '"', "'", ' ', '-', 'x: '), fc.integer({ min: 1018, max: sure ? 1020 : 1030 }), fc.constantFrom('', '\n', ' ', 'y')).map(([a, n, b]) => a + 'k'.repeat(n) + b) },
  );
  const text = sure ? anyText.filter((x) => !DECLINED.test(x)) : anyText;
  // A key written longer than 1,024 characters takes the `? key` form (declined): see the boundary test.
  const key = sure ? text.filter((x) => !x.includes('\n') && x.length <= 500) : text;
  const number = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: sure, noDefaultInfinity: sure }),
    fc.constantFrom(1e21, -1e21, 1e-7, -0, 0, 0.1, 5e-324, 2 ** 53 + 2, 123.456, ...(sure ? [] : [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])),
  );
  const leaf = fc.oneof({ weight: 6, arbitrary: text }, { weight: 2, arbitrary: number }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) });
  const tree = fc.letrec<{ node: unknown; map: Record<string, unknown>; seq: unknown[] }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('seq')),
    map: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    seq: fc.array(tie('node'), { maxLength: 4 }),
  }));
  return fc.oneof({ weight: 6, arbitrary: tree.map }, { weight: 3, arbitrary: tree.seq }, { weight: 1, arbitrary: sure ? tree.map : tree.node });
}

/** What the `yaml` package path gives: its text, or the error it throws. */
function reference(doc: unknown, header?: string): string | Error {
  try {
    return renderYaml(doc, header);
  } catch (e) {
    return e as Error;
  }
}

describe('emitYaml writes what the yaml package writes', () => {
  test('property: on generated documents it writes the same text or declines, and toYaml always writes the same text', () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(arbitraries(false), fc.constantFrom(undefined, GENERATED_HEADER, 'h: x'), (doc, header) => {
        runs++;
        const ref = reference(doc, header);
        const fast = emitYaml(doc, noToken);
        if (fast !== undefined) {
          answered++;
          expect(ref).not.toBeInstanceOf(Error);
          expect(header ? `# ${header}\n${fast}` : fast).toBe(ref);
        }
        if (ref instanceof Error) expect(() => toYaml(doc, header)).toThrow(ref.message);
        else expect(toYaml(doc, header)).toBe(ref);
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: many generated documents take the emitter's path (the next test: all of them, without decliners).
    expect(answered / runs).toBeGreaterThan(0.25);
  });

  test('property: on generated documents without a declined string or number the emitter always answers, with the same text', () => {
    fc.assert(
      fc.property(arbitraries(true), (doc) => {
        const fast = emitYaml(doc, noToken);
        expect(fast).toBeDefined();
        expect(fast).toBe(renderYaml(doc));
      }),
      { numRuns: 2000 },
    );
  });

  test('property: documents of ordinary config text always take the emitter and match', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    const value = fc.oneof(
      fc.stringMatching(/^[a-zA-Z0-9_ :.,/(){}[\]"'=~!<>*+$#-]{0,40}$/).filter((s) => !s.startsWith('---') && !s.startsWith('...')),
      fc.stringMatching(/^[a-z(][a-z0-9_ (){}="~,/\n-]{0,60}[a-z)]$/),
      fc.integer(),
      fc.boolean(),
    );
    const group = fc.record({ name: word, interval: fc.constantFrom('30s', '1m', '5m'), rules: fc.array(fc.dictionary(word, value, { minKeys: 1, maxKeys: 5 }), { minLength: 1, maxLength: 5 }) });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 3 }), (groups) => {
        const doc = { groups };
        const fast = emitYaml(doc, noToken);
        expect(fast).toBeDefined();
        expect(fast).toBe(renderYaml(doc));
      }),
      { numRuns: 500 },
    );
  });

  test('the cases it declines are rendered by the yaml package (fall back, same text)', () => {
    const declined: unknown[] = [
      { a: 'x\u2028y' }, // Go line break: double-quoted and escaped by toYaml
      { a: 'tab\r' }, // control character: double-quoted
      { a: 'a\n ' }, // last line only blanks: double-quoted across lines
      { 'a\nb': 1 }, // multi-line key
      { '--- a': 1 }, // document marker
      { ['k'.repeat(1025)]: 1 }, // `? key` form
      { a: Number.NaN },
      { a: new Date(0) },
      'a scalar document',
    ];
    for (const doc of declined) {
      expect(emitYaml(doc, noToken)).toBeUndefined();
      expect(toYaml(doc)).toBe(renderYaml(doc));
    }
    expect(toYaml({ a: 'x\u2028y' })).toBe('a: "x\\u2028y"\n');
    // The 1,024-character limit on a key as written, quotes included.
    for (const k of ['k'.repeat(1024), '"'.repeat(1022), ' '.repeat(1022)]) expect(emitYaml({ [k]: 1 }, noToken)).toBe(renderYaml({ [k]: 1 }));
    for (const k of ['k'.repeat(1025), '"'.repeat(1023), ' '.repeat(1023)]) expect(emitYaml({ [k]: 1 }, noToken)).toBeUndefined();
  });

  test('a whole token of this app is written as its jsonencode marker, unquoted, as the yaml package path writes it', () => {
    const stack = testStack();
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    const token = v.stringValue;
    const doc = { a: token, list: [token, 'x'], nested: { b: token }, embedded: `http://${token}:80` };
    const marker = (s: string) => s.replace(/TfToken\[TOKEN\.\d+\]/g, 'TfToken[TOKEN.N]');
    let called = 0;
    expect(emitYaml(doc, (s) => (s === token ? (called++, '${TfToken[TOKEN.1]}') : undefined))).toBeDefined();
    expect(called).toBe(3);
    const fast = toYaml(doc, 'h');
    expect(marker(fast)).toBe(marker(renderYaml(doc, 'h')));
    expect(fast).toMatch(/^a: \$\{TfToken\[TOKEN\.\d+\]\}$/m);
  });

  test('the first characters of a string that YAML reads as null, a boolean or a number are the ones listed', () => {
    const schema = new Document(null).schema;
    const tests = [...schema.tags, ...(schema.compat ?? [])].filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp).map((t) => t.test as RegExp);
    expect(tests.length).toBeGreaterThanOrEqual(8);
    const suffixes = ['', '0', '1', '.5', 'e3', 'x1F', 'o7', 'inf', 'nan', 'rue', 'alse', 'ull', 'ULL', 'RUE', 'ALSE'];
    const wrong: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const first = String.fromCharCode(c);
      if (RESOLVING_FIRST.includes(first)) continue;
      for (const s of suffixes) if (tests.some((re) => re.test(first + s))) wrong.push(first + s);
    }
    expect(wrong).toEqual([]);
    for (const s of ['', '~', 'null', 'true', 'False', '0x1F', '0o17', '-1', '+1.5', '.5', '1e3', '.inf', '-.Inf', '.nan']) expect(resolvesAsNonString(s)).toBe(true);
    for (const s of ['yes', 'no', 'on', 'off', '012a', '1_000', 'nul', 'truex', '0x', '1e', '.', '-', 'Infinity']) expect(resolvesAsNonString(s)).toBe(false);
  });

  test("the emitter's schema tests are the installed yaml package's core schema tests, in order (written out so a synth need not load the package)", () => {
    const schema = new Document(null, { aliasDuplicateObjects: false }).schema;
    const tests = [...schema.tags, ...(schema.compat ?? [])].filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp).map((t) => t.test as RegExp);
    expect(RESOLVING_TESTS.map((re) => `${re.source}/${re.flags}`)).toEqual(tests.map((re) => `${re.source}/${re.flags}`));
  });

  test('loading the emitter and toYaml, and rendering plain data, does not load the yaml package', () => {
    jest.isolateModules(() => {
      const before = new Set(Object.keys(require.cache));
      const fresh = require('../../../lib/core/yaml') as typeof import('../../../lib/core/yaml');
      expect(fresh.toYaml({ groups: [{ name: 'a', rules: [{ record: 'x:y', expr: 'sum(up)\n/ 2' }] }] }, 'h')).toBe('# h\ngroups:\n  - name: a\n    rules:\n      - record: x:y\n        expr: |-\n          sum(up)\n          / 2\n');
      const loaded = Object.keys(require.cache).filter((f) => !before.has(f));
      expect(loaded.some((f) => f.includes('lib/core/yaml'))).toBe(true);
      expect(loaded.filter((f) => /node_modules[\\/]yaml[\\/]/.test(f))).toEqual([]);
    });
  });
});

describe('the real files of the platform case', () => {
  const stack = new ObservabilityStack(Testing.app(), 'observability');
  addPlatformServices(stack, 5);

  test('every rule file: the emitter answers with the yaml package text', () => {
    const groups = stack.prometheus!.ruleGroups;
    expect(groups.length).toBeGreaterThan(15);
    for (const g of groups) {
      const doc = { groups: [renderRuleGroup(g)] };
      const fast = emitYaml(doc, noToken);
      expect(fast).toBeDefined();
      expect(`# ${GENERATED_HEADER}\n${fast}`).toBe(renderYaml(doc, GENERATED_HEADER));
    }
  });

  test('every generated file of the platform and the course stacks reads back to data the emitter writes as the same text', () => {
    const course = new CourseStack(Testing.app(), 'course');
    const files: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        if (v.startsWith(`# ${GENERATED_HEADER}`)) files.push(unescapeTemplate(v, (e) => `stand-in-for-${e.replace(/[^A-Za-z0-9_.-]/g, '_')}`));
      } else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(synthJson(stack));
    collect(synthJson(course));
    expect(files.length).toBeGreaterThanOrEqual(40);
    let checked = 0;
    for (const content of files) {
      const headerEnd = content.indexOf('\n');
      const header = content.slice(2, headerEnd);
      const data = parse(content.slice(headerEnd + 1));
      if (data === null || typeof data !== 'object') continue;
      const fast = emitYaml(data, noToken);
      expect(fast).toBeDefined();
      expect(`# ${header}\n${fast}`).toBe(content);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  });
});

test('the yaml package installed is the exact version the package pins, the one these properties were proven against', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pinned = (require('../../../package.json') as { dependencies: Record<string, string> }).dependencies.yaml;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const installed = (require('yaml/package.json') as { version: string }).version;
  expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  expect(installed).toBe(pinned);
});
