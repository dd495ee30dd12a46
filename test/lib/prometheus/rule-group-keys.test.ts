// Rule group keys of recent Prometheus releases: query_offset (2.53.0+) and labels (3.0.0+),
// rendered for a pinned image that reads them and refused for one that does not. promtool 2.42
// (installed here) lacks both: the helpers take them out before it reads a rule file, and the
// facts fixture (prometheus/prometheus at each tag) covers them instead.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { groupPolicyProblems } from '../../../lib/alerting/policy';
import { versionAtLeast } from '../../../lib/core/releases';
import { CHART_SOURCES } from '../../../lib/kubernetes/charts';
import { alertingRulesOf, renderRuleGroup, RuleGroup } from '../../../lib/prometheus/rules';
import { atLeast, prometheusVersionOf, RULE_GROUP_KEYS_SINCE, ruleGroupVersionProblem } from '../../../lib/prometheus/version';
import { containerFiles, forPromtool242Rules, haveTool, layOut, promtoolCheckConfig, promtoolCheckRules, RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS, run, synthJson, testStack } from '../../helpers/synth';

interface TagKeys { tag: string; commit: string; keys: string[] }
const FACTS = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/engines/prometheus-rule-group-keys.json'), 'utf8')) as { tags: TagKeys[]; firstRelease: Record<string, string> };
const at = (tag: string) => FACTS.tags.find((t) => t.tag === tag)!.keys;

const group: RuleGroup = {
  name: 'api',
  interval: '20s',
  queryOffset: '30s',
  limit: 5,
  labels: { tier: 'backend', team: 'platform' },
  rules: [
    { record: 'job:up:sum', expr: 'sum by (job) (up)' },
    { alert: 'ApiDown', expr: 'up == 0', for: '1m', labels: { severity: 'critical', team: 'api' }, annotations: { summary: 's', description: 'd', runbook_url: 'https://r.example.com/a' } },
  ],
};

function rendered(image?: string) {
  const stack = testStack();
  new PrometheusServer(stack, 'Prometheus', { image, ruleGroups: [group] });
  return containerFiles(synthJson(stack), 'prometheus');
}

describe('RuleGroup queryOffset and labels', () => {
  test('rendered as query_offset and labels of the group, in Prometheus\' key order', () => {
    const doc = parse(rendered()['/etc/prometheus/rules/api.yml']);
    expect(doc.groups[0]).toEqual({ name: 'api', interval: '20s', query_offset: '30s', limit: 5, labels: { tier: 'backend', team: 'platform' }, rules: expect.any(Array) });
    expect(Object.keys(renderRuleGroup({ name: 'g', rules: [{ record: 'a:b', expr: 'up' }] }))).toEqual(['name', 'rules']);
  });

  test.each([
    ['prom/prometheus:v2.52.0', /queryOffset is written as the rule group key query_offset, which Prometheus reads from 2\.53\.0 on/],
    ['prom/prometheus:v2.55.1', /labels is written as the rule group key labels, which Prometheus reads from 3\.0\.0 on/],
  ])('refused on %s', (image, message) => {
    expect(() => rendered(image)).toThrow(message);
  });

  test.each(['prom/prometheus:v3.0.0', 'prom/prometheus:v3.14.0'])('accepted on %s', (image) => {
    expect(parse(rendered(image)['/etc/prometheus/rules/api.yml']).groups[0].query_offset).toBe('30s');
  });

  test('queryOffset alone is accepted on 2.53.0 (labels are not needed)', () => {
    expect(ruleGroupVersionProblem({ name: 'g', queryOffset: '1m' }, prometheusVersionOf('v2.53.0')!, 'x')).toBeUndefined();
    expect(ruleGroupVersionProblem({ name: 'g', queryOffset: '1m', labels: { a: 'b' } }, prometheusVersionOf('v2.53.0')!, 'x')).toMatch(/labels/);
  });

  test('alerts carry the group labels under their own (the rule wins), for the alert policy and routing checks', () => {
    const [alert] = alertingRulesOf(group);
    expect(alert.labels).toEqual({ tier: 'backend', team: 'api', severity: 'critical' });
    const noSeverity: RuleGroup = { name: 'g', labels: { severity: 'warning' }, rules: [{ alert: 'A', expr: 'up == 0', for: '5m', annotations: { summary: 's', description: 'd' } }] };
    expect(groupPolicyProblems(noSeverity)).toEqual([]);
    expect(groupPolicyProblems({ ...noSeverity, labels: undefined })).not.toEqual([]);
  });
});

describe('the facts: Prometheus source at each tag (test/fixtures/engines/prometheus-rule-group-keys.json)', () => {
  test('RULE_GROUP_KEYS_SINCE is the first tag whose RuleGroup has each key', () => {
    for (const [key, since] of Object.entries(RULE_GROUP_KEYS_SINCE)) {
      expect(`v${since.join('.')}`).toBe(FACTS.firstRelease[key]);
      const ordered = FACTS.tags.map((t) => ({ ...t, v: prometheusVersionOf(t.tag)! }));
      for (const t of ordered) {
        const has = t.keys.includes(key);
        const after = atLeast(t.v, since[0], since[1], since[2]);
        expect([t.tag, key, has]).toEqual([t.tag, key, after]);
      }
    }
  });

  test('each rule group key taken out before promtool 2.42 runs exists at the pinned tag and not at 2.42', () => {
    for (const key of RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS) {
      expect(at('v3.14.0')).toContain(key);
      expect(at('v2.42.0')).not.toContain(key);
    }
    // Everything else the library writes in a group is known to 2.42, so promtool still checks it.
    const written = Object.keys(parse(rendered()['/etc/prometheus/rules/api.yml']).groups[0]);
    for (const k of written.filter((x) => !(RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS as readonly string[]).includes(x))) expect(at('v2.42.0')).toContain(k);
  });

  test('the Kubernetes target\'s PrometheusRule carries both keys: the chart\'s operator is at least the first release with each', () => {
    const operator = (FACTS as unknown as { operator: { tags: TagKeys[]; firstRelease: Record<string, string> } }).operator;
    for (const [key, first] of Object.entries(operator.firstRelease)) {
      expect(versionAtLeast(CHART_SOURCES.kubePrometheusStack.appVersion, first, false)).toBe(true);
      const before = operator.tags.filter((t) => !versionAtLeast(t.tag, first, false));
      for (const t of before) expect([t.tag, t.keys]).not.toEqual([t.tag, expect.arrayContaining([key])]);
      for (const t of operator.tags.filter((x) => versionAtLeast(x.tag, first, false))) expect(t.keys).toContain(key);
    }
  });

  test('forPromtool242Rules removes exactly those group keys and leaves the rules (with their own labels) alone', () => {
    const text = 'groups:\n  - name: g\n    query_offset: 1m\n    labels:\n      a: b\n    rules:\n      - record: a:b\n        expr: up\n        labels:\n          c: d\n';
    expect(parse(forPromtool242Rules(text))).toEqual({ groups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'up', labels: { c: 'd' } }] }] });
    const plain = 'groups:\n  - name: g\n    rules: []\n';
    expect(forPromtool242Rules(plain)).toBe(plain);
  });

  test('promtool 2.42 refuses the keys as they are, and accepts the rendered files once they are taken out', () => {
    if (!haveTool('promtool')) return;
    const files = rendered();
    const root = layOut({ '/api.yml': files['/etc/prometheus/rules/api.yml'] });
    try {
      const direct = run('promtool', ['check', 'rules', path.join(root, 'api.yml')]);
      expect(`${direct.stdout}${direct.stderr}`).toMatch(/field query_offset not found in type rulefmt\.RuleGroup/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    expect(promtoolCheckRules(files).code).toBe(0);
    expect(promtoolCheckConfig(files).code).toBe(0);
  });
});
