import { PrometheusServer, PrometheusServerProps } from '../../constructs/prometheus-server';
import { Relabel } from '../../lib/prometheus/relabel';
import { RuleGroup } from '../../lib/prometheus/rules';
import { ScrapeJobOptions } from '../../lib/prometheus/scrape';
import { testStack } from '../helpers/synth';

function server(props: PrometheusServerProps = {}) {
  return new PrometheusServer(testStack(), 'Prometheus', props);
}
function addJob(job: ScrapeJobOptions) {
  return () => server().addScrapeJob(job);
}
function addGroup(group: RuleGroup) {
  return () => server().addRuleGroup(group);
}

describe('PrometheusServer rejects bad input at synth time, naming the construct path', () => {
  test('invalid PromQL in a rule names the group, the rule, the position and the expression', () => {
    expect(addGroup({ name: 'api', rules: [{ record: 'job:up:sum', expr: 'sum(rate(http_requests_total[5m])' }] })).toThrow(
      /^\[test\/Prometheus\] rule group "api", recording rule "job:up:sum": expr is not valid PromQL: syntax error at line 1, column 34 at the end of the expression \(got "sum\(rate\(http_requests_total\[5m\]\)"\)\. Check parentheses/,
    );
  });

  test('a range written in words is invalid PromQL', () => {
    expect(addGroup({ name: 'g', rules: [{ alert: 'X', expr: 'rate(x[5 minutes]) > 1', for: '5m' }] })).toThrow(/alert "X": expr is not valid PromQL: syntax error at line 1, column 10 near/);
  });

  test('a bad duration in for names the alert and shows the accepted form', () => {
    expect(addGroup({ name: 'g', rules: [{ alert: 'HighCPU', expr: 'up == 0', for: '5 minutes' }] })).toThrow(
      /\[test\/Prometheus\] rule group "g", alert "HighCPU": for is not a valid duration \(got "5 minutes"\)\. Use a Prometheus duration: .*"5m"/,
    );
  });

  test('durations with units out of order are rejected', () => {
    expect(() => server({ scrapeInterval: '30s1m' })).toThrow(/global\.scrape_interval is not a valid duration \(got "30s1m"\): units must appear once each, largest first/);
  });

  test('an invalid record name', () => {
    expect(addGroup({ name: 'g', rules: [{ record: 'service-http-rate', expr: 'up' }] })).toThrow(/recording rule "service-http-rate": name is not a valid metric name \(got "service-http-rate"\)\. Metric names match/);
  });

  test('an invalid label name in rule labels', () => {
    expect(addGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '1m', labels: { 'team-name': 'x' } }] })).toThrow(/alert "A": labels key is not a valid label name \(got "team-name"\)/);
  });

  test('an empty rule group', () => {
    expect(addGroup({ name: 'empty', rules: [] })).toThrow(/rule group "empty" has no rules\. Add at least one/);
  });

  test('a rule with both record and alert', () => {
    expect(addGroup({ name: 'g', rules: [{ record: 'a:b', alert: 'B', expr: 'up' } as unknown as RuleGroup['rules'][number]] })).toThrow(/rules\[0\] has both record \("a:b"\) and alert \("B"\)/);
  });

  test('for on a recording rule', () => {
    expect(addGroup({ name: 'g', rules: [{ record: 'a:b', expr: 'up', for: '5m' } as unknown as RuleGroup['rules'][number]] })).toThrow(/recording rule "a:b": for, keep_firing_for and annotations only apply to alerting rules/);
  });

  test('duplicate alert names in a group', () => {
    expect(addGroup({ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '1m' }, { alert: 'A', expr: 'up == 1', for: '1m' }] })).toThrow(/alert "A" is defined twice in the group/);
  });

  test('duplicate rule group names', () => {
    const p = server();
    p.addRuleGroup({ name: 'g', rules: [{ record: 'a:b', expr: 'up' }] });
    expect(() => p.addRuleGroup({ name: 'g', rules: [{ record: 'a:c', expr: 'up' }] })).toThrow(/\[test\/Prometheus\] rule group "g" is already defined\. Group names must be unique per Prometheus server/);
  });

  test('two group names that used to map to one rule file are both kept, in files of their own', () => {
    const p = server();
    p.addRuleGroup({ name: 'api rules', rules: [{ record: 'a:b', expr: 'up' }] });
    expect(() => p.addRuleGroup({ name: 'api_rules', rules: [{ record: 'a:c', expr: 'up' }] })).not.toThrow();
  });

  test('duplicate job names', () => {
    const p = server();
    p.addScrapeJob({ jobName: 'api', targets: ['api:8080'] });
    expect(() => p.addScrapeJob({ jobName: 'api', targets: ['api2:8080'] })).toThrow(/\[test\/Prometheus\] scrape job "api" is already defined\. Job names must be unique/);
  });

  test('the self-scrape job name is taken', () => {
    expect(addJob({ jobName: 'prometheus', targets: ['other:9090'] })).toThrow(/scrape job "prometheus" is already defined/);
  });

  test('scrape timeout greater than interval', () => {
    expect(addJob({ jobName: 'slow', targets: ['a:1'], scrapeInterval: '10s', scrapeTimeout: '30s' })).toThrow(/scrape job "slow": scrape_timeout \(30s\) is greater than scrape_interval \(10s\)\. Prometheus rejects this/);
  });

  test('an uncompilable relabel regex names the job and the relabel index', () => {
    expect(addJob({ jobName: 'node', targets: ['a:1'], relabelConfigs: [Relabel.replace({ sourceLabels: ['__address__'], regex: '(.+:9100', targetLabel: 'instance' })] })).toThrow(
      /scrape job "node": relabel_configs\[0\]\.regex is not a valid regular expression: .* \(got "\(\.\+:9100"\)\. Check brackets/,
    );
  });

  test('a regex using look-ahead, which RE2 does not support', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], metricRelabelConfigs: [Relabel.drop(['__name__'], 'go_(?!info).*')] })).toThrow(/metric_relabel_configs\[0\]\.regex uses look-around assertions .* Go's RE2 engine does not support/);
  });

  test('replace without target_label', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], relabelConfigs: [{ action: 'replace', sourceLabels: ['a'] }] })).toThrow(/relabel_configs\[0\]: action replace requires target_label \(got none\)/);
  });

  test('an unknown relabel action', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], relabelConfigs: [{ action: 'remove' as never, sourceLabels: ['a'] }] })).toThrow(/relabel_configs\[0\]\.action is not a relabel action \(got "remove"\)\. Use one of replace, keep/);
  });

  test('hashmod without a modulus', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], relabelConfigs: [{ action: 'hashmod', sourceLabels: ['a'], targetLabel: 'b' }] })).toThrow(/hashmod requires a positive integer modulus \(got undefined\)/);
  });

  test('labeldrop with extra fields', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], relabelConfigs: [{ action: 'labeldrop', regex: 'a', targetLabel: 'b' }] })).toThrow(/labeldrop only takes regex \(got targetLabel\)/);
  });

  test('an invalid source label name', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], relabelConfigs: [Relabel.keep(['meta.label'], 'true')] })).toThrow(/relabel_configs\[0\]\.source_labels\[0\] is not a valid label name \(got "meta\.label"\)/);
  });

  test('a job without targets', () => {
    expect(addJob({ jobName: 'nothing' })).toThrow(/scrape job "nothing" has no targets: give targets, staticConfigs, dockerSdConfigs or kubernetesSdConfigs/);
  });

  test('a URL as a scrape target', () => {
    expect(addJob({ jobName: 'web', targets: ['https://example.com/metrics'] })).toThrow(/static_configs\[0\]\.targets\[0\] is a URL \(got "https:\/\/example\.com\/metrics"\); scrape targets are host:port/);
  });

  test('a metrics path without leading slash', () => {
    expect(addJob({ jobName: 'x', targets: ['a:1'], metricsPath: 'metrics' })).toThrow(/metrics_path must start with "\/" \(got "metrics"\)/);
  });

  test('a literal password is refused without echoing it', () => {
    const run = addJob({ jobName: 'secured', targets: ['a:1'], basicAuth: { username: 'u', password: 'hunter2' } });
    expect(run).toThrow(/scrape job "secured": basic_auth\.password must not be a literal secret \(got a literal string of 7 characters\)\. Pass a reference instead/);
    expect(run).not.toThrow(/hunter2/);
  });

  test('an invalid external label name', () => {
    expect(() => server({ externalLabels: { 'k8s-cluster': 'prod' } })).toThrow(/\[test\/Prometheus\] global\.external_labels key is not a valid label name \(got "k8s-cluster"\)/);
  });

  test('an unpinned image', () => {
    expect(() => server({ image: 'prom/prometheus:latest' })).toThrow(/image tag must be pinned \(got "prom\/prometheus:latest"\)/);
    expect(() => server({ image: 'prom/prometheus' })).toThrow(/image must be "repository:tag" with a pinned tag \(got "prom\/prometheus"\)/);
  });

  test('a bad retention size', () => {
    expect(() => server({ retentionSize: '50 gigs' })).toThrow(/retentionSize is not a size Prometheus accepts \(got "50 gigs"\)\. .* e\.g\. "50GB"/);
  });

  test('Docker discovery without opting in to the socket mount', () => {
    expect(() => server({ dockerDiscovery: {} })).toThrow(/dockerDiscovery reads the Docker socket unix:\/\/\/var\/run\/docker\.sock, which is not mounted .* Set mountDockerSocket: true/);
  });

  test('a bad Alertmanager address', () => {
    expect(() => server().addAlertmanager('http://alertmanager:9093')).toThrow(/Alertmanager address must be host:port \(got "http:\/\/alertmanager:9093"\)/);
  });

  test('a bad host IP', () => {
    expect(() => server({ hostIp: 'localhost' })).toThrow(/hostIp must be an IP address \(got "localhost"\)/);
  });

  test('several problems are reported together', () => {
    expect(() => server({ scrapeInterval: 'x', evaluationInterval: 'y' })).toThrow(/2 problems:\n {2}- global\.scrape_interval .*\n {2}- global\.evaluation_interval/);
  });

  test('two components with one container name', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'A');
    expect(() => new PrometheusServer(stack, 'B')).toThrow(/\[test\/B\] container name "prometheus" is already used by test\/A\. Give this component another name/);
  });
});
