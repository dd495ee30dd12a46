/** isWatchdog reads `vector(1)` with any white space without copying the expression (issue 16): the same verdict as removing the white space. */
import fc from 'fast-check';
import { isWatchdog } from '../../../lib/alerting/policy';

test('property: the verdict of expr.replace(/\\s+/g, "") === "vector(1)"', () => {
  const piece = fc.constantFrom('v', 'e', 'c', 't', 'o', 'r', '(', '1', ')', 'vector(1)', 'vector', '(1)', ' ', '\n', '\t', '\u00a0', '\u2028', 'x', '2', '');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
      const expr = parts.join('');
      expect(isWatchdog({ alert: 'A', expr })).toBe(expr.replace(/\s+/g, '') === 'vector(1)');
    }),
    { numRuns: 3000 },
  );
  expect(isWatchdog({ alert: 'A', expr: ' vector ( 1 )\n' })).toBe(true);
  expect(isWatchdog({ alert: 'A', expr: 'vector(1) > 0' })).toBe(false);
});
