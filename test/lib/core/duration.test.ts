import { Duration, durationProblem, resolveDuration } from '../../../lib/core/duration';

describe('Duration', () => {
  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['30d', 2_592_000_000],
    ['1w', 604_800_000],
    ['500ms', 500],
    ['0s', 0],
  ])('parses %s', (text, ms) => {
    expect(Duration.parse(text).milliseconds).toBe(ms);
  });

  test.each(['5 minutes', '5', 'm5', '1.5h', '30s1m', '1m1m', '', '-5m'])('rejects %j', (text) => {
    expect(durationProblem(text)).toMatch(/is not a valid duration/);
  });

  test('factories render the canonical form', () => {
    expect(Duration.minutes(90).toString()).toBe('1h30m');
    expect(Duration.days(30).toString()).toBe('30d');
    expect(Duration.seconds(0).toString()).toBe('0s');
    expect(Duration.milliseconds(1500).toString()).toBe('1s500ms');
    expect(() => Duration.minutes(1.5).toString()).not.toThrow();
    expect(() => Duration.seconds(0.0001)).toThrow(/whole, non-negative number of milliseconds/);
  });

  test('resolveDuration accepts both forms', () => {
    expect(resolveDuration(Duration.hours(2))).toEqual({ text: '2h', ms: 7_200_000 });
    expect(resolveDuration('15s')).toEqual({ text: '15s', ms: 15_000 });
    expect(resolveDuration('15 s').problem).toMatch(/not a valid duration/);
  });
});
