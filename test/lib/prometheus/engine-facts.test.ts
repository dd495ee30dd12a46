/**
 * What the library writes for Prometheus, the node exporter and the blackbox exporter, checked
 * against facts read from each engine's source at the pinned release tag
 * (test/fixtures/engines/*.json: repository, tag, commit, file). The tools installed here
 * (promtool and prometheus 2.42, blackbox 0.23, node exporter 1.5) are older than the pinned
 * images: they keep checking what both versions accept, these tests cover the rest.
 */
import { parse } from 'yaml';
import { BLACKBOX_EXPORTER_IMAGE, BlackboxExporter, COURSE_BLACKBOX_MODULES } from '../../../constructs/blackbox-exporter';
import { NODE_EXPORTER_IMAGE, NodeExporter } from '../../../constructs/node-exporter';
import { PROMETHEUS_IMAGE, PrometheusServer } from '../../../constructs/prometheus-server';
import { renderBlackboxModule } from '../../../lib/blackbox/config';
import { CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE } from '../../../lib/kubernetes/values';
import { CHARTS } from '../../../lib/kubernetes/charts';
import { versionAtLeast } from '../../../lib/core/releases';
import { NODE_EXPORTER_COLLECTORS } from '../../../lib/node-exporter/collectors';
import { Discovery } from '../../../lib/prometheus/discovery';
import { Relabel } from '../../../lib/prometheus/relabel';
import { renderScrapeJob } from '../../../lib/prometheus/scrape';
import {
  DEFAULT_PROMETHEUS_VERSION,
  EXPERIMENTAL_AGGREGATIONS_3,
  EXPERIMENTAL_FUNCTIONS_2,
  EXPERIMENTAL_FUNCTIONS_3,
  FUNCTIONS_NOT_IN_2,
  nativeHistogramsVia,
  prometheusVersionOf,
} from '../../../lib/prometheus/version';
import { engineFacts, EVERY_PROMETHEUS_FLAG } from '../../helpers/engines';
import { container, containerFiles, forPromtool242, KEYS_PROMTOOL_2_42_LACKS, synthJson, testStack } from '../../helpers/synth';

const P3 = engineFacts('prometheus', '3.14.0');
const P2 = engineFacts('prometheus', '2.53.0');
const PROMTOOL = engineFacts('promtool', '2.42.0');
const NODE = engineFacts('node-exporter', '1.12.1');
const BLACKBOX = engineFacts('blackbox-exporter', '0.28.0');

const sorted = (xs: readonly string[]) => [...xs].sort();

/** `--name=value` or `--name` → name. */
const flagName = (arg: string) => arg.replace(/^--/, '').replace(/=.*$/s, '');

/** A server with every option that changes its flags or prometheus.yml, on `image`. */
function fullServer(image?: string) {
  const stack = testStack();
  const p = new PrometheusServer(stack, 'Prometheus', {
    ...EVERY_PROMETHEUS_FLAG,
    image,
    alertmanagers: ['alertmanager:9093'],
    ruleGroups: [{ name: 'g', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] }],
  });
  const json = synthJson(stack);
  return { p, args: container(json, 'prometheus').command as string[], config: parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']) };
}

describe('Prometheus: the pinned release', () => {
  test('the default image is the fixture\'s release, the newest stable tag', () => {
    expect(`${PROMETHEUS_IMAGE.repository}:${PROMETHEUS_IMAGE.tag}`).toBe(P3.image);
    expect(P3.source.tag).toBe(PROMETHEUS_IMAGE.tag);
    expect(prometheusVersionOf(PROMETHEUS_IMAGE.tag)).toEqual(DEFAULT_PROMETHEUS_VERSION);
  });

  test.each([
    ['3.14.0', P3],
    ['2.53.0', P2],
  ])('every flag passed to %s exists at its tag; every --enable-feature is known there and not a no-op', (version, facts) => {
    const { args } = fullServer(`prom/prometheus:v${version}`);
    expect(args.length).toBeGreaterThan(4);
    for (const arg of args) expect(facts.flags.names).toContain(flagName(arg));
    const features = args.filter((a) => a.startsWith('--enable-feature=')).flatMap((a) => a.slice('--enable-feature='.length).split(','));
    expect(features.length).toBeGreaterThan(0);
    for (const f of features) {
      expect(facts.enableFeature.known).toContain(f);
      expect(Object.keys(facts.enableFeature.noOp ?? {})).not.toContain(f);
    }
  });

  test('no flag the library passes is one Prometheus 3 removed (remote-write-receiver, agent, ... features)', () => {
    const { args } = fullServer();
    const removed = P2.enableFeature.known.filter((f: string) => !P3.enableFeature.known.includes(f));
    expect(removed).toEqual(expect.arrayContaining(['remote-write-receiver', 'agent', 'expand-external-labels']));
    const features = args.filter((a) => a.startsWith('--enable-feature=')).flatMap((a) => a.slice('--enable-feature='.length).split(','));
    for (const f of features) expect(removed).not.toContain(f);
    // The receiver is a flag of its own since 2.33 (the feature was removed in 3.0).
    expect(args).toContain('--web.enable-remote-write-receiver');
  });

  test('every key of global and of each scrape job in prometheus.yml exists in the config structs at the tag', () => {
    const { config } = fullServer();
    expect(Object.keys(config.global).length).toBeGreaterThan(4);
    for (const k of Object.keys(config.global)) expect(P3.globalConfig.keys).toContain(k);
    const scrapeKeys = [...P3.scrapeConfig.keys, ...Object.keys(P3.scrapeConfig.inline), ...Object.keys(P3.scrapeConfig.serviceDiscovery)];
    // A job with every option the library renders.
    const job = renderScrapeJob({
      jobName: 'all',
      targets: ['app:8080'],
      labels: { team: 'a' },
      metricsPath: '/m',
      scheme: 'https',
      params: { module: ['x'] },
      scrapeInterval: '30s',
      scrapeTimeout: '10s',
      honorLabels: true,
      relabelConfigs: [Relabel.keep(['__meta_x'], 'y')],
      metricRelabelConfigs: [Relabel.drop(['__name__'], 'go_.*')],
      basicAuth: { username: 'u', password: '${var.p}' },
      tlsConfig: { insecureSkipVerify: false, serverName: 'app', caFile: '/ca.pem' },
      dockerSdConfigs: [{ port: 8080 }],
      kubernetesSdConfigs: [{ role: 'pod', namespaces: ['a'] }],
      sampleLimit: 1000,
    });
    const bearer = renderScrapeJob({ jobName: 'b', targets: ['a:1'], bearerToken: '${var.t}' });
    for (const j of [...config.scrape_configs, job, bearer, renderScrapeJob(Discovery.kubernetesPods({}))]) {
      for (const k of Object.keys(j)) expect(scrapeKeys).toContain(k);
    }
  });

  test('the Alertmanager section names no api_version: v2, the only one 3.x accepts, is the default', () => {
    const { config } = fullServer();
    expect(P3.alerting.supportedApiVersions).toEqual(['v2']);
    expect(P3.alerting.defaultApiVersion).toBe('v2');
    expect(JSON.stringify(config.alerting)).not.toContain('api_version');
  });

  test('native histograms: the setting from its first version on, the flag before it', () => {
    const since = prometheusVersionOf(P3.nativeHistograms.since)!;
    expect(P3.globalConfig.keys).toContain(P3.nativeHistograms.configKey);
    expect(nativeHistogramsVia(since)).toBe('config');
    expect(nativeHistogramsVia({ ...since, minor: since.minor - 1, patch: 9 })).toBe('flag');
    expect(fullServer().config.global[P3.nativeHistograms.configKey]).toBe(true);
    expect(P3.enableFeature.noOp['native-histograms']).toMatch(/no-op/);
  });

  test('on Kubernetes the chart version that first passes scrapeNativeHistograms is the fixture\'s (operator field since v0.88.0)', () => {
    expect(`kube-prometheus-stack-${CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE}`).toBe(P3.kubernetes.chartValue.firstTag);
    expect(P3.kubernetes.chartValue.appVersion).toBe(P3.kubernetes.operatorField.firstTag);
  });

  test('the pinned kube-prometheus-stack passes scrapeNativeHistograms, so the default Kubernetes stack keeps native histograms without a warning', () => {
    expect(versionAtLeast(CHARTS.kubePrometheusStack.version, CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE, false)).toBe(true);
  });

  test('the PromQL tables of lib/prometheus/version.ts are the functions.go tables at both tags', () => {
    const only3 = P3.promql.functions.filter((f: string) => !P2.promql.functions.includes(f));
    expect(sorted(FUNCTIONS_NOT_IN_2)).toEqual(sorted(only3));
    expect(sorted(EXPERIMENTAL_FUNCTIONS_2)).toEqual(sorted(P2.promql.experimentalFunctions));
    expect(sorted(EXPERIMENTAL_FUNCTIONS_3)).toEqual(sorted(P3.promql.experimentalFunctions));
    expect(sorted(EXPERIMENTAL_AGGREGATIONS_3)).toEqual(sorted(P3.promql.experimentalAggregations));
    expect(P3.promql.functions).not.toContain('holt_winters');
    expect(P2.promql.functions).toContain('holt_winters');
  });
});

describe('promtool 2.42 (installed here) and the keys only the pinned release knows', () => {
  test('each key taken out before promtool runs exists in GlobalConfig at the pinned tag and not at 2.42', () => {
    for (const key of KEYS_PROMTOOL_2_42_LACKS) {
      expect(P3.globalConfig.keys).toContain(key);
      expect(PROMTOOL.globalConfig.keys).not.toContain(key);
    }
  });

  test('everything else the library writes in global is known to 2.42, so promtool still checks it', () => {
    const { config } = fullServer();
    const rest = Object.keys(config.global).filter((k) => !(KEYS_PROMTOOL_2_42_LACKS as readonly string[]).includes(k));
    for (const k of rest) expect(PROMTOOL.globalConfig.keys).toContain(k);
  });

  test('forPromtool242 removes exactly those lines of global and leaves the rest byte for byte', () => {
    const yaml = '# header\nglobal:\n  scrape_interval: 15s\n  external_labels:\n    a: b\n  scrape_native_histograms: true\nscrape_configs:\n  - job_name: x\n';
    expect(forPromtool242(yaml)).toBe('# header\nglobal:\n  scrape_interval: 15s\n  external_labels:\n    a: b\nscrape_configs:\n  - job_name: x\n');
    expect(() => forPromtool242('scrape_configs:\n  - job_name: x\n    scrape_native_histograms: true\n')).toThrow(/written outside global/);
  });

  test('a 2.x pin writes nothing promtool 2.42 would have to skip', () => {
    const { config } = fullServer('prom/prometheus:v2.53.0');
    for (const k of Object.keys(config.global)) expect(PROMTOOL.globalConfig.keys).toContain(k);
  });
});

describe('node exporter: the pinned release', () => {
  test('the default image is the fixture\'s release', () => {
    expect(`${NODE_EXPORTER_IMAGE.repository}:${NODE_EXPORTER_IMAGE.tag}`).toBe(NODE.image);
    expect(NODE.source.tag).toBe(NODE_EXPORTER_IMAGE.tag);
  });

  test('the collector list the library checks names against is the one registered at the tag', () => {
    expect(sorted(NODE_EXPORTER_COLLECTORS)).toEqual(sorted(Object.keys(NODE.collectors.defaultEnabled)));
  });

  test('every flag passed exists at the tag, collectors included', () => {
    const stack = testStack();
    new NodeExporter(stack, 'Node', { enableCollectors: ['systemd', 'processes'], disableCollectors: ['wifi'], filesystemMountPointsExclude: '^/(sys|proc|dev)($|/)' });
    const args = container(synthJson(stack), 'node-exporter').command as string[];
    expect(args).toHaveLength(5);
    for (const arg of args) {
      const name = flagName(arg);
      const collector = /^(?:no-)?collector\.([a-z_0-9]+)$/.exec(name);
      if (collector) expect(Object.keys(NODE.collectors.defaultEnabled)).toContain(collector[1]);
      else expect(NODE.flags.names).toContain(name);
    }
  });
});

describe('blackbox exporter: the pinned release', () => {
  test('the default image is the fixture\'s release', () => {
    expect(`${BLACKBOX_EXPORTER_IMAGE.repository}:${BLACKBOX_EXPORTER_IMAGE.tag}`).toBe(BLACKBOX.image);
    expect(BLACKBOX.source.tag).toBe(BLACKBOX_EXPORTER_IMAGE.tag);
  });

  test('every flag passed exists at the tag', () => {
    const stack = testStack();
    new BlackboxExporter(stack, 'Blackbox');
    const args = container(synthJson(stack), 'blackbox-exporter').command as string[];
    expect(args.length).toBeGreaterThan(0);
    for (const arg of args) expect(BLACKBOX.flags.names).toContain(flagName(arg));
  });

  test('every prober and module key the library writes exists in config/config.go at the tag', () => {
    const c = BLACKBOX.config;
    const full = [
      ...Object.values(COURSE_BLACKBOX_MODULES),
      {
        prober: 'http' as const,
        timeout: '5s',
        http: {
          method: 'POST' as const, headers: { a: 'b' }, body: 'x', validStatusCodes: [200], validHttpVersions: ['HTTP/1.1' as const], followRedirects: false,
          preferredIpProtocol: 'ip4' as const, tlsConfig: { insecureSkipVerify: true, serverName: 's' }, failIfBodyMatchesRegexp: ['a'], failIfBodyNotMatchesRegexp: ['b'], failIfNotSsl: true,
        },
      },
      { prober: 'tcp' as const, tcp: { preferredIpProtocol: 'ip4' as const, tls: true, tlsConfig: { serverName: 's' } } },
      { prober: 'icmp' as const, icmp: { preferredIpProtocol: 'ip6' as const } },
      { prober: 'dns' as const, dns: { queryName: 'example.com', queryType: 'A' as const, validRcodes: ['NOERROR'], transportProtocol: 'udp' as const, preferredIpProtocol: 'ip4' as const } },
      { prober: 'grpc' as const },
    ];
    const structs: Record<string, string[]> = { http: [...c.HTTPProbe, ...c.HTTPProbeInline.keys], tcp: c.TCPProbe, icmp: c.ICMPProbe, dns: c.DNSProbe };
    for (const m of full) {
      const rendered = renderBlackboxModule(m) as Record<string, unknown>;
      expect(BLACKBOX.probers.names).toContain(rendered.prober);
      for (const [k, v] of Object.entries(rendered)) {
        expect(c.Module).toContain(k);
        if (structs[k]) {
          for (const [field, value] of Object.entries(v as Record<string, unknown>)) {
            expect(structs[k]).toContain(field);
            if (field === 'tls_config') for (const t of Object.keys(value as object)) expect(c.TLSConfig.keys).toContain(t);
          }
        }
      }
    }
  });
});
