import fc from 'fast-check';
import { Lazy, Token } from 'cdktf';
import { isUnresolved } from '../../../lib/core/unresolved';

describe('isUnresolved: Token.isUnresolved without regular expressions for plain values (issue 16)', () => {
  const lazy = () => Lazy.stringValue({ produce: () => 'x' });
  const tokens = fc.constantFrom(
    () => lazy(),
    () => `a-${lazy()}-b`,
    () => Token.asList(Lazy.anyValue({ produce: () => ['x'] })),
    () => Token.asNumber(Lazy.numberValue({ produce: () => 1 })),
    () => Token.asStringMap(Lazy.anyValue({ produce: () => ({}) })),
    () => Lazy.anyValue({ produce: () => 1 }),
    () => [Token.asNumber(Lazy.numberValue({ produce: () => 2 }))],
  );
  const plain = fc.oneof(
    fc.string(),
    fc.constantFrom('${x}', 'TfToken[', '${TfToken[', '#{TfToken[TOKEN.1]}', '&{TfToken[x]}', '${TfToken[TOKEN.99999]}', ''),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constantFrom(null, undefined, () => 1, [], [1], ['a'], [1, 2], { resolve: 1 }),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, plain, tokens.map((t) => t()), fc.array(tie('v'), { maxLength: 2 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), tokens.map((t) => String(t()))), tie('v'), { maxKeys: 2 })),
  })).v;

  test('property: the same answer as Token.isUnresolved', () => {
    fc.assert(fc.property(value, (v) => expect(isUnresolved(v)).toBe(Token.isUnresolved(v))), { numRuns: 2000 });
  });

  test('tokens are found, plain values are not', () => {
    expect(isUnresolved(lazy())).toBe(true);
    expect(isUnresolved(`x${lazy()}`)).toBe(true);
    expect(isUnresolved(Token.asStringMap(Lazy.anyValue({ produce: () => ({}) })))).toBe(true);
    expect(isUnresolved(Token.asList(Lazy.anyValue({ produce: () => [] })))).toBe(true);
    expect(isUnresolved(Token.asNumber(Lazy.numberValue({ produce: () => 1 })))).toBe(true);
    expect(isUnresolved({ a: '${TfToken[' })).toBe(false);
    expect(isUnresolved('sum(rate(x[5m]))')).toBe(false);
  });
});
