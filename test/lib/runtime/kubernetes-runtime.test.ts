import { AnnotationMetadataEntryType, TerraformStack } from 'cdktf';
import { CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE } from '../../../lib/kubernetes/values';
import { Construct } from 'constructs';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Alertmanager } from '../../../constructs/alertmanager';
import { AlertRoute } from '../../../constructs/alert-route';
import { BlackboxExporter } from '../../../constructs/blackbox-exporter';
import { GrafanaDataSources } from '../../../constructs/grafana-data-sources';
import { GrafanaFolder } from '../../../constructs/grafana-folder';
import { GrafanaServer } from '../../../constructs/grafana-server';
import { LokiCluster } from '../../../constructs/loki-cluster';
import { NodeExporter } from '../../../constructs/node-exporter';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { TempoBackend } from '../../../constructs/tempo-backend';
import { secretVariable } from '../../../lib/core/secrets';
import { Matcher } from '../../../lib/alertmanager/matchers';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { CHARTS } from '../../../lib/kubernetes/charts';
import { Observability } from '../../../lib/observability';
import { KubernetesRuntime } from '../../../lib/runtime/kubernetes-runtime';
import {
  amtoolCheckConfigObject,
  haveTool,
  helmRelease,
  helmValues,
  k8sManifests,
  k8sResource,
  promtoolCheckRuleGroups,
  resources,
  synthJson,
  testStack,
} from '../../helpers/synth';
import { effectiveAlertmanager, secretData } from '../../helpers/helm';
import { parse } from 'yaml';

const ALERT = {
  alert: 'PaymentApiDown',
  expr: 'up{job="payment-api"} == 0',
  for: '2m',
  labels: { severity: 'critical', team: 'payments' },
  annotations: { summary: 'payment-api is down', description: '{{ $labels.instance }} is down.', runbook_url: 'https://wiki.example.com/down' },
};

function s3(stack: TerraformStack, bucket: string) {
  return {
    endpoint: 's3.eu-central-1.amazonaws.com',
    bucket,
    accessKeyId: secretVariable(stack, 's3_access_key_id').stringValue,
    secretAccessKey: secretVariable(stack, 's3_secret_access_key').stringValue,
  };
}

function k8sStack(props: ConstructorParameters<typeof KubernetesRuntime>[2] = {}) {
  const stack = testStack();
  const runtime = new KubernetesRuntime(stack, 'Kubernetes', props);
  return { stack, runtime };
}

describe('KubernetesRuntime: providers, namespace, default runtime', () => {
  test('creates the kubernetes and helm providers from one kubeconfig, and the namespace', () => {
    const { stack, runtime } = k8sStack({ kubeconfigPath: '~/.kube/config', kubeconfigContext: 'prod' });
    expect(Observability.of(stack).runtime).toBe(runtime);
    const json = synthJson(stack);
    expect(json.provider?.kubernetes).toEqual([{ config_path: '~/.kube/config', config_context: 'prod' }]);
    expect(json.provider?.helm).toEqual([{ kubernetes: { config_path: '~/.kube/config', config_context: 'prod' } }]);
    expect(k8sResource(json, 'kubernetes_namespace_v1', 'observability').metadata).toMatchObject({ name: 'observability' });
  });

  test('createProviders and createNamespace false leave both to the user', () => {
    const { stack } = k8sStack({ createProviders: false, createNamespace: false, namespace: 'monitoring' });
    new KubernetesProvider(stack, 'MyKubernetes', { configPath: '/etc/kube/admin.conf' });
    new HelmProvider(stack, 'MyHelm', { kubernetes: { configPath: '/etc/kube/admin.conf' } });
    new PrometheusServer(stack, 'Prometheus');
    const json = synthJson(stack);
    expect(json.provider?.kubernetes).toEqual([{ config_path: '/etc/kube/admin.conf' }]);
    expect(resources(json, 'kubernetes_namespace_v1')).toEqual({});
    expect(helmRelease(json, 'prometheus')).toMatchObject({ namespace: 'monitoring' });
  });
});

describe('KubernetesRuntime: generic components', () => {
  test('an exporter reading the node runs as a DaemonSet with host PID and a read-only host mount, scraped pod by pod', () => {
    const { stack } = k8sStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus');
    prometheus.scrape(new NodeExporter(stack, 'NodeExporter'));
    const json = synthJson(stack);
    // Through the Service each scrape would hit one node: the job discovers every pod instead.
    const job = helmValues(json, 'prometheus').prometheus.prometheusSpec.additionalScrapeConfigs.find((j: { job_name: string }) => j.job_name === 'node');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['observability'] } }]);
    expect(job.relabel_configs).toEqual([
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'node-exporter', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '9100', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'instance', action: 'replace' },
    ]);
    expect(job.static_configs).toBeUndefined();
    const ds = k8sResource(json, 'kubernetes_daemon_set_v1', 'node-exporter');
    const pod = ds.spec.template.spec;
    expect(pod.host_pid).toBe(true);
    expect(pod.container[0]).toMatchObject({ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.12.1' });
    expect(pod.container[0].volume_mount).toEqual(expect.arrayContaining([{ name: 'host-0', mount_path: '/host', read_only: true, mount_propagation: 'HostToContainer' }]));
    expect(pod.volume).toEqual(expect.arrayContaining([{ name: 'host-0', host_path: { path: '/' } }]));
    expect(resources(json, 'docker_container')).toEqual({});
  });

  test('a config change rolls the pods: the pod template carries a checksum of the files', () => {
    const checksum = (modules: boolean) => {
      const { stack } = k8sStack();
      const blackbox = new BlackboxExporter(stack, 'Blackbox');
      if (modules) blackbox.addModule('tcp_tls', { prober: 'tcp', tcp: { tls: true } });
      const json = synthJson(stack);
      return k8sResource(json, 'kubernetes_deployment_v1', 'blackbox-exporter').spec.template.metadata.annotations['checksum/config'];
    };
    expect(checksum(false)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(false)).toBe(checksum(false));
    expect(checksum(true)).not.toBe(checksum(false));
  });

  test('a component with a config file runs as a Deployment with a ConfigMap mounted at the file path, and a Service', () => {
    const { stack } = k8sStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus');
    const blackbox = new BlackboxExporter(stack, 'Blackbox');
    prometheus.scrape(blackbox.probe('blackbox-http', { module: 'http_2xx', targets: ['https://example.com'] }));
    const json = synthJson(stack);
    const deployment = k8sResource(json, 'kubernetes_deployment_v1', 'blackbox-exporter');
    const container = deployment.spec.template.spec.container[0];
    expect(container.volume_mount).toEqual(expect.arrayContaining([{ name: 'config', mount_path: '/etc/blackbox_exporter/config.yml', sub_path: 'etc_blackbox_exporter_config.yml', read_only: true }]));
    const cm = k8sResource(json, 'kubernetes_config_map_v1', 'blackbox-exporter-config');
    expect(cm.data['etc_blackbox_exporter_config.yml']).toContain('http_2xx');
    const svc = k8sResource(json, 'kubernetes_service_v1', 'blackbox-exporter');
    expect(svc.spec.port).toEqual([{ name: 'http', port: 9115, target_port: '9115', protocol: 'TCP' }]);
    // Prometheus reaches it by its Service name in the namespace.
    expect(blackbox.endpoint.address).toBe('blackbox-exporter.observability.svc:9115');
    const job = helmValues(json, 'prometheus').prometheus.prometheusSpec.additionalScrapeConfigs.find((j: { job_name: string }) => j.job_name === 'blackbox-http');
    expect(job.relabel_configs).toEqual(expect.arrayContaining([{ action: 'replace', target_label: '__address__', replacement: 'blackbox-exporter.observability.svc:9115' }]));
  });
});

describe('KubernetesRuntime.deploy: a full component spec', () => {
  test('files, secret files, token env values, ports, volumes, user, limits and the healthcheck', () => {
    const { stack, runtime } = k8sStack({ storageClass: 'fast' });
    const key = secretVariable(stack, 'api_key').stringValue;
    const d = runtime.deploy(new Construct(stack, 'App'), {
      name: 'app',
      image: { repository: 'ghcr.io/example/app', tag: '1.0.0' },
      args: ['--listen=:8080', '--greeting=${HOME}'],
      env: { MODE: 'prod', API_KEY: key },
      files: [
        { path: '/etc/app/app.conf', content: 'value: "${1}"' },
        { path: '/etc/app/secrets/token', content: key, secret: true },
      ],
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics-endpoint', containerPort: 9000 }],
      volumes: [{ name: 'data', path: '/var/lib/app' }],
      healthcheck: { test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/ready'], interval: '5s', startPeriod: '30s' },
      labels: { 'prometheus.scrape': 'true' },
      user: '1000:1000',
      resources: { memoryMiB: 256, cpuShares: 512 },
    });
    const json = synthJson(stack);
    const pod = k8sResource(json, 'kubernetes_deployment_v1', 'app').spec.template;
    const c = pod.spec.container[0];
    expect(c).toMatchObject({
      image: 'ghcr.io/example/app:1.0.0',
      args: ['--listen=:8080', '--greeting=$${HOME}'],
      env: [
        { name: 'API_KEY', value_from: { secret_key_ref: { name: 'app-secret', key: 'env.API_KEY' } } },
        { name: 'MODE', value: 'prod' },
      ],
      port: [{ name: 'http', container_port: 8080, protocol: 'TCP' }, { name: 'metrics-endpoin', container_port: 9000, protocol: 'TCP' }],
      security_context: { run_as_user: '1000', run_as_group: '1000' },
      resources: { limits: { memory: '256Mi' }, requests: { memory: '256Mi', cpu: '500m' } },
      readiness_probe: { exec: { command: ['wget', '-q', '--spider', 'http://127.0.0.1:8080/ready'] }, period_seconds: 5, initial_delay_seconds: 30 },
    });
    expect(pod.metadata.annotations).toEqual({ 'prometheus.scrape': 'true', 'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(c.volume_mount).toEqual([
      { name: 'config', mount_path: '/etc/app/app.conf', sub_path: 'etc_app_app.conf', read_only: true },
      { name: 'secret', mount_path: '/etc/app/secrets/token', sub_path: 'etc_app_secrets_token', read_only: true },
      { name: 'data-data', mount_path: '/var/lib/app' },
    ]);
    expect(k8sResource(json, 'kubernetes_config_map_v1', 'app-config').data).toEqual({ 'etc_app_app.conf': 'value: "$${1}"' });
    expect(k8sResource(json, 'kubernetes_secret_v1', 'app-secret').data).toEqual({ etc_app_secrets_token: '${var.api_key}', 'env.API_KEY': '${var.api_key}' });
    expect(k8sResource(json, 'kubernetes_persistent_volume_claim_v1', 'app-data').spec).toMatchObject({ storage_class_name: 'fast', access_modes: ['ReadWriteOnce'] });
    expect(d.endpoint('http').url).toBe('http://app.observability.svc:8080');
    expect(d.publishedUrl('http')).toBeUndefined();
    expect(() => d.endpoint('grpc')).toThrow(/component app has no port named "grpc" \(it has http, metrics-endpoint\)/);
  });
});

describe('KubernetesRuntime: Prometheus through the Prometheus Operator', () => {
  function promStack(props: ConstructorParameters<typeof KubernetesRuntime>[2] = {}) {
    const { stack, runtime } = k8sStack(props);
    const prometheus = new PrometheusServer(stack, 'Prometheus', { externalLabels: { cluster: 'prod' }, retentionTime: '15d' });
    prometheus.addScrapeJob({
      jobName: 'payment-api',
      targets: ['payment-api:8080'],
      basicAuth: { username: 'prom', password: secretVariable(stack, 'scrape_password').stringValue },
    });
    prometheus.addRuleGroup({ name: 'payment_api', rules: [ALERT] });
    return { stack, runtime, prometheus };
  }

  test('one pinned kube-prometheus-stack release with 2 replicas told apart by prometheus_replica', () => {
    const { stack } = promStack();
    const json = synthJson(stack);
    expect(helmRelease(json, 'prometheus')).toMatchObject({
      repository: 'https://prometheus-community.github.io/helm-charts',
      chart: 'kube-prometheus-stack',
      version: CHARTS.kubePrometheusStack.version,
      namespace: 'observability',
      atomic: true,
    });
    const spec = helmValues(json, 'prometheus').prometheus.prometheusSpec;
    expect(spec).toMatchObject({
      replicas: 2,
      replicaExternalLabelName: 'prometheus_replica',
      externalLabels: { cluster: 'prod' },
      retention: '15d',
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      image: { registry: 'docker.io', repository: 'prom/prometheus', tag: 'v3.14.0' },
      ruleSelector: { matchLabels: { 'obs-stack.io/prometheus': 'prometheus' } },
    });
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('50Gi');
  });

  test.each([
    [undefined, { scrapeNativeHistograms: true }, ['exemplar-storage']],
    ['prom/prometheus:v2.53.0', {}, ['exemplar-storage', 'native-histograms']],
  ])('native histograms with image %s: the operator\'s scrapeNativeHistograms from Prometheus 3.8 (operator 0.88, chart 81.1.0), the feature before', (image, extra, features) => {
    const { stack } = k8sStack();
    new PrometheusServer(stack, 'Prometheus', { image, enableNativeHistograms: true, enableExemplarStorage: true });
    const spec = helmValues(synthJson(stack), 'prometheus').prometheus.prometheusSpec;
    expect(spec.enableFeatures).toEqual(features);
    expect(spec.scrapeNativeHistograms).toBe((extra as { scrapeNativeHistograms?: boolean }).scrapeNativeHistograms);
  });

  test.each([
    ['80.0.0', 'prom/prometheus:v3.14.0', true],
    [CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE, 'prom/prometheus:v3.14.0', false],
    ['88.5.3', 'prom/prometheus:v3.8.0', false],
    ['80.0.0', 'prom/prometheus:v3.7.3', false],
  ])('kube-prometheus-stack %s with Prometheus %s and native histograms: warned %s (older charts drop scrapeNativeHistograms)', (chart, image, warned) => {
    const { stack } = k8sStack({ chartVersions: { kubePrometheusStack: chart } });
    const p = new PrometheusServer(stack, 'Prometheus', { image, enableNativeHistograms: true });
    const warnings = p.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    const expected = expect.stringMatching(new RegExp(`needs scrape_native_histograms \\(Prometheus 3\\.8\\+\\), which kube-prometheus-stack passes from 81\\.1\\.0 on \\(got chart ${chart.replace(/\./g, '\\.')}\\)`));
    if (warned) expect(warnings).toEqual(expect.arrayContaining([expected]));
    else expect(warnings).not.toEqual(expect.arrayContaining([expected]));
  });

  test('scrape jobs are additional scrape configs; credentials come from a Secret fed by sensitive variables', () => {
    const { stack } = promStack();
    const json = synthJson(stack);
    const spec = helmValues(json, 'prometheus').prometheus.prometheusSpec;
    expect(spec.additionalScrapeConfigs.map((j: { job_name: string }) => j.job_name)).toEqual(['prometheus', 'payment-api']);
    expect(spec.additionalScrapeConfigs[1].basic_auth).toEqual({ username: 'prom', password_file: '/etc/prometheus/secrets/prometheus-scrape-credentials/payment-api.basic_auth_password' });
    expect(spec.secrets).toEqual(['prometheus-scrape-credentials']);
    const secret = k8sResource(json, 'kubernetes_secret_v1', 'prometheus-scrape-credentials');
    expect(secret.data).toEqual({ 'payment-api.basic_auth_password': '${var.scrape_password}' });
    expect(JSON.stringify(helmRelease(json, 'prometheus'))).not.toContain('var.scrape_password');
  });

  test('prometheusRules "manifest": each rule group is a PrometheusRule the Prometheus selects, depending on the release (CRDs), and promtool accepts it', () => {
    const { stack } = promStack({ prometheusRules: 'manifest' });
    const json = synthJson(stack);
    const rules = k8sManifests(json, 'PrometheusRule');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      metadata: { name: 'prometheus-payment-api', namespace: 'observability', labels: { 'obs-stack.io/prometheus': 'prometheus' } },
    });
    expect(rules[0].spec.groups[0].rules[0].annotations.description).toBe('{{ $labels.instance }} is down.');
    const manifest = Object.values(resources(json, 'kubernetes_manifest'))[0];
    expect(manifest.depends_on).toEqual([expect.stringMatching(/^helm_release\.Kubernetes_PrometheusStack/)]);
    if (haveTool('promtool')) {
      const r = promtoolCheckRuleGroups(rules[0].spec.groups);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  test('by default (prometheusRules "chart-values") the groups ship in additionalPrometheusRulesMap, labelled so the Prometheus selects them', () => {
    const { stack } = promStack();
    const json = synthJson(stack);
    expect(resources(json, 'kubernetes_manifest')).toEqual({});
    const values = helmValues(json, 'prometheus');
    const map = values.additionalPrometheusRulesMap;
    expect(Object.keys(map)).toEqual(['prometheus-payment-api']);
    // The chart labels these objects app/release only; the selector needs our label.
    const selector = values.prometheus.prometheusSpec.ruleSelector.matchLabels;
    expect(map['prometheus-payment-api'].additionalLabels).toEqual(selector);
    if (haveTool('promtool')) expect(promtoolCheckRuleGroups(map['prometheus-payment-api'].groups).code).toBe(0);
  });

  test('a relabel replacement keeps its ${1} through Terraform escaping', () => {
    const { stack, prometheus } = promStack();
    prometheus.addScrapeJob({ jobName: 'pods', targets: ['x:1'], relabelConfigs: [{ sourceLabels: ['__address__'], regex: '(.*):\\d+', targetLabel: 'host', replacement: '${1}' } as never] });
    const json = synthJson(stack);
    expect((helmRelease(json, 'prometheus').values as string[])[0]).toContain('replacement: $${1}');
    const pods = helmValues(json, 'prometheus').prometheus.prometheusSpec.additionalScrapeConfigs.find((j: { job_name: string }) => j.job_name === 'pods');
    expect(pods.relabel_configs[0].replacement).toBe('${1}');
  });

  test('mimir: a mimir-distributed release with S3 credentials in a Secret, and Prometheus remote-writing to it', () => {
    const stack = testStack();
    new KubernetesRuntime(stack, 'Kubernetes');
    new PrometheusServer(stack, 'Prometheus', { mimir: { objectStorage: s3(stack, 'metrics-blocks'), retention: '365d' } });
    const json = synthJson(stack);
    expect(helmRelease(json, 'mimir')).toMatchObject({ chart: 'mimir-distributed', version: CHARTS.mimirDistributed.version });
    const values = helmValues(json, 'mimir');
    expect(values.mimir.structuredConfig.common.storage.s3).toMatchObject({ bucket_name: 'metrics-blocks', access_key_id: '${MIMIR_S3_ACCESS_KEY_ID}' });
    // Single tenant: Prometheus sends no X-Scope-OrgID, which a multi-tenant Mimir refuses.
    expect(values.mimir.structuredConfig.multitenancy_enabled).toBe(false);
    expect(values.mimir.structuredConfig.ingester.ring.replication_factor).toBe(3);
    expect(values.global.extraEnvFrom).toEqual([{ secretRef: { name: 'mimir-s3-credentials' } }]);
    expect(k8sResource(json, 'kubernetes_secret_v1', 'mimir-s3-credentials').data).toEqual({ MIMIR_S3_ACCESS_KEY_ID: '${var.s3_access_key_id}', MIMIR_S3_SECRET_ACCESS_KEY: '${var.s3_secret_access_key}' });
    // One writer (replica 0, its replica label dropped): Mimir would store both replicas' copies.
    expect(helmValues(json, 'prometheus').prometheus.prometheusSpec.remoteWrite).toEqual([
      {
        url: 'http://mimir-nginx.observability.svc:80/api/v1/push',
        writeRelabelConfigs: [
          { sourceLabels: ['prometheus_replica'], regex: 'prometheus-prometheus-prometheus-0', action: 'keep' },
          { action: 'labeldrop', regex: 'prometheus_replica' },
        ],
      },
    ]);
  });

  test('chartVersions moves one chart to another exact version', () => {
    const { stack } = k8sStack({ chartVersions: { kubePrometheusStack: '66.2.1' } });
    new PrometheusServer(stack, 'Prometheus');
    expect(helmRelease(synthJson(stack), 'prometheus').version).toBe('66.2.1');
  });
});

describe('KubernetesRuntime: Alertmanager from the same AlertRoute', () => {
  function amStack() {
    const { stack } = k8sStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus');
    prometheus.addRuleGroup({ name: 'payment_api', rules: [ALERT] });
    const routing = new AlertRoute(stack, 'Routing', {
      receiver: Receiver.slack('slack', { webhookUrl: secretVariable(stack, 'slack_url').stringValue, channel: '#alerts', text: '{{ template "payments.text" . }}' }),
      global: { smtpFrom: 'alerts@example.com', smtpSmarthost: 'smtp.example.com:587', smtpAuthPassword: secretVariable(stack, 'smtp_password').stringValue },
      templates: { payments: '{{ define "payments.text" }}{{ .CommonLabels.alertname }}{{ end }}' },
    });
    routing.addReceiver(Receiver.pagerduty('pager', { routingKey: secretVariable(stack, 'pd_key').stringValue }));
    routing.addRoute({ receiver: 'pager', matchers: [Matcher.eq('severity', 'critical')] });
    const am = new Alertmanager(stack, 'Alertmanager');
    return { stack, am };
  }

  test('a webhook URL from a sensitive variable is a url_file of the Secret: no secret, and no reference to one, in the Helm values', () => {
    const { stack } = amStack();
    const routing = stack.node.findChild('Routing') as AlertRoute;
    routing.addReceiver(Receiver.webhook('hook', { url: secretVariable(stack, 'hook_url').stringValue }));
    routing.addRoute({ receiver: 'hook', matchers: [Matcher.eq('team', 'ops')] });
    const json = synthJson(stack);
    const release = helmRelease(json, 'prometheus');
    expect(JSON.stringify(release.values)).not.toMatch(/var\.(hook_url|slack_url|pd_key|smtp_password)/);
    const { config } = effectiveAlertmanager(json);
    const hook = config.receivers.find((r: { name: string }) => r.name === 'hook');
    expect(hook.webhook_configs[0]).toMatchObject({ url_file: '/etc/alertmanager/secrets/prometheus-alertmanager-credentials/hook.webhook_url.0' });
    expect(hook.webhook_configs[0].url).toBeUndefined();
    const secret = Object.values(resources(json, 'kubernetes_secret_v1')).find((x) => (x.metadata as { name: string }).name === 'prometheus-alertmanager-credentials');
    expect(Object.values(secret!.data as Record<string, string>)).toContain('${var.hook_url}');
  });

  test('3 replicas by default, the config and templates in a Secret of ours (configSecret), credentials in a Secret mounted by the operator', () => {
    const { stack, am } = amStack();
    const json = synthJson(stack);
    const values = helmValues(json, 'prometheus').alertmanager;
    expect(values.alertmanagerSpec).toMatchObject({
      replicas: 3,
      retention: '120h',
      secrets: ['prometheus-alertmanager-credentials'],
      image: { repository: 'prom/alertmanager', tag: 'v0.27.0' },
      // The chart renders no config of its own: nothing of its default merges into ours.
      useExistingSecret: true,
      configSecret: 'prometheus-alertmanager-config',
    });
    expect(values.config).toBeUndefined();
    expect(values.templateFiles).toBeUndefined();
    const files = secretData(json, 'prometheus-alertmanager-config');
    const config = parse(files['alertmanager.yaml']);
    expect(config.receivers[0].slack_configs[0].api_url_file).toBe('/etc/alertmanager/secrets/prometheus-alertmanager-credentials/slack.slack_url.0');
    expect(config.global.smtp_auth_password_file).toBe('/etc/alertmanager/secrets/prometheus-alertmanager-credentials/global.smtp_password');
    expect(config.templates).toEqual(['/etc/alertmanager/config/*.tmpl']);
    expect(files['payments.tmpl']).toBe('{{ define "payments.text" }}{{ .CommonLabels.alertname }}{{ end }}');
    expect(helmRelease(json, 'prometheus').depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_secret_v1\.Alertmanager_Config_/)]));
    expect(k8sResource(json, 'kubernetes_secret_v1', 'prometheus-alertmanager-credentials').data).toEqual({
      'global.smtp_password': '${var.smtp_password}',
      'slack.slack_url.0': '${var.slack_url}',
      'pager.pagerduty_routing_key.0': '${var.pd_key}',
    });
    expect(am.endpoints.map((e) => e.url)).toEqual(['http://prometheus-alertmanager.observability.svc:9093']);
  });

  (haveTool('amtool') ? test : test.skip)('amtool accepts the effective config, templates included', () => {
    const { stack } = amStack();
    const { config, templates } = effectiveAlertmanager(synthJson(stack));
    const r = amtoolCheckConfigObject(config, templates);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });
});

describe('KubernetesRuntime: Loki simple-scalable and Tempo distributed', () => {
  test('Loki: 3 replicas of read, write and backend, replication factor 3, S3 keys in a Secret, rules in a ConfigMap', () => {
    const { stack } = k8sStack();
    new PrometheusServer(stack, 'Prometheus');
    const loki = new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs') });
    loki.addRuleGroup({ name: 'oom', rules: [{ alert: 'OOM', expr: 'sum(count_over_time({job="app"} |= "OOM" [5m])) > 0', for: '1m', labels: { severity: 'warning' }, annotations: { summary: 'OOM', description: 'OOM lines.' } }] });
    const json = synthJson(stack);
    expect(helmRelease(json, 'loki')).toMatchObject({ chart: 'loki', version: CHARTS.loki.version, repository: 'https://grafana-community.github.io/helm-charts' });
    const values = helmValues(json, 'loki');
    expect(values.deploymentMode).toBe('SimpleScalable');
    for (const t of ['read', 'write', 'backend']) {
      expect(values[t]).toMatchObject({ replicas: 3, extraEnvFrom: [{ secretRef: { name: 'loki-s3-credentials' } }] });
      // The chart passes -config.expand-env=true itself (loki-18.11.0 templates/_pod.tpl).
      expect(values[t].extraArgs).toBeUndefined();
    }
    const cfg = values.loki.structuredConfig;
    expect(cfg.common).toMatchObject({ replication_factor: 3, path_prefix: '/var/loki', compactor_grpc_address: 'loki-backend.observability.svc.cluster.local:9095' });
    expect(cfg.common.compactor_address).toBeUndefined();
    expect(cfg.common.storage.s3).toMatchObject({ bucketnames: 'logs', access_key_id: '${LOKI_S3_ACCESS_KEY_ID}', secret_access_key: '${LOKI_S3_SECRET_ACCESS_KEY}' });
    expect(cfg.memberlist.join_members).toEqual(['loki-memberlist.observability.svc.cluster.local:7946']);
    expect(values.loki.schemaConfig).toEqual(cfg.schema_config);
    expect(k8sResource(json, 'kubernetes_secret_v1', 'loki-s3-credentials').data).toEqual({ LOKI_S3_ACCESS_KEY_ID: '${var.s3_access_key_id}', LOKI_S3_SECRET_ACCESS_KEY: '${var.s3_secret_access_key}' });
    expect(Object.keys(k8sResource(json, 'kubernetes_config_map_v1', 'loki-rules').data)).toEqual(['oom.yaml']);
    expect(values.backend.extraVolumeMounts).toEqual([{ name: 'rules', mountPath: '/etc/loki/rules/fake', readOnly: true }]);
    expect(loki.queryUrl).toBe('http://loki-read.observability.svc:3100');
    expect(loki.pushUrl).toBe('http://loki-write.observability.svc:3100/loki/api/v1/push');
  });

  test('Tempo: 3 ingesters with replication factor 3, S3 keys in a Secret, span metrics remote-written to the operator Prometheus', () => {
    const { stack } = k8sStack();
    new PrometheusServer(stack, 'Prometheus');
    const tempo = new TempoBackend(stack, 'Tempo', {
      objectStorage: { endpoint: 's3.eu-central-1.amazonaws.com', bucket: 'traces', accessKey: secretVariable(stack, 'tk').stringValue, secretKey: secretVariable(stack, 'ts').stringValue },
    });
    const json = synthJson(stack);
    expect(helmRelease(json, 'tempo')).toMatchObject({ chart: 'tempo-distributed', version: CHARTS.tempoDistributed.version });
    const values = helmValues(json, 'tempo');
    expect(values.ingester).toMatchObject({ replicas: 3, config: { replication_factor: 3 }, extraEnvFrom: [{ secretRef: { name: 'tempo-s3-credentials' } }] });
    expect(values.metricsGenerator.enabled).toBe(true);
    const cfg = values.tempo.structuredConfig;
    expect(cfg.server).toBeUndefined();
    expect(cfg.storage.trace.s3).toMatchObject({ bucket: 'traces', access_key: '${TEMPO_S3_ACCESS_KEY}' });
    // Every replica, by pod, through the operator's headless Service: the load-balanced one would split the series.
    expect(cfg.metrics_generator.storage.remote_write).toEqual([0, 1].map((i) => ({ url: `http://prometheus-prometheus-prometheus-${i}.prometheus-operated.observability.svc:9090/api/v1/write`, send_exemplars: true })));
    expect(helmValues(json, 'prometheus').prometheus.prometheusSpec).toMatchObject({ enableRemoteWriteReceiver: true, enableFeatures: ['exemplar-storage'] });
    expect(tempo.otlpGrpcEndpoint.address).toBe('tempo-distributor.observability.svc:4317');
    expect(tempo.queryUrl).toBe('http://tempo-query-frontend.observability.svc:3200');
  });
});

describe('KubernetesRuntime: Grafana', () => {
  test('a grafana release reading its admin credentials from a Secret; the provider and every grafana_* resource wait for it', () => {
    const { stack } = k8sStack();
    const grafana = new GrafanaServer(stack, 'Grafana');
    new GrafanaFolder(stack, 'Folder', { title: 'Payments' });
    const json = synthJson(stack);
    const release = helmRelease(json, 'grafana');
    expect(release).toMatchObject({ chart: 'grafana', version: CHARTS.grafana.version });
    expect(release.set_sensitive).toBeUndefined();
    expect(release.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_secret_v1\.Grafana_AdminSecret/)]));
    const secret = Object.values(resources(json, 'kubernetes_secret_v1')).find((s) => (s.metadata as { name: string }).name === 'grafana-admin');
    expect(secret?.data).toEqual({ 'admin-user': 'admin', 'admin-password': '${var.grafana_admin_password}' });
    const values = helmValues(json, 'grafana');
    expect(values).toMatchObject({ admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' }, image: { repository: 'grafana/grafana', tag: '11.5.0' }, service: { port: 80 } });
    // An in-cluster provider URL only works when Terraform runs in the cluster: a warning says so.
    expect(grafana.node.metadata.map((m) => String(m.data))).toEqual(expect.arrayContaining([expect.stringMatching(/cluster-internal address: Terraform must run inside the cluster/)]));
    expect(Object.keys(values.env)).not.toContain('GF_SECURITY_ADMIN_PASSWORD');
    expect(JSON.stringify(values)).not.toContain('grafana_admin_password');
    expect((json.provider as Record<string, Array<{ url: string }>>).grafana[0].url).toBe('http://grafana.observability.svc:80');
    const folder = Object.values(resources(json, 'grafana_folder'))[0];
    expect(folder.depends_on).toEqual([expect.stringMatching(/^helm_release\.Grafana_/)]);
  });
});

describe('KubernetesRuntime: Grafana data sources', () => {
  test('discover the in-cluster Services of Prometheus, Alertmanager, Loki and Tempo', () => {
    const { stack } = k8sStack();
    new PrometheusServer(stack, 'Prometheus');
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook.observability.svc:8080/' }) });
    new Alertmanager(stack, 'Alertmanager');
    new LokiCluster(stack, 'Loki', { objectStorage: s3(stack, 'logs') });
    new TempoBackend(stack, 'Tempo', { objectStorage: { endpoint: 's3.example.com', bucket: 'traces', accessKey: secretVariable(stack, 'tk').stringValue, secretKey: secretVariable(stack, 'ts').stringValue } });
    new GrafanaServer(stack, 'Grafana');
    new GrafanaDataSources(stack, 'DataSources');
    const urls = Object.values(resources(synthJson(stack), 'grafana_data_source')).map((d) => `${d.type} ${d.url}`).sort();
    expect(urls).toEqual([
      'alertmanager http://prometheus-alertmanager.observability.svc:9093',
      'loki http://loki-read.observability.svc:3100',
      'prometheus http://prometheus-prometheus.observability.svc:9090',
      'tempo http://tempo-query-frontend.observability.svc:3200',
    ]);
  });
});

describe('KubernetesRuntime: HA warnings', () => {
  test.each([
    ['Prometheus', (s: TerraformStack) => new PrometheusServer(s, 'X', { replicas: 1 }), /single Prometheus/],
    ['Alertmanager', (s: TerraformStack) => { new AlertRoute(s, 'R', { receiver: Receiver.webhook('w', { url: 'http://hook:8080/' }) }); return new Alertmanager(s, 'X', { replicas: 1 }); }, /fewer than 3 Alertmanagers/],
    ['Loki', (s: TerraformStack) => new LokiCluster(s, 'X', { replicas: 1, objectStorage: s3(s, 'logs') }), /replication factor drops to 1/],
  ])('%s with one replica warns', (_what, make, pattern) => {
    const { stack } = k8sStack();
    const c = make(stack);
    const warnings = c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(pattern)]);
  });
});
