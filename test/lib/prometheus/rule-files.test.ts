import { renderRuleFiles } from '../../../lib/prometheus/config';
import { RuleGroup } from '../../../lib/prometheus/rules';
import * as yaml from '../../../lib/core/yaml';
import * as emit from '../../../lib/core/yaml-emit';
import { Duration } from '../../../lib/core/duration';

// Counts the renderings: the generic path (toYaml) and the direct writer (which writes each
// string through stringText), both wrapped.
jest.mock('../../../lib/core/yaml', () => {
  const actual = jest.requireActual('../../../lib/core/yaml');
  return { ...actual, toYaml: jest.fn(actual.toYaml) };
});
jest.mock('../../../lib/core/yaml-emit', () => {
  const actual = jest.requireActual('../../../lib/core/yaml-emit');
  return { ...actual, stringText: jest.fn(actual.stringText) };
});
const toYamlMock = yaml.toYaml as jest.Mock;
const stringTextMock = emit.stringText as jest.Mock;
/** renderRuleFiles calls that rendered something. */
let renderings = 0;

describe('renderRuleFiles remembers each group file between the two resolutions of a synth', () => {
  const group = (): { name: string; interval?: string; rules: Array<Record<string, unknown>> } => ({
    name: 'svc_alerts',
    rules: [{ alert: 'ServiceDown', expr: 'up{job="svc"} == 0', for: '2m', labels: { severity: 'critical' } }],
  });

  // A rendering: one or more calls to either writer during one renderRuleFiles call.
  const render = (gs: RuleGroup[]) => {
    const before = { y: toYamlMock.mock.calls.length, s: stringTextMock.mock.calls.length };
    const out = renderRuleFiles(gs);
    if (toYamlMock.mock.calls.length > before.y || stringTextMock.mock.calls.length > before.s) renderings++;
    return out;
  };
  beforeEach(() => {
    renderings = 0;
  });

  it('renders an unchanged group once', () => {
    const g = group() as unknown as RuleGroup;
    const [a] = render([g]);
    const [b] = render([g]);
    expect(b).toEqual(a);
    expect(renderings).toBe(1);
    expect(a.content).toContain('alert: ServiceDown');
  });

  it('renders a group holding Durations once, and anew when one is replaced', () => {
    const g = { ...group(), rules: [{ alert: 'X', expr: 'up == 0', for: Duration.minutes(5) }] };
    const [a] = render([g as unknown as RuleGroup]);
    render([g as unknown as RuleGroup]);
    expect(renderings).toBe(1);
    expect(a.content).toContain('for: 5m');
    g.rules[0].for = Duration.minutes(10);
    const [b] = render([g as unknown as RuleGroup]);
    expect(renderings).toBe(2);
    expect(b.content).toContain('for: 10m');
  });

  it('renders a group holding a token each time (a token becomes a fresh jsonencode token)', () => {
    const g = { ...group(), rules: [{ alert: 'X', expr: 'up == 0', labels: { team: '${TfToken[TOKEN.1]}' } }] } as unknown as RuleGroup;
    render([g]);
    render([g]);
    expect(renderings).toBe(2);
  });

  it('renders a group changed in place anew', () => {
    const g = group();
    const [before] = render([g as unknown as RuleGroup]);
    g.interval = '1m';
    (g.rules[0].labels as Record<string, string>).severity = 'warning';
    g.rules.push({ record: 'job:up:sum', expr: 'sum by (job) (up)' });
    const [after] = render([g as unknown as RuleGroup]);
    expect(after.content).not.toEqual(before.content);
    expect(after.content).toContain('interval: 1m');
    expect(after.content).toContain('severity: warning');
    expect(after.content).toContain('record: job:up:sum');
    // and equals what a fresh copy of the changed group renders
    const [fresh] = render([JSON.parse(JSON.stringify(g)) as RuleGroup]);
    expect(after.content).toEqual(fresh.content);
  });

  it('renders a renamed group at its new path', () => {
    const g = group();
    render([g as unknown as RuleGroup]);
    g.name = 'other_alerts';
    const [after] = render([g as unknown as RuleGroup]);
    expect(after.relativePath).toBe('rules/other_alerts.yml');
    expect(after.content).toContain('name: other_alerts');
  });
});
