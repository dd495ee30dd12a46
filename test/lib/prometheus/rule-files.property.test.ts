/**
 * The direct rule-file writer (ruleFileText, issue 16) writes byte for byte what the generic
 * path writes (toYaml of the rendered group: the emitter, itself compared with the `yaml`
 * package), or declines; on ordinary groups it always answers.
 */
import fc from 'fast-check';
import { Testing } from 'cdktf';
import { addPlatformServices } from '../../../bench/platform-case';
import { Duration } from '../../../lib/core/duration';
import { GENERATED_HEADER, renderYaml, toYaml } from '../../../lib/core/yaml';
import { ruleFileText } from '../../../lib/prometheus/config';
import { renderRuleGroup, RuleGroup } from '../../../lib/prometheus/rules';
import { CourseStack } from '../../../stacks/course-stack';
import { ObservabilityStack } from '../../../stacks/observability-stack';

const generic = (g: RuleGroup) => toYaml({ groups: [renderRuleGroup(g)] }, GENERATED_HEADER);

/** Strings YAML treats specially (indicators, keywords, numbers, quotes, blanks, breaks, markers, controls). */
const NASTY = [
  '', ' ', 'yes', 'null', '~', 'true', 'False', '.inf', '.nan', '0x1F', '0o17', '1e3', '-1', '+1.5', '.5', '012', '1:20', ':', '?', '- ', '-', '-a', 'a: b', 'a:b', 'a #b', '#a',
  '---', '--- a', '...', '%', '@', '`', '&a', '*a', '!a', '|', '>', "'", '"', "a'b", 'a"b', `a'b"c`, '{', '[]', ',', '${', '${x}', '$x', '%{', '{{ $labels.x }}',
  '${TfToken[TOKEN.99999]}', '\t', 'a\tb', ' a', 'a ', '\n', 'a\n', 'a\nb', '\na', 'a\n\n', 'a\n\nb', ' \n', 'a \nb', 'a\n b', ' a\nb', 'a\n\t', 'a\n ', '\n\n', 'a\n---\nb',
  'a\n# b', 'a\n- b', 'é', '😀', '\u00a0', '\u2028', '\u0085', '\u007f', '\u0000', '\r', '\ufeff', '\ud800', '__proto__', 'x'.repeat(70), 'k'.repeat(1030),
];
const text = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'svc-1', 'up == 0', 'critical', 'x:y', 'Line one.\nLine two.') },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...NASTY, 'up', 'rate(x[5m])', ' / ', 'svc-1'), { minLength: 1, maxLength: 4 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const duration = fc.oneof(fc.constantFrom('30s', '1m', '5m0s', '1h30m', '0s', 'soon', ''), fc.constantFrom(0, 1000, 90_000).map((ms) => Duration.milliseconds(ms)));
const strings = fc.dictionary(text, text, { maxKeys: 3 });
const rule = fc.oneof(
  fc.record({ record: text, expr: text, labels: strings }, { requiredKeys: ['record', 'expr'] }),
  fc.record({ alert: text, expr: text, for: duration, keepFiringFor: duration, labels: strings, annotations: strings }, { requiredKeys: ['alert', 'expr'] }),
);
const group = fc.record(
  { name: text, interval: duration, queryOffset: duration, limit: fc.constantFrom(0, 1, 10, -0, 2.5, 1e21), labels: strings, rules: fc.array(rule, { maxLength: 3 }) },
  { requiredKeys: ['name', 'rules'] },
);

describe('ruleFileText writes the rule file the generic path writes', () => {
  test('property: on generated groups with nasty strings it writes the same text or declines', () => {
    let answered = 0;
    fc.assert(
      fc.property(group, (g) => {
        const fast = ruleFileText(g as unknown as RuleGroup);
        let expected: string | undefined;
        try {
          expected = generic(g as unknown as RuleGroup);
        } catch {
          expected = undefined; // the generic path refuses it (a lone surrogate): the fast one must decline too
        }
        if (fast !== undefined) {
          answered++;
          expect(fast).toBe(expected);
        }
      }),
      { numRuns: 3000, seed: 1603 },
    );
    expect(answered).toBeGreaterThan(200);
  });

  test('property: ordinary groups (word-like names, PromQL, label text) always get an answer, the same text as the yaml package writes', () => {
    const word = fc.stringMatching(/^[a-z_][a-z0-9_:]{0,15}$/);
    const value = fc.oneof(word, fc.constantFrom('critical', 'svc-1', '{{ $labels.instance }} is down', 'https://wiki.example.com/runbooks/x', 'Line one.\nLine two.'));
    const promql = fc.constantFrom('up == 0', 'sum by (job) (rate(x_total[5m]))', 'sum(rate(a{status=~"5.."}[5m]))\n/\nsum(rate(a[5m]))', 'histogram_quantile(0.99,\n  sum by (le) (rate(h_bucket[5m]))\n)');
    const labels = fc.dictionary(word, value, { maxKeys: 3 });
    const ordinary = fc.record(
      {
        name: word,
        interval: fc.constantFrom('30s', '1m'),
        rules: fc.array(
          fc.oneof(
            fc.record({ record: word, expr: promql, labels }, { requiredKeys: ['record', 'expr'] }),
            fc.record({ alert: word, expr: promql, for: fc.constantFrom('5m', Duration.minutes(2)), labels, annotations: labels }, { requiredKeys: ['alert', 'expr'] }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      },
      { requiredKeys: ['name', 'rules'] },
    );
    fc.assert(
      fc.property(ordinary, (g) => {
        const fast = ruleFileText(g as unknown as RuleGroup);
        expect(fast).toBeDefined();
        expect(fast).toBe(renderYaml({ groups: [renderRuleGroup(g as unknown as RuleGroup)] }, GENERATED_HEADER));
      }),
      { numRuns: 400, seed: 1604 },
    );
  });

  test('every rule group of the platform and course stacks: answered, the same text', () => {
    const platform = new ObservabilityStack(Testing.app(), 'observability');
    addPlatformServices(platform, 3);
    const course = new CourseStack(Testing.app(), 'course');
    const groups = [...platform.prometheus!.ruleGroups, ...course.prometheus.ruleGroups];
    expect(groups.length).toBeGreaterThan(15);
    for (const g of groups) {
      expect(ruleFileText(g)).toBe(generic(g));
    }
  });
});
