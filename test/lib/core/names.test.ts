import { labelNameProblem, metricNameProblem, re2Problem } from '../../../lib/core/names';

describe('names and regexes', () => {
  test('label names', () => {
    expect(labelNameProblem('service')).toBeUndefined();
    expect(labelNameProblem('__param_target')).toBeUndefined();
    expect(labelNameProblem('1abc')).toMatch(/not a valid label name/);
    expect(labelNameProblem('a:b')).toMatch(/not a valid label name/);
  });

  test('metric names allow colons', () => {
    expect(metricNameProblem('service:http_requests:rate5m')).toBeUndefined();
    expect(metricNameProblem('http-requests')).toMatch(/not a valid metric name/);
  });

  test.each(['[*+]', 'a[?+]b', '(?s)a.b', '\\d+\\.\\d+', 'a\\-b', '(.+):9100', '5..', '([^:]+)(?::\\d+)?;(\\d+)', '(?P<host>[^:]+)', '(?i)error', '[[:alpha:]]+', '\\pL+', 'foo\\z'])('RE2 accepts %s', (re) => {
    expect(re2Problem(re)).toBeUndefined();
  });

  test.each([
    ['(.+', /not a valid regular expression/],
    ['[a-', /not a valid regular expression/],
    ['a(?=b)', /look-around/],
    ['(?<!a)b', /look-around/],
    ['(a)\\1', /back-references/],
    ['a*+', /possessive/],
    ['foo\\Z', /escape \\Z, which Go's RE2 engine rejects/],
    ['\\h+', /escape \\h/],
  ])('RE2 rejects %s', (re, message) => {
    expect(re2Problem(re)).toMatch(message);
  });
});
