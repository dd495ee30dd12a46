/**
 * ruleGroupProblems finds a series recorded twice by record name first, serializing labels only
 * for a name seen before (issue 16): the same messages as keying every rule by its name and
 * the JSON of its labels.
 */
import fc from 'fast-check';
import { RecordingRule, ruleGroupProblems } from '../../../lib/prometheus/rules';

/** The messages as keyed before: name + labels JSON for every rule. */
function byFullKey(rules: RecordingRule[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rules) {
    const key = `${r.record}${JSON.stringify(r.labels ?? {})}`;
    if (seen.has(key)) out.push(`rule group "g", recording rule ${JSON.stringify(r.record)} is defined twice in the group with the same labels. Prometheus would write the same series twice; remove one or give them different labels.`);
    seen.add(key);
  }
  return out;
}

test('property: duplicate records are found as by name and labels JSON', () => {
  const rule = fc.record(
    { record: fc.constantFrom('a:b', 'a:c', 'x:y'), expr: fc.constantFrom('up', 'sum(up)'), labels: fc.option(fc.dictionary(fc.constantFrom('k', 'l'), fc.constantFrom('1', '2')), { nil: undefined }) },
    { requiredKeys: ['record', 'expr'] },
  );
  fc.assert(
    fc.property(fc.array(rule, { minLength: 1, maxLength: 8 }), (rules) => {
      const found = ruleGroupProblems({ name: 'g', rules }).filter((p) => p.includes('defined twice'));
      expect(found).toEqual(byFullKey(rules));
    }),
    { numRuns: 500 },
  );
});
