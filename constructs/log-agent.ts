import { Annotations, TerraformResource, Token } from 'cdktf';
import { urlSecretProblem } from '../lib/core/secrets';
import { checkShape } from '../lib/core/shape';
import { rawLiteralSecretsWarning } from '../lib/core/secrets';
import { IRemoteWriteTarget } from './prometheus-server';
import { Construct } from 'constructs';
import { LogPipelineSpec, PipelineDuration, promtailDocument, renderAlloyPipeline, renderPromtailPipeline } from '../lib/alloy/pipeline';
import { mergeRawConfig, rawConfigHoldsSecret, rawConfigProblems, rawOverrideWarning } from '../lib/core/raw-config';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { dockerSocketProblem, labelNameProblem, re2Problem } from '../lib/core/names';
import { ResolvedCorrelation } from '../lib/grafana/correlation';
import { Observability } from '../lib/observability';
import { ConfigFile, DataVolumeSpec, Endpoint, HostMountSpec, ImageRef } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, componentEndpoint } from '../lib/runtime/runtime';
import { versionAtLeast } from '../lib/core/releases';

/**
 * The Alloy image this library is verified against: grafana/alloy tag v1.18.1 (commit
 * 6012ec4ac6a541ade720777ecec2f2b02b496def), the newest stable release; every component the
 * pipeline writes is generally available there (test/fixtures/engines/alloy-1.18.1.json).
 */
export const ALLOY_IMAGE: ImageRef = { repository: 'grafana/alloy', tag: 'v1.18.1' };
/**
 * The last Promtail: 3.6.11 (grafana/loki tag v3.6.11, commit
 * f7a4aa99e11c22de606f8af470800e7a2a944512), the last release whose release workflow built the
 * promtail image; 3.6.12 stopped building it and Loki 3.7 removed Promtail. Promtail reached
 * end of life on 2026-03-02 (docs/sources/send-data/promtail/_index.md): prefer Alloy, the
 * default. Facts in test/fixtures/engines/promtail-3.6.11.json.
 */
export const PROMTAIL_IMAGE: ImageRef = { repository: 'grafana/promtail', tag: '3.6.11' };

/** Said once per Promtail agent. */
const PROMTAIL_EOL = 'Promtail reached end of life on 2026-03-02 (Grafana Loki docs) and gets no fixes: there is no release after 3.6.11, and Loki 3.7 removed it. Use agent: "alloy" (the default), which runs the same pipeline.';

/** Drops health-check and scrape requests logged by the services (RE2, unanchored). */
export const HEALTHCHECK_DROP_EXPRESSION = '.*(GET|HEAD) /(health|healthz|ready|metrics).*';

const DOCKER_SOCKET = 'unix:///var/run/docker.sock';
const ALLOY = { port: 12345, config: '/etc/alloy/config.alloy', data: '/var/lib/alloy/data', profilesPort: 9999 };
const PROMTAIL = { port: 9080, config: '/etc/promtail/config.yml', positions: '/var/lib/promtail' };
const AGENTS = ['alloy', 'promtail'] as const;

/** The log agent: Grafana Alloy (default) or Promtail (legacy, logs only). */
export type LogAgentKind = (typeof AGENTS)[number];

/** A Loki the agent pushes to (a LokiCluster registers as `loki` with this getter). */
export type ILokiPushTarget = { readonly pushUrl: string } & Construct;


/** Properties of a LogAgent. */
export interface LogAgentProps extends ComponentOptions {
  /** @default 'alloy' */
  readonly agent?: LogAgentKind;
  /**
   * Mount the Docker socket read-only (needed to read container logs, and for `scrapeMetrics`,
   * through the default local socket). It grants control of the host's Docker.
   * @default false
   */
  readonly mountDockerSocket?: boolean;
  /** Read container logs through Docker. @default true */
  readonly containerLogs?: boolean;
  /** Docker daemon address: the local socket, or a TCP socket proxy. @default 'unix:///var/run/docker.sock' */
  readonly dockerHost?: string;
  /** How often Docker discovery refreshes the container list (the course's 5s). @default '5s' */
  readonly refreshInterval?: DurationLike;
  /** Mount the host's /var/log read-only and tail `hostLogPaths`. @default false */
  readonly readHostLogs?: boolean;
  /** Files to tail with `readHostLogs` (globs under /var/log). @default ['/var/log/*.log'] */
  readonly hostLogPaths?: string[];
  /**
   * Log fields promoted to Loki labels, label name → field of the log line. Labels are
   * indexed: low-cardinality values only (never trace, span or user ids).
   * @default { level: 'level' }
   */
  readonly logLabels?: Record<string, string>;
  /**
   * More fields attached as structured metadata (stored, filterable, not indexed), name →
   * field. The trace and span ids are always attached as `trace_id` and `span_id`.
   * @default - none
   */
  readonly structuredMetadata?: Record<string, string>;
  /**
   * Lines matching this RE2 expression are dropped (counted with reason `healthcheck`);
   * `false` keeps every line.
   * @default HEALTHCHECK_DROP_EXPRESSION
   */
  readonly dropExpression?: string | false;
  /** @default - the stack's Loki (`Observability.of(stack).find('loki')`), read at synth */
  readonly loki?: ILokiPushTarget;
  /** Push URL; overrides `loki` and discovery. @default - the Loki's `pushUrl` */
  readonly lokiUrl?: string;
  /** Tenant (`X-Scope-OrgID`) for a multi-tenant Loki. @default - none */
  readonly tenantId?: string;
  /**
   * Alloy only: scrape containers labelled `prometheus.scrape=true` (`prometheus.port`,
   * `prometheus.path`) and remote-write the samples to the stack's Prometheus.
   * @default false
   */
  readonly scrapeMetrics?: boolean;
  /**
   * Alloy only: the Prometheus to remote-write to; its receiver is turned on.
   * @default - the stack's PrometheusServer, which must be created before this construct
   */
  readonly prometheus?: IRemoteWriteTarget;
  /** Alloy only: remote-write URL; overrides `prometheus` (its receiver is then yours to enable). */
  readonly remoteWriteUrl?: string;
  /** Alloy only: Docker discovery refresh for `scrapeMetrics`. @default '30s' */
  readonly metricsRefreshInterval?: DurationLike;
  /** Alloy only: scrape interval for `scrapeMetrics`. @default '15s' */
  readonly metricsScrapeInterval?: DurationLike;
  /**
   * Alloy only: relay profiles. Pyroscope SDKs push to `http://<name>:9999` (the shared
   * network; `pyroscope.receive_http`), Alloy forwards them to the stack's ProfilingBackend
   * (`pyroscope.write`). Before Alloy v1.10 the receiver is public preview, and the library
   * adds `--stability.level=public-preview`.
   * @default false
   */
  readonly receiveProfiles?: boolean;
  /** Alloy only: where relayed profiles go. @default - the stack's ProfilingBackend */
  readonly pyroscope?: { readonly pushUrl: string } & Construct;
  /**
   * Promtail only. Escape hatch: config.yml keys in Promtail's own spelling, deep-merged over
   * the configuration the construct renders (maps merge key by key, a list or scalar
   * replaces: `scrape_configs` given here replaces the construct's jobs; `null` removes the
   * key), e.g. `{ limits_config: { readline_rate_enabled: true } }`. Raw keys are not checked
   * by the library; a key that replaces one the construct manages is reported as a synth
   * warning. The mounts still follow the typed props (`mountDockerSocket`, `readHostLogs`).
   * Used by `cdktf-observability import`.
   * @default - none
   */
  readonly rawConfig?: Record<string, unknown>;
}

const ALLOY_ONLY: Array<keyof LogAgentProps> = ['scrapeMetrics', 'prometheus', 'remoteWriteUrl', 'metricsRefreshInterval', 'metricsScrapeInterval', 'receiveProfiles', 'pyroscope'];

/**
 * The course's log agent: Docker discovery → container logs (and optionally /var/log) →
 * parse the stack's log format (`Observability.of(stack).correlation`) → `level` label,
 * trace and span ids as structured metadata → drop health checks → the stack's Loki.
 * Grafana Alloy by default (`config.alloy`), or Promtail with the same stages.
 *
 * The Docker socket is mounted read-only, and only with `mountDockerSocket: true`. The Loki
 * is found at synth (construction order does not matter); with `scrapeMetrics`, the
 * stack's PrometheusServer must exist before this construct so its remote-write receiver can
 * be turned on (or pass it as `prometheus`).
 */
export class LogAgent extends Construct {
  public readonly resource: TerraformResource;
  public readonly deployment: IDeployment;
  /** How components on the shared network reach the agent's HTTP server (UI, /metrics). */
  public readonly endpoint: Endpoint;
  public readonly agent: LogAgentKind;
  /** The correlation settings the pipeline follows (the stack's, at construction). */
  public readonly correlation: ResolvedCorrelation;
  /** Path of the configuration file in the container. */
  public readonly configPath: string;

  private readonly props: LogAgentProps;
  private readonly base: Omit<LogPipelineSpec, 'lokiPushUrl' | 'metrics'>;
  private readonly metricsBase?: Omit<NonNullable<LogPipelineSpec['metrics']>, 'remoteWriteUrl'>;
  private readonly remoteWriteTarget?: IRemoteWriteTarget;
  private readonly profilesRelay: boolean;

  constructor(scope: Construct, id: string, props: LogAgentProps = {}) {
    super(scope, id);
    checkShape(this, 'LogAgentProps', props, 'props');
    this.props = props;
    const registry = Observability.of(this);
    this.correlation = registry.correlation;
    const c = this.correlation;
    const problems: string[] = [];

    const agent = props.agent ?? 'alloy';
    if (!(AGENTS as readonly string[]).includes(agent)) {
      problems.push(`agent must be "alloy" or "promtail" (got ${JSON.stringify(agent)}). Use "alloy" (the default; Promtail is in long-term support only).`);
    }
    this.agent = agent === 'promtail' ? 'promtail' : 'alloy';
    const isAlloy = this.agent === 'alloy';
    if (!isAlloy) Annotations.of(this).addWarning(PROMTAIL_EOL);
    if (!isAlloy) {
      for (const key of ALLOY_ONLY) {
        if (props[key] !== undefined && props[key] !== false) {
          problems.push(`${key} is an Alloy option, but agent is "promtail", which only ships logs (got ${key}: ${JSON.stringify(describeValue(props[key]))}). Use agent: "alloy" (the default) or remove ${key}.`);
        }
      }
    }
    if (isAlloy && props.rawConfig !== undefined) {
      problems.push(`rawConfig is a Promtail option (YAML keys merged over config.yml), but agent is "alloy" (got keys ${JSON.stringify(Object.keys(props.rawConfig ?? {}))}). Set agent: "promtail", or remove rawConfig.`);
    } else problems.push(...rawConfigProblems(props.rawConfig));
    const image = parseImage(props.image, isAlloy ? ALLOY_IMAGE : PROMTAIL_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, isAlloy ? ALLOY.port : PROMTAIL.port);
    problems.push(...port.problems);

    const runtime = props.runtime ?? Observability.of(this).runtime;
    if (runtime.kind === 'kubernetes') {
      for (const [prop, value] of [['mountDockerSocket', props.mountDockerSocket], ['dockerHost', props.dockerHost], ['containerLogs', props.containerLogs ?? true]] as const) {
        if (value !== undefined && value !== false) {
          problems.push(`${prop} reads containers through Docker (got ${JSON.stringify(value)}), which the Kubernetes target does not have. Remove it${prop === 'containerLogs' ? ' (set containerLogs: false)' : ''}: collecting pod logs on Kubernetes is not part of this library yet (use Grafana's k8s-monitoring chart, or a LogAgent with hostLogPaths).`);
        }
      }
    }
    // Docker: the socket only with an explicit opt-in, always read-only.
    const containerLogs = props.containerLogs ?? true;
    const dockerHost = props.dockerHost ?? DOCKER_SOCKET;
    const usesDocker = containerLogs || (isAlloy && !!props.scrapeMetrics);
    const hostMounts: HostMountSpec[] = [];
    if (!Token.isUnresolved(dockerHost) && !/^(unix:\/\/\/\S+|tcp:\/\/[^\s/]+|https?:\/\/[^\s/]+)$/.test(dockerHost)) {
      problems.push(`dockerHost must be unix:///path or tcp://host:port (got ${JSON.stringify(dockerHost)}). Use "${DOCKER_SOCKET}" or a socket proxy such as "tcp://docker-proxy:2375".`);
    } else if (!Token.isUnresolved(dockerHost) && dockerSocketProblem('dockerHost', dockerHost)) {
      problems.push(dockerSocketProblem('dockerHost', dockerHost)!);
    } else if (usesDocker && dockerHost.startsWith('unix://') && !props.mountDockerSocket) {
      const what = containerLogs ? 'container logs are read' : 'scrapeMetrics discovers containers';
      problems.push(`${what} through the Docker socket ${dockerHost}, which is not mounted (mountDockerSocket is false). Set mountDockerSocket: true to mount it read-only (it grants control of the host's Docker), or point dockerHost at a TCP socket proxy.`);
    }
    if (props.mountDockerSocket) {
      const path = dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock';
      hostMounts.push({ hostPath: path, containerPath: path, readOnly: true });
    }

    // Host files: /var/log read-only, only with readHostLogs.
    const hostLogPaths = props.hostLogPaths ?? ['/var/log/*.log'];
    if (props.readHostLogs) {
      for (const p of hostLogPaths) {
        if (!/^\/var\/log\/\S+$/.test(p) || p.split('/').includes('..')) {
          problems.push(`hostLogPaths: ${JSON.stringify(p)} is not under /var/log, the only host directory mounted (got ${JSON.stringify(p)}). Use a path or glob such as "/var/log/*.log" or "/var/log/nginx/*.log".`);
        }
      }
      hostMounts.push({ hostPath: '/var/log', containerPath: '/var/log', readOnly: true });
    } else if (props.hostLogPaths !== undefined) {
      problems.push(`hostLogPaths is set but readHostLogs is not (got ${JSON.stringify(props.hostLogPaths)}). Set readHostLogs: true to mount /var/log read-only and tail them.`);
    }
    if (!containerLogs && !props.readHostLogs) {
      problems.push('the agent collects nothing (got containerLogs: false, readHostLogs: false). Keep containerLogs (the default) or set readHostLogs: true.');
    }

    const refresh = durationOf('refreshInterval', props.refreshInterval ?? '5s', problems);

    // Fields: the level as a label, trace and span ids as structured metadata.
    const logLabels = props.logLabels ?? { level: 'level' };
    const idFields = new Map([[c.logTraceIdField, 'trace id'], [c.logSpanIdField, 'span id']]);
    for (const [label, field] of Object.entries(logLabels)) {
      const lp = labelNameProblem(label);
      if (lp) problems.push(`logLabels: ${JSON.stringify(label)} ${lp}`);
      else if (label.startsWith('__')) problems.push(`logLabels: label names starting with "__" are reserved for internal use (got ${JSON.stringify(label)}). Rename it.`);
      problems.push(...fieldProblems(`logLabels.${label}`, field));
      const id = idFields.get(field) ?? (label === 'trace_id' ? 'trace id' : label === 'span_id' ? 'span id' : undefined);
      if (id) {
        problems.push(`logLabels would make the ${id} a Loki label (got ${JSON.stringify(label)}: ${JSON.stringify(field)}). A ${id} is unique per request, so every value would create a new stream (high cardinality) and overload Loki's index; it is attached as structured metadata (${id === 'trace id' ? 'trace_id' : 'span_id'}) instead. Remove it from logLabels.`);
      }
    }
    const extraMetadata = props.structuredMetadata ?? {};
    for (const [name, field] of Object.entries(extraMetadata)) {
      const np = labelNameProblem(name);
      if (np) problems.push(`structuredMetadata: ${JSON.stringify(name)} ${np}`);
      else if (name === 'trace_id' || name === 'span_id' || Object.prototype.hasOwnProperty.call(logLabels, name)) {
        problems.push(`structuredMetadata: ${JSON.stringify(name)} is already extracted (got ${JSON.stringify(name)}). trace_id and span_id come from the stack's correlation settings; use another name.`);
      }
      problems.push(...fieldProblems(`structuredMetadata.${name}`, field));
    }

    const drop = props.dropExpression === undefined ? HEALTHCHECK_DROP_EXPRESSION : props.dropExpression;
    if (drop !== false) {
      const rp = typeof drop === 'string' && drop.length === 0 ? 'must not be empty (got ""). Pass false to keep every line.' : re2Problem(drop);
      if (rp) problems.push(`dropExpression ${rp}`);
    }

    for (const [key, url] of [['lokiUrl', props.lokiUrl], ['remoteWriteUrl', props.remoteWriteUrl]] as const) {
      if (url !== undefined) problems.push(...httpUrlProblems(key, url));
    }
    if (props.tenantId !== undefined && (props.tenantId.trim() === '' || /[\s\u0000-\u001f]/.test(props.tenantId))) {
      problems.push(`tenantId must be a non-empty name without spaces (got ${JSON.stringify(props.tenantId)}). Use e.g. "default", or leave it out for a single-tenant Loki.`);
    }

    // Metrics (Alloy only): remote write to the stack's Prometheus.
    const scrapeMetrics = isAlloy && !!props.scrapeMetrics;
    let metricsRefresh: PipelineDuration | undefined;
    let metricsScrape: PipelineDuration | undefined;
    if (scrapeMetrics) {
      metricsRefresh = durationOf('metricsRefreshInterval', props.metricsRefreshInterval ?? '30s', problems);
      metricsScrape = durationOf('metricsScrapeInterval', props.metricsScrapeInterval ?? '15s', problems);
    }
    throwIfProblems(this, problems);

    if (scrapeMetrics && props.remoteWriteUrl === undefined) {
      // Created before this construct: the receiver flag is set now, before Prometheus renders its args.
      const existing = registry.find<IRemoteWriteTarget & Construct>('prometheus');
      if (!props.prometheus && existing.length > 1) {
        throw new ValidationError(`scrapeMetrics: the stack has ${existing.length} PrometheusServers (${existing.map((e) => e.node.path).join(', ')}). Pass the one to remote-write to as the prometheus prop.`, this);
      }
      this.remoteWriteTarget = props.prometheus ?? existing[0];
      this.remoteWriteTarget?.enableRemoteWriteReceiver();
    }

    this.base = {
      docker: containerLogs ? { host: dockerHost, refreshInterval: refresh } : undefined,
      hostLogPaths: props.readHostLogs ? [...hostLogPaths] : undefined,
      format: c.logFormat,
      fields: {
        ...logLabels,
        trace_id: c.logTraceIdField,
        span_id: c.logSpanIdField,
        ...extraMetadata,
      },
      labels: Object.keys(logLabels),
      structuredMetadata: ['trace_id', 'span_id', ...Object.keys(extraMetadata)],
      drop: drop === false ? undefined : { expression: drop, reason: 'healthcheck' },
      tenantId: props.tenantId,
    };
    if (scrapeMetrics) {
      this.metricsBase = { host: dockerHost, refreshInterval: metricsRefresh!, scrapeInterval: metricsScrape!, labelPrefix: 'prometheus' };
    }

    const name = props.name ?? this.agent;
    const listenPort = isAlloy ? ALLOY.port : PROMTAIL.port;
    this.endpoint = componentEndpoint(runtime, name, listenPort);
    this.configPath = isAlloy ? ALLOY.config : PROMTAIL.config;
    const volumes: DataVolumeSpec[] = isAlloy ? [{ name: 'data', path: ALLOY.data }] : [{ name: 'positions', path: PROMTAIL.positions }];
    const profiles = isAlloy && !!props.receiveProfiles;
    if (!profiles && props.pyroscope) {
      throw new ValidationError(`pyroscope is set but receiveProfiles is not (got ${props.pyroscope.node.path}). Set receiveProfiles: true to relay profiles to it, or remove pyroscope.`, this);
    }
    this.profilesRelay = profiles;
    const args = isAlloy
      ? ['run', ALLOY.config, `--server.http.listen-addr=0.0.0.0:${ALLOY.port}`, `--storage.path=${ALLOY.data}`, ...(profiles && !versionAtLeast(image.ref.tag, '1.10.0', true) ? ['--stability.level=public-preview'] : [])]
      : [`-config.file=${PROMTAIL.config}`];

    // runtime: resolved above
    this.deployment = deployComponent(runtime, props, 
      this,
      {
        name,
        image: image.ref,
        args,
        // Runs as the image's user (root): reading the Docker socket and /var/log needs it.
        // No healthcheck: neither image ships an HTTP client (readiness is GET /-/ready).
        ports: [{ name: 'http', containerPort: listenPort, publish: port.publish }, ...(profiles ? [{ name: 'profiles', containerPort: ALLOY.profilesPort }] : [])],
        volumes,
        hostMounts,
        labels: props.labels,
        resources: props.resources,
      },
      { files: () => this.renderFiles() },
    );
    this.resource = this.deployment.resource;

    this.node.addValidation({ validate: () => this.synthProblems() });
    const literalInRaw = rawLiteralSecretsWarning(props.rawConfig, 'rawConfig');
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    if (!isAlloy && props.rawConfig) {
      // The keys the construct renders (the push URL is resolved at synth: any stands in).
      const rendered = promtailDocument({ ...this.base, lokiPushUrl: props.lokiUrl ?? 'http://loki:3100/loki/api/v1/push' }, { httpPort: PROMTAIL.port, positionsDir: PROMTAIL.positions });
      const warning = rawOverrideWarning('LogAgent', mergeRawConfig(rendered, props.rawConfig).overridden);
      if (warning) Annotations.of(this).addWarning(warning);
    }
    registry.register('log-agent', this);
  }

  /** The agent's configuration as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    const spec = this.pipeline();
    return this.agent === 'alloy'
      ? renderAlloyPipeline(spec)
      : renderPromtailPipeline(spec, { httpPort: PROMTAIL.port, positionsDir: PROMTAIL.positions, rawConfig: this.props.rawConfig });
  }

  /** The pipeline model, with the Loki and Prometheus resolved now (at synth). */
  public pipeline(): LogPipelineSpec {
    const loki = this.resolveLoki();
    if (loki.problem) throw new ValidationError(loki.problem, this);
    let metrics: LogPipelineSpec['metrics'];
    if (this.metricsBase) {
      const rw = this.resolveRemoteWrite();
      if (rw.problem) throw new ValidationError(rw.problem, this);
      metrics = { ...this.metricsBase, remoteWriteUrl: rw.url! };
    }
    let profiles: LogPipelineSpec['profiles'];
    if (this.profilesRelay) {
      const target = this.resolvePyroscope();
      if (target.problem) throw new ValidationError(target.problem, this);
      profiles = { listenPort: ALLOY.profilesPort, pyroscopeUrl: target.url! };
    }
    return { ...this.base, lokiPushUrl: loki.url!, metrics, profiles };
  }

  private renderFiles(): ConfigFile[] {
    return [{ path: this.configPath, content: this.renderConfig(), ...(rawConfigHoldsSecret(this.props.rawConfig, this) ? { secret: true } : {}) }];
  }

  private synthProblems(): string[] {
    const out: string[] = [];
    const loki = this.resolveLoki();
    if (loki.problem) out.push(loki.problem);
    if (this.metricsBase) {
      const rw = this.resolveRemoteWrite();
      if (rw.problem) out.push(rw.problem);
    }
    if (this.profilesRelay) {
      const p = this.resolvePyroscope();
      if (p.problem) out.push(p.problem);
    }
    return out;
  }

  /** The `pyroscope` prop, else the stack's one ProfilingBackend (looked up now). */
  private resolvePyroscope(): { url?: string; problem?: string } {
    if (this.props.pyroscope) return { url: this.props.pyroscope.pushUrl };
    const found = Observability.of(this).find<{ pushUrl: string } & Construct>('pyroscope');
    if (found.length === 1) return { url: found[0].pushUrl };
    return {
      problem: found.length
        ? `receiveProfiles: the stack has ${found.length} ProfilingBackends (${found.map((f) => f.node.path).join(', ')}). Pass the one to relay to as the pyroscope prop.`
        : 'receiveProfiles: no ProfilingBackend in this stack to relay profiles to (got none). Create one (or set profiling: true on the ObservabilityStack), or pass it as the pyroscope prop.',
    };
  }

  /** lokiUrl, else the `loki` prop, else the stack's one Loki (looked up now). */
  private resolveLoki(): { url?: string; problem?: string } {
    if (this.props.lokiUrl !== undefined) return { url: this.props.lokiUrl };
    let target = this.props.loki;
    if (!target) {
      const found = Observability.of(this).find<ILokiPushTarget>('loki');
      if (found.length === 0) {
        return { problem: 'no Loki in this stack to push logs to. Create a LokiCluster in the stack, pass one as the loki prop, or set lokiUrl (e.g. "http://loki:3100/loki/api/v1/push").' };
      }
      if (found.length > 1) {
        return { problem: `the stack has ${found.length} Lokis (${found.map((f) => f.node.path).join(', ')}). Pass the one to push to as the loki prop, or set lokiUrl.` };
      }
      target = found[0];
    }
    const url = target.pushUrl;
    const p = httpUrlProblems(`the push URL of ${target.node.path}`, url);
    return p.length ? { problem: p[0] } : { url };
  }

  /** remoteWriteUrl, else the Prometheus enabled at construction. */
  private resolveRemoteWrite(): { url?: string; problem?: string } {
    if (this.props.remoteWriteUrl !== undefined) return { url: this.props.remoteWriteUrl };
    if (this.remoteWriteTarget) return { url: `${this.remoteWriteTarget.endpoint.url}/api/v1/write` };
    const later = Observability.of(this).find<IRemoteWriteTarget & Construct>('prometheus');
    if (later.length) {
      return {
        problem: `scrapeMetrics: the stack's PrometheusServer (${later.map((l) => l.node.path).join(', ')}) was created after this LogAgent, so its remote-write receiver could not be turned on (got none at construction). Create the PrometheusServer before the LogAgent, pass it as the prometheus prop, or set remoteWriteUrl for a Prometheus you configure yourself.`,
      };
    }
    return { problem: 'scrapeMetrics: no PrometheusServer in this stack to remote-write to (got none at construction or synth). Create one before this LogAgent, pass it as the prometheus prop, or set remoteWriteUrl (e.g. "http://prometheus:9090/api/v1/write").' };
  }
}

function durationOf(key: string, value: DurationLike, problems: string[]): PipelineDuration {
  const d = resolveDuration(value);
  if (d.problem) problems.push(`${key} ${d.problem}`);
  else if (d.ms === 0) problems.push(`${key} must be longer than zero (got ${JSON.stringify(d.text)}). Use e.g. "5s".`);
  return { ms: d.ms ?? 0, text: d.text };
}

function fieldProblems(where: string, field: string): string[] {
  if (typeof field !== 'string' || field.trim() === '' || /[\u0000-\u001f]/.test(field)) {
    return [`${where}: the log field must be a non-empty name without control characters (got ${JSON.stringify(field)}). Use the key as it appears in the log line, e.g. "level".`];
  }
  return [];
}

function httpUrlProblems(key: string, url: string): string[] {
  if (Token.isUnresolved(url)) return [];
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(url)) {
    const example = key === 'remoteWriteUrl' ? '"http://prometheus:9090/api/v1/write"' : '"http://loki:3100/loki/api/v1/push" or "https://logs.example.com/loki/api/v1/push"';
    return [`${key} must be an http(s) URL (got ${JSON.stringify(url)}). Use e.g. ${example}.`];
  }
  const secret = urlSecretProblem(url);
  return secret ? [`${key} ${secret}`] : [];
}

function describeValue(v: unknown): unknown {
  return v instanceof Construct ? v.node.path : v;
}
