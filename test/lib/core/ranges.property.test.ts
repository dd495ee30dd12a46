/**
 * Values out of the consumer's range (issue 13, class 4): durations past Go's int64
 * nanoseconds, integers past int64, image references, addresses. What synth accepts the real
 * consumer accepts; what it refuses is out of range.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { Duration, durationProblem } from '../../../lib/core/duration';
import { ValidationError } from '../../../lib/core/errors';
import { ruleGroupProblems } from '../../../lib/prometheus/rules';
import { parseImage } from '../../../lib/runtime/options';
import { haveTool, run } from '../../helpers/synth';

const hasPromtool = haveTool('promtool');

/** Runs promtool check rules on one file per group; returns the indexes it refused. */
function promtoolRefuses(groups: object[]): Set<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-range-'));
  try {
    const files = groups.map((g, i) => {
      const f = path.join(dir, `g${i}.yml`);
      fs.writeFileSync(f, JSON.stringify({ groups: [g] }));
      return f;
    });
    const r = run('promtool', ['check', 'rules', ...files], undefined, 120_000);
    // Each file is announced on stdout ("Checking <file>"), followed by SUCCESS when accepted.
    const accepted = new Set([...r.stdout.matchAll(/Checking (\S+)\n\s+SUCCESS/g)].map((m) => m[1]));
    return new Set(files.map((f, i) => (accepted.has(f) ? -1 : i)).filter((i) => i >= 0));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const durationText = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('0', '1', '99', '106751', '106752', '2562047', '99999999999999999999', '9223372036'), fc.nat().map(String)), fc.constantFrom('y', 'w', 'd', 'h', 'm', 's', 'ms')), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([n, u]) => `${n}${u}`).join(''));

describe('durations (property, differential with promtool)', () => {
  (hasPromtool ? test : test.skip)('durationProblem refuses exactly what Prometheus refuses as a rule group interval', () => {
    const texts = [...new Set(['99999999999999999999d', '106751d', '106752d', '292y', '293y', ...fc.sample(durationText, { numRuns: 300, seed: 1309 })])];
    const refused = promtoolRefuses(texts.map((t) => ({ name: 'g', interval: t, rules: [{ record: 'a:b', expr: 'vector(1)' }] })));
    const disagreements = texts.map((t, i) => ({ t, ours: durationProblem(t), promtool: refused.has(i) })).filter((d) => (d.ours !== undefined) !== d.promtool);
    if (process.env.OBS_STATS) console.log(`durations: ${texts.length} strings, promtool refused ${refused.size}`);
    expect(disagreements).toEqual([]);
    expect(refused.size).toBeGreaterThan(20);
  });

  test('Duration factories refuse what no consumer can hold', () => {
    expect(() => Duration.days(1e300)).toThrow(ValidationError);
    expect(() => Duration.days(1e300)).toThrow(/at most 292 years/);
    expect(Duration.days(106751).toString()).toBe('106751d');
  });
});

describe('integers (property, with promtool)', () => {
  (hasPromtool ? test : test.skip)('a group limit synth accepts is read by Prometheus as the same integer', () => {
    const limits = [2 ** 53 - 1, 2 ** 53, 2 ** 63, 1e20, -1, 0.5, ...fc.sample(fc.oneof(fc.nat(), fc.double({ min: -10, max: 1e25, noNaN: true })), { numRuns: 100, seed: 1310 })];
    const accepted = limits.filter((limit) => ruleGroupProblems({ name: 'g', limit, rules: [{ record: 'a:b', expr: 'vector(1)' }] }).length === 0);
    expect(accepted).not.toContain(2 ** 63);
    expect(accepted).not.toContain(1e20);
    expect(accepted.every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
    const refused = promtoolRefuses(accepted.map((limit) => ({ name: 'g', limit, rules: [{ record: 'a:b', expr: 'vector(1)' }] })));
    expect([...refused].map((i) => accepted[i])).toEqual([]);
  });
});

describe('image references and addresses', () => {
  const fallback = { repository: 'prom/prometheus', tag: 'v2.53.0' };
  test.each(['prom/prometheus:v2 ; rm', 'prom/prometheus:v2$(id)', 'Prom/prometheus:v2', 'prom//prometheus:v2', 'prom/prometheus:-v2', `prom/prometheus:${'a'.repeat(129)}`])('refuses %s', (image) => {
    expect(parseImage(image, fallback).problem).toMatch(/not a valid image reference/);
  });
  test.each(['prom/prometheus:v2.53.0', 'quay.io/prometheus/node-exporter:v1.8.0', 'localhost:5000/team/app:1.0', 'registry.example.com:443/a/b-c__d:v1_2'])('accepts %s', (image) => {
    expect(parseImage(image, fallback).problem).toBeUndefined();
  });
});
