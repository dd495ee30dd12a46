import { Annotations, TerraformResource, Token } from 'cdktf';
import { urlSecretProblem } from '../lib/core/secrets';
import { checkShape } from '../lib/core/shape';
import { rawLiteralSecretsWarning } from '../lib/core/secrets';
import { mergeRawConfig, rawConfigHoldsSecret, rawConfigProblems, rawOverrideWarning } from '../lib/core/raw-config';
import { IRemoteWriteTarget } from './prometheus-server';
import { Construct } from 'constructs';
import { DurationLike } from '../lib/core/duration';
import { throwIfProblems } from '../lib/core/errors';
import {
  LOKI_CONFIG_PATH,
  LOKI_DATA_PATH,
  LOKI_GRPC_PORT,
  LOKI_HTTP_PORT,
  LOKI_MEMBERLIST_PORT,
  LOKI_RULES_DIR,
  LOKI_S3_ENV,
  LOKI_TENANT,
  LokiLimits,
  LokiObjectStorage,
  LokiRuleGroup,
  ResolvedLokiLimits,
  isLokiAlertingRule,
  lokiDuration,
  lokiHealthcheck,
  lokiRuleGroupProblems,
  objectStorageProblems,
  renderLokiConfig,
  renderLokiDocument,
  renderLokiRuleFile,
  resolveLokiLimits,
  retentionProblem,
  ruleFileName,
  schemaStartDateProblem,
} from '../lib/loki/config';
import { AlertPolicyMode, alertPolicyProblems, withLokiPolicyOptOut } from '../lib/alerting/policy';
import { isLogqlThresholdExpr } from '../lib/core/logql';
import { Observability } from '../lib/observability';
import { LOKI_CHART_GRPC_PORT } from '../lib/kubernetes/values';
import { ConfigFile, Endpoint, PortSpec, endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, engineOptionProblems, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment } from '../lib/runtime/runtime';

/**
 * The image this library is verified against: grafana/loki tag v3.7.6 (commit
 * 5003600d7c787b5f047c8d1b0198559471b0caa5), the newest stable release; the facts the
 * configuration relies on are in test/fixtures/engines/loki-3.7.6.json. Distroless (no shell):
 * the healthcheck runs `loki -health` (see lokiHealthcheck for older tags).
 */
export const LOKI_IMAGE = { repository: 'grafana/loki', tag: '3.7.6' };

/** How Loki runs: one process, or the read / write / backend targets. */
export type LokiMode = 'monolithic' | 'simple-scalable';

/** Properties of a LokiCluster. */
export interface LokiClusterProps extends ComponentOptions {
  /**
   * `monolithic`: one container running every component (the course's setup).
   * `simple-scalable`: three containers (`<name>-read`, `<name>-write`, `<name>-backend`)
   * gossiping over memberlist, sharing one config and an S3-compatible bucket. The
   * Kubernetes target runs simple-scalable only (the loki chart's read, write and backend).
   * @default - 'monolithic' on Docker, 'simple-scalable' on Kubernetes
   */
  readonly mode?: LokiMode;
  /**
   * Replicas of each of the read, write and backend targets; the replication factor is 3,
   * or the replica count when lower (reported as a warning: not highly available).
   * Kubernetes only.
   * @default - 3 on Kubernetes
   */
  readonly replicas?: number;
  /**
   * S3-compatible storage for chunks and the index. Required in simple-scalable mode; in
   * monolithic mode it replaces the local filesystem. Credentials reach Loki as environment
   * variables, never in the config file.
   * @default - the filesystem of the data volume (monolithic only)
   */
  readonly objectStorage?: LokiObjectStorage;
  /** How long logs are kept: whole days, at least 24h. @default '30d' (written 720h) */
  readonly retentionPeriod?: DurationLike;
  /** First day of the TSDB v13 schema, YYYY-MM-DD. Never change it once data is written. @default '2024-01-01' */
  readonly schemaStartDate?: string;
  /** Per-tenant limits. @default - the course's (10 MB/s, burst 20 MB, 10000 lines per query, ...) */
  readonly limits?: LokiLimits;
  /** How often the compactor runs. @default '10m' */
  readonly compactionInterval?: DurationLike;
  /** Delay before expired chunks are deleted. @default '2h' */
  readonly retentionDeleteDelay?: DurationLike;
  /** @default 'info' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * How the course's anti-fatigue rules apply to LogQL alerting rules, as on a
   * PrometheusServer (severity critical or warning, `for:` on thresholds, runbook on
   * critical alerts, summary and description): violations are errors, warnings, or not
   * checked.
   * @default 'error'
   */
  readonly alertPolicy?: AlertPolicyMode;
  /** LogQL rule groups; more with `addRuleGroup`. @default - none */
  readonly ruleGroups?: LokiRuleGroup[];
  /**
   * Prometheus remote-write URL for recording-rule results, e.g.
   * `http://prometheus:9090/api/v1/write` (with its remote-write receiver on).
   * @default - none: recording rules are evaluated but their results are not stored
   */
  readonly remoteWriteUrl?: string;
  /**
   * Escape hatch: loki.yaml keys in Loki's own spelling, deep-merged over the configuration
   * the construct renders (maps merge key by key, a list or scalar replaces, `null` removes
   * the key), e.g. `{ limits_config: { max_streams_per_user: 0 } }`. Raw keys are not
   * checked by the library (Loki checks them at start); a key that replaces one the construct
   * manages is reported as a synth warning. Applies on Docker and Kubernetes (the chart's
   * structuredConfig). Used by `cdktf-observability import`.
   * @default - none
   */
  readonly rawConfig?: Record<string, unknown>;
}

/**
 * Loki: the course's configuration (TSDB v13, 30-day retention by the compactor, ruler with
 * LogQL rules sending to the stack's Alertmanagers), monolithic on one container or
 * simple-scalable on three, data on named volumes at /loki, validated at synth.
 */
export class LokiCluster extends Construct {
  /** The main resource: the container (the read target in simple-scalable mode). */
  public readonly resource: TerraformResource;
  /** One deployment (monolithic) or read, write, backend (simple-scalable). */
  public readonly deployments: IDeployment[];
  /** The query side (Grafana's data source URL). */
  public readonly endpoint: Endpoint;
  /** The write side (pushes from agents). */
  public readonly writeEndpoint: Endpoint;
  public readonly mode: LokiMode;

  private readonly groups: LokiRuleGroup[] = [];
  private readonly alertPolicy: AlertPolicyMode;
  private readonly files = new Map<string, string>();
  private readonly settings: {
    logLevel: string;
    schemaStartDate: string;
    retentionPeriod: string;
    compactionInterval: string;
    retentionDeleteDelay: string;
    limits: ResolvedLokiLimits;
    objectStorage?: LokiObjectStorage;
    remoteWriteUrl?: string;
    cluster?: { joinMembers: string[]; compactorAddress: string };
    rawConfig?: Record<string, unknown>;
  };

  constructor(scope: Construct, id: string, props: LokiClusterProps = {}) {
    super(scope, id);
    checkShape(this, 'LokiClusterProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, LOKI_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, LOKI_HTTP_PORT);
    problems.push(...port.problems);
    const runtime = props.runtime ?? Observability.of(this).runtime;
    const engines = runtime.engines;
    const mode = props.mode ?? (engines ? 'simple-scalable' : 'monolithic');
    const replicas = props.replicas ?? 3;
    if (mode !== 'monolithic' && mode !== 'simple-scalable') {
      problems.push(`mode must be "monolithic" or "simple-scalable" (got ${JSON.stringify(mode)}).`);
    }
    if (engines) {
      if (mode === 'monolithic') {
        problems.push('mode "monolithic" is not available on the Kubernetes target (got "monolithic"): it runs Loki simple-scalable (read, write and backend) from the loki chart. Remove mode, or set it to "simple-scalable".');
      }
      if (!props.objectStorage) {
        problems.push('objectStorage is required on the Kubernetes target (got none): Loki runs simple-scalable there, and its read, write and backend pods share chunks and the index through an S3-compatible bucket, not a local disk. Pass objectStorage: { endpoint, bucket, accessKeyId, secretAccessKey } with the keys from sensitive variables.');
      }
      if (!Number.isSafeInteger(replicas) || replicas < 1) {
        problems.push(`replicas must be a positive integer (got ${JSON.stringify(props.replicas)}). Use 3, which replication factor 3 needs.`);
      } else if (replicas < 3) {
        Annotations.of(this).addWarning(`replicas is ${replicas}: with fewer than 3 write replicas the replication factor drops to ${replicas} and losing a pod loses recent logs. Use 3 (the default on Kubernetes).`);
      }
    } else if (props.replicas !== undefined) {
      problems.push(`replicas is a Kubernetes option (got ${JSON.stringify(props.replicas)}): on Docker, mode "simple-scalable" runs one read, one write and one backend container. Remove it, or deploy on Kubernetes (KubernetesRuntime).`);
    }
    if (!engines && mode === 'simple-scalable' && !props.objectStorage) {
      problems.push('simple-scalable mode needs objectStorage (got none): the read, write and backend containers share chunks and the index through an S3-compatible bucket, not a local disk. Pass objectStorage: { endpoint, bucket, accessKeyId, secretAccessKey }, or use mode "monolithic".');
    }
    if (props.objectStorage) problems.push(...objectStorageProblems(props.objectStorage));
    const retention = props.retentionPeriod ?? '30d';
    const rp = retentionProblem(retention);
    if (rp) problems.push(rp);
    const schemaStartDate = props.schemaStartDate ?? '2024-01-01';
    const sp = schemaStartDateProblem(schemaStartDate);
    if (sp) problems.push(sp);
    const limits = resolveLokiLimits(props.limits);
    problems.push(...limits.problems);
    const compaction = lokiDuration('compactionInterval', props.compactionInterval ?? '10m');
    const deleteDelay = lokiDuration('retentionDeleteDelay', props.retentionDeleteDelay ?? '2h');
    for (const d of [compaction, deleteDelay]) if (d.problem) problems.push(d.problem);
    const logLevel = props.logLevel ?? 'info';
    if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
      problems.push(`logLevel must be one of debug, info, warn, error (got ${JSON.stringify(logLevel)}).`);
    }
    if (props.remoteWriteUrl !== undefined && !Token.isUnresolved(props.remoteWriteUrl) && !/^https?:\/\/[^\s/]+/.test(props.remoteWriteUrl)) {
      problems.push(`remoteWriteUrl must be an http(s) URL (got ${JSON.stringify(props.remoteWriteUrl)}). Use e.g. "http://prometheus:9090/api/v1/write".`);
    } else if (props.remoteWriteUrl !== undefined && urlSecretProblem(props.remoteWriteUrl)) {
      problems.push(`remoteWriteUrl ${urlSecretProblem(props.remoteWriteUrl)}`);
    }
    if (runtime.engines) problems.push(...engineOptionProblems('Loki', props));
    problems.push(...rawConfigProblems(props.rawConfig));
    this.alertPolicy = props.alertPolicy ?? 'error';
    if (!['error', 'warn', 'off'].includes(this.alertPolicy)) {
      problems.push(`alertPolicy must be "error", "warn" or "off" (got ${JSON.stringify(this.alertPolicy)}).`);
    }
    throwIfProblems(this, problems);
    // Remote-writing recording-rule results to a PrometheusServer of this stack: switch on its
    // receiver, as TempoBackend and LogAgent do.
    if (props.remoteWriteUrl !== undefined && !Token.isUnresolved(props.remoteWriteUrl)) {
      for (const server of Observability.of(this).find<IRemoteWriteTarget>('prometheus')) {
        if (props.remoteWriteUrl.startsWith(server.endpoint.url)) server.enableRemoteWriteReceiver();
      }
    }

    this.mode = mode;
    const base = props.name ?? 'loki';
    const names = mode === 'monolithic' ? { read: base, write: base, backend: base } : { read: `${base}-read`, write: `${base}-write`, backend: `${base}-backend` };
    const ep = (host: string): Endpoint => endpoint(host, LOKI_HTTP_PORT);
    this.endpoint = ep(names.read);
    this.writeEndpoint = ep(names.write);
    this.settings = {
      logLevel,
      schemaStartDate,
      retentionPeriod: lokiDuration('retentionPeriod', retention).text,
      compactionInterval: compaction.text,
      retentionDeleteDelay: deleteDelay.text,
      limits: limits.limits,
      objectStorage: props.objectStorage,
      remoteWriteUrl: props.remoteWriteUrl,
      cluster:
        mode === 'simple-scalable' && !engines
          ? { joinMembers: [names.read, names.write, names.backend].map((n) => `${n}:${LOKI_MEMBERLIST_PORT}`), compactorAddress: ep(names.backend).url }
          : undefined,
      rawConfig: props.rawConfig,
    };
    const literalInRaw = rawLiteralSecretsWarning(props.rawConfig, 'rawConfig');
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    if (props.rawConfig) {
      const { rawConfig: _raw, ...plain } = this.settings;
      const warning = rawOverrideWarning('LokiCluster', mergeRawConfig(renderLokiDocument({ ...plain, alertmanagerUrls: this.alertmanagerUrls() }), props.rawConfig).overridden);
      if (warning) Annotations.of(this).addWarning(warning);
    }
    for (const g of props.ruleGroups ?? []) this.addRuleGroup(g);

    if (engines) {
      const d = engines.loki(this, {
        name: base,
        image: image.ref,
        replicas,
        objectStorage: props.objectStorage!,
        resources: props.resources,
        document: (layout) =>
          renderLokiDocument({
            ...this.settings,
            cluster: { joinMembers: [...layout.joinMembers], compactorAddress: layout.compactorAddress },
            dataPath: layout.dataPath,
            rulesDir: layout.rulesDir,
            replicationFactor: layout.replicationFactor,
            grpcPort: LOKI_CHART_GRPC_PORT,
            alertmanagerUrls: this.alertmanagerUrls(),
          }),
        ruleFiles: () => this.groups.map((g) => ({ fileName: ruleFileName(g.name), content: renderLokiRuleFile(g) })),
      });
      this.deployments = [d];
      this.resource = d.resource;
      this.endpoint = d.readEndpoint;
      this.writeEndpoint = d.writeEndpoint;
      Observability.of(this).register('loki', this);
      return;
    }
    const s3 = props.objectStorage;
    // Credentials go in the environment; the config holds ${LOKI_S3_...} placeholders that
    // Loki expands at start-up (-config.expand-env=true).
    const env = s3 ? { [LOKI_S3_ENV.accessKeyId]: s3.accessKeyId, [LOKI_S3_ENV.secretAccessKey]: s3.secretAccessKey } : undefined;
    const targets: Array<{ target?: 'read' | 'write' | 'backend'; name: string; scope: Construct; rules: boolean; publish: boolean }> =
      mode === 'monolithic'
        ? [{ name: base, scope: this, rules: true, publish: true }]
        : [
            { target: 'read', name: names.read, scope: this, rules: false, publish: true },
            { target: 'write', name: names.write, scope: new Construct(this, 'Write'), rules: false, publish: false },
            { target: 'backend', name: names.backend, scope: new Construct(this, 'Backend'), rules: true, publish: false },
          ];
    const healthTest = lokiHealthcheck(image.ref.tag);
    this.deployments = targets.map((t) => {
      const ports: PortSpec[] = [
        { name: 'http', containerPort: LOKI_HTTP_PORT, publish: t.publish ? port.publish : undefined },
        { name: 'grpc', containerPort: LOKI_GRPC_PORT },
      ];
      if (t.target) ports.push({ name: 'memberlist', containerPort: LOKI_MEMBERLIST_PORT });
      return deployComponent(runtime, props, 
        t.scope,
        {
          name: t.name,
          image: image.ref,
          // The image's `loki` user, owner of /loki in the image (copied into the new volume).
          user: '10001:10001',
          args: [
            `-config.file=${LOKI_CONFIG_PATH}`,
            ...(t.target ? [`-target=${t.target}`] : []),
            ...(s3 ? ['-config.expand-env=true'] : []),
          ],
          env,
          ports,
          volumes: [{ name: 'data', path: LOKI_DATA_PATH }],
          // /ready turns 200 once the ring is joined (the ingester waits 15 s more). How the
          // check runs depends on the image (busybox wget, nothing, or `loki -health`).
          healthcheck: healthTest ? { test: healthTest, startPeriod: '30s' } : undefined,
          labels: props.labels,
          resources: props.resources,
        },
        { files: () => this.renderFiles(t.rules) },
      );
    });
    this.resource = this.deployments[0].resource;
    Observability.of(this).register('loki', this);
  }

  /** Adds a group of LogQL recording and alerting rules. Throws when it is invalid or its name is taken. */
  public addRuleGroup(group: LokiRuleGroup): void {
    checkShape(this, 'LokiRuleGroup', group, 'addRuleGroup(group)');
    const problems = lokiRuleGroupProblems(group);
    if (!problems.length) {
      const file = ruleFileName(group.name);
      const taken = this.files.get(file);
      if (taken !== undefined) {
        problems.push(
          taken === group.name
            ? `rule group ${JSON.stringify(group.name)} is already defined. Group names must be unique per Loki; rename one or merge them.`
            : `rule group ${JSON.stringify(group.name)} would be written to the same file as group ${JSON.stringify(taken)} (${file}). Rename one.`,
        );
      }
    }
    // The anti-fatigue policy, as for Prometheus rules (LogQL thresholds: `... > 0`).
    const policy = this.alertPolicy === 'off' || problems.length ? [] : group.rules.filter(isLokiAlertingRule).flatMap((r) => alertPolicyProblems(r, group.name, isLogqlThresholdExpr));
    if (this.alertPolicy === 'error') problems.push(...policy.map(withLokiPolicyOptOut));
    throwIfProblems(this, problems);
    for (const p of this.alertPolicy === 'warn' ? policy : []) Annotations.of(this).addWarning(p);
    if (!this.settings.remoteWriteUrl && group.rules.some((r) => (r as { record?: string }).record !== undefined)) {
      Annotations.of(this).addWarning(`rule group ${JSON.stringify(group.name)} has recording rules but remoteWriteUrl is not set: Loki's ruler stores recording-rule results only by remote write. Set remoteWriteUrl, e.g. "http://prometheus:9090/api/v1/write".`);
    }
    this.groups.push(group);
    this.files.set(ruleFileName(group.name), group.name);
  }

  /** How long logs are kept, as Loki writes it (`720h`). */
  public get retentionPeriod(): string {
    return this.settings.retentionPeriod;
  }

  /** The rule groups, in order. */
  public get ruleGroups(): readonly LokiRuleGroup[] {
    return [...this.groups];
  }

  /** Where agents push logs (Loki's push API), e.g. `http://loki:3100/loki/api/v1/push`. */
  public get pushUrl(): string {
    return `${this.writeEndpoint.url}/loki/api/v1/push`;
  }

  /** Loki's native OTLP endpoint for an OTLP/HTTP exporter, e.g. `http://loki:3100/otlp`. */
  public get otlpUrl(): string {
    return `${this.writeEndpoint.url}/otlp`;
  }

  /** The URL Grafana queries, e.g. `http://loki:3100`. */
  public get queryUrl(): string {
    return this.endpoint.url;
  }

  /** loki.yaml as written into the container(s) (before Terraform escaping). */
  public renderConfig(): string {
    return renderLokiConfig({ ...this.settings, alertmanagerUrls: this.alertmanagerUrls() });
  }

  /** `http://host:port` of every Alertmanager of the stack, read at synth. */
  private alertmanagerUrls(): string[] {
    return Observability.of(this)
      .find<{ alertmanagerAddresses(): string[] } & Construct>('alertmanager')
      .flatMap((a) => a.alertmanagerAddresses())
      .map((a) => `http://${a}`);
  }

  private renderFiles(withRules: boolean): ConfigFile[] {
    const files: ConfigFile[] = [{ path: LOKI_CONFIG_PATH, content: this.renderConfig(), ...(rawConfigHoldsSecret(this.settings.rawConfig, this) ? { secret: true } : {}) }];
    if (withRules) {
      // With ruler.storage.type local, the ruler reads <directory>/<tenant>/<file>; the tenant
      // is "fake" when auth_enabled is false.
      for (const g of this.groups) files.push({ path: `${LOKI_RULES_DIR}/${LOKI_TENANT}/${ruleFileName(g.name)}`, content: renderLokiRuleFile(g) });
    }
    return files;
  }
}
