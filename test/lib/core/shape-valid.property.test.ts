/**
 * checkShape first asks shapeValid, the walk without paths and messages (issue 16): it must
 * say "valid" exactly when shapeProblems finds nothing, for every generated shape.
 */
import fc from 'fast-check';
import { Shape, shapeProblems, shapeValid } from '../../../lib/core/shape';
import { SHAPES } from '../../../lib/core/shapes.generated';
import { Duration } from '../../../lib/core/duration';
import { Matcher } from '../../../lib/alertmanager/matchers';

const NAMES = Object.keys(SHAPES);

/** Values near `shape`: mostly of it, sometimes of another type, with near-miss keys and cycles. */
function near(shape: Shape, depth: number): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(NaN), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant([]), fc.constant({}));
  const right = ((): fc.Arbitrary<unknown> => {
    if (depth > 4) return wrong;
    switch (shape.t) {
      case 'string':
        return fc.oneof(fc.string({ maxLength: 6 }), fc.constant('${TfToken[TOKEN.1]}'));
      case 'number':
        return fc.oneof(fc.integer(), fc.double());
      case 'boolean':
        return fc.boolean();
      case 'function':
        return fc.constant(() => 1);
      case 'enum':
        return fc.constantFrom(...shape.values, 'other');
      case 'array':
        return fc.array(near(shape.of, depth + 1), { maxLength: 3 });
      case 'record':
        return fc.dictionary(fc.string({ maxLength: 3 }), near(shape.of, depth + 1), { maxKeys: 3 });
      case 'union':
        return fc.oneof(...shape.of.map((m) => near(m, depth + 1)));
      case 'ref':
        return SHAPES[shape.name] ? near(SHAPES[shape.name], depth + 1) : fc.anything();
      case 'instance':
        return fc.constantFrom(Duration.minutes(5), Matcher.eq('a', 'b'), {});
      case 'object': {
        if (!shape.props) return fc.oneof(fc.constant({}), fc.constant(() => 1), fc.constant({ node: {} }));
        const keys = Object.entries(shape.props);
        const props = Object.fromEntries(keys.map(([k, p]) => [k, p.optional ? fc.option(near(p.shape, depth + 1), { nil: undefined }) : near(p.shape, depth + 1)]));
        const base = fc.record(props as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: keys.filter(([, p]) => !p.optional).map(([k]) => k) });
        // a near-miss key (a letter changed), an unrelated key, or a missing required one
        return fc.tuple(base, fc.constantFrom('none', 'near', 'other', 'drop', 'cycle'), fc.nat()).map(([o, how, n]) => {
          const out = { ...(o as Record<string, unknown>) };
          const k = keys.length ? keys[n % keys.length][0] : 'x';
          if (how === 'near') out[`${k}x`] = 1;
          if (how === 'other') out.zzzzzzzzzz = 1;
          if (how === 'drop') delete out[k];
          if (how === 'cycle') out[k] = out;
          return out;
        });
      }
      default:
        return fc.anything();
    }
  })();
  return fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

test('property: shapeValid is "shapeProblems finds nothing", for every generated type', () => {
  let valid = 0;
  for (const name of NAMES) {
    fc.assert(
      fc.property(near(SHAPES[name], 0), (v) => {
        const ok = shapeValid(v, SHAPES[name]);
        if (ok) valid++;
        expect(ok).toBe(shapeProblems(v, SHAPES[name], 'x').length === 0);
      }),
      { numRuns: 40 },
    );
  }
  expect(valid).toBeGreaterThan(NAMES.length * 5);
});

test('property: the same on anything', () => {
  fc.assert(
    fc.property(fc.constantFrom(...NAMES), fc.anything(), (name, v) => {
      expect(shapeValid(v, SHAPES[name])).toBe(shapeProblems(v, SHAPES[name], 'x').length === 0);
    }),
    { numRuns: 2000 },
  );
});
