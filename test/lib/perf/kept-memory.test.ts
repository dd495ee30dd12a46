import * as v8 from 'v8';
import * as vm from 'vm';
import { flat } from '../../../lib/core/flat-string';
import { fill, parsePromqlFacts, promqlFactsByShape, promqlSelectors, template } from '../../../lib/core/promql';
import { toYaml } from '../../../lib/core/yaml';

// A full collection, to measure what stays alive (issue 16: memory of a synth).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Full collections until the heap stops shrinking (what earlier tests left is freed first). */
function settle(): number {
  let used = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now >= used - 64 * 1024) return now;
    used = now;
  }
  return used;
}

/** Heap bytes freed when what `make` returned is dropped (both readings after full collections). */
function retainedBytes(make: () => string[]): { bytes: number; chars: number } {
  const kept = make();
  const chars = kept.reduce((n, s) => n + s.length, 0);
  const withKept = settle();
  kept.length = 0;
  return { bytes: withKept - settle(), chars };
}

/** A rule-file-like document: the shape of the files the platform case writes. */
function ruleDoc(i: number): object {
  return {
    groups: [
      {
        name: `slo_svc-${i}`,
        interval: '30s',
        rules: Array.from({ length: 12 }, (_, k) => ({
          record: `slo:sli_error:ratio_rate${k}m`,
          expr: `sum(rate(http_requests_total{service="svc-${i}", status=~"5.."}[${k}m]))\n/\nsum(rate(http_requests_total{service="svc-${i}"}[${k}m]))`,
          labels: { slo: 'availability', service: `svc-${i}` },
        })),
      },
    ],
  };
}

describe('what the library keeps costs about what it holds (issue 16: peak memory of a synth)', () => {
  test('flat returns the same string, the empty string included', () => {
    const built = ['a', 'b', 'c'].reduce((s, x) => s + x.repeat(20), '');
    expect(flat(built)).toBe(built);
    expect(flat('')).toBe('');
  });

  test('strings built piece by piece and kept cost several times their characters unless flattened', () => {
    // The control: without flat, V8 keeps each text as the tree of its pieces.
    const pieces = retainedBytes(() => Array.from({ length: 2000 }, (_, i) => {
      let s = '';
      for (let k = 0; k < 200; k++) s += `line ${k} of ${i}\n`;
      return s;
    }));
    const flattened = retainedBytes(() => Array.from({ length: 2000 }, (_, i) => {
      let s = '';
      for (let k = 0; k < 200; k++) s += `line ${k} of ${i}\n`;
      return flat(s);
    }));
    expect(pieces.bytes).toBeGreaterThan(3 * pieces.chars);
    expect(flattened.bytes).toBeLessThan(1.5 * flattened.chars);
  });

  test('toYaml returns flat text: 2,000 rendered rule files kept cost about their characters', () => {
    const r = retainedBytes(() => Array.from({ length: 2000 }, (_, i) => toYaml(ruleDoc(i), 'Generated')));
    expect(r.chars).toBeGreaterThan(2_000_000);
    expect(r.bytes).toBeLessThan(1.5 * r.chars);
  });

  test('selector texts filled in from a query shape are flat: kept for the rule cost, they cost about their characters', () => {
    // The selector of a shape with three placeholders, filled with each expression's values.
    const t = template('http_requests_total{service="#0", status=~"#1", instance="#2"}');
    const r = retainedBytes(() => Array.from({ length: 20_000 }, (_, i) => fill(t, [`svc-${i}`, '5..', `host-${i % 7}:8080`])));
    expect(r.chars).toBeGreaterThan(1_000_000);
    // A flat one-byte string is its characters plus a 16-byte header (about 1.3× here); the
    // same text as a chain of its parts is several times that.
    expect(r.bytes).toBeLessThan(1.6 * r.chars);
    expect(promqlSelectors('sum(rate(http_requests_total{service="a", status=~"5.."}[5m]))').map((f) => f.text)).toEqual(['http_requests_total{service="a", status=~"5.."}[5m]']);
  });

  test('selector facts read through a query shape are the facts of a parse, same keys in the same order', () => {
    promqlSelectors('sum(rate(http_requests_total{job="a", service="s", le="0.5"}[5m])) / sum(rate(up{service="s"}[1h:1m]))');
    const e = 'sum(rate(http_requests_total{job="b", service="t", le="0.3"}[5m])) / sum(rate(up{service="t"}[1h:1m]))';
    const viaShape = promqlFactsByShape(e);
    expect(viaShape).toBeDefined();
    const parsed = parsePromqlFacts(e).selectors;
    expect(viaShape!.selectors).toStrictEqual(parsed);
    expect(viaShape!.selectors.map((f) => Object.keys(f))).toEqual(parsed.map((f) => Object.keys(f)));
  });
});
