import { OtelCollector, OtelCollectorProps } from '../../constructs/otel-collector';
import { TempoBackend } from '../../constructs/tempo-backend';
import { ExporterConfig, PipelineConfig, ProcessorConfig, ReceiverConfig } from '../../lib/otel/config';
import { synthJson, testStack } from '../helpers/synth';

const OTLP: ReceiverConfig = { type: 'otlp' };
const DEBUG: ExporterConfig = { type: 'debug' };

/** A minimal valid collector plus `extra` (components and pipelines). */
function collector(extra: Partial<OtelCollectorProps> = {}) {
  return new OtelCollector(testStack(), 'Collector', {
    receivers: [OTLP],
    exporters: [DEBUG],
    pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } },
    ...extra,
  });
}
function withProcessor(p: ProcessorConfig, pipeline: PipelineConfig = { receivers: ['otlp'], processors: [p.name ? `${p.type}/${p.name}` : p.type], exporters: ['debug'] }) {
  return () => collector({ processors: [p], pipelines: { traces: pipeline } });
}
function withExporter(e: ExporterConfig) {
  return () => collector({ exporters: [DEBUG, e] });
}

describe('OtelCollector rejects bad input, naming the construct path', () => {
  test('a pipeline naming an undefined exporter fails synth, naming both and listing the defined ones', () => {
    const stack = testStack();
    new OtelCollector(stack, 'Collector', {
      receivers: [OTLP],
      exporters: [{ type: 'otlp', name: 'tempo', endpoint: 'tempo:4317' }, DEBUG],
      pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp/tmpo'] } },
    });
    expect(() => synthJson(stack)).toThrow(
      /\[test\/Collector\] pipeline "traces" uses exporter "otlp\/tmpo", which is not defined \(defined exporters: otlp\/tempo, debug\)\. Add it with addExporter\(\) or fix the name\./,
    );
  });

  test('undefined receivers and processors are reported together', () => {
    const stack = testStack();
    const c = new OtelCollector(stack, 'Collector', { receivers: [OTLP], exporters: [DEBUG] });
    c.addPipeline('metrics', { receivers: ['otlp', 'prometheus'], processors: ['batch'], exporters: ['debug'] });
    expect(() => synthJson(stack)).toThrow(/pipeline "metrics" uses receiver "prometheus", which is not defined \(defined receivers: otlp\)/);
    expect(() => synthJson(stack)).toThrow(/pipeline "metrics" uses processor "batch", which is not defined \(defined processors: none\)\. Add it with addProcessor\(\)/);
  });

  test('a component of an unknown type, with a suggestion', () => {
    expect(withProcessor({ type: 'batching' } as never)).toThrow(/^\[test\/Collector\] processor "batching": type "batching" is not a processor type this library knows \(did you mean "batch"\?\)\. Use one of memory_limiter, batch, attributes, resource, tail_sampling, filter\./);
    expect(withExporter({ type: 'logging' } as never)).toThrow(/exporter "logging": type "logging" is not an exporter type this library knows.*The logging exporter was removed from the Collector; use "debug"\./);
  });

  test('a pipeline without receivers or exporters', () => {
    expect(() => collector({ pipelines: { traces: { receivers: [], exporters: ['debug'] } } })).toThrow(/pipeline "traces" has no receivers \(got \[\]\)\. A pipeline needs at least one receiver, e.g\. \["otlp"\]\./);
    expect(() => collector({ pipelines: { logs: { receivers: ['otlp'], exporters: [] } } })).toThrow(/pipeline "logs" has no exporters \(got \[\]\)/);
  });

  test('a pipeline id that is not a signal', () => {
    expect(() => collector({ pipelines: { spans: { receivers: ['otlp'], exporters: ['debug'] } } })).toThrow(/pipeline "spans": the id must be traces, metrics, logs or profiles, optionally followed by \/<name> \(got "spans"\)/);
  });

  test('tail_sampling without policies', () => {
    expect(withProcessor({ type: 'tail_sampling', policies: [] })).toThrow(/processor "tail_sampling": policies is empty \(got \[\]\)\. tail_sampling drops every trace without a policy/);
  });

  test('a probabilistic percentage outside 0–100', () => {
    expect(withProcessor({ type: 'tail_sampling', policies: [{ name: 'sample', type: 'probabilistic', samplingPercentage: 150 }] })).toThrow(
      /processor "tail_sampling": policy "sample": samplingPercentage must be between 0 and 100 \(got 150\)\. It is a percentage: 10 keeps one trace in ten\./,
    );
  });

  test('a latency threshold ≤ 0', () => {
    expect(withProcessor({ type: 'tail_sampling', policies: [{ name: 'slow', type: 'latency', thresholdMs: 0 }] })).toThrow(/policy "slow": thresholdMs must be greater than 0 \(got 0\)/);
  });

  test('an unknown status code, and duplicate policy names', () => {
    const bad = withProcessor({
      type: 'tail_sampling',
      policies: [
        { name: 'errors', type: 'status_code', statusCodes: ['error' as never] },
        { name: 'errors', type: 'always_sample' },
      ],
    });
    expect(bad).toThrow(/policy "errors": statusCodes\[0\] is not a span status \(got "error"\)\. Use ERROR, OK or UNSET \(upper case\)\./);
    expect(bad).toThrow(/policy "errors" is defined twice\. Policy names must be unique\./);
  });

  test('tail_sampling in a metrics or logs pipeline', () => {
    const bad = () =>
      collector({
        processors: [{ type: 'tail_sampling', policies: [{ name: 'all', type: 'always_sample' }] }],
        pipelines: { metrics: { receivers: ['otlp'], processors: ['tail_sampling'], exporters: ['debug'] } },
      });
    expect(bad).toThrow(/pipeline "metrics": processor "tail_sampling" does not handle metrics \(it handles traces\)\. tail_sampling decides on whole traces, so it only works in traces pipelines\. Move it to a traces pipeline\./);
  });

  test('a metrics-only component in a traces pipeline', () => {
    expect(() => collector({ exporters: [DEBUG, { type: 'prometheus' }], pipelines: { traces: { receivers: ['otlp'], exporters: ['prometheus'] } } })).toThrow(
      /pipeline "traces": exporter "prometheus" does not handle traces \(it handles metrics\)/,
    );
  });

  test('memory_limiter not first', () => {
    const bad = () =>
      collector({
        processors: [{ type: 'batch' }, { type: 'memory_limiter', limitMib: 512 }],
        pipelines: { logs: { receivers: ['otlp'], processors: ['batch', 'memory_limiter'], exporters: ['debug'] } },
      });
    expect(bad).toThrow(/pipeline "logs": memory_limiter must be the first processor \(got \["batch","memory_limiter"\]\)\. Move "memory_limiter" first, so data is refused before other processors spend memory on it\./);
  });

  test('bad durations', () => {
    expect(withProcessor({ type: 'batch', timeout: '5 seconds' })).toThrow(/processor "batch": timeout is not a valid duration \(got "5 seconds"\)\. Use a number and a unit/);
    expect(withProcessor({ type: 'memory_limiter', checkInterval: '0s', limitMib: 512 })).toThrow(/processor "memory_limiter": checkInterval must be greater than zero \(got "0s"\)/);
    expect(withProcessor({ type: 'tail_sampling', decisionWait: '10 s', policies: [{ name: 'a', type: 'always_sample' }] })).toThrow(/decisionWait is not a valid duration \(got "10 s"\)/);
  });

  test('memory_limiter limits that cannot work', () => {
    expect(withProcessor({ type: 'memory_limiter', limitMib: 256, spikeLimitMib: 256 })).toThrow(/spikeLimitMib must be an integer ≥ 0 and below limitMib 256 \(got 256\)/);
    expect(withProcessor({ type: 'memory_limiter', limitMib: 0 })).toThrow(/limitMib must be a positive integer \(got 0\)/);
  });

  test('an attribute action without key, or of an unknown kind', () => {
    expect(withProcessor({ type: 'attributes', actions: [{ action: 'upsert', value: 'production' }] })).toThrow(/processor "attributes": actions\[0\]: upsert needs a key \(got undefined\)\. Set key to the attribute to write\./);
    expect(withProcessor({ type: 'resource', actions: [{ action: 'rename' as never, key: 'a' }] })).toThrow(/processor "resource": actions\[0\]: action "rename" is not an attribute action\. Use one of insert, update, upsert, delete, hash, extract\./);
    expect(withProcessor({ type: 'attributes', actions: [{ action: 'insert', key: 'a', value: 'b', fromAttribute: 'c' }] })).toThrow(/insert needs exactly one of value, fromAttribute, fromContext \(got 2\)/);
    expect(withProcessor({ type: 'attributes', actions: [{ action: 'extract', key: 'http.url', pattern: '/api/(v\\d+)/' }] })).toThrow(/extract pattern has no named group \(got "\/api\/\(v\\\\d\+\)\/"\)/);
    expect(withProcessor({ type: 'attributes', actions: [] })).toThrow(/processor "attributes": actions is empty/);
  });

  test('an exporter endpoint that is not host:port or a URL', () => {
    expect(withExporter({ type: 'otlp', endpoint: 'tempo' })).toThrow(/exporter "otlp": endpoint is not host:port \(got "tempo"\)\. Use e\.g\. "tempo:4317", without a scheme or path\./);
    expect(withExporter({ type: 'otlphttp', endpoint: 'loki:3100' })).toThrow(/exporter "otlphttp": endpoint is not an http\(s\) URL \(got "loki:3100"\)\. Use e\.g\. "http:\/\/loki:3100\/otlp"\./);
    expect(withExporter({ type: 'prometheus', endpoint: '0.0.0.0' })).toThrow(/exporter "prometheus": endpoint is not host:port \(got "0\.0\.0\.0"\)/);
    expect(withExporter({ type: 'prometheusremotewrite', endpoint: 'prometheus:9090/api/v1/write' })).toThrow(/exporter "prometheusremotewrite": endpoint is not an http\(s\) URL/);
    expect(() => collector({ receivers: [{ type: 'otlp', grpc: { endpoint: ':4317x' } }] })).toThrow(/receiver "otlp": grpc\.endpoint is not host:port \(got ":4317x"\)/);
  });

  test('duplicate component ids and pipelines', () => {
    expect(() => collector({ processors: [{ type: 'batch' }, { type: 'batch', timeout: '1s' }] })).toThrow(/processor "batch" is defined twice\. Component ids \("type\/name"\) must be unique among processors; give one a name, e.g\. \{ type: 'batch', name: 'second' \}\./);
    const c = collector();
    expect(() => c.addExporter({ type: 'debug', verbosity: 'detailed' })).toThrow(/^\[test\/Collector\] exporter "debug" is defined twice/);
    expect(() => c.addPipeline('traces', { receivers: ['otlp'], exporters: ['debug'] })).toThrow(/pipeline "traces" is already defined\. Pipeline ids must be unique; use "<signal>\/<name>" for a second one, e\.g\. "traces\/2"\./);
    expect(() => c.addPipeline('traces/2', { receivers: ['otlp', 'otlp'], exporters: ['debug'] })).toThrow(/pipeline "traces\/2" lists receiver "otlp" twice/);
  });

  test('a literal secret in a credential header, without echoing it', () => {
    const bad = withExporter({ type: 'otlphttp', endpoint: 'https://otlp.example.com/otlp', headers: { Authorization: 'Basic c2VjcmV0OnNlY3JldA==' } });
    expect(bad).toThrow(/exporter "otlphttp": header "Authorization" carries a credential and must not be a literal secret \(got a literal string of 26 characters\)\. Pass a reference instead/);
    expect(bad).not.toThrow(/c2VjcmV0/);
    expect(withExporter({ type: 'otlp', endpoint: 'x:4317', headers: { 'X-API-Key': 'abc' } })).toThrow(/header "X-API-Key" carries a credential/);
    // A header that is not a credential may be a literal.
    expect(withExporter({ type: 'otlp', endpoint: 'x:4317', headers: { 'X-Scope-OrgID': 'tenant-1' } })).not.toThrow();
  });

  test('a component name that cannot be part of an id', () => {
    expect(withExporter({ type: 'otlp', name: 'tempo/main', endpoint: 'tempo:4317' })).toThrow(/exporter "otlp\/tempo\/main": name must be letters, digits, '_', '\.' or '-' \(got "tempo\/main"\)/);
  });

  test('a configuration without any pipeline fails synth', () => {
    const stack = testStack();
    new OtelCollector(stack, 'Collector', { receivers: [OTLP], exporters: [DEBUG] });
    expect(() => synthJson(stack)).toThrow(/\[test\/Collector\] the Collector has no pipeline, and refuses to start without one/);
  });

  test('two Tempo backends and the default traces pipeline: synth says which prop picks one', () => {
    const stack = testStack();
    new TempoBackend(stack, 'Tempo', { metricsGenerator: false });
    new TempoBackend(stack, 'Tempo2', { name: 'tempo-2', metricsGenerator: false, publishPorts: false });
    new OtelCollector(stack, 'Collector');
    expect(() => synthJson(stack)).toThrow(/\[test\/Collector\] the stack has 2 TempoBackends \(test\/Tempo, test\/Tempo2\)\. Pass the one to use as the tempo prop\./);
  });

  test('several problems are reported together, and an unpinned image too', () => {
    const bad = () =>
      new OtelCollector(testStack(), 'Collector', {
        image: 'otel/opentelemetry-collector-contrib:latest',
        receivers: [OTLP],
        processors: [{ type: 'batch', timeout: 'soon' }],
        exporters: [{ type: 'otlp', endpoint: '' }],
        pipelines: { traces: { receivers: ['otlp'], exporters: [] } },
      });
    expect(bad).toThrow(/^\[test\/Collector\] 4 problems:\n {2}- image tag must be pinned/);
    expect(bad).toThrow(/- processor "batch": timeout is not a valid duration \(got "soon"\)/);
    expect(bad).toThrow(/- exporter "otlp": endpoint is required \(got ""\)/);
    expect(bad).toThrow(/- pipeline "traces" has no exporters/);
  });
});
