/**
 * Helm values for the Kubernetes target, built from the engine descriptions (which render
 * the same typed models as the Docker target: scrape jobs, rule groups, alertmanager.yml,
 * loki.yaml, tempo.yaml). Pure functions: no provider import, no Terraform escaping (the
 * runtime escapes the YAML once). Secrets never appear here: they are referenced by the name
 * of a Kubernetes Secret the runtime fills from sensitive variables.
 */
import { AlertmanagerDocument, AlertmanagerLayout } from '../alertmanager/config';
import { LOKI_HTTP_PORT, LOKI_MEMBERLIST_PORT, LOKI_TENANT } from '../loki/config';
import { renderMimirDocument } from '../mimir/config';
import { TempoGeneration, tempoGeneration } from '../tempo/config';
import { CHART_SOURCES } from './charts';
import { resolveDuration } from '../core/duration';
import { renderRuleGroup } from '../prometheus/rules';
import { renderScrapeJob } from '../prometheus/scrape';
import { nativeHistogramsVia, prometheusVersionFor } from '../prometheus/version';
import { versionAtLeast } from '../core/releases';
import { ImageRef, ResourceLimits } from '../runtime/component';
import { toYaml } from '../core/yaml';
import { AlertmanagerEngineSpec, GrafanaEngineSpec, LokiClusterLayout, LokiEngineSpec, PrometheusEngineSpec, TempoEngineSpec } from '../runtime/engines';

/** The label the operator's Prometheus replicas differ by (`replicaExternalLabelName`). */
export const PROMETHEUS_REPLICA_LABEL = 'prometheus_replica';
/** The label an AlertmanagerConfig object needs for the operator to merge it into our Alertmanager's configuration. */
export const ALERTMANAGER_CONFIG_SELECTOR_LABEL = 'obs-stack.io/alertmanager';
/** Label put on our PrometheusRule objects; the Prometheus selects rules by it. */
export const RULE_SELECTOR_LABEL = 'obs-stack.io/prometheus';

/** Port of the Tempo chart's HTTP services (query frontend, `/ready`): `server.httpListenPort`, 3200 since chart 1.41.0. */
export const TEMPO_CHART_HTTP_PORT = 3200;
/** Port of the Loki chart's gRPC services. */
export const LOKI_CHART_GRPC_PORT = 9095;
/** Where the Loki chart mounts its data volume. */
export const LOKI_CHART_DATA_PATH = '/var/loki';
/** Where the backend target reads rule files (`<dir>/<tenant>/`). */
export const LOKI_CHART_RULES_DIR = '/etc/loki/rules';

/** Default volume sizes of the stateful engines. */
export const VOLUME_SIZES = { prometheus: '50Gi', alertmanager: '1Gi', loki: '10Gi', tempo: '10Gi', grafana: '10Gi' } as const;

/**
 * Escapes a string for a value the chart passes through Helm's `tpl`: each literal `{{`
 * becomes the action `` {{`{{`}} ``, which prints `{{`, so the engine receives the string as
 * written (a `{{ $labels.x }}` would otherwise be evaluated by Helm and fail the release). A
 * raw-string action, not `{{ "{{" }}`: the chart's `toYaml` may write the value as a YAML
 * double-quoted scalar, where `"` becomes `\"` and the action would no longer parse. Terraform's
 * own escaping (`${` → `$${`) is applied after this, on the whole values document.
 */
export function escapeHelmTpl(s: string): string {
  return s.replace(/\{\{/g, () => '{{`{{`}}');
}

/** escapeHelmTpl on every string (keys included) of a JSON-like value. */
export function escapeHelmTplDeep<T>(v: T): T {
  if (typeof v === 'string') return escapeHelmTpl(v) as unknown as T;
  if (Array.isArray(v)) return v.map(escapeHelmTplDeep) as unknown as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapeHelmTpl(k), escapeHelmTplDeep(x)])) as T;
  return v;
}

/**
 * A value the grafana chart writes as `value: {{ tpl (print $value) $ | quote }}`
 * (templates/_pod.tpl at grafana-12.11.1): `quote` escapes what `tpl` prints for the YAML
 * scalar, so only `tpl` needs escaping. (Up to the 8.x charts the chart wrote the value inside
 * literal double quotes without escaping; the value was escaped for YAML here then.)
 */
export function escapeGrafanaEnvValue(s: string): string {
  return escapeHelmTpl(s);
}

/** `{ registry, repository, tag }` as the charts take an image. */
export function chartImage(ref: ImageRef): { registry: string; repository: string; tag: string } {
  const first = ref.repository.split('/')[0];
  const hasRegistry = ref.repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasRegistry
    ? { registry: first, repository: ref.repository.slice(first.length + 1), tag: ref.tag }
    : { registry: 'docker.io', repository: ref.repository, tag: ref.tag };
}

/** Kubernetes requests/limits from the runtime-neutral limits. */
export function k8sResources(r?: ResourceLimits): Record<string, unknown> | undefined {
  if (!r || (r.memoryMiB === undefined && r.cpuShares === undefined)) return undefined;
  const out: Record<string, Record<string, string>> = {};
  if (r.memoryMiB !== undefined) {
    out.limits = { memory: `${r.memoryMiB}Mi` };
    out.requests = { memory: `${r.memoryMiB}Mi` };
  }
  // Docker CPU shares are a relative weight, 1024 = one CPU: a request, not a limit.
  if (r.cpuShares !== undefined) out.requests = { ...(out.requests ?? {}), cpu: `${Math.max(1, Math.round((r.cpuShares * 1000) / 1024))}m` };
  return out;
}

function pvcTemplate(size: string, storageClass?: string): Record<string, unknown> {
  return {
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: size } },
    },
  };
}

function withResources<T extends Record<string, unknown>>(o: T, r?: ResourceLimits): T {
  const res = k8sResources(r);
  return res ? { ...o, resources: res } : o;
}

/** The Alertmanager layout under the Prometheus Operator. */
export function operatorAlertmanagerLayout(secretName: string): AlertmanagerLayout {
  // Secrets, webhook URLs included, are files of the operator-mounted Secret: nothing secret
  // reaches the Helm values (and the release's plan diff stays readable).
  return { secretsDir: `/etc/alertmanager/secrets/${secretName}`, templatesGlob: '/etc/alertmanager/config/*.tmpl', webhookUrlFile: true };
}

/** Where the operator mounts the Prometheus secret holding scrape credentials. */
export function operatorPrometheusSecretsDir(secretName: string): string {
  return `/etc/prometheus/secrets/${secretName}`;
}

/** Inputs of the kube-prometheus-stack values. */
export interface PrometheusStackInput {
  /** `fullnameOverride`: services are `<fullname>-prometheus` and `<fullname>-alertmanager`. */
  readonly fullname: string;
  readonly storageClass?: string;
  readonly prometheus?: {
    readonly spec: PrometheusEngineSpec;
    /** The Secret with scrape credentials, when a job has any. */
    readonly secretName?: string;
    /** Mimir's push URL, when Mimir is on. */
    readonly remoteWriteUrl?: string;
  };
  /** Turn on the chart's own exporters and ServiceMonitors (kubelet, kube-state-metrics, control plane, self-monitoring). */
  readonly chartMonitors?: boolean;
  readonly alertmanager?: {
    readonly spec: AlertmanagerEngineSpec;
    /** The Secret holding alertmanager.yaml and the templates (`alertmanagerSpec.configSecret`). */
    readonly configSecretName: string;
    /** The Secret with receiver credentials, when a receiver has any. */
    readonly secretName?: string;
  };
  /** Ship rule groups in the chart's `additionalPrometheusRulesMap` instead of PrometheusRule resources of our own. */
  readonly rulesInValues: boolean;
}

/**
 * kube-prometheus-stack passes `prometheusSpec.scrapeNativeHistograms` to the Prometheus
 * resource from chart 81.1.0 (operator 0.88.0, the first with the field): read from
 * prometheus-community/helm-charts templates/prometheus/prometheus.yaml at the chart tags and
 * prometheus-operator pkg/apis/monitoring/v1/prometheus_types.go.
 */
export const CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE = '81.1.0';

/**
 * Why `chartVersion` of kube-prometheus-stack cannot run what the spec asks: native histograms
 * on Prometheus 3.8+ need `scrapeNativeHistograms`, which older charts drop silently.
 */
export function prometheusChartProblem(chartVersion: string, spec: PrometheusEngineSpec): string | undefined {
  if (!spec.flags().nativeHistograms || nativeHistogramsVia(prometheusVersionFor(spec.image.tag).version) !== 'config') return undefined;
  if (versionAtLeast(chartVersion, CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE, true)) return undefined;
  return `enableNativeHistograms on ${spec.image.repository}:${spec.image.tag} needs scrape_native_histograms (Prometheus 3.8+), which kube-prometheus-stack passes from ${CHART_SCRAPE_NATIVE_HISTOGRAMS_SINCE} on (got chart ${chartVersion}): this chart drops it and Prometheus will not scrape native histograms. Move the chart (chartVersions.kubePrometheusStack), or pin a Prometheus before 3.8.`;
}

/** values.yaml of kube-prometheus-stack (object form). */
export function prometheusStackValues(input: PrometheusStackInput): Record<string, unknown> {
  const monitors = input.chartMonitors ?? false;
  const values: Record<string, unknown> = {
    fullnameOverride: input.fullname,
    crds: { enabled: true },
    // Our rule groups are the stack's alerting; the chart's own rules and dashboards are off
    // (Grafana is managed by the grafana provider), and so is its node exporter (NodeExporter
    // is a construct of its own).
    defaultRules: { create: false },
    grafana: { enabled: false },
    nodeExporter: { enabled: false },
    // The chart's exporters and ServiceMonitors (all on by default, 65.1.1 to 88.5.3) scrape far more
    // than the stack's own jobs: off unless chartMonitors asks for them.
    ...chartMonitorSwitches(monitors),
  };
  const p = input.prometheus;
  if (p) {
    const s = p.spec;
    const flags = s.flags();
    const g = s.global;
    // Native histograms: the operator's scrapeNativeHistograms (scrape_native_histograms, for
    // Prometheus 3.8+; operator 0.88+, passed by kube-prometheus-stack from 81.1.0), the
    // feature flag for older Prometheus versions.
    const nativeVia = nativeHistogramsVia(prometheusVersionFor(s.image.tag).version);
    const features = [flags.exemplarStorage && 'exemplar-storage', flags.nativeHistograms && nativeVia === 'flag' && 'native-histograms'].filter((f): f is string => Boolean(f));
    const secretsDir = p.secretName ? operatorPrometheusSecretsDir(p.secretName) : undefined;
    values.prometheus = {
      enabled: true,
      serviceMonitor: { selfMonitor: monitors },
      prometheusSpec: withResources(
        {
          image: chartImage(s.image),
          replicas: s.replicas,
          replicaExternalLabelName: PROMETHEUS_REPLICA_LABEL,
          // Passed through tpl by the chart (templates/prometheus/prometheus.yaml).
          ...(g.externalLabels && Object.keys(g.externalLabels).length ? { externalLabels: escapeHelmTplDeep(g.externalLabels) } : {}),
          scrapeInterval: resolveDuration(g.scrapeInterval ?? '15s').text,
          ...(g.scrapeTimeout !== undefined ? { scrapeTimeout: resolveDuration(g.scrapeTimeout).text } : {}),
          evaluationInterval: resolveDuration(g.evaluationInterval ?? '15s').text,
          retention: s.retention,
          ...(s.retentionSize ? { retentionSize: s.retentionSize } : {}),
          enableRemoteWriteReceiver: flags.remoteWriteReceiver,
          ...(features.length ? { enableFeatures: features } : {}),
          ...(flags.nativeHistograms && nativeVia === 'config' ? { scrapeNativeHistograms: true } : {}),
          // Passed through tpl by the chart (templates/prometheus/additionalScrapeConfigs.yaml).
          additionalScrapeConfigs: escapeHelmTplDeep(s.scrapeJobs().map((j) => renderScrapeJob(j, secretsDir))),
          // Passed through tpl by the chart since 88.x (templates/prometheus/prometheus.yaml).
          ...(p.secretName ? { secrets: escapeHelmTplDeep([p.secretName]) } : {}),
          ruleSelectorNilUsesHelmValues: false,
          ruleSelector: escapeHelmTplDeep({ matchLabels: { [RULE_SELECTOR_LABEL]: s.name } }),
          // Service and pod monitors keep the chart's selector (its release label): only the
          // chart's own monitors carry it, and they are off unless chartMonitors.
          ...(p.remoteWriteUrl ? { remoteWrite: escapeHelmTplDeep([singleWriter(p.remoteWriteUrl, input.fullname)]) } : {}),
          storageSpec: escapeHelmTplDeep({ volumeClaimTemplate: pvcTemplate(VOLUME_SIZES.prometheus, input.storageClass) }),
        },
        s.resources,
      ),
    };
    if (input.rulesInValues) {
      values.additionalPrometheusRulesMap = Object.fromEntries(
        // The chart labels these objects app/release only: `additionalLabels` adds the label
        // the Prometheus selects its rules by, or it would load none of them.
        s.ruleGroups().map((group) => [ruleObjectName(s.name, group.name), { additionalLabels: { [RULE_SELECTOR_LABEL]: s.name }, groups: [renderRuleGroup(group)] }]),
      );
    }
  } else {
    values.prometheus = { enabled: false, serviceMonitor: { selfMonitor: monitors } };
  }
  const a = input.alertmanager;
  if (a) {
    const s = a.spec;
    values.alertmanager = {
      enabled: true,
      serviceMonitor: { selfMonitor: monitors },
      // The configuration is our own Secret (alertmanagerConfigFiles), not `config`: Helm would
      // merge `config` into the chart's default (its Watchdog route to receiver "null", its
      // inhibit rules and templates), and the operator would run that mix or refuse it.
      alertmanagerSpec: withResources(
        {
          image: chartImage(s.image),
          replicas: s.replicas,
          retention: s.retention,
          useExistingSecret: true,
          configSecret: a.configSecretName,
          // The chart renders an empty selector when none is given, with which the operator
          // merges every AlertmanagerConfig object of every namespace into ours: only those
          // labelled for this Alertmanager are merged.
          alertmanagerConfigSelector: escapeHelmTplDeep({ matchLabels: { [ALERTMANAGER_CONFIG_SELECTOR_LABEL]: s.name } }),
          // Passed through tpl by the chart (templates/alertmanager/alertmanager.yaml).
          ...(s.externalUrl ? { externalUrl: escapeHelmTpl(s.externalUrl) } : {}),
          ...(a.secretName ? { secrets: [a.secretName] } : {}),
          storage: escapeHelmTplDeep({ volumeClaimTemplate: pvcTemplate(VOLUME_SIZES.alertmanager, input.storageClass) }),
        },
        s.resources,
      ),
    };
  } else {
    values.alertmanager = { enabled: false, serviceMonitor: { selfMonitor: monitors } };
  }
  return values;
}

/**
 * The files of the Secret the operator reads the Alertmanager configuration from
 * (`alertmanagerSpec.configSecret`): `alertmanager.yaml` exactly as the model renders it, and
 * the templates, which the operator copies next to it under /etc/alertmanager/config.
 */
export function alertmanagerConfigFiles(document: AlertmanagerDocument): Record<string, string> {
  return {
    'alertmanager.yaml': toYaml(document.doc),
    ...Object.fromEntries([...document.templates].map(([n, c]) => [`${n}.tmpl`, c])),
  };
}

/** The chart values whose default adds exporters, ServiceMonitors or self-monitoring (kube-prometheus-stack values.yaml, the same from 65.1.1 to 88.5.3). */
export function chartMonitorSwitches(on: boolean): Record<string, unknown> {
  const enabled = { enabled: on };
  return {
    kubeStateMetrics: enabled,
    kubelet: enabled,
    kubeApiServer: enabled,
    kubeControllerManager: enabled,
    coreDns: enabled,
    kubeEtcd: enabled,
    kubeScheduler: enabled,
    kubeProxy: enabled,
    prometheusOperator: { serviceMonitor: { selfMonitor: on } },
  };
}

/** The name of the Prometheus custom resource kube-prometheus-stack creates (`<fullname>-prometheus`). */
export function prometheusCrName(fullname: string): string {
  return `${fullname}-prometheus`;
}

/**
 * The pod of one Prometheus replica as the operator names it: StatefulSet
 * `prometheus-<custom resource>` (pkg/prometheus/common.go PrefixedName, operator v0.77.1 to v0.93),
 * ordinal `i`. It is also the replica's `prometheus_replica` label value (`$(POD_NAME)`).
 */
export function prometheusPodName(fullname: string, i: number): string {
  return `prometheus-${prometheusCrName(fullname)}-${i}`;
}

/**
 * Every replica's own address, through the operator's headless governing Service
 * `prometheus-operated` (pkg/prometheus/server/statefulset.go): pushes that must reach every
 * replica (Tempo's span metrics) go to each of them, not through the load-balanced Service.
 */
export function prometheusReplicaHosts(fullname: string, namespace: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${prometheusPodName(fullname, i)}.prometheus-operated.${namespace}.svc`);
}

/**
 * Mimir's remote write from one replica only. Every replica writes the same series, differing
 * by `prometheus_replica`; Mimir would store both copies. Its HA tracker deduplicates, but
 * needs Consul or etcd (memberlist cannot back it), which the chart does not install: so
 * replica 0 writes (write relabelling sees the external labels), without its replica label.
 * Mimir misses samples while replica 0 is down; docs/kubernetes.md says so.
 */
function singleWriter(url: string, fullname: string): Record<string, unknown> {
  return {
    url,
    writeRelabelConfigs: [
      { sourceLabels: [PROMETHEUS_REPLICA_LABEL], regex: prometheusPodName(fullname, 0), action: 'keep' },
      { action: 'labeldrop', regex: PROMETHEUS_REPLICA_LABEL },
    ],
  };
}

/**
 * The name kube-prometheus-stack gives an object of `additionalPrometheusRulesMap`: since
 * 88.x `<chart fullname>-<key>` cut to 63 characters (templates/prometheus/additionalPrometheusRules.yaml;
 * the fullname is `fullnameOverride` cut to 26). Two keys can end up with one name.
 */
export function chartRuleObjectName(fullname: string, key: string): string {
  const chartFullname = fullname.slice(0, 26).replace(/-+$/, '');
  return `${chartFullname}-${key}`.slice(0, 63).replace(/-+$/, '');
}

/** The name of the PrometheusRule holding one group: `<prometheus>-<group>`, DNS-safe. */
export function ruleObjectName(prometheus: string, group: string): string {
  return dnsLabel(`${prometheus}-${group}`);
}

/** A DNS-1123 name derived from `s` (lower case, `-` for anything else, at most 63 characters). */
export function dnsLabel(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The PrometheusRule manifest of one group (our own resource, selected by the Prometheus). */
export function prometheusRuleManifest(prometheus: string, namespace: string, group: Parameters<typeof renderRuleGroup>[0]): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: ruleObjectName(prometheus, group.name),
      namespace,
      labels: { [RULE_SELECTOR_LABEL]: prometheus, 'app.kubernetes.io/managed-by': 'cdktf' },
    },
    spec: { groups: [renderRuleGroup(group)] },
  };
}

/**
 * Loki's cluster layout on the chart. Services derive from `fullnameOverride` (the memberlist
 * Service is `<loki.fullname>-memberlist` at loki-18.11.0; it was `<loki.name>-memberlist`
 * up to 6.x), workloads from `nameOverride` (`<loki.name>-<target>`): the values set both to
 * `fullname`, so two Loki releases in a namespace do not collide.
 */
export function lokiChartLayout(fullname: string, namespace: string, replicas: number): LokiClusterLayout {
  return {
    joinMembers: [`${fullname}-memberlist.${namespace}.svc.cluster.local:${LOKI_MEMBERLIST_PORT}`],
    compactorAddress: `http://${fullname}-backend.${namespace}.svc.cluster.local:${LOKI_HTTP_PORT}`,
    dataPath: LOKI_CHART_DATA_PATH,
    rulesDir: LOKI_CHART_RULES_DIR,
    replicationFactor: Math.min(3, replicas),
  };
}

/**
 * The compactor's gRPC address: the backend Service (`<loki.fullname>-backend`). The chart sets
 * `common.compactor_grpc_address` to it by default (values.yaml at loki-18.11.0), and Loki uses
 * it in preference to `compactor_address` (pkg/loki/modules.go at v3.7.6): set here so the
 * address does not depend on the chart's helper, and the HTTP one, which Loki would ignore, dropped.
 */
export function lokiCompactorGrpcAddress(fullname: string, namespace: string): string {
  return `${fullname}-backend.${namespace}.svc.cluster.local:${LOKI_CHART_GRPC_PORT}`;
}

function withCompactorGrpc(doc: Record<string, unknown>, address: string): Record<string, unknown> {
  const { compactor_address: _http, ...common } = (doc.common ?? {}) as Record<string, unknown>;
  void _http;
  return { ...doc, common: { ...common, compactor_grpc_address: address } };
}

/** Inputs of the loki chart values. */
export interface LokiValuesInput {
  readonly fullname: string;
  readonly namespace: string;
  readonly spec: LokiEngineSpec;
  /** The Secret with `LOKI_S3_*` credentials. */
  readonly credentialsSecret: string;
  /** The ConfigMap with rule files, when there are rules. */
  readonly rulesConfigMap?: string;
  readonly storageClass?: string;
}

/** values.yaml of the loki chart in simple-scalable mode (object form). */
export function lokiValues(input: LokiValuesInput): Record<string, unknown> {
  const s = input.spec;
  const layout = lokiChartLayout(input.fullname, input.namespace, s.replicas);
  const doc = withCompactorGrpc(s.document(layout), lokiCompactorGrpcAddress(input.fullname, input.namespace));
  const storage = s.objectStorage;
  const persistence = { persistence: { size: VOLUME_SIZES.loki, ...(input.storageClass ? { storageClass: input.storageClass } : {}) } };
  const target = (extra: Record<string, unknown> = {}) =>
    withResources(
      {
        replicas: s.replicas,
        // The chart passes -config.expand-env=true itself (templates/_pod.tpl at loki-18.11.0).
        extraEnvFrom: [{ secretRef: { name: input.credentialsSecret } }],
        ...extra,
      },
      s.resources,
    );
  return {
    fullnameOverride: input.fullname,
    // loki.name: the workloads are <loki.name>-<target>, their Services <loki.fullname>-<target>.
    nameOverride: input.fullname,
    deploymentMode: 'SimpleScalable',
    loki: {
      image: chartImage(s.image),
      auth_enabled: false,
      commonConfig: { replication_factor: layout.replicationFactor },
      // The chart checks these before it renders; the full configuration is structuredConfig.
      schemaConfig: doc.schema_config,
      storage: {
        type: 's3',
        bucketNames: { chunks: storage.bucket, ruler: storage.bucket, admin: storage.bucket },
        s3: {
          endpoint: storage.endpoint,
          ...(storage.region !== undefined ? { region: storage.region } : {}),
          insecure: storage.insecure ?? false,
          s3ForcePathStyle: storage.forcePathStyle ?? true,
        },
      },
      // Passed through tpl by the chart (loki.calculatedConfig).
      structuredConfig: escapeHelmTplDeep(doc),
    },
    // read is a Deployment with an emptyDir (no legacyReadTarget): the chart ignores
    // read.persistence, so it is not set. write and backend are StatefulSets with volumes.
    read: target(),
    write: target(persistence),
    backend: target(
      input.rulesConfigMap
        ? {
            ...persistence,
            extraVolumes: [{ name: 'rules', configMap: { name: input.rulesConfigMap } }],
            extraVolumeMounts: [{ name: 'rules', mountPath: `${LOKI_CHART_RULES_DIR}/${LOKI_TENANT}`, readOnly: true }],
          }
        : persistence,
    ),
    singleBinary: { replicas: 0 },
    gateway: { enabled: false },
    minio: { enabled: false },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
  };
}

/**
 * The configuration layout of the Tempo the pinned tempo-distributed chart runs (its own
 * image, the chart's appVersion, 2.10.7 at 2.26.2; TEMPO_IMAGE is not passed to it): Tempo 2's
 * ingester and compactor. Derived from the pin, so moving the chart to a Tempo 3 release
 * moves the layout with it.
 */
export const TEMPO_CHART_GENERATION: TempoGeneration = tempoGeneration(CHART_SOURCES.tempoDistributed.appVersion);

/** Inputs of the tempo-distributed values. */
export interface TempoValuesInput {
  readonly fullname: string;
  readonly spec: TempoEngineSpec;
  /** The Secret with `TEMPO_S3_*` credentials. */
  readonly credentialsSecret: string;
  readonly storageClass?: string;
}

const TEMPO_COMPONENTS = ['ingester', 'distributor', 'querier', 'queryFrontend', 'compactor', 'metricsGenerator'] as const;

/** values.yaml of tempo-distributed (object form). */
export function tempoValues(input: TempoValuesInput): Record<string, unknown> {
  const s = input.spec;
  // The chart owns the server ports (its services and probes use them); the rest of the
  // document is the model's, merged over the chart's with `tempo.structuredConfig`.
  const { server: _server, ...doc } = s.document();
  void _server;
  const env = { extraArgs: ['-config.expand-env=true'], extraEnvFrom: [{ secretRef: { name: input.credentialsSecret } }] };
  const replicas: Record<(typeof TEMPO_COMPONENTS)[number], number> = {
    ingester: s.replicas,
    distributor: 2,
    querier: 2,
    queryFrontend: 2,
    compactor: 1,
    metricsGenerator: 1,
  };
  const values: Record<string, unknown> = {
    fullnameOverride: input.fullname,
    reportingEnabled: false,
    // Passed through tpl by the chart (tempo.calculatedConfig). No image: the chart runs its own
    // Tempo 2 (appVersion 2.10.7 at 2.26.2); the library's Tempo 3 image needs the 3.x chart,
    // whose write path goes through an external Kafka broker.
    tempo: { structuredConfig: escapeHelmTplDeep(doc) },
    storage: { trace: { backend: 's3' } },
    traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
  };
  for (const c of TEMPO_COMPONENTS) {
    const extra: Record<string, unknown> = { replicas: replicas[c], ...env };
    if (c === 'ingester') {
      extra.config = { replication_factor: Math.min(3, s.replicas) };
      extra.persistence = { enabled: true, size: VOLUME_SIZES.tempo, ...(input.storageClass ? { storageClass: input.storageClass } : {}) };
    }
    if (c === 'metricsGenerator') extra.enabled = s.metricsGenerator;
    values[c] = withResources(extra, s.resources);
  }
  return values;
}

/** Grafana's plugin-install variables; the chart sets its own from `plugins`. */
const GRAFANA_PLUGIN_ENV: readonly string[] = ['GF_INSTALL_PLUGINS', 'GF_PLUGINS_PREINSTALL', 'GF_PLUGINS_PREINSTALL_SYNC'];

/** Keys of the admin Secret the grafana chart reads (`admin.existingSecret`). */
export const GRAFANA_ADMIN_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** values.yaml of the grafana chart (object form); the admin credentials come from a Secret. */
export function grafanaValues(fullname: string, s: GrafanaEngineSpec, storageClass?: string, adminSecret?: string): Record<string, unknown> {
  // The chart sets the admin credentials itself (from its Secret), and the plugin variable
  // (GF_PLUGINS_PREINSTALL_SYNC at grafana-12.11.1) from `plugins`: keep all of them out of
  // env. The chart writes each name and value through tpl and quote (templates/_pod.tpl).
  const env = Object.fromEntries(
    Object.entries(s.env)
      .filter(([k]) => !k.startsWith('GF_SECURITY_ADMIN_') && !GRAFANA_PLUGIN_ENV.includes(k))
      .map(([k, v]) => [escapeHelmTpl(k), escapeGrafanaEnvValue(v)]),
  );
  return withResources(
    {
      fullnameOverride: fullname,
      image: chartImage(s.image),
      // The password never goes through Helm values or --set (which would mangle `,` and `\`).
      ...(adminSecret ? { admin: { existingSecret: adminSecret, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password } } : { adminUser: s.adminUser }),
      env,
      // grafana-12.11.1 joins `plugins` into GF_PLUGINS_PREINSTALL_SYNC, which reads `id@version`.
      ...(s.plugins.length ? { plugins: s.plugins.map((p) => p.trim().replace(/\s+/, '@')) } : {}),
      persistence: { enabled: true, size: VOLUME_SIZES.grafana, ...(storageClass ? { storageClassName: storageClass } : {}) },
      service: { type: 'ClusterIP', port: 80 },
      testFramework: { enabled: false },
    },
    s.resources,
  );
}

/** values.yaml of mimir-distributed (object form). */
export function mimirValues(fullname: string, mimir: Parameters<typeof renderMimirDocument>[0], credentialsSecret: string): Record<string, unknown> {
  return {
    fullnameOverride: fullname,
    minio: { enabled: false },
    mimir: { structuredConfig: renderMimirDocument(mimir) },
    global: { extraEnvFrom: [{ secretRef: { name: credentialsSecret } }] },
    ingester: { replicas: mimir.replicas ?? 3 },
    // Alerting and rules stay with the operator's Prometheus and Alertmanager.
    alertmanager: { enabled: false },
    ruler: { enabled: false },
    nginx: { enabled: true },
  };
}

/** Mimir's remote-write URL through the chart's nginx gateway. */
export function mimirPushUrl(fullname: string, namespace: string): string {
  return `http://${fullname}-nginx.${namespace}.svc:80/api/v1/push`;
}

