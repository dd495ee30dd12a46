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
import { resolveDuration } from '../core/duration';
import { renderRuleGroup } from '../prometheus/rules';
import { renderScrapeJob } from '../prometheus/scrape';
import { ImageRef, ResourceLimits } from '../runtime/component';
import { AlertmanagerEngineSpec, GrafanaEngineSpec, LokiClusterLayout, LokiEngineSpec, PrometheusEngineSpec, TempoEngineSpec } from '../runtime/engines';

/** The label the operator's Prometheus replicas differ by (`replicaExternalLabelName`). */
export const PROMETHEUS_REPLICA_LABEL = 'prometheus_replica';
/** Label put on our PrometheusRule objects; the Prometheus selects rules by it. */
export const RULE_SELECTOR_LABEL = 'obs-stack.io/prometheus';

/** Port of the Tempo chart's HTTP services (query frontend, `/ready`). */
export const TEMPO_CHART_HTTP_PORT = 3100;
/** Port of the Loki chart's gRPC services. */
export const LOKI_CHART_GRPC_PORT = 9095;
/** Where the Loki chart mounts its data volume. */
export const LOKI_CHART_DATA_PATH = '/var/loki';
/** Where the backend target reads rule files (`<dir>/<tenant>/`). */
export const LOKI_CHART_RULES_DIR = '/etc/loki/rules';

/** Default volume sizes of the stateful engines. */
export const VOLUME_SIZES = { prometheus: '50Gi', alertmanager: '1Gi', loki: '10Gi', tempo: '10Gi', grafana: '10Gi' } as const;

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
  readonly alertmanager?: {
    readonly spec: AlertmanagerEngineSpec;
    readonly document: AlertmanagerDocument;
    /** The Secret with receiver credentials, when a receiver has any. */
    readonly secretName?: string;
  };
  /** Ship rule groups in the chart's `additionalPrometheusRulesMap` instead of PrometheusRule resources of our own. */
  readonly rulesInValues: boolean;
}

/** values.yaml of kube-prometheus-stack (object form). */
export function prometheusStackValues(input: PrometheusStackInput): Record<string, unknown> {
  const values: Record<string, unknown> = {
    fullnameOverride: input.fullname,
    crds: { enabled: true },
    // Our rule groups are the stack's alerting; the chart's own rules and dashboards are off
    // (Grafana is managed by the grafana provider), and so is its node exporter (NodeExporter
    // is a construct of its own).
    defaultRules: { create: false },
    grafana: { enabled: false },
    nodeExporter: { enabled: false },
  };
  const p = input.prometheus;
  if (p) {
    const s = p.spec;
    const flags = s.flags();
    const g = s.global;
    const features = [flags.exemplarStorage && 'exemplar-storage', flags.nativeHistograms && 'native-histograms'].filter((f): f is string => Boolean(f));
    const secretsDir = p.secretName ? operatorPrometheusSecretsDir(p.secretName) : undefined;
    values.prometheus = {
      enabled: true,
      prometheusSpec: withResources(
        {
          image: chartImage(s.image),
          replicas: s.replicas,
          replicaExternalLabelName: PROMETHEUS_REPLICA_LABEL,
          ...(g.externalLabels && Object.keys(g.externalLabels).length ? { externalLabels: g.externalLabels } : {}),
          scrapeInterval: resolveDuration(g.scrapeInterval ?? '15s').text,
          ...(g.scrapeTimeout !== undefined ? { scrapeTimeout: resolveDuration(g.scrapeTimeout).text } : {}),
          evaluationInterval: resolveDuration(g.evaluationInterval ?? '15s').text,
          retention: s.retention,
          ...(s.retentionSize ? { retentionSize: s.retentionSize } : {}),
          enableRemoteWriteReceiver: flags.remoteWriteReceiver,
          ...(features.length ? { enableFeatures: features } : {}),
          additionalScrapeConfigs: s.scrapeJobs().map((j) => renderScrapeJob(j, secretsDir)),
          ...(p.secretName ? { secrets: [p.secretName] } : {}),
          ruleSelectorNilUsesHelmValues: false,
          ruleSelector: { matchLabels: { [RULE_SELECTOR_LABEL]: s.name } },
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          // Mimir runs single-tenant (multitenancy off): no X-Scope-OrgID header is needed.
          ...(p.remoteWriteUrl ? { remoteWrite: [{ url: p.remoteWriteUrl }] } : {}),
          storageSpec: { volumeClaimTemplate: pvcTemplate(VOLUME_SIZES.prometheus, input.storageClass) },
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
    values.prometheus = { enabled: false };
  }
  const a = input.alertmanager;
  if (a) {
    const s = a.spec;
    values.alertmanager = {
      enabled: true,
      config: a.document.doc,
      ...(a.document.templates.size ? { templateFiles: Object.fromEntries([...a.document.templates].map(([n, c]) => [`${n}.tmpl`, c])) } : {}),
      alertmanagerSpec: withResources(
        {
          image: chartImage(s.image),
          replicas: s.replicas,
          retention: s.retention,
          ...(s.externalUrl ? { externalUrl: s.externalUrl } : {}),
          ...(a.secretName ? { secrets: [a.secretName] } : {}),
          storage: { volumeClaimTemplate: pvcTemplate(VOLUME_SIZES.alertmanager, input.storageClass) },
        },
        s.resources,
      ),
    };
  } else {
    values.alertmanager = { enabled: false };
  }
  return values;
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

/** Loki's cluster layout on the chart (service names derive from `fullname`). */
export function lokiChartLayout(fullname: string, namespace: string, replicas: number): LokiClusterLayout {
  return {
    joinMembers: [`${fullname}-memberlist.${namespace}.svc.cluster.local:${LOKI_MEMBERLIST_PORT}`],
    compactorAddress: `http://${fullname}-backend.${namespace}.svc.cluster.local:${LOKI_HTTP_PORT}`,
    dataPath: LOKI_CHART_DATA_PATH,
    rulesDir: LOKI_CHART_RULES_DIR,
    replicationFactor: Math.min(3, replicas),
  };
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
  const doc = s.document(layout);
  const storage = s.objectStorage;
  const target = (extra: Record<string, unknown> = {}) =>
    withResources(
      {
        replicas: s.replicas,
        extraArgs: ['-config.expand-env=true'],
        extraEnvFrom: [{ secretRef: { name: input.credentialsSecret } }],
        persistence: { size: VOLUME_SIZES.loki, ...(input.storageClass ? { storageClass: input.storageClass } : {}) },
        ...extra,
      },
      s.resources,
    );
  return {
    fullnameOverride: input.fullname,
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
      structuredConfig: doc,
    },
    read: target(),
    write: target(),
    backend: target(
      input.rulesConfigMap
        ? {
            extraVolumes: [{ name: 'rules', configMap: { name: input.rulesConfigMap } }],
            extraVolumeMounts: [{ name: 'rules', mountPath: `${LOKI_CHART_RULES_DIR}/${LOKI_TENANT}`, readOnly: true }],
          }
        : {},
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
    tempo: { structuredConfig: doc },
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

/** Keys of the admin Secret the grafana chart reads (`admin.existingSecret`). */
export const GRAFANA_ADMIN_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** values.yaml of the grafana chart (object form); the admin credentials come from a Secret. */
export function grafanaValues(fullname: string, s: GrafanaEngineSpec, storageClass?: string, adminSecret?: string): Record<string, unknown> {
  // The chart sets the admin credentials itself (from its Secret): keep GF_SECURITY_* out.
  const env = Object.fromEntries(Object.entries(s.env).filter(([k]) => !k.startsWith('GF_SECURITY_ADMIN_')));
  return withResources(
    {
      fullnameOverride: fullname,
      image: chartImage(s.image),
      // The password never goes through Helm values or --set (which would mangle `,` and `\`).
      ...(adminSecret ? { admin: { existingSecret: adminSecret, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password } } : { adminUser: s.adminUser }),
      env,
      ...(s.plugins.length ? { plugins: [...s.plugins] } : {}),
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

