import { createHash } from 'crypto';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { checkShape } from '../core/shape';
import { DaemonSetV1, DaemonSetV1SpecTemplate } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { DeploymentV1, DeploymentV1SpecTemplate } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Annotations, ITerraformDependable, Lazy, TerraformResource, Token, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { ValidationError, throwIfProblems } from '../core/errors';
import { escapeTemplate } from '../core/tf-escape';
import { toYaml } from '../core/yaml';
import { ChartName, ChartRef, CHARTS, chartVersionProblem } from '../kubernetes/charts';
import {
  alertmanagerConfigFiles,
  dnsLabel,
  GRAFANA_ADMIN_KEYS,
  grafanaValues,
  lokiValues,
  mimirPushUrl,
  mimirValues,
  operatorAlertmanagerLayout,
  prometheusRuleManifest,
  prometheusReplicaHosts,
  prometheusChartProblem,
  prometheusStackValues,
  ruleObjectName,
  chartRuleObjectName,
  tempoValues,
  TEMPO_CHART_HTTP_PORT,
  k8sResources,
} from '../kubernetes/values';
import { LOKI_HTTP_PORT, LOKI_S3_ENV, LOKI_TENANT } from '../loki/config';
import { MIMIR_S3_ENV, mimirProblems } from '../mimir/config';
import { Observability } from '../observability';
import { RuleGroup } from '../prometheus/rules';
import { scrapeJobSecrets, slug } from '../prometheus/scrape';
import { TEMPO_OTLP_GRPC_PORT, TEMPO_OTLP_HTTP_PORT, TEMPO_S3_ACCESS_KEY_ENV, TEMPO_S3_SECRET_KEY_ENV } from '../tempo/config';
import { ComponentSpec, componentSpecProblems, ConfigFile, Endpoint, endpoint, plainFileSecretProblems } from './component';
import {
  AlertmanagerEngineSpec,
  GrafanaEngineSpec,
  IEngineRuntime,
  LokiEngineDeployment,
  LokiEngineSpec,
  PrometheusEngineDeployment,
  PrometheusEngineSpec,
  TempoEngineSpec,
} from './engines';
import { DynamicParts, IDeployment, IRuntime, PodSelector } from './runtime';

export type { KubernetesRuntimeProps, PrometheusRuleDelivery } from './kubernetes-options';
import type { KubernetesRuntimeProps, PrometheusRuleDelivery } from './kubernetes-options';

/** The default namespace. */
export const DEFAULT_NAMESPACE = 'observability';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Runs the stack on Kubernetes: engines (Prometheus and Alertmanager through the Prometheus
 * Operator, Loki simple-scalable, Tempo distributed, Grafana, Mimir) as pinned Helm releases
 * whose values are rendered from the same typed models as on Docker, and the other
 * components (exporters, collector, agents) as a Deployment or DaemonSet, a Service and a
 * ConfigMap / Secret each. Components reach each other at `<name>.<namespace>.svc:<port>`.
 *
 * The first runtime created in a stack becomes its default: create it before the components.
 */
export class KubernetesRuntime extends Construct implements IRuntime {
  public readonly kind = 'kubernetes';
  public readonly engines: IEngineRuntime;
  public readonly namespace: string;
  /** The namespace resource, when this runtime created it. */
  public readonly namespaceResource?: NamespaceV1;
  public readonly kubernetesProvider?: KubernetesProvider;
  public readonly helmProvider?: HelmProvider;
  public readonly storageClass?: string;
  public readonly prometheusRules: PrometheusRuleDelivery;
  /** Whether the chart's own exporters and ServiceMonitors are on. */
  public readonly chartMonitors: boolean;
  private readonly charts: Record<ChartName, ChartRef>;
  private readonly names = new Map<string, string>();

  constructor(scope: Construct, id: string, props: KubernetesRuntimeProps = {}) {
    super(scope, id);
    checkShape(this, 'KubernetesRuntimeProps', props, 'props');
    const problems: string[] = [];
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    if (!Token.isUnresolved(this.namespace) && (!DNS_LABEL.test(this.namespace) || this.namespace.length > 63)) {
      problems.push(`namespace must be a DNS label (lower-case letters, digits and '-', at most 63 characters) (got ${JSON.stringify(this.namespace)}). Use e.g. "observability".`);
    }
    const charts = { ...CHARTS } as Record<ChartName, ChartRef>;
    for (const [name, version] of Object.entries(props.chartVersions ?? {}) as Array<[ChartName, string]>) {
      if (!(name in CHARTS)) {
        problems.push(`chartVersions has an unknown chart ${JSON.stringify(name)}. Use one of ${Object.keys(CHARTS).join(', ')}.`);
        continue;
      }
      const p = chartVersionProblem(name, version);
      if (p) problems.push(p);
      charts[name] = { ...CHARTS[name], version };
    }
    // Chart values by default: a kubernetes_manifest needs the PrometheusRule CRD at plan time,
    // which a fresh cluster only has after the chart is installed (two applies).
    this.prometheusRules = props.prometheusRules ?? 'chart-values';
    if (!['manifest', 'chart-values'].includes(this.prometheusRules)) {
      problems.push(`prometheusRules must be "manifest" or "chart-values" (got ${JSON.stringify(this.prometheusRules)}).`);
    }
    this.chartMonitors = props.chartMonitors ?? false;
    if (typeof this.chartMonitors !== 'boolean') {
      problems.push(`chartMonitors must be true or false (got ${JSON.stringify(this.chartMonitors)}).`);
    }
    throwIfProblems(this, problems);
    this.charts = charts;
    this.storageClass = props.storageClass;

    if (props.createProviders ?? true) {
      const cluster = {
        ...(props.kubeconfigPath !== undefined ? { configPath: props.kubeconfigPath } : {}),
        ...(props.kubeconfigContext !== undefined ? { configContext: props.kubeconfigContext } : {}),
      };
      this.kubernetesProvider = new KubernetesProvider(this, 'Provider', cluster);
      this.helmProvider = new HelmProvider(this, 'Helm', { kubernetes: cluster });
    }
    if (props.createNamespace ?? true) {
      this.namespaceResource = new NamespaceV1(this, 'Namespace', {
        metadata: { name: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'cdktf' } },
      });
    }
    this.engines = new KubernetesEngines(this);
    Observability.of(this).adoptRuntime(this);
  }

  /** The pinned chart of an engine. */
  public chart(name: ChartName): ChartRef {
    return this.charts[name];
  }

  /** The in-cluster endpoint of a service of this runtime's namespace. */
  public serviceEndpoint(name: string, port: number): Endpoint {
    return endpoint(`${name}.${this.namespace}.svc`, port);
  }

  /** The pods of a component: the selector label every workload of this runtime carries. */
  public podSelector(name: string): PodSelector {
    return { namespace: this.namespace, labels: { 'app.kubernetes.io/name': name } };
  }

  /** Resources everything of this runtime waits for (the namespace). */
  public get foundation(): ITerraformDependable[] {
    return this.namespaceResource ? [this.namespaceResource] : [];
  }

  /** Records `name` for `scope`; a second owner is an error naming both. */
  public claimName(name: string, scope: Construct): void {
    const owner = this.names.get(name);
    if (owner !== undefined && owner !== scope.node.path) {
      throw new ValidationError(`Kubernetes name ${JSON.stringify(name)} in namespace ${JSON.stringify(this.namespace)} is already used by ${owner}. Give this component another name (its \`name\` prop).`, scope);
    }
    this.names.set(name, scope.node.path);
  }

  /** A Helm release of `chart` named `name`, with values rendered at synth. */
  public release(scope: Construct, id: string, name: string, chart: ChartName, values: () => Record<string, unknown>, extra: { setSensitive?: Array<{ name: string; value: string }>; dependsOn?: ITerraformDependable[] } = {}): Release {
    const ref = this.charts[chart];
    return new Release(scope, id, {
      name,
      namespace: this.namespace,
      repository: ref.repository,
      chart: ref.chart,
      version: ref.version,
      // Values are the models' YAML, escaped once for Terraform's template evaluation.
      values: [Lazy.stringValue({ produce: () => escapeTemplate(toYaml(values())) })],
      setSensitive: extra.setSensitive,
      atomic: true,
      cleanupOnFail: true,
      timeout: 900,
      dependsOn: [...this.foundation, ...(extra.dependsOn ?? [])],
    });
  }

  /** A Secret whose values (tokens of sensitive variables) are read at synth. */
  public secret(scope: Construct, id: string, name: string, data: () => Record<string, string>): SecretV1 {
    return new SecretV1(scope, id, {
      metadata: { name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'cdktf' } },
      data: Lazy.anyValue({ produce: () => data() }) as unknown as Record<string, string>,
      dependsOn: this.foundation,
    });
  }

  public deploy(scope: Construct, spec: ComponentSpec, dynamic: DynamicParts = {}): IDeployment {
    throwIfProblems(scope, [...componentSpecProblems(spec), ...kubernetesSpecProblems(spec)]);
    if (!DNS_LABEL.test(spec.name) || spec.name.length > 63) {
      throw new ValidationError(`component name ${JSON.stringify(spec.name)} is not a Kubernetes name (lower-case letters, digits and '-', at most 63 characters). Set the \`name\` prop, e.g. ${JSON.stringify(dnsLabel(spec.name) || 'component')}.`, scope);
    }
    this.claimName(spec.name, scope);
    const ns = this.namespace;
    const svcHost = this.serviceEndpoint(spec.name, 1).host;
    const record = { spec, dynamic, hosts: [...new Set([spec.name, svcHost, `${svcHost}.cluster.local`])] };
    Observability.of(scope).registerComponent(record);
    const selector = { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/managed-by': 'cdktf' };
    const staticFiles = spec.files ?? [];
    const allFiles = (): ConfigFile[] => {
      const files = [...staticFiles, ...(dynamic.files?.() ?? [])];
      throwIfProblems(scope, [...componentSpecProblems({ ...spec, files }), ...Observability.of(scope).wiringProblems(scope, record, files)]);
      return files;
    };
    const plain = () => {
      const files = allFiles();
      throwIfProblems(scope, plainFileSecretProblems(files, scope));
      return files.filter((f) => !f.secret);
    };

    const secretFiles = () => allFiles().filter((f) => f.secret);
    const secretEnv = Object.entries(spec.env ?? {}).filter(([, v]) => Token.isUnresolved(v));

    const config = new ConfigMapV1(scope, 'Config', {
      metadata: { name: `${spec.name}-config`, namespace: ns, labels: selector },
      data: Lazy.anyValue({ produce: () => Object.fromEntries(plain().map((f) => [fileKey(f.path), escapeTemplate(f.content)])) }) as unknown as Record<string, string>,
      dependsOn: this.foundation,
    });
    const secret = this.secret(scope, 'Secret', `${spec.name}-secret`, () => ({
      ...Object.fromEntries(secretFiles().map((f) => [fileKey(f.path), f.content])),
      ...Object.fromEntries(secretEnv.map(([k, v]) => [`env.${k}`, v])),
    }));

    // A DaemonSet when the component reads the node (host PID, host paths); else a Deployment.
    const perNode = Boolean(spec.hostPid || spec.hostMounts?.length);
    const claims: Record<string, TerraformResource> = {};
    if (!perNode) {
      for (const v of spec.volumes ?? []) {
        claims[v.name] = new PersistentVolumeClaimV1(scope, pascal(v.name), {
          metadata: { name: `${spec.name}-${v.name}`, namespace: ns, labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: this.storageClass,
            resources: { requests: { storage: '5Gi' } },
          },
          waitUntilBound: false,
          dependsOn: this.foundation,
        });
      }
    }

    const [uid, gid] = (spec.user ?? '').split(':');
    const numeric = (s?: string) => (s !== undefined && /^\d+$/.test(s) ? s : undefined);
    const hc = spec.healthcheck;
    const resources = k8sResources(spec.resources) as { limits?: Record<string, string>; requests?: Record<string, string> } | undefined;
    const template: DeploymentV1SpecTemplate = {
      metadata: {
        labels: selector,
        annotations: Lazy.anyValue({
          produce: () => {
            const all: Record<string, string> = { ...(spec.labels ?? {}), ...(dynamic.labels?.() ?? {}) };
            // Files are mounted with sub_path, which Kubernetes never updates in place: a hash
            // of their content in the pod template rolls the pods when a config changes.
            const files = [...(spec.files ?? []), ...(dynamic.files?.() ?? [])];
            if (files.length) all['checksum/config'] = createHash('sha256').update(JSON.stringify(files.map((f) => [f.path, f.content]))).digest('hex');
            const entries = Object.entries(all).sort(([a], [b]) => a.localeCompare(b));
            return entries.length ? Object.fromEntries(entries.map(([k, v]) => [escapeTemplate(k), escapeTemplate(v)])) : undefined;
          },
        }) as unknown as Record<string, string>,
      },
      spec: {
        hostPid: spec.hostPid ? true : undefined,
        securityContext: spec.fsGroup !== undefined ? { fsGroup: String(spec.fsGroup) } : undefined,
        container: [
          {
            name: spec.name,
            image: `${spec.image.repository}:${spec.image.tag}`,
            command: spec.entrypoint?.map(escapeTemplate),
            args: dynamic.args
              ? Lazy.listValue({ produce: () => [...dynamic.args!(), ...(spec.extraArgs ?? [])].map(escapeTemplate) })
              : spec.args || spec.extraArgs
                ? [...(spec.args ?? []), ...(spec.extraArgs ?? [])].map(escapeTemplate)
                : undefined,
            env: Object.entries(spec.env ?? {})
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) =>
                Token.isUnresolved(v)
                  ? { name: k, valueFrom: { secretKeyRef: { name: `${spec.name}-secret`, key: `env.${k}` } } }
                  : { name: k, value: escapeTemplate(v) },
              ),
            port: (spec.ports ?? []).map((p) => ({ name: portName(p.name), containerPort: p.containerPort, protocol: (p.protocol ?? 'tcp').toUpperCase() })),
            securityContext: {
              runAsUser: numeric(uid),
              runAsGroup: numeric(gid),
              capabilities: spec.addCapabilities?.length || spec.dropCapabilities?.length ? { add: spec.addCapabilities, drop: spec.dropCapabilities } : undefined,
            },
            resources,
            readinessProbe:
              hc && hc.test[0] === 'CMD'
                ? { exec: { command: hc.test.slice(1).map(escapeTemplate) }, periodSeconds: seconds(hc.interval ?? '15s'), timeoutSeconds: seconds(hc.timeout ?? '5s'), failureThreshold: hc.retries ?? 5, initialDelaySeconds: seconds(hc.startPeriod ?? '10s') }
                : undefined,
            // One subPath mount per file, so each lands at the path the component reads.
            volumeMount: Lazy.anyValue({
              produce: () => [
                ...plain().map((f) => ({ name: 'config', mount_path: f.path, sub_path: fileKey(f.path), read_only: true })),
                ...secretFiles().map((f) => ({ name: 'secret', mount_path: f.path, sub_path: fileKey(f.path), read_only: true })),
                ...(spec.volumes ?? []).map((v) => ({ name: `data-${v.name}`, mount_path: v.path })),
                ...(spec.hostMounts ?? []).map((m, i) => ({
                  name: `host-${i}`,
                  mount_path: escapeTemplate(m.containerPath),
                  read_only: m.readOnly ?? true,
                  ...(m.propagation ? { mount_propagation: m.propagation.endsWith('slave') ? 'HostToContainer' : m.propagation.endsWith('shared') ? 'Bidirectional' : 'None' } : {}),
                })),
              ],
            }) as unknown as [],
          },
        ],
        volume: [
          { name: 'config', configMap: { name: `${spec.name}-config` } },
          { name: 'secret', secret: { secretName: `${spec.name}-secret` } },
          ...(spec.volumes ?? []).map((v) =>
            perNode ? { name: `data-${v.name}`, emptyDir: {} } : { name: `data-${v.name}`, persistentVolumeClaim: { claimName: `${spec.name}-${v.name}` } },
          ),
          ...(spec.hostMounts ?? []).map((m, i) => ({ name: `host-${i}`, hostPath: { path: escapeTemplate(m.hostPath) } })),
        ],
      },
    };
    const metadata = { name: spec.name, namespace: ns, labels: selector };
    const workload = perNode
      ? new DaemonSetV1(scope, 'Resource', {
          metadata,
          spec: { selector: { matchLabels: selector }, template: template as unknown as DaemonSetV1SpecTemplate },
          dependsOn: [...this.foundation, config, secret, ...Object.values(claims)],
        })
      : new DeploymentV1(scope, 'Resource', {
          metadata,
          spec: { replicas: '1', selector: { matchLabels: selector }, template },
          dependsOn: [...this.foundation, config, secret, ...Object.values(claims)],
        });
    if ((spec.ports ?? []).length) {
      new ServiceV1(scope, 'Service', {
        metadata: { name: spec.name, namespace: ns, labels: selector },
        spec: {
          selector,
          port: (spec.ports ?? []).map((p) => ({ name: portName(p.name), port: p.containerPort, targetPort: String(p.containerPort), protocol: (p.protocol ?? 'tcp').toUpperCase() })),
        },
        dependsOn: this.foundation,
      });
    }
    const ports = new Map((spec.ports ?? []).map((p) => [p.name, p]));
    return {
      resource: workload,
      dataVolumes: claims,
      endpoint: (name: string): Endpoint => {
        const p = ports.get(name);
        if (!p) throw new ValidationError(`component ${spec.name} has no port named ${JSON.stringify(name)} (it has ${[...ports.keys()].join(', ') || 'none'}).`, scope);
        return this.serviceEndpoint(spec.name, p.containerPort);
      },
      publishedUrl: () => undefined,
    };
  }
}

/** The engines on Kubernetes: Helm releases of the pinned charts. */
class KubernetesEngines implements IEngineRuntime {
  private stack?: {
    release: Release;
    fullname: string;
    prometheus?: { spec: PrometheusEngineSpec; secret: SecretV1; mimirUrl?: string };
    alertmanager?: { spec: AlertmanagerEngineSpec; secret: SecretV1; configSecretName: string };
  };

  constructor(private readonly rt: KubernetesRuntime) {}

  public serviceEndpoint(name: string, port: number): Endpoint {
    return this.rt.serviceEndpoint(name, port);
  }

  /** The one kube-prometheus-stack release (Prometheus and Alertmanager), created on first use. */
  private prometheusStack(fullname: string, requester: Construct) {
    if (this.stack) return this.stack;
    // kube-prometheus-stack cuts fullnameOverride to 26 characters; the service names we
    // derive (`<name>-prometheus`, `<name>-alertmanager`) would then point nowhere.
    if (fullname.length > 26) {
      throw new ValidationError(`name ${JSON.stringify(fullname)} is ${fullname.length} characters; kube-prometheus-stack cuts its release name to 26, and the services would not be where this library points. Use a name of at most 26 characters, e.g. ${JSON.stringify(fullname.slice(0, 26).replace(/-+$/, ''))}.`, requester);
    }
    this.rt.claimName(fullname, requester);
    const stack: NonNullable<KubernetesEngines['stack']> = {
      fullname,
      release: this.rt.release(this.rt, 'PrometheusStack', fullname, 'kubePrometheusStack', () => {
        const p = stack.prometheus;
        const a = stack.alertmanager;
        const promSecretName = p && p.spec.scrapeJobs().some((j) => scrapeJobSecrets(j).length) ? `${fullname}-scrape-credentials` : undefined;
        const amSecretName = `${fullname}-alertmanager-credentials`;
        const amDoc = a?.spec.document(operatorAlertmanagerLayout(amSecretName));
        return prometheusStackValues({
          fullname,
          storageClass: this.rt.storageClass,
          prometheus: p && { spec: p.spec, secretName: promSecretName, remoteWriteUrl: p.mimirUrl },
          alertmanager: a && amDoc && { spec: a.spec, configSecretName: a.configSecretName, secretName: amDoc.secrets.length ? amSecretName : undefined },
          rulesInValues: this.rt.prometheusRules === 'chart-values',
          chartMonitors: this.rt.chartMonitors,
        });
      }),
    };
    this.stack = stack;
    return stack;
  }

  public prometheus(scope: Construct, spec: PrometheusEngineSpec) {
    if (this.stack?.prometheus) {
      throw new ValidationError(`the Kubernetes target runs one PrometheusServer per runtime (the Prometheus Operator's), and ${this.stack.prometheus.spec.name} is already deployed. Scale it with replicas, or give this one its own KubernetesRuntime in another stack.`, scope);
    }
    const stack = this.prometheusStack(spec.name, scope);
    const chartProblem = prometheusChartProblem(this.rt.chart('kubePrometheusStack').version, spec);
    if (chartProblem) Annotations.of(scope).addWarning(chartProblem);
    let mimirUrl: string | undefined;
    if (spec.mimir) {
      throwIfProblems(scope, mimirProblems(spec.mimir));
      const mimirScope = new Construct(scope, 'Mimir');
      const name = 'mimir';
      this.rt.claimName(name, scope);
      const creds = this.rt.secret(mimirScope, 'S3Credentials', `${name}-s3-credentials`, () => ({
        [MIMIR_S3_ENV.accessKeyId]: spec.mimir!.objectStorage.accessKeyId,
        [MIMIR_S3_ENV.secretAccessKey]: spec.mimir!.objectStorage.secretAccessKey,
      }));
      this.rt.release(mimirScope, 'Resource', name, 'mimirDistributed', () => mimirValues(name, spec.mimir!, `${name}-s3-credentials`), { dependsOn: [creds] });
      mimirUrl = mimirPushUrl(name, this.rt.namespace);
    }
    const secret = this.rt.secret(scope, 'ScrapeCredentials', `${stack.fullname}-scrape-credentials`, () =>
      Object.fromEntries(spec.scrapeJobs().flatMap((j) => scrapeJobSecrets(j)).map((f) => [f.relativePath.slice('secrets/'.length), f.content])),
    );
    addDependsOn(stack.release, secret);
    stack.prometheus = { spec, secret, mimirUrl };
    const rules = new Construct(scope, 'Rules');
    const ruleNames = new Map<string, string>();
    const deployment: PrometheusEngineDeployment = {
      resource: stack.release,
      dataVolumes: {},
      endpoint: (port: string) => this.named(scope, spec.name, port, { http: this.rt.serviceEndpoint(`${stack.fullname}-prometheus`, 9090) }),
      replicaEndpoints: prometheusReplicaHosts(stack.fullname, this.rt.namespace, spec.replicas).map((host) => endpoint(host, 9090)),
      publishedUrl: () => undefined,
      addRuleGroup: (group: RuleGroup) => {
        // The object the cluster gets: ours, or the chart's name for the key (cut to 63 characters).
        const key = ruleObjectName(spec.name, group.name);
        const objectName = this.rt.prometheusRules === 'manifest' ? key : chartRuleObjectName(stack.fullname, key);
        const twin = ruleNames.get(objectName);
        if (twin !== undefined) {
          throw new ValidationError(`rule groups ${JSON.stringify(twin)} and ${JSON.stringify(group.name)} would both be the PrometheusRule ${JSON.stringify(objectName)} (Kubernetes names are lower-case letters, digits and '-'). Rename one.`, scope);
        }
        ruleNames.set(objectName, group.name);
        if (this.rt.prometheusRules !== 'manifest') return;
        new Manifest(rules, slug(group.name), {
          manifest: Lazy.anyValue({ produce: () => escapeDeep(prometheusRuleManifest(spec.name, this.rt.namespace, group)) }) as unknown as Record<string, unknown>,
          // The PrometheusRule CRD comes with the chart.
          dependsOn: [stack.release],
        });
      },
    };
    return deployment;
  }

  public alertmanager(scope: Construct, spec: AlertmanagerEngineSpec): IDeployment {
    if (this.stack?.alertmanager) {
      throw new ValidationError(`the Kubernetes target runs one Alertmanager cluster per runtime (the Prometheus Operator's), and ${this.stack.alertmanager.spec.name} is already deployed. Scale it with replicas.`, scope);
    }
    // Alertmanager first: the release takes the default Prometheus name.
    const stack = this.prometheusStack('prometheus', scope);
    const name = `${stack.fullname}-alertmanager-credentials`;
    const secret = this.rt.secret(scope, 'Credentials', name, () =>
      Object.fromEntries((spec.document(operatorAlertmanagerLayout(name)).secrets ?? []).map((f) => [f.relativePath.slice('secrets/'.length), f.content])),
    );
    addDependsOn(stack.release, secret);
    // The configuration and templates, exactly as rendered: the operator reads this Secret
    // (alertmanagerSpec.configSecret), and the chart renders no config of its own.
    const configSecretName = `${stack.fullname}-alertmanager-config`;
    const config = this.rt.secret(scope, 'Config', configSecretName, () =>
      Object.fromEntries(Object.entries(alertmanagerConfigFiles(spec.document(operatorAlertmanagerLayout(name)))).map(([k, v]) => [k, escapeTemplate(v)])),
    );
    addDependsOn(stack.release, config);
    stack.alertmanager = { spec, secret, configSecretName };
    return {
      resource: stack.release,
      dataVolumes: {},
      endpoint: (port: string) => this.named(scope, spec.name, port, { http: this.rt.serviceEndpoint(`${stack.fullname}-alertmanager`, 9093) }),
      publishedUrl: () => undefined,
    };
  }

  public loki(scope: Construct, spec: LokiEngineSpec): LokiEngineDeployment {
    this.rt.claimName(spec.name, scope);
    const ns = this.rt.namespace;
    const creds = this.rt.secret(scope, 'S3Credentials', `${spec.name}-s3-credentials`, () => ({
      [LOKI_S3_ENV.accessKeyId]: spec.objectStorage.accessKeyId,
      [LOKI_S3_ENV.secretAccessKey]: spec.objectStorage.secretAccessKey,
    }));
    const rules = new ConfigMapV1(scope, 'Rules', {
      metadata: { name: `${spec.name}-rules`, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'cdktf', 'obs-stack.io/tenant': LOKI_TENANT } },
      data: Lazy.anyValue({ produce: () => Object.fromEntries(spec.ruleFiles().map((f) => [f.fileName, escapeTemplate(f.content)])) }) as unknown as Record<string, string>,
      dependsOn: this.rt.foundation,
    });
    const release = this.rt.release(
      scope,
      'Resource',
      spec.name,
      'loki',
      () => lokiValues({ fullname: spec.name, namespace: ns, spec, credentialsSecret: `${spec.name}-s3-credentials`, rulesConfigMap: `${spec.name}-rules`, storageClass: this.rt.storageClass }),
      { dependsOn: [creds, rules] },
    );
    const read = this.rt.serviceEndpoint(`${spec.name}-read`, LOKI_HTTP_PORT);
    const write = this.rt.serviceEndpoint(`${spec.name}-write`, LOKI_HTTP_PORT);
    return {
      resource: release,
      dataVolumes: {},
      readEndpoint: read,
      writeEndpoint: write,
      endpoint: (port: string) => this.named(scope, spec.name, port, { http: read, write }),
      publishedUrl: () => undefined,
    };
  }

  public tempo(scope: Construct, spec: TempoEngineSpec): IDeployment {
    this.rt.claimName(spec.name, scope);
    const creds = this.rt.secret(scope, 'S3Credentials', `${spec.name}-s3-credentials`, () => ({
      [TEMPO_S3_ACCESS_KEY_ENV]: spec.objectStorage.accessKey,
      [TEMPO_S3_SECRET_KEY_ENV]: spec.objectStorage.secretKey,
    }));
    const release = this.rt.release(scope, 'Resource', spec.name, 'tempoDistributed', () => tempoValues({ fullname: spec.name, spec, credentialsSecret: `${spec.name}-s3-credentials`, storageClass: this.rt.storageClass }), {
      dependsOn: [creds],
    });
    return {
      resource: release,
      dataVolumes: {},
      endpoint: (port: string) =>
        this.named(scope, spec.name, port, {
          http: this.rt.serviceEndpoint(`${spec.name}-query-frontend`, TEMPO_CHART_HTTP_PORT),
          'otlp-grpc': this.rt.serviceEndpoint(`${spec.name}-distributor`, TEMPO_OTLP_GRPC_PORT),
          'otlp-http': this.rt.serviceEndpoint(`${spec.name}-distributor`, TEMPO_OTLP_HTTP_PORT),
        }),
      publishedUrl: () => undefined,
    };
  }

  public grafana(scope: Construct, spec: GrafanaEngineSpec): IDeployment {
    this.rt.claimName(spec.name, scope);
    const adminSecret = `${spec.name}-admin`;
    const admin = this.rt.secret(scope, 'AdminSecret', adminSecret, () => ({ [GRAFANA_ADMIN_KEYS.user]: spec.adminUser, [GRAFANA_ADMIN_KEYS.password]: spec.adminPassword }));
    const release = this.rt.release(scope, 'Resource', spec.name, 'grafana', () => grafanaValues(spec.name, spec, this.rt.storageClass, adminSecret), {
      dependsOn: [admin],
    });
    return {
      resource: release,
      dataVolumes: {},
      endpoint: (port: string) => this.named(scope, spec.name, port, { http: this.rt.serviceEndpoint(spec.name, 80) }),
      publishedUrl: () => undefined,
    };
  }

  private named(scope: Construct, component: string, port: string, ports: Record<string, Endpoint>): Endpoint {
    const e = ports[port];
    if (!e) throw new ValidationError(`component ${component} has no port named ${JSON.stringify(port)} (it has ${Object.keys(ports).join(', ')}).`, scope);
    return e;
  }
}

function addDependsOn(resource: TerraformResource, dep: TerraformResource): void {
  // A bare address (`kubernetes_secret_v1.x`): Terraform refuses an interpolation in depends_on.
  resource.dependsOn = [...new Set([...(resource.dependsOn ?? []), dependable(dep)])];
}

/** A ConfigMap / Secret key for a file path: `/etc/otel/config.yml` → `etc_otel_config.yml`. */
export function fileKey(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Escapes every string of a JSON-like value for Terraform's template evaluation. */
export function escapeDeep(v: unknown): unknown {
  if (typeof v === 'string') return escapeTemplate(v);
  if (Array.isArray(v)) return v.map(escapeDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapeTemplate(k), escapeDeep(x)]));
  return v;
}

/** Kubernetes port names are at most 15 characters. */
function portName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 15);
}

function seconds(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  if (!m) return 10;
  const n = Number(m[1]);
  return Math.max(1, Math.round(m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600));
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** Docker options of a component spec that the Kubernetes target cannot honour. */
function kubernetesSpecProblems(spec: ComponentSpec): string[] {
  const out: string[] = [];
  if (spec.privileged) out.push(`privileged is a Docker option (got true): the Kubernetes target does not run privileged pods. Grant what the container needs with addCapabilities (a securityContext capability), or run it on Docker.`);
  if (spec.devices?.length) out.push(`devices is a Docker option (got ${JSON.stringify(spec.devices.map((d) => d.hostPath))}): the Kubernetes target does not map host devices. Use a device plugin in the cluster, or run it on Docker.`);
  if (spec.extraNetworks?.length) out.push(`networks is a Docker option (got ${JSON.stringify(spec.extraNetworks)}): on the Kubernetes target every pod shares the cluster network. Remove it.`);
  const kept = (spec.volumes ?? []).filter((v) => v.volumeName !== undefined);
  if (kept.length) out.push(`volume names are a Docker option (got ${JSON.stringify(Object.fromEntries(kept.map((v) => [v.name, v.volumeName])))}): the Kubernetes target keeps data in PersistentVolumeClaims named <component>-<volume>. Remove them.`);
  return out;
}
