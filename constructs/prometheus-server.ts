import { TerraformResource, Token } from 'cdktf';
import { dockerSocketProblem } from '../lib/core/names';
import { checkShape } from '../lib/core/shape';
import { Construct, IConstruct } from 'constructs';
import { AlertPolicyMode, groupPolicyProblems, withPolicyOptOut } from '../lib/alerting/policy';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { Annotations } from 'cdktf';
import { rawLiteralSecretsWarning } from '../lib/core/secrets';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { Observability } from '../lib/observability';
import { costOutlierMessage, rememberSelectors, stackCostOutliers } from '../lib/prometheus/rule-cost';
import {
  GlobalConfig,
  prometheusGlobalProblems,
  groupProblemsInContext,
  jobProblemsInContext,
  rawSecrets,
  renderPrometheusYaml,
  renderRuleFiles,
} from '../lib/prometheus/config';
import { Discovery, DockerDiscoveryOptions, KubernetesPodDiscoveryOptions } from '../lib/prometheus/discovery';
import { isAlertingRule, Rule, RuleGroup } from '../lib/prometheus/rules';
import { nativeHistogramsVia, PrometheusVersion, prometheusVersionFor, promqlVersionProblem, ruleGroupVersionProblem } from '../lib/prometheus/version';
import { grafanaEngineProblems } from '../lib/grafana/alert-rules';
import { GrafanaAlertRules } from './grafana-alert-rules';
import { IScrapeTarget, ScrapeJobOptions, scrapeJobSecrets, slug } from '../lib/prometheus/scrape';
import { ConfigFile, Endpoint, HostMountSpec } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, engineOptionProblems, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, IRuntime } from '../lib/runtime/runtime';
import { MimirOptions } from '../lib/mimir/config';

/**
 * The image this library is tested with. Another version can be pinned through `image`:
 * what differs by version (how native histograms are turned on, which PromQL functions load)
 * is derived from its tag.
 */
export const PROMETHEUS_IMAGE = { repository: 'prom/prometheus', tag: 'v3.14.0' };

const CONFIG_DIR = '/etc/prometheus';
const DATA_PATH = '/prometheus';
const PORT = 9090;

/** Something that receives Prometheus alerts (an Alertmanager). */
export interface IAlertmanagerTarget {
  /** `host:port` addresses of its instances on the shared network. */
  alertmanagerAddresses(): string[];
}

/** A Prometheus that accepts remote writes (Tempo's metrics generator, Alloy): a PrometheusServer. */
export interface IRemoteWriteTarget extends IConstruct {
  /** How components on the shared network reach it (`http://prometheus:9090`). */
  readonly endpoint: Endpoint;
  /**
   * Every URL a pushed series must be written to so that each replica holds it (one per
   * replica on Kubernetes, where the Service would spread pushes over independent replicas).
   * @default - `${endpoint.url}/api/v1/write`
   */
  readonly remoteWriteUrls?: string[];
  /** Turns on `--web.enable-remote-write-receiver`. */
  enableRemoteWriteReceiver(): void;
  /** Turns on exemplar storage (`--enable-feature=exemplar-storage`). */
  enableExemplarStorage(): void;
}

/** Properties of a PrometheusServer. */
export interface PrometheusServerProps extends ComponentOptions {
  /** @default '15s' */
  readonly scrapeInterval?: DurationLike;
  /** @default '10s' */
  readonly scrapeTimeout?: DurationLike;
  /** @default '15s' */
  readonly evaluationInterval?: DurationLike;
  /** Labels added to every series and alert leaving this server, e.g. `{ cluster: 'production' }`. @default - none */
  readonly externalLabels?: Record<string, string>;
  /** How long to keep samples. @default '30d' */
  readonly retentionTime?: DurationLike;
  /** Maximum TSDB size, e.g. `50GB`. @default - no size limit */
  readonly retentionSize?: string;
  /** Accept remote writes on /api/v1/write (Tempo's metrics generator, Alloy). @default false */
  readonly enableRemoteWriteReceiver?: boolean;
  /** Store exemplars (trace ids next to samples). @default false */
  readonly enableExemplarStorage?: boolean;
  /**
   * Ingest native histograms: `scrape_native_histograms: true` in prometheus.yml from
   * Prometheus 3.8 on, `--enable-feature=native-histograms` before (read from the image tag).
   * @default false
   */
  readonly enableNativeHistograms?: boolean;
  /** Add the `prometheus` job scraping this server itself. @default true */
  readonly scrapeSelf?: boolean;
  /** Scrape jobs; more can be added with `addScrapeJob`. @default - none */
  readonly scrapeJobs?: ScrapeJobOptions[];
  /** Rule groups; more can be added with `addRuleGroup`. @default - none */
  readonly ruleGroups?: RuleGroup[];
  /**
   * Alertmanager `host:port` addresses; more with `addAlertmanager`. When none is given,
   * every Alertmanager construct of the stack receives the alerts.
   * @default - the stack's Alertmanagers
   */
  readonly alertmanagers?: string[];
  /**
   * How the course's anti-fatigue rules apply to alerting rules (severity critical or
   * warning, `for:` on thresholds, runbook on critical alerts, summary and description):
   * violations are errors, warnings (annotations), or not checked.
   * @default 'error'
   */
  readonly alertPolicy?: AlertPolicyMode;
  /**
   * Known series counts per metric name, for the rule cost estimate (a rule reading far more
   * samples per evaluation than the stack's others is reported as a warning), e.g.
   * `{ http_request_duration_seconds_bucket: 12000 }`.
   * @default - the model's defaults: 100 series per scraped metric (× 10 for `_bucket`), 10 per recorded metric
   */
  readonly seriesHints?: Record<string, number>;
  /**
   * Discover containers on a Docker host that opt in with `prometheus.scrape=true` labels.
   * With the default local socket, `mountDockerSocket` must be true.
   * @default - no Docker discovery
   */
  readonly dockerDiscovery?: DockerDiscoveryOptions;
  /** Mount the Docker socket read-only into the container (needed by local Docker discovery). @default false */
  readonly mountDockerSocket?: boolean;
  /** Discover Kubernetes pods annotated `prometheus.io/scrape: "true"`. @default - no Kubernetes discovery */
  readonly kubernetesPodDiscovery?: KubernetesPodDiscoveryOptions;
  /**
   * Identical Prometheus replicas, told apart by the `prometheus_replica` external label
   * (the operator drops it from alerts, so the Alertmanager deduplicates them). Kubernetes
   * only; fewer than 2 is reported as a warning there.
   * @default - 2 on Kubernetes; one container on Docker
   */
  readonly replicas?: number;
  /**
   * Long-term metrics in Mimir (mimir-distributed chart), remote-written by every replica.
   * Kubernetes only.
   * @default - no Mimir
   */
  readonly mimir?: MimirOptions;
  /**
   * Escape hatch: top-level prometheus.yml keys the library has no prop for (`remote_write`,
   * `remote_read`, `storage`, ...), in prometheus.yml's spelling, written as they are (a key
   * given here replaces the library's, except `global`, whose keys are merged into the library's). Not validated: `promtool check config` is the check.
   * Docker target only. Used by `cdktf-observability import`.
   *
   * Secrets (`remote_write[].basic_auth.password`, `oauth2.client_secret`, ...): give
   * references (`secretVariable(this, 'name').stringValue`), never literals (a literal under
   * a credential key is reported as a warning). A reference under a key Prometheus also
   * reads from a file is delivered as a secret file and written as the `*_file` key
   * (`password_file`, `credentials_file`, `client_secret_file`, `key_file`,
   * `bearer_token_file`); one elsewhere (a URL) makes prometheus.yml a secret file.
   * @default - none
   */
  readonly rawConfig?: Record<string, unknown>;
}

/**
 * A Prometheus server: prometheus.yml and rule files rendered from typed jobs and rules,
 * validated at synth (PromQL parsed, durations, names, regexes), TSDB on a named volume.
 *
 * Jobs, rule groups and Alertmanagers can be added after construction; the files are
 * rendered at synth.
 */
export class PrometheusServer extends Construct implements IScrapeTarget, IRemoteWriteTarget {
  /** The main resource (the container on Docker), for escape hatches (`addOverride`). */
  public readonly resource: TerraformResource;
  /** The deployed component (endpoints, volumes). */
  public readonly deployment: IDeployment;
  /** How components on the shared network reach this server. */
  public readonly endpoint: Endpoint;
  /** The component name (container and host name). */
  public readonly componentName: string;
  /** Where pushed series go so that every replica holds them: each replica's `/api/v1/write`. */
  public readonly remoteWriteUrls: string[];

  private readonly global: GlobalConfig;
  /** Known series counts per metric name (the rule cost estimate's cardinality hints). */
  public readonly seriesHints: Readonly<Record<string, number>>;
  /** Identical replicas (1 on Docker; 2 by default on Kubernetes). */
  public readonly replicas: number;
  /** How long samples are kept, as Prometheus writes it (`30d`). */
  public readonly retentionTime: string;
  private readonly jobs: ScrapeJobOptions[] = [];
  private readonly groups: RuleGroup[] = [];
  private readonly grafanaGroups: GrafanaAlertRules[] = [];
  private readonly jobNameSet = new Set<string>();
  private readonly ruleFiles = new Map<string, string>();
  private readonly alertmanagerAddresses: string[] = [];
  private readonly alertmanagerTargets: IAlertmanagerTarget[] = [];
  private readonly flags: { remoteWrite: boolean; exemplars: boolean; nativeHistograms: boolean };
  private readonly alertPolicy: AlertPolicyMode;
  private readonly rawConfig?: Record<string, unknown>;
  /** The Prometheus version the image tag names (the pinned default's when it names none). */
  private readonly version: PrometheusVersion;
  private readonly imageName: string;
  /** On an engine runtime: delivers a rule group (a PrometheusRule per group on Kubernetes). */
  private engineRules?: (group: RuleGroup) => void;

  constructor(scope: Construct, id: string, props: PrometheusServerProps = {}) {
    super(scope, id);
    checkShape(this, 'PrometheusServerProps', props, 'props');
    const problems: string[] = [];
    this.global = {
      scrapeInterval: props.scrapeInterval,
      scrapeTimeout: props.scrapeTimeout,
      evaluationInterval: props.evaluationInterval,
      externalLabels: props.externalLabels,
    };
    problems.push(...prometheusGlobalProblems(this.global));
    const retention = resolveDuration(props.retentionTime ?? '30d');
    if (retention.problem) problems.push(`retentionTime ${retention.problem}`);
    if (props.retentionSize !== undefined && !Token.isUnresolved(props.retentionSize) && !/^\d+(B|KB|MB|GB|TB|PB|EB)$/.test(props.retentionSize)) {
      problems.push(`retentionSize is not a size Prometheus accepts (got ${JSON.stringify(props.retentionSize)}). Use an integer and a unit among B, KB, MB, GB, TB, PB, EB, e.g. "50GB".`);
    }
    const image = parseImage(props.image, PROMETHEUS_IMAGE);
    if (image.problem) problems.push(image.problem);
    const version = prometheusVersionFor(image.ref.tag);
    this.version = version.version;
    this.imageName = `${image.ref.repository}:${image.ref.tag}`;
    const port = mainPortPublish(this, props, PORT);
    problems.push(...port.problems);
    const hostMounts: HostMountSpec[] = [];
    if (props.dockerDiscovery) {
      const host = props.dockerDiscovery.host ?? 'unix:///var/run/docker.sock';
      const socketProblem = Token.isUnresolved(host) ? undefined : dockerSocketProblem('dockerDiscovery.host', host);
      if (socketProblem) problems.push(socketProblem);
      else if (host.startsWith('unix://')) {
        if (!props.mountDockerSocket) {
          problems.push(`dockerDiscovery reads the Docker socket ${host}, which is not mounted (mountDockerSocket is false). Set mountDockerSocket: true to mount it read-only (it grants control of the host's Docker), or point dockerDiscovery.host at a TCP socket proxy.`);
        } else {
          const path = host.slice('unix://'.length);
          hostMounts.push({ hostPath: path, containerPath: path, readOnly: true });
        }
      }
    } else if (props.mountDockerSocket) {
      hostMounts.push({ hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock', readOnly: true });
    }
    const runtime: IRuntime = props.runtime ?? Observability.of(this).runtime;
    const onKubernetes = runtime.kind === 'kubernetes';
    const replicas = props.replicas ?? (onKubernetes ? 2 : 1);
    if (onKubernetes) {
      for (const [prop, value] of [['dockerDiscovery', props.dockerDiscovery], ['mountDockerSocket', props.mountDockerSocket], ['alertmanagers', props.alertmanagers]] as const) {
        if (value !== undefined && value !== false) {
          problems.push(
            prop === 'alertmanagers'
              ? `alertmanagers is not used on the Kubernetes target (got ${JSON.stringify(value)}): the Prometheus Operator sends alerts to the stack's Alertmanager. Remove it, and create an Alertmanager construct.`
              : `${prop} is a Docker option (got ${JSON.stringify(value)}); there is no Docker socket on the Kubernetes target. Remove it and use kubernetesPodDiscovery (pods annotated prometheus.io/scrape) instead.`,
          );
        }
      }
      if (props.rawConfig !== undefined) {
        problems.push(`rawConfig is a Docker option (got keys ${JSON.stringify(Object.keys(props.rawConfig))}): on the Kubernetes target the Prometheus Operator writes prometheus.yml. Remove it, and set the Prometheus resource's fields through the release's escape hatch.`);
      }
      if (!Number.isSafeInteger(replicas) || replicas < 1) {
        problems.push(`replicas must be a positive integer (got ${JSON.stringify(props.replicas)}). Use 2 for a highly available pair.`);
      } else if (replicas < 2) {
        Annotations.of(this).addWarning(`replicas is ${replicas}: a single Prometheus stops scraping and alerting while it restarts or its node drains. Use 2 (the default on Kubernetes).`);
      }
    } else {
      if (props.mimir !== undefined) {
        problems.push(`mimir is only available on the Kubernetes target (the mimir-distributed chart) (got ${JSON.stringify(Object.keys(props.mimir))}). Remove it, or create a KubernetesRuntime first in this stack to deploy on Kubernetes.`);
      }
      if (props.replicas !== undefined && props.replicas !== 1) {
        problems.push(`replicas is a Kubernetes option (got ${JSON.stringify(props.replicas)}): the Docker target runs one Prometheus container. Remove it, or deploy on Kubernetes (KubernetesRuntime) for replicas.`);
      }
    }
    this.rawConfig = props.rawConfig;
    const literalInRaw = rawLiteralSecretsWarning(props.rawConfig, 'rawConfig');
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    this.alertPolicy = props.alertPolicy ?? 'error';
    if (!['error', 'warn', 'off'].includes(this.alertPolicy)) {
      problems.push(`alertPolicy must be "error", "warn" or "off" (got ${JSON.stringify(this.alertPolicy)}).`);
    }
    if (runtime.engines) problems.push(...engineOptionProblems('Prometheus', props));
    else if (this.version.suffix === 'distroless') {
      problems.push(`image ${this.imageName} is the distroless variant: it has no wget for the container's healthcheck and runs as 65532, which cannot write a /prometheus volume created for nobody (65534). Use the default busybox variant (the tag without -distroless, e.g. "${PROMETHEUS_IMAGE.repository}:${PROMETHEUS_IMAGE.tag}").`);
    }
    for (const [metric, n] of Object.entries(props.seriesHints ?? {})) {
      if (!Number.isSafeInteger(n) || n < 1) problems.push(`seriesHints.${metric} must be a positive whole number of series (got ${JSON.stringify(n)}), e.g. 12000.`);
    }
    throwIfProblems(this, problems);
    this.seriesHints = { ...(props.seriesHints ?? {}) };
    this.replicas = replicas;
    this.retentionTime = retention.text;
    if (!version.named) {
      Annotations.of(this).addWarning(`image tag ${JSON.stringify(image.ref.tag)} names no Prometheus version: the configuration is written for ${PROMETHEUS_IMAGE.tag} (native histograms through scrape_native_histograms, 3.x PromQL functions). Pin a versioned tag such as "${PROMETHEUS_IMAGE.tag}" to have it match.`);
    }

    this.flags = {
      remoteWrite: props.enableRemoteWriteReceiver ?? false,
      exemplars: props.enableExemplarStorage ?? false,
      nativeHistograms: props.enableNativeHistograms ?? false,
    };
    this.componentName = props.name ?? 'prometheus';

    if (props.scrapeSelf ?? true) this.addScrapeJob({ jobName: 'prometheus', targets: [`localhost:${PORT}`] });
    if (props.dockerDiscovery) this.addScrapeJob(Discovery.dockerContainers(props.dockerDiscovery));
    if (props.kubernetesPodDiscovery) this.addScrapeJob(Discovery.kubernetesPods(props.kubernetesPodDiscovery));
    for (const job of props.scrapeJobs ?? []) this.addScrapeJob(job);
    for (const group of props.ruleGroups ?? []) this.addRuleGroup(group);
    for (const am of props.alertmanagers ?? []) this.addAlertmanager(am);

    let replicaEndpoints: Endpoint[] | undefined;
    if (runtime.engines) {
      const engine = runtime.engines.prometheus(this, {
        name: this.componentName,
        image: image.ref,
        replicas,
        global: this.global,
        retention: retention.text,
        retentionSize: props.retentionSize,
        resources: props.resources,
        mimir: props.mimir,
        scrapeJobs: () => this.jobs,
        ruleGroups: () => this.groups,
        flags: () => ({ remoteWriteReceiver: this.flags.remoteWrite, exemplarStorage: this.flags.exemplars, nativeHistograms: this.flags.nativeHistograms }),
      });
      this.deployment = engine;
      replicaEndpoints = engine.replicaEndpoints;
      this.engineRules = (g) => engine.addRuleGroup(g);
      for (const g of this.groups) this.engineRules(g);
    } else this.deployment = deployComponent(runtime, props, 
      this,
      {
        name: this.componentName,
        image: image.ref,
        user: '65534:65534',
        ports: [{ name: 'http', containerPort: PORT, publish: port.publish }],
        volumes: [{ name: 'data', path: DATA_PATH }],
        hostMounts,
        healthcheck: { test: ['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${PORT}/-/ready`], startPeriod: '30s' },
        labels: props.labels,
        resources: props.resources,
      },
      {
        files: () => this.renderFiles(),
        args: () => this.renderArgs(retention.text, props.retentionSize),
      },
    );
    this.resource = this.deployment.resource;
    this.endpoint = this.deployment.endpoint('http');
    this.remoteWriteUrls = (replicaEndpoints ?? [this.endpoint]).map((e) => `${e.url}/api/v1/write`);
    Observability.of(this).register('prometheus', this);
    this.node.addValidation({ validate: () => this.costWarnings() });
  }

  private readonly costWarned = new Set<string>();

  /** A rule far above the stack's others (samples per evaluation) is a warning with the estimate. */
  private costWarnings(): string[] {
    const { outliers, median } = stackCostOutliers(this);
    for (const c of outliers.filter((x) => x.source === this.node.path)) {
      const message = costOutlierMessage(c, median);
      if (!this.costWarned.has(message)) Annotations.of(this).addWarning(message);
      this.costWarned.add(message);
    }
    return [];
  }

  /** Adds a scrape job. Throws when it is invalid or its name is taken. */
  public addScrapeJob(job: ScrapeJobOptions): void {
    checkShape(this, 'ScrapeJobOptions', job, 'addScrapeJob(job)');
    throwIfProblems(this, jobProblemsInContext(job, this.jobNameSet, this.global));
    const literal = rawLiteralSecretsWarning(job.rawFields, `scrape job ${JSON.stringify(job.jobName)} rawFields`);
    if (literal) Annotations.of(this).addWarning(literal);
    this.jobs.push(job);
    this.jobNameSet.add(job.jobName);
  }

  /** Adds the jobs that scrape `target` (an exporter, a probe set, another server). */
  public scrape(target: IScrapeTarget): void {
    for (const job of target.scrapeJobs()) this.addScrapeJob(job);
  }

  /** Adds a rule group (recording and alerting rules). Throws when it is invalid or its name is taken. */
  public addRuleGroup(group: RuleGroup): void {
    checkShape(this, 'RuleGroup', group, 'addRuleGroup(group)');
    const problems = groupProblemsInContext(group, this.ruleFiles);
    const versionProblem = group.engine === 'grafana' ? undefined : ruleGroupVersionProblem(group, this.version, this.imageName);
    if (versionProblem) problems.push(versionProblem);
    if (!problems.length) {
      for (const rule of group.rules) {
        const p = promqlVersionProblem(rule.expr, this.version, this.imageName);
        if (p) problems.push(`rule group ${JSON.stringify(group.name)}, ${isAlertingRule(rule) ? `alert ${JSON.stringify(rule.alert)}` : `recording rule ${JSON.stringify(rule.record)}`}: expr ${p}`);
      }
    }
    const policy = this.alertPolicy === 'off' || problems.length ? [] : groupPolicyProblems(group);
    if (this.alertPolicy === 'error') problems.push(...policy.map(withPolicyOptOut));
    if (group.engine === 'grafana' && !problems.length) problems.push(...grafanaEngineProblems(group));
    throwIfProblems(this, problems);
    if (group.engine === 'grafana') {
      // Evaluated by Grafana against this server's data: no rule file here. The policy is applied there.
      const rules = new GrafanaAlertRules(this, `GrafanaRules-${slug(group.name)}`, {
        group,
        alertPolicy: this.alertPolicy,
        defaultInterval: this.global.evaluationInterval ?? '1m',
      });
      this.grafanaGroups.push(rules);
      this.ruleFiles.set(slug(group.name), group.name);
      return;
    }
    for (const p of this.alertPolicy === 'warn' ? policy : []) Annotations.of(this).addWarning(p);
    rememberSelectors(group);
    this.groups.push(group);
    this.ruleFiles.set(slug(group.name), group.name);
    this.engineRules?.(group);
  }

  /** Sends alerts to an Alertmanager, given as `host:port` or as an Alertmanager construct. */
  public addAlertmanager(target: string | IAlertmanagerTarget): void {
    if (typeof target !== 'string' && (target === null || typeof target !== 'object')) {
      throw new ValidationError(`addAlertmanager(target) must be a host:port string or an Alertmanager construct (got ${target === null ? 'null' : typeof target}).`, this);
    }
    if (typeof target === 'string') {
      if (!Token.isUnresolved(target) && !/^[^\s:/]+:\d{1,5}$/.test(target)) {
        throw new ValidationError(`Alertmanager address must be host:port (got ${JSON.stringify(target)}). Use e.g. "alertmanager:9093", or pass the Alertmanager construct.`, this);
      }
      if (this.alertmanagerAddresses.includes(target)) {
        throw new ValidationError(`Alertmanager ${JSON.stringify(target)} is already configured.`, this);
      }
      this.alertmanagerAddresses.push(target);
    } else {
      this.alertmanagerTargets.push(target);
    }
  }

  /** External labels, added to every alert this server sends. */
  public get externalLabels(): Record<string, string> {
    return { ...(this.global.externalLabels ?? {}) };
  }

  /** The job names, in order. */
  public get jobNames(): string[] {
    return this.jobs.map((j) => j.jobName);
  }

  /** Whether a rule group holding exactly `rules` (the same JSON) was added (e.g. recording rules for every service). */
  public hasRuleGroupWithRules(rules: readonly Rule[]): boolean {
    const first = (rs: readonly Rule[]) => (rs[0] as { expr?: unknown } | undefined)?.expr;
    const wantedFirst = first(rules);
    let wantedJson: string | undefined;
    for (const g of this.groups) {
      // A group whose rule count or first expression differs cannot be the same rules: skipped
      // before serializing (a server with thousands of per-service groups, none covering).
      const a = first(g.rules);
      if (g.rules.length !== rules.length || (typeof a === 'string' && typeof wantedFirst === 'string' && a !== wantedFirst)) continue;
      wantedJson ??= JSON.stringify(rules);
      if (JSON.stringify(g.rules) === wantedJson) return true;
    }
    return false;
  }

  /** Whether this server has a scrape job named `jobName` (without listing them all). */
  public hasJob(jobName: string): boolean {
    return this.jobNameSet.has(jobName);
  }

  /** The scrape jobs this server runs, in order. */
  public get configuredJobs(): readonly ScrapeJobOptions[] {
    return [...this.jobs];
  }

  /** Whether exemplars are stored (metrics → traces links from a graph's points). */
  public get exemplarStorage(): boolean {
    return this.flags.exemplars;
  }

  /** The global scrape and evaluation intervals, as written (`15s`). */
  public get intervals(): { readonly scrape: string; readonly evaluation: string } {
    return { scrape: resolveDuration(this.global.scrapeInterval ?? '15s').text, evaluation: resolveDuration(this.global.evaluationInterval ?? '15s').text };
  }

  /** The rule groups Prometheus evaluates (its rule files), in order. */
  public get ruleGroups(): readonly RuleGroup[] {
    return [...this.groups];
  }

  /** The groups added with `engine: 'grafana'`, evaluated by Grafana against this server's data. */
  public get grafanaRuleGroups(): readonly GrafanaAlertRules[] {
    return [...this.grafanaGroups];
  }

  /** A job that scrapes this server from another Prometheus (federation or meta-monitoring). */
  public scrapeJobs(): ScrapeJobOptions[] {
    return [{ jobName: this.componentName, targets: [this.endpoint.address] }];
  }

  /** prometheus.yml as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    return renderPrometheusYaml({
      global: this.global,
      scrapeJobs: this.jobs,
      ruleGroups: this.groups,
      alertmanagers: this.resolveAlertmanagers(),
      rawConfig: this.rawConfig,
      scrapeNativeHistograms: this.flags.nativeHistograms && nativeHistogramsVia(this.version) === 'config',
    });
  }

  /** Explicit Alertmanagers win; otherwise the stack's Alertmanager constructs. */
  private resolveAlertmanagers(): string[] {
    const explicit = [...this.alertmanagerAddresses, ...this.alertmanagerTargets.flatMap((t) => t.alertmanagerAddresses())];
    if (explicit.length) return explicit;
    return Observability.of(this)
      .find<IAlertmanagerTarget & Construct>('alertmanager')
      .flatMap((a) => a.alertmanagerAddresses());
  }

  private renderFiles(): ConfigFile[] {
    // References in the raw escape hatches go to secret files where Prometheus has a *_file
    // key; one without (in a URL, say) stays inline, and prometheus.yml is then a secret file.
    const raw = rawSecrets({ rawConfig: this.rawConfig, scrapeJobs: this.jobs });
    const files: ConfigFile[] = [{ path: `${CONFIG_DIR}/prometheus.yml`, content: this.renderConfig(), ...(raw.inlineInConfig ? { secret: true } : {}) }];
    for (const f of renderRuleFiles(this.groups)) files.push({ path: `${CONFIG_DIR}/${f.relativePath}`, content: f.content });
    for (const job of this.jobs) {
      for (const s of scrapeJobSecrets(job)) files.push({ path: `${CONFIG_DIR}/${s.relativePath}`, content: s.content, secret: true });
    }
    for (const s of raw.files) files.push({ path: `${CONFIG_DIR}/${s.relativePath}`, content: s.content, secret: true });
    return files;
  }

  private renderArgs(retention: string, retentionSize?: string): string[] {
    const args = [
      `--config.file=${CONFIG_DIR}/prometheus.yml`,
      `--storage.tsdb.path=${DATA_PATH}`,
      `--storage.tsdb.retention.time=${retention}`,
    ];
    if (retentionSize) args.push(`--storage.tsdb.retention.size=${retentionSize}`);
    if (this.flags.remoteWrite) args.push('--web.enable-remote-write-receiver');
    const features = [this.flags.exemplars && 'exemplar-storage', this.flags.nativeHistograms && nativeHistogramsVia(this.version) === 'flag' && 'native-histograms'].filter(Boolean);
    if (features.length) args.push(`--enable-feature=${features.join(',')}`);
    return args;
  }

  /** Turns on the remote-write receiver (used by components that push metrics). */
  public enableRemoteWriteReceiver(): void {
    this.flags.remoteWrite = true;
  }

  /** Turns on exemplar storage (used when traces are correlated with metrics). */
  public enableExemplarStorage(): void {
    this.flags.exemplars = true;
  }
}
