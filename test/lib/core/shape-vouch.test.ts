/**
 * Objects the library builds from props it has checked skip their second shape walk
 * (`withVouchedShape`, issue 16): what a user passes is still walked on every path that
 * vouches, and a vouched object handed on again is walked as usual.
 */
import { Testing } from 'cdktf';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { SloBudget } from '../../../constructs/slo-budget';
import { ValidationError } from '../../../lib/core/errors';
import { checkShape, withVouchedShape } from '../../../lib/core/shape';
import { Sli } from '../../../lib/slo/sli';
import { ObservabilityStack } from '../../../stacks/observability-stack';

const runbookBaseUrl = 'https://wiki.example.com/runbooks';
const wrongGroup = { name: 'g', rules: 'not an array' } as never;

function stackWithService() {
  const stack = new ObservabilityStack(Testing.app(), 'obs');
  const service = stack.addService('Api', {
    service: 'api',
    team: 'shop',
    container: { image: 'registry.example.com/api:1.0.0', port: 8080 },
    runbookBaseUrl,
    slos: [{ name: 'availability', objective: 99.9, sli: Sli.availability({ selector: 'service="api"' }) }],
  });
  return { stack, service };
}

describe('withVouchedShape', () => {
  test('skips one check of that object as that type, then walks it again', () => {
    const bad = { name: 5 } as unknown as object;
    expect(() => checkShape(undefined, 'RuleGroup', bad, 'g')).toThrow(ValidationError);
    withVouchedShape('RuleGroup', bad, (v) => {
      expect(() => checkShape(undefined, 'RuleGroup', v, 'g')).not.toThrow();
      // spent by the first check
      expect(() => checkShape(undefined, 'RuleGroup', v, 'g')).toThrow(ValidationError);
    });
    expect(() => checkShape(undefined, 'RuleGroup', bad, 'g')).toThrow(ValidationError);
  });

  test('vouches for the type named only, and is withdrawn when the call throws', () => {
    const bad = { name: 5 } as unknown as object;
    withVouchedShape('ScrapeJobOptions', bad, (v) => expect(() => checkShape(undefined, 'RuleGroup', v, 'g')).toThrow(/name must be a string/));
    expect(() =>
      withVouchedShape('RuleGroup', bad, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(() => checkShape(undefined, 'RuleGroup', bad, 'g')).toThrow(ValidationError);
  });
});

describe('paths that vouch still walk what the user gives', () => {
  test('addService: a wrong shape in the props', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs');
    expect(() =>
      stack.addService('Api', { service: 'api', team: 'shop', container: { image: 'registry.example.com/api:1.0.0', port: '8080' as never }, runbookBaseUrl }),
    ).toThrow(/container\.port must be a number/);
    expect(() =>
      stack.addService('Api2', {
        service: 'api2',
        team: 'shop',
        container: { image: 'registry.example.com/api:1.0.0', port: 8080 },
        runbookBaseUrl,
        slos: [{ name: 'availability', objective: '99.9' as never, sli: Sli.availability({ selector: 'service="api2"' }) }],
      }),
    ).toThrow(/objective must be a number/);
  });

  test('addSlo and addRules: a wrong shape from the user', () => {
    const { service } = stackWithService();
    expect(() => service.addSlo({ name: 'latency', objective: 99, sli: 'fast' as never })).toThrow(/sli must be an instance of Sli/);
    expect(() => service.addRules(wrongGroup)).toThrow(/addRules\(group\)\.rules must be an array/);
  });

  test('new SloBudget: wrong labels from the user', () => {
    const { stack } = stackWithService();
    expect(
      () =>
        new SloBudget(stack, 'Slo', {
          service: 'api',
          name: 'latency',
          objective: 99,
          sli: Sli.availability({ selector: 'service="api"' }),
          runbookUrl: 'https://wiki.example.com/slo',
          labels: { team: 5 as never },
        }),
    ).toThrow(/labels\.team must be a string/);
  });

  test('a group the library built, changed and passed on by the user, is walked', () => {
    const { service, stack } = stackWithService();
    const group = service.slos[0].ruleGroups[0];
    const changed = { ...group, name: 'copy', rules: [...group.rules, { record: 'a:b', expr: 5 } as never] };
    const prometheus = stack.prometheus as PrometheusServer;
    expect(() => prometheus.addRuleGroup(changed)).toThrow(/addRuleGroup\(group\)\.rules\[\d+\]\.expr must be a string/);
    // the very object built by the library, mutated in plain JavaScript, on another server
    (group.rules as unknown[]).push({ record: 'x:y', expr: [] });
    const other = new PrometheusServer(new ObservabilityStack(Testing.app(), 'other', { prometheus: false }), 'P', { alertPolicy: 'off' });
    expect(() => other.addRuleGroup(group)).toThrow(/expr must be a string/);
  });
});
