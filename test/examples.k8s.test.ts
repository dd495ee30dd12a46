import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { PaymentsSloStack, Target } from '../examples/kubernetes/main';
import {
  SynthJson,
  amtoolCheckConfig,
  amtoolCheckConfigObject,
  containerFiles,
  haveTool,
  helmValues,
  promtoolCheckRuleGroups,
  promtoolCheckRules,
  resources,
  synthJson,
} from './helpers/synth';
import { effectiveAlertmanager } from './helpers/helm';

const synth = (target: Target): SynthJson => synthJson(new PaymentsSloStack(Testing.app(), `payments-${target}`, { target }));

describe('the payments SLO example on both targets (only the target switched)', () => {
  const docker = synth('docker');
  const k8s = synth('kubernetes');
  const dockerProm = containerFiles(docker, 'prometheus');
  const dockerRuleGroups = Object.entries(dockerProm)
    .filter(([f]) => f.startsWith('/etc/prometheus/rules/'))
    .flatMap(([, c]) => parse(c).groups);
  const kps = helmValues(k8s, 'prometheus');
  const k8sRuleGroups = Object.values(kps.additionalPrometheusRulesMap as Record<string, { groups: unknown[] }>).flatMap((m) => m.groups);

  test('Docker: containers only; Kubernetes: Helm releases and Kubernetes objects only', () => {
    expect(Object.values(resources(docker, 'docker_container')).map((c) => c.name).sort()).toEqual(['alertmanager', 'loki', 'prometheus', 'tempo']);
    expect(resources(docker, 'helm_release')).toEqual({});
    expect(Object.values(resources(k8s, 'helm_release')).map((r) => `${r.name}: ${r.chart}@${r.version}`).sort()).toEqual([
      'loki: loki@18.11.0',
      'prometheus: kube-prometheus-stack@88.5.3',
      'tempo: tempo-distributed@2.26.2',
    ]);
    expect(resources(k8s, 'docker_container')).toEqual({});
  });

  test('the same rule groups: rule files on Docker, PrometheusRule objects (chart values) on Kubernetes', () => {
    expect(dockerRuleGroups.map((g: { name: string }) => g.name).sort()).toEqual(['slo_payment_api_latency', 'slo_payment_api_latency_budget']);
    expect(k8sRuleGroups).toEqual(expect.arrayContaining(dockerRuleGroups));
    expect(k8sRuleGroups).toHaveLength(dockerRuleGroups.length);
  });

  test('the same scrape jobs: prometheus.yml on Docker, additional scrape configs on Kubernetes', () => {
    expect(kps.prometheus.prometheusSpec.additionalScrapeConfigs).toEqual(parse(dockerProm['/etc/prometheus/prometheus.yml']).scrape_configs);
    expect(kps.prometheus.prometheusSpec.externalLabels).toEqual({ cluster: 'payments' });
  });

  test('the same Alertmanager configuration (the effective one on Kubernetes), with the operator\'s secret paths', () => {
    const dockerAm = parse(containerFiles(docker, 'alertmanager')['/etc/alertmanager/alertmanager.yml']);
    const k8sAm = JSON.parse(JSON.stringify(effectiveAlertmanager(k8s).config).replace(/\/etc\/alertmanager\/secrets\/prometheus-alertmanager-credentials\//g, '/etc/alertmanager/secrets/'));
    expect(k8sAm).toEqual(dockerAm);
  });

  test('HA on Kubernetes: 2 Prometheus, 3 Alertmanagers, Loki and Tempo replicated 3 times', () => {
    expect(kps.prometheus.prometheusSpec).toMatchObject({ replicas: 2, replicaExternalLabelName: 'prometheus_replica' });
    expect(kps.alertmanager.alertmanagerSpec.replicas).toBe(3);
    const loki = helmValues(k8s, 'loki');
    expect([loki.read.replicas, loki.write.replicas, loki.backend.replicas, loki.loki.structuredConfig.common.replication_factor]).toEqual([3, 3, 3, 3]);
    const tempo = helmValues(k8s, 'tempo');
    expect([tempo.ingester.replicas, tempo.ingester.config.replication_factor]).toEqual([3, 3]);
  });

  test('Loki and Tempo share their model: retention, limits, schema and storage are the same on both targets', () => {
    const dockerLoki = parse(containerFiles(docker, 'loki')['/etc/loki/config.yaml']);
    const k8sLoki = helmValues(k8s, 'loki').loki.structuredConfig;
    for (const key of ['schema_config', 'limits_config', 'auth_enabled']) expect(k8sLoki[key]).toEqual(dockerLoki[key]);
    expect(k8sLoki.common.storage).toEqual(dockerLoki.common.storage);
    const dockerTempo = parse(containerFiles(docker, 'tempo')['/etc/tempo/tempo-config.yml']);
    const k8sTempo = helmValues(k8s, 'tempo').tempo.structuredConfig;
    expect(k8sTempo.storage).toEqual(dockerTempo.storage);
    expect(k8sTempo.compactor).toEqual(dockerTempo.compactor);
    expect(k8sTempo.overrides).toEqual(dockerTempo.overrides);
  });

  test('no secret is a literal: S3 keys and receiver credentials are sensitive variables in Secrets', () => {
    for (const json of [docker, k8s]) {
      for (const v of ['s3_access_key_id', 's3_secret_access_key', 'slack_webhook_url', 'pagerduty_routing_key', 'smtp_password']) {
        expect(json.variable?.[v]).toMatchObject({ sensitive: true });
      }
    }
    // Every Secret but the Alertmanager configuration (a Secret because the operator reads it from one; its credentials are files of the credentials Secret).
    const secrets = Object.values(resources(k8s, 'kubernetes_secret_v1'))
      .filter((s) => (s.metadata as { name: string }).name !== 'prometheus-alertmanager-config')
      .flatMap((s) => Object.values((s.data ?? {}) as Record<string, string>));
    expect(secrets.length).toBeGreaterThan(0);
    for (const value of secrets) expect(value).toMatch(/^\$\{var\.[a-z0-9_]+\}$/);
  });

  (haveTool('promtool') ? test : test.skip)('promtool accepts the rules on both targets', () => {
    expect(promtoolCheckRules(dockerProm).code).toBe(0);
    const r = promtoolCheckRuleGroups(k8sRuleGroups);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  (haveTool('amtool') ? test : test.skip)('amtool accepts the Alertmanager configuration on both targets', () => {
    expect(amtoolCheckConfig(containerFiles(docker, 'alertmanager')).stdout).toMatch(/SUCCESS/);
    // The configuration the operator runs: the library's values merged over the chart's defaults as Helm does.
    const effective = effectiveAlertmanager(k8s);
    const r = amtoolCheckConfigObject(effective.config, effective.templates);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });
});
