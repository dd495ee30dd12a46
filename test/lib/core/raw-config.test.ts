// rawConfig of LokiCluster, TempoBackend and LogAgent (Promtail): the merge rules, the
// warning on managed keys, and what reaches the container.
import { AnnotationMetadataEntryType, TerraformVariable } from 'cdktf';
import { IConstruct } from 'constructs';
import { parse } from 'yaml';
import { LogAgent } from '../../../constructs/log-agent';
import { LokiCluster } from '../../../constructs/loki-cluster';
import { TempoBackend } from '../../../constructs/tempo-backend';
import { KubernetesRuntime } from '../../../lib/runtime/kubernetes-runtime';
import { mergeRawConfig, rawConfigProblems } from '../../../lib/core/raw-config';
import { containerFiles, helmValues, synthJson, testStack } from '../../helpers/synth';

function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

describe('mergeRawConfig', () => {
  test('a __proto__ key in a raw section stays an own key (a plain assignment would set the prototype instead)', () => {
    const raw = parse('__proto__:\n  polluted: 1\nlimits_config:\n  __proto__: ""\n') as Record<string, unknown>;
    const { config } = mergeRawConfig({ limits_config: { retention_period: '24h' } }, raw);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.keys(config)).toEqual(['limits_config', '__proto__']);
    expect((config as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(config.limits_config as object)).toEqual(['retention_period', '__proto__']);
    expect(JSON.parse(JSON.stringify(config))).toEqual(JSON.parse('{"limits_config":{"retention_period":"24h","__proto__":""},"__proto__":{"polluted":1}}'));
  });

  test('maps merge key by key, lists and scalars replace, null removes', () => {
    const rendered = { a: { b: 1, c: [1, 2], d: 'x' }, e: true, f: { g: 1 } };
    const { config, overridden } = mergeRawConfig(rendered, { a: { c: [3], h: 2 }, e: null, f: 'flat' });
    expect(config).toEqual({ a: { b: 1, c: [3], d: 'x', h: 2 }, f: 'flat' });
    expect(overridden).toEqual(['a.c', 'e', 'f']);
    expect(rendered).toEqual({ a: { b: 1, c: [1, 2], d: 'x' }, e: true, f: { g: 1 } });
  });

  test('a raw key equal to what the construct writes, or absent from it, is not an override', () => {
    expect(mergeRawConfig({ a: { b: 1 } }, { a: { b: 1, c: 2 }, z: null }).overridden).toEqual([]);
  });

  test('shapes: plain values pass, anything else is named with its path', () => {
    expect(rawConfigProblems({ a: [1, 'x', null, { b: false }] })).toEqual([]);
    expect(rawConfigProblems({ a: [{ b: new Map() }] })).toEqual([expect.stringMatching(/^rawConfig\.a\[0\]\.b must be a string, number, boolean, null, list or plain object \(got an instance of Map\)/)]);
    expect(rawConfigProblems(42)).toEqual([expect.stringMatching(/^rawConfig must be a plain object .*\(got number 42\)/)]);
  });
});

describe('LokiCluster rawConfig', () => {
  test('unmanaged keys are added, managed ones replaced (with a warning), null removes a key', () => {
    const stack = testStack();
    const loki = new LokiCluster(stack, 'Loki', {
      rawConfig: { limits_config: { max_streams_per_user: 0, volume_enabled: false }, query_range: { align_queries_with_step: true }, ruler: { enable_api: null } },
    });
    const config = parse(containerFiles(synthJson(stack), 'loki')['/etc/loki/config.yaml']);
    expect(config.limits_config).toMatchObject({ max_streams_per_user: 0, volume_enabled: false, retention_period: '720h' });
    expect(config.query_range).toEqual({ align_queries_with_step: true });
    expect(config.ruler.enable_api).toBeUndefined();
    expect(config.ruler.rule_path).toBe('/loki/rules-temp');
    expect(warnings(loki)).toEqual([expect.stringMatching(/^rawConfig overrides 2 key\(s\) the LokiCluster construct manages: limits_config\.volume_enabled, ruler\.enable_api\. The raw value wins/)]);
  });

  test('no warning when rawConfig only adds keys', () => {
    const stack = testStack();
    const loki = new LokiCluster(stack, 'Loki', { rawConfig: { frontend: { max_outstanding_per_tenant: 2048 } } });
    expect(warnings(loki)).toEqual([]);
  });

  test('on Kubernetes the chart\'s structuredConfig carries it', () => {
    const stack = testStack();
    new KubernetesRuntime(stack, 'Kubernetes');
    const key = new TerraformVariable(stack, 'k', { type: 'string', sensitive: true });
    new LokiCluster(stack, 'Loki', {
      objectStorage: { endpoint: 'minio:9000', bucket: 'loki-chunks', accessKeyId: 'id', secretAccessKey: key.stringValue },
      rawConfig: { limits_config: { max_streams_per_user: 0 } },
    });
    const values = helmValues(synthJson(stack), 'loki');
    expect(values.loki.structuredConfig.limits_config.max_streams_per_user).toBe(0);
  });
});

describe('TempoBackend rawConfig', () => {
  test('merged over the rendered tempo.yaml; replacing the retention warns', () => {
    const stack = testStack();
    const tempo = new TempoBackend(stack, 'Tempo', { metricsGenerator: false, rawConfig: { query_frontend: { search: { duration_slo: '5s' } }, backend_worker: { compaction: { block_retention: '48h' } } } });
    const config = parse(containerFiles(synthJson(stack), 'tempo')['/etc/tempo/tempo-config.yml']);
    expect(config.query_frontend).toEqual({ search: { duration_slo: '5s' } });
    expect(config.backend_worker.compaction.block_retention).toBe('48h');
    expect(warnings(tempo)).toEqual([expect.stringMatching(/rawConfig overrides 1 key\(s\) the TempoBackend construct manages: backend_worker\.compaction\.block_retention\./)]);
  });
});

describe('LogAgent (Promtail) rawConfig', () => {
  test('merged over config.yml; scrape_configs given raw replaces the construct\'s jobs (warned)', () => {
    const stack = testStack();
    const jobs = [{ job_name: 'files', static_configs: [{ targets: ['localhost'], labels: { __path__: '/var/log/app/*.log' } }] }];
    const agent = new LogAgent(stack, 'Promtail', {
      agent: 'promtail', mountDockerSocket: true, lokiUrl: 'http://loki:3100/loki/api/v1/push',
      rawConfig: { limits_config: { readline_rate_enabled: true }, scrape_configs: jobs },
    });
    const config = parse(containerFiles(synthJson(stack), 'promtail')['/etc/promtail/config.yml']);
    expect(config.limits_config).toEqual({ readline_rate_enabled: true });
    expect(config.scrape_configs).toEqual(jobs);
    expect(config.clients).toEqual([{ url: 'http://loki:3100/loki/api/v1/push' }]);
    expect(warnings(agent).filter((w) => w.startsWith('rawConfig'))).toEqual([expect.stringMatching(/rawConfig overrides 1 key\(s\) the LogAgent construct manages: scrape_configs\./)]);
  });
});

describe('secrets in rawConfig', () => {
  test('a sensitive variable in rawConfig makes the rendered file a secret file (synth succeeds, value not literal)', () => {
    const stack = testStack();
    const password = new TerraformVariable(stack, 'loki_rw_password', { type: 'string', sensitive: true });
    new LokiCluster(stack, 'Loki', { rawConfig: { ruler: { remote_write: { enabled: true, clients: { prom: { url: 'http://prometheus:9090/api/v1/write', basic_auth: { username: 'loki', password: password.stringValue } } } } } } });
    const json = synthJson(stack);
    const config = parse(containerFiles(json, 'loki')['/etc/loki/config.yaml']);
    expect(config.ruler.remote_write.clients.prom.basic_auth.password).toMatch(/^stand-in-for-.*var\.loki_rw_password/);
  });

  test('a literal credential in rawConfig is a warning naming its path', () => {
    const stack = testStack();
    const tempo = new TempoBackend(stack, 'Tempo', { metricsGenerator: false, rawConfig: { storage: { trace: { s3: { secret_key: 'literal-in-raw' } } } } });
    expect(warnings(tempo).join('\n')).toMatch(/rawConfig\.storage\.trace\.s3\.secret_key is a credential \(key secret_key\): a literal credential in a raw escape hatch is written as it is/);
  });
});
