import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LogAgent, LogAgentProps } from '../../constructs/log-agent';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Observability } from '../../lib/observability';
import { synthJson, testStack } from '../helpers/synth';

class FakeLoki extends Construct {
  constructor(scope: Construct, id: string, private readonly url = 'http://loki:3100/loki/api/v1/push') {
    super(scope, id);
    Observability.of(this).register('loki', this);
  }
  public get pushUrl(): string {
    return this.url;
  }
}

function stackWithLoki(): TerraformStack {
  const stack = testStack();
  new FakeLoki(stack, 'Loki');
  return stack;
}

/** Constructs an agent with the socket opted in (unless the props say otherwise). */
function agent(props: LogAgentProps, stack = stackWithLoki()): LogAgent {
  return new LogAgent(stack, 'Agent', { mountDockerSocket: true, ...props });
}

describe('LogAgent rejects bad input', () => {
  test('container logs through the local socket without the opt-in', () => {
    expect(() => new LogAgent(stackWithLoki(), 'Agent')).toThrow(
      /^\[test\/Agent\] container logs are read through the Docker socket unix:\/\/\/var\/run\/docker\.sock, which is not mounted \(mountDockerSocket is false\)\. Set mountDockerSocket: true to mount it read-only/,
    );
  });

  test('scrapeMetrics discovery through the local socket without the opt-in', () => {
    expect(() => agent({ mountDockerSocket: false, containerLogs: false, readHostLogs: true, scrapeMetrics: true })).toThrow(
      /scrapeMetrics discovers containers through the Docker socket unix:\/\/\/var\/run\/docker\.sock, which is not mounted \(mountDockerSocket is false\)/,
    );
  });

  test('a Docker host that is not a socket address', () => {
    expect(() => agent({ dockerHost: '/var/run/docker.sock' })).toThrow(/dockerHost must be unix:\/\/\/path or tcp:\/\/host:port \(got "\/var\/run\/docker\.sock"\)\. Use "unix:\/\/\/var\/run\/docker\.sock"/);
  });

  test('an invalid drop regex (RE2 has no look-ahead)', () => {
    expect(() => agent({ dropExpression: '.*(?!GET).*' })).toThrow(
      /dropExpression uses look-around assertions .* which Go's RE2 engine does not support \(got "\.\*\(\?!GET\)\.\*"\)/,
    );
    expect(() => agent({ dropExpression: '.*(GET|HEAD /health.*' })).toThrow(/dropExpression is not a valid regular expression: .*\(got "\.\*\(GET\|HEAD \/health\.\*"\)/);
  });

  test('an empty drop regex (it would drop every line)', () => {
    expect(() => agent({ dropExpression: '' })).toThrow(/dropExpression must not be empty \(got ""\)\. Pass false to keep every line\./);
  });

  test('a bad refresh interval', () => {
    expect(() => agent({ refreshInterval: '5 seconds' })).toThrow(/refreshInterval is not a valid duration \(got "5 seconds"\)\. Use a Prometheus duration/);
    expect(() => agent({ refreshInterval: '0s' })).toThrow(/refreshInterval must be longer than zero \(got "0s"\)/);
    expect(() => agent({ scrapeMetrics: true, metricsRefreshInterval: '30' })).toThrow(/metricsRefreshInterval is not a valid duration \(got "30"\)/);
  });

  test('an invalid label name for an extracted label', () => {
    expect(() => agent({ logLabels: { 'log-level': 'level' } })).toThrow(/logLabels: "log-level" is not a valid label name \(got "log-level"\)\. Label names match \[a-zA-Z_\]\[a-zA-Z0-9_\]\*/);
    expect(() => agent({ logLabels: { __level: 'level' } })).toThrow(/logLabels: label names starting with "__" are reserved for internal use \(got "__level"\)/);
    expect(() => agent({ structuredMetadata: { '1user': 'userId' } })).toThrow(/structuredMetadata: "1user" is not a valid label name/);
    expect(() => agent({ logLabels: { level: '' } })).toThrow(/logLabels\.level: the log field must be a non-empty name without control characters \(got ""\)/);
  });

  test('the trace id promoted to a label (high cardinality: structured metadata only)', () => {
    expect(() => agent({ logLabels: { level: 'level', trace: 'trace_id' } })).toThrow(
      /logLabels would make the trace id a Loki label \(got "trace": "trace_id"\)\. A trace id is unique per request, so every value would create a new stream \(high cardinality\).*attached as structured metadata \(trace_id\) instead\. Remove it from logLabels\./,
    );
    expect(() => agent({ logLabels: { span_id: 'sid' } })).toThrow(/logLabels would make the span id a Loki label \(got "span_id": "sid"\)/);
  });

  test('the trace id field of the stack correlation promoted to a label', () => {
    const stack = stackWithLoki();
    Observability.of(stack).setCorrelation({ logTraceIdField: 'traceId' });
    expect(() => agent({ logLabels: { tid: 'traceId' } }, stack)).toThrow(/logLabels would make the trace id a Loki label \(got "tid": "traceId"\)/);
  });

  test('structured metadata clashing with the correlation ids', () => {
    expect(() => agent({ structuredMetadata: { trace_id: 'tid' } })).toThrow(/structuredMetadata: "trace_id" is already extracted/);
  });

  test('promtail with options only Alloy supports', () => {
    expect(() => agent({ agent: 'promtail', scrapeMetrics: true })).toThrow(
      /scrapeMetrics is an Alloy option, but agent is "promtail", which only ships logs \(got scrapeMetrics: true\)\. Use agent: "alloy" \(the default\) or remove scrapeMetrics\./,
    );
    expect(() => agent({ agent: 'promtail', remoteWriteUrl: 'http://prometheus:9090/api/v1/write' })).toThrow(/remoteWriteUrl is an Alloy option, but agent is "promtail"/);
  });

  test('an unknown agent type', () => {
    expect(() => agent({ agent: 'fluentd' as never })).toThrow(/agent must be "alloy" or "promtail" \(got "fluentd"\)/);
  });

  test('an unpinned image', () => {
    expect(() => agent({ image: 'grafana/alloy:latest' })).toThrow(/image tag must be pinned \(got "grafana\/alloy:latest"\); "latest" changes under you\. Use e\.g\. "grafana\/alloy:v1\.18\.1"/);
    expect(() => agent({ agent: 'promtail', image: 'grafana/promtail' })).toThrow(/image must be "repository:tag" with a pinned tag \(got "grafana\/promtail"\)\. Use e\.g\. "grafana\/promtail:3\.6\.11"/);
  });

  test('no Loki at synth', () => {
    const stack = testStack();
    agent({}, stack);
    expect(() => synthJson(stack)).toThrow(/\[test\/Agent\] no Loki in this stack to push logs to\. Create a LokiCluster in the stack, pass one as the loki prop, or set lokiUrl/);
  });

  test('several Lokis at synth', () => {
    const stack = stackWithLoki();
    new FakeLoki(stack, 'Loki2');
    agent({}, stack);
    expect(() => synthJson(stack)).toThrow(/the stack has 2 Lokis \(test\/Loki, test\/Loki2\)\. Pass the one to push to as the loki prop, or set lokiUrl\./);
  });

  test('a Loki push URL that is not http(s)', () => {
    expect(() => agent({ lokiUrl: 'loki:3100/loki/api/v1/push' })).toThrow(/lokiUrl must be an http\(s\) URL \(got "loki:3100\/loki\/api\/v1\/push"\)/);
    expect(() => agent({ scrapeMetrics: true, remoteWriteUrl: 'prometheus:9090' })).toThrow(/remoteWriteUrl must be an http\(s\) URL \(got "prometheus:9090"\)\. Use e\.g\. "http:\/\/prometheus:9090\/api\/v1\/write"/);
    const stack = testStack();
    new FakeLoki(stack, 'Loki', 'grpc://loki:9095');
    agent({}, stack);
    expect(() => synthJson(stack)).toThrow(/the push URL of test\/Loki must be an http\(s\) URL \(got "grpc:\/\/loki:9095"\)/);
  });

  test('host log paths outside the mounted /var/log, or without readHostLogs', () => {
    expect(() => agent({ readHostLogs: true, hostLogPaths: ['/home/app/*.log'] })).toThrow(/hostLogPaths: "\/home\/app\/\*\.log" is not under \/var\/log, the only host directory mounted/);
    expect(() => agent({ readHostLogs: true, hostLogPaths: ['/var/log/../etc/shadow'] })).toThrow(/is not under \/var\/log/);
    expect(() => agent({ hostLogPaths: ['/var/log/syslog'] })).toThrow(/hostLogPaths is set but readHostLogs is not \(got \["\/var\/log\/syslog"\]\)\. Set readHostLogs: true/);
  });

  test('an agent that collects nothing', () => {
    expect(() => agent({ containerLogs: false })).toThrow(/the agent collects nothing \(got containerLogs: false, readHostLogs: false\)/);
  });

  test('scrapeMetrics with the Prometheus created after the agent', () => {
    const stack = stackWithLoki();
    agent({ scrapeMetrics: true }, stack);
    new PrometheusServer(stack, 'Prometheus');
    expect(() => synthJson(stack)).toThrow(
      /scrapeMetrics: the stack's PrometheusServer \(test\/Prometheus\) was created after this LogAgent, so its remote-write receiver could not be turned on \(got none at construction\)\. Create the PrometheusServer before the LogAgent, pass it as the prometheus prop, or set remoteWriteUrl/,
    );
  });

  test('scrapeMetrics with no Prometheus at all, or several', () => {
    const stack = stackWithLoki();
    agent({ scrapeMetrics: true }, stack);
    expect(() => synthJson(stack)).toThrow(/scrapeMetrics: no PrometheusServer in this stack to remote-write to/);

    const stack2 = stackWithLoki();
    new PrometheusServer(stack2, 'A', { name: 'prom-a' });
    new PrometheusServer(stack2, 'B', { name: 'prom-b', hostPort: 9091 });
    expect(() => agent({ scrapeMetrics: true }, stack2)).toThrow(/scrapeMetrics: the stack has 2 PrometheusServers \(test\/A, test\/B\)\. Pass the one to remote-write to as the prometheus prop\./);
  });

  test('several problems are reported together', () => {
    expect(() => agent({ mountDockerSocket: false, refreshInterval: 'soon', dropExpression: '(', image: 'grafana/alloy:latest' })).toThrow(
      /^\[test\/Agent\] 4 problems:\n  - image tag must be pinned[^\n]*\n  - container logs are read through the Docker socket[^\n]*\n  - refreshInterval is not a valid duration[^\n]*\n  - dropExpression is not a valid regular expression/,
    );
  });
});
