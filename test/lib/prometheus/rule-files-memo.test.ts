/**
 * Review of issue 16: a rule file remembered with a snapshot of its group is rendered anew
 * when the group changed after the first rendering, also through a property the snapshot
 * could not list (a non-enumerable one, which the rendering reads all the same).
 */
import { matchesSnapshot, snapshotOf } from '../../../lib/core/produced-memo';
import { renderRuleFiles } from '../../../lib/prometheus/config';
import { RuleGroup } from '../../../lib/prometheus/rules';

test('a non-enumerable rules array replaced after the first rendering: the file shows the new rules', () => {
  const g = { name: 'g' } as unknown as RuleGroup;
  Object.defineProperty(g, 'rules', { value: [{ record: 'a:b', expr: 'sum(up)' }], writable: true, enumerable: false });
  expect(renderRuleFiles([g])[0].content).toContain('record: a:b');
  (g as { rules: unknown[] }).rules = [{ record: 'c:d', expr: 'count(up)' }];
  expect(renderRuleFiles([g])[0].content).toContain('record: c:d');
});

test('a non-enumerable interval added after the first rendering: the file shows it', () => {
  const g: RuleGroup = { name: 'h', rules: [{ record: 'a:b', expr: 'sum(up)' }] };
  expect(renderRuleFiles([g])[0].content).not.toContain('interval');
  Object.defineProperty(g, 'interval', { value: '1m', enumerable: false });
  expect(renderRuleFiles([g])[0].content).toContain('interval: 1m');
});

test('snapshots: a non-enumerable property is part of the snapshot; added or changed, the value no longer matches', () => {
  const hidden = { a: 1 };
  Object.defineProperty(hidden, 'b', { value: 2, enumerable: false, writable: true });
  const snapshot = snapshotOf(hidden)!;
  expect(matchesSnapshot(hidden, snapshot)).toBe(true);
  (hidden as unknown as { b: number }).b = 3;
  expect(matchesSnapshot(hidden, snapshot)).toBe(false);
  const plain = { a: 1 };
  const plainSnapshot = snapshotOf(plain)!;
  Object.defineProperty(plain, 'b', { value: 2, enumerable: false });
  expect(matchesSnapshot(plain, plainSnapshot)).toBe(false);
});
