import { TerraformVariable } from 'cdktf';
import { LokiCluster, LokiClusterProps } from '../../constructs/loki-cluster';
import { testStack } from '../helpers/synth';

function loki(props: LokiClusterProps = {}) {
  return new LokiCluster(testStack(), 'Loki', props);
}

const S3 = { endpoint: 'minio:9000', bucket: 'loki-chunks', accessKeyId: 'loki' };

function secret() {
  const stack = testStack();
  return { stack, value: new TerraformVariable(stack, 's3', { type: 'string', sensitive: true }).stringValue };
}

describe('LokiCluster rejects bad input', () => {
  test('a retention that is not a duration', () => {
    expect(() => loki({ retentionPeriod: '30 days' })).toThrow(/^\[test\/Loki\] retentionPeriod is not a valid duration \(got "30 days"\)\. Use a Prometheus duration/);
  });

  test('a retention shorter than 24h', () => {
    expect(() => loki({ retentionPeriod: '12h' })).toThrow(
      /^\[test\/Loki\] retentionPeriod must be a whole number of days, at least 24h \(got "12h"\): the compactor deletes whole index tables, one per 24h period, and Loki refuses a retention under 24h\. Use e\.g\. "7d" or "30d"\./,
    );
  });

  test('a retention that is not a whole number of days', () => {
    expect(() => loki({ retentionPeriod: '36h' })).toThrow(/retentionPeriod must be a whole number of days, at least 24h \(got "36h"\)/);
  });

  test('a schema start date that is not YYYY-MM-DD', () => {
    expect(() => loki({ schemaStartDate: '01/01/2024' })).toThrow(/^\[test\/Loki\] schemaStartDate must be a calendar date written YYYY-MM-DD \(got "01\/01\/2024"\)\. Use the day the TSDB v13 schema starts/);
  });

  test('a schema start date that does not exist', () => {
    expect(() => loki({ schemaStartDate: '2024-02-30' })).toThrow(/schemaStartDate must be a calendar date written YYYY-MM-DD \(got "2024-02-30"\)/);
  });

  test('invalid LogQL in a rule', () => {
    expect(() => loki().addRuleGroup({ name: 'logs', rules: [{ alert: 'OOM', expr: 'count_over_time({job=~".+" |= "OOM" [5m]) > 0' }] })).toThrow(
      /^\[test\/Loki\] rule group "logs", alert "OOM": expr is not valid LogQL: syntax error at line 1, column \d+ .*\(got "count_over_time\(\{job=~\\".\+\\" \|= \\"OOM\\" \[5m\]\) > 0"\)\. Check the stream selector braces/,
    );
  });

  test('a log query (not a metric query) as a rule', () => {
    expect(() => loki().addRuleGroup({ name: 'logs', rules: [{ alert: 'Errors', expr: '{service="api"} |= "error"' }] })).toThrow(
      /rule group "logs", alert "Errors": expr is a log query, not a metric query \(got "\{service=\\"api\\"\} \|= \\"error\\""\)\. Rules evaluate to numbers: wrap it, e\.g\. count_over_time\(\{service="api"\} \|= "error" \[5m\]\) > 0\./,
    );
  });

  test('a bad alert name, label key and for', () => {
    expect(() => loki().addRuleGroup({ name: 'g', rules: [{ alert: 'OOM kill', expr: 'count_over_time({a="b"}[5m]) > 0', for: '5 min', labels: { 'team-name': 'x' } }] })).toThrow(
      /3 problems:\n {2}- rule group "g", alert "OOM kill": name is not a valid metric name \(got "OOM kill"\)[^\n]*\n {2}- rule group "g", alert "OOM kill": labels key is not a valid label name \(got "team-name"\)[^\n]*\n {2}- rule group "g", alert "OOM kill": for is not a valid duration \(got "5 min"\)/,
    );
  });

  test('a duplicate rule group', () => {
    const l = loki({ alertPolicy: 'off' });
    l.addRuleGroup({ name: 'logs', rules: [{ alert: 'OOM', expr: 'count_over_time({a="b"} |= "OOM" [5m]) > 0' }] });
    expect(() => l.addRuleGroup({ name: 'logs', rules: [{ alert: 'Other', expr: 'count_over_time({a="b"}[5m]) > 0' }] })).toThrow(
      /^\[test\/Loki\] rule group "logs" is already defined\. Group names must be unique per Loki; rename one or merge them\./,
    );
  });

  test('two group names that used to map to the same rule file are both kept, in files of their own', () => {
    const l = loki({ alertPolicy: 'off' });
    l.addRuleGroup({ name: 'app logs', rules: [{ alert: 'A', expr: 'count_over_time({a="b"}[5m]) > 0' }] });
    expect(() => l.addRuleGroup({ name: 'app_logs', rules: [{ alert: 'B', expr: 'count_over_time({a="b"}[5m]) > 0' }] })).not.toThrow();
  });

  test('a rule group without rules', () => {
    expect(() => loki({ ruleGroups: [{ name: 'empty', rules: [] }] })).toThrow(/^\[test\/Loki\] rule group "empty" has no rules\./);
  });

  test('a literal S3 secret', () => {
    expect(() => loki({ mode: 'simple-scalable', objectStorage: { ...S3, secretAccessKey: 'supersecret' } })).toThrow(
      /^\[test\/Loki\] objectStorage\.secretAccessKey must not be a literal secret \(got a literal string of 11 characters\)\. Pass a reference instead/,
    );
  });

  test('the literal secret never appears in the message', () => {
    let message = '';
    try {
      loki({ objectStorage: { ...S3, secretAccessKey: 'supersecret' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/objectStorage\.secretAccessKey must not be a literal secret/);
    expect(message).not.toContain('supersecret');
  });

  test('simple-scalable without object storage', () => {
    expect(() => loki({ mode: 'simple-scalable' })).toThrow(
      /^\[test\/Loki\] simple-scalable mode needs objectStorage \(got none\): the read, write and backend containers share chunks and the index through an S3-compatible bucket, not a local disk\./,
    );
  });

  test('an S3 endpoint with a scheme, and a bad bucket name', () => {
    const { stack, value } = secret();
    expect(() => new LokiCluster(stack, 'Loki', { mode: 'simple-scalable', objectStorage: { endpoint: 'http://minio:9000', bucket: 'Loki_Chunks', accessKeyId: 'loki', secretAccessKey: value } })).toThrow(
      /2 problems:\n {2}- objectStorage\.endpoint must be host\[:port\] without a scheme \(got "http:\/\/minio:9000"\)\. Use e\.g\. "minio:9000"; set insecure: true for plain HTTP\.\n {2}- objectStorage\.bucket is not an S3 bucket name \(got "Loki_Chunks"\)/,
    );
  });

  test('an unpinned image', () => {
    expect(() => loki({ image: 'grafana/loki:latest' })).toThrow(/^\[test\/Loki\] image tag must be pinned \(got "grafana\/loki:latest"\); "latest" changes under you\. Use e\.g\. "grafana\/loki:3\.7\.6"\./);
    expect(() => loki({ image: 'grafana/loki' })).toThrow(/image must be "repository:tag" with a pinned tag \(got "grafana\/loki"\)/);
  });

  test('non-positive ingestion limits', () => {
    expect(() => loki({ limits: { ingestionRateMb: 0, maxEntriesLimitPerQuery: -1 } })).toThrow(
      /2 problems:\n {2}- limits\.ingestionRateMb must be a positive number \(got 0\)\. A zero or negative limit blocks every push; raise it, or leave it out for the default\.\n {2}- limits\.maxEntriesLimitPerQuery must be a positive integer \(got -1\)\. A zero or negative limit blocks every query/,
    );
  });

  test('a fractional series limit', () => {
    expect(() => loki({ limits: { maxQuerySeries: 10.5 } })).toThrow(/limits\.maxQuerySeries must be a positive integer \(got 10\.5\)/);
  });

  test('a burst lower than the rate', () => {
    expect(() => loki({ limits: { ingestionRateMb: 20, ingestionBurstSizeMb: 10 } })).toThrow(
      /limits\.ingestionBurstSizeMb must not be lower than limits\.ingestionRateMb \(got 10 < 20\)\. The burst is the bucket the rate refills/,
    );
  });

  test('a per-stream rate limit that is not a size', () => {
    expect(() => loki({ limits: { perStreamRateLimit: '5 megabytes' } })).toThrow(/limits\.perStreamRateLimit is not a size Loki accepts \(got "5 megabytes"\)/);
  });

  test('an unknown mode, log level and remote-write URL', () => {
    expect(() => loki({ mode: 'microservices' as never, logLevel: 'trace' as never, remoteWriteUrl: 'prometheus:9090' })).toThrow(
      /3 problems:\n {2}- mode must be "monolithic" or "simple-scalable" \(got "microservices"\)\.\n {2}- logLevel must be one of debug, info, warn, error \(got "trace"\)\.\n {2}- remoteWriteUrl must be an http\(s\) URL \(got "prometheus:9090"\)/,
    );
  });

  test('a bad compactor duration', () => {
    expect(() => loki({ compactionInterval: '10 minutes' })).toThrow(/^\[test\/Loki\] compactionInterval is not a valid duration \(got "10 minutes"\)/);
  });
});
