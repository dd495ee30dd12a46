// Example: the course's Loki, Alloy, Tempo and OpenTelemetry Collector configurations through
// the API, wired to Prometheus and Alertmanager. Run: `npm run build && node
// dist/examples/logs-and-traces/main.js`, then `cdktf deploy`.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  AlertRoute,
  Alertmanager,
  COURSE_BATCH,
  COURSE_ENVIRONMENT_ATTRIBUTES,
  COURSE_MEMORY_LIMITER,
  COURSE_OTLP_RECEIVER,
  COURSE_SPAN_METRICS_DIMENSIONS,
  COURSE_TAIL_SAMPLING,
  LogAgent,
  LokiCluster,
  Observability,
  OtelCollector,
  PrometheusServer,
  Receiver,
  TempoBackend,
} from '../../index';

export class LogsAndTracesStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // README:logs-traces:start
    // One place for correlation: the log field with the trace id, read by Alloy and Grafana.
    Observability.of(this).setCorrelation({ logTraceIdField: 'trace_id', logFormat: 'json' });

    const prometheus = new PrometheusServer(this, 'Prometheus');
    new AlertRoute(this, 'Routing', { receiver: Receiver.webhook('ops', { url: 'http://alert-hook:8080/' }) });
    new Alertmanager(this, 'Alertmanager');

    // Loki: TSDB v13, 30 days, ruler → the Alertmanager above; LogQL checked at synth.
    const loki = new LokiCluster(this, 'Loki', { retentionPeriod: '30d' });
    loki.addRuleGroup({
      name: 'oom',
      rules: [
        {
          alert: 'OutOfMemoryInLogs',
          expr: 'sum by (container) (count_over_time({job=~".+"} |= "OOM" [5m])) > 0',
          for: '1m',
          labels: { severity: 'warning' },
          annotations: { summary: 'OOM in {{ $labels.container }}', description: 'OOM lines in the last 5 minutes.' },
        },
      ],
    });

    // Tempo: 14 days, span metrics and service graphs remote-written to Prometheus with exemplars.
    new TempoBackend(this, 'Tempo', { retention: '14d', spanMetricsDimensions: COURSE_SPAN_METRICS_DIMENSIONS });

    // The course's collector: tail sampling keeps errors, slow traces and 10 % of the rest.
    const collector = new OtelCollector(this, 'Collector', {
      receivers: [COURSE_OTLP_RECEIVER],
      processors: [COURSE_MEMORY_LIMITER, COURSE_BATCH, COURSE_ENVIRONMENT_ATTRIBUTES, COURSE_TAIL_SAMPLING],
      exporters: [
        { type: 'otlp', name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true } },
        { type: 'prometheus', endpoint: '0.0.0.0:8889', namespace: 'otel' },
        { type: 'otlphttp', name: 'loki', endpoint: loki.otlpUrl },
      ],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp/tempo'] },
        metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus'] },
        logs: { receivers: ['otlp'], processors: ['memory_limiter', 'attributes', 'batch'], exporters: ['otlphttp/loki'] },
      },
    });
    prometheus.scrape(collector);

    // Alloy reads container logs (socket mounted read-only, by explicit opt-in).
    new LogAgent(this, 'Alloy', { mountDockerSocket: true });
    // README:logs-traces:end
  }
}

if (require.main === module) {
  const app = new App();
  new LogsAndTracesStack(app, 'logs-and-traces');
  app.synth();
}
