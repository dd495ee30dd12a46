import { TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkShape, withVouchedShape } from '../lib/core/shape';
import { ReceiverSpec } from '../lib/alertmanager/receivers';
import { Matcher } from '../lib/alertmanager/matchers';
import { RouteNode, RouteOptions } from '../lib/alertmanager/route';
import { leadingTeamRouteOrAdd } from '../lib/alertmanager/team-routes';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { labelNameProblem, metricNameProblem } from '../lib/core/names';
import { SECRET_ENV_NAME, literalSecretProblem, urlSecretProblem } from '../lib/core/secrets';
import { RedDashboardOptions, redDashboard, redDashboardJson, sanitizeDashboardUid } from '../lib/grafana/dashboards';
import { slimDashboard } from '../lib/grafana/slim';
import { Observability } from '../lib/observability';
import { RuleSets } from '../lib/prometheus/presets';
import { AlertingRule, RuleGroup } from '../lib/prometheus/rules';
import { ScrapeJobOptions } from '../lib/prometheus/scrape';
import { ResourceLimits } from '../lib/runtime/component';
import { mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, IRuntime } from '../lib/runtime/runtime';
import { Sli } from '../lib/slo/sli';
import { AlertRoute } from './alert-route';
import { BlackboxExporter } from './blackbox-exporter';
import { Dashboard, DashboardProps, withPreparedJson } from './dashboard';
import { GrafanaFolder } from './grafana-folder';
import { IGrafana } from './grafana-server';
import { OtelCollector } from './otel-collector';
import { PrometheusServer } from './prometheus-server';
import { SloBudget, SloBudgetProps } from './slo-budget';

/** A container of yours that the stack runs and monitors. */
export interface ServiceContainerOptions {
  /** Image as `repository:tag`, with a pinned tag (`latest` is refused). */
  readonly image: string;
  /** Port the service listens on (HTTP); its metrics are served there too. */
  readonly port: number;
  /** Publish the port on the host. @default true */
  readonly publishPort?: boolean;
  /** Host port. @default - the same as `port` */
  readonly hostPort?: number;
  /** Host address the published port binds to. @default '127.0.0.1' */
  readonly hostIp?: string;
  /** Extra environment variables; values may be tokens (a sensitive variable). @default - none */
  readonly env?: Record<string, string>;
  /** User the container runs as (`uid[:gid]`). @default - the image's user */
  readonly user?: string;
  /** @default - no limits */
  readonly resources?: ResourceLimits;
  /** @default - the stack's runtime */
  readonly runtime?: IRuntime;
}

/** A service running elsewhere, scraped and probed where it is. */
export interface ExternalServiceOptions {
  /** `host:port` Prometheus scrapes, e.g. `payments.internal:8080`. */
  readonly address: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
}

/** An SLO of the service (an `SloBudget` with the service's name, team and runbooks). */
export interface ServiceSloOptions {
  /** Unique within the service, e.g. `latency`. */
  readonly name: string;
  /** Percent, e.g. 99.9. */
  readonly objective: number;
  /** @default '30d' */
  readonly window?: DurationLike;
  /** `Sli.latency(...)`, `Sli.availability(...)` or `Sli.raw(...)`. */
  readonly sli: Sli;
  /** @default - `<runbookBaseUrl>/slo-<service>-<name>` */
  readonly runbookUrl?: string;
  /** Also ticket at 2× burn over 1d and 2h (see `SloBudgetProps.dayTicket`). @default true */
  readonly dayTicket?: boolean;
}

/** Threshold alerts of the service, on its RED recording rules. */
export interface ServiceAlertOptions {
  /** Page (critical) when the error ratio stays above this for 5m, e.g. 0.05. @default - no error-ratio alert */
  readonly errorRatio?: number;
  /** Ticket (warning) when p99 latency stays above this many seconds for 10m. @default - no latency alert */
  readonly p99LatencySeconds?: number;
  /** Traffic floor of the error-ratio alert (requests per second). @default 1 */
  readonly minRequestRate?: number;
  /** How long the scrape target may be down before `ServiceDown` pages. @default '2m' */
  readonly downFor?: DurationLike;
}

/** Names of the service's RED metrics. */
export interface ServiceMetricNames {
  /** @default 'http_requests_total' */
  readonly requestsMetric?: string;
  /** Histogram without `_bucket`. @default 'http_request_duration_seconds' */
  readonly durationMetric?: string;
  /** @default 'status' */
  readonly statusLabel?: string;
  /** @default '5..' */
  readonly errorStatusRegex?: string;
}

/** Properties of a MonitoredService. */
export interface MonitoredServiceProps {
  /** Service name: `service` label, `OTEL_SERVICE_NAME`, container and job name, e.g. `payment-api`. */
  readonly service: string;
  /** Owning team: `team` label on its targets and alerts, and the route its alerts take. */
  readonly team: string;
  /** Run this container. Give `container` or `external`. @default - none */
  readonly container?: ServiceContainerOptions;
  /** Monitor a service running elsewhere. Give `container` or `external`. @default - none */
  readonly external?: ExternalServiceOptions;
  /**
   * How Prometheus finds it: its own scrape job (`job`), or Docker labels
   * (`prometheus.scrape=true`, read by the stack Prometheus's `dockerDiscovery`; container only).
   * @default 'job'
   */
  readonly scrape?: 'job' | 'docker-labels';
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default - the server's global interval */
  readonly scrapeInterval?: DurationLike;
  /** `deployment.environment` resource attribute. @default 'production' */
  readonly environment?: string;
  /** More OTel resource attributes (`service.version`, ...). @default - none */
  readonly resourceAttributes?: Record<string, string>;
  /**
   * Health URL probed by the blackbox exporter (`http_2xx`). For a container, a path
   * (`/health`) is resolved against it; for an external service give a full URL.
   * @default - no probe
   */
  readonly healthCheck?: string;
  /** Blackbox module of the probe. @default 'http_2xx' */
  readonly probeModule?: string;
  /** RED metric names. @default - the course's names */
  readonly metrics?: ServiceMetricNames;
  /** SLOs; more with `addSlo`. @default - none */
  readonly slos?: ServiceSloOptions[];
  /** Threshold alerts on top of `ServiceDown` (and `ServiceProbeFailed` with a health check). @default - none */
  readonly alerts?: ServiceAlertOptions;
  /** Base URL of the runbooks its alerts link (`<base>/service-down`, ...). Required: critical alerts page people. */
  readonly runbookBaseUrl: string;
  /**
   * Where the team's alerts go: a receiver (added to the route if new) or a receiver name.
   * A route `team="<team>"` is added first in the stack's AlertRoute, with `continue: true`
   * so severity routes (on-call paging) still apply. @default - the existing routes decide
   */
  readonly receiver?: string | ReceiverSpec;
  /** A RED dashboard for the service (in `folder`). @default true when the stack has a Grafana */
  readonly dashboard?: boolean;
  /** @default - the General folder */
  readonly folder?: GrafanaFolder;
  /** @default - the stack's only PrometheusServer */
  readonly prometheus?: PrometheusServer;
  /** Where its OTel SDK sends traces, metrics and logs. @default - the stack's OtelCollector, if any */
  readonly collector?: OtelCollector;
  /**
   * OTLP/gRPC endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`, when the collector's own address does
   * not fit (an external service reaching the Collector through a load balancer).
   * @default - a container: the Collector on the shared network (`http://otel-collector:4317`);
   * an external service: the Collector's published OTLP/gRPC URL, if published
   */
  readonly otlpEndpoint?: string;
  /** @default - the stack's BlackboxExporter (needed with `healthCheck`) */
  readonly blackbox?: BlackboxExporter;
  /** @default - the stack's AlertRoute (needed with `receiver`) */
  readonly route?: AlertRoute;
  /** @default - the stack's Grafana, if any */
  readonly grafana?: IGrafana;
}

const DOCKER_LABELMAP = '__meta_docker_container_label_prometheus_label_(.+)';
const NAME = /^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$/;
/** Environment variable names that hold secrets: their values must be references. */
const SECRET_ENV = SECRET_ENV_NAME;

/**
 * "Monitor my service": one construct wires what the course asks of a service — the OTel
 * SDK environment pointing at the stack's Collector, a scrape job (or Docker labels) with
 * `service` and `team` labels, RED recording rules, a RED dashboard, optional SLOs with
 * burn-rate alerts, a blackbox probe of its health URL, and its alerts routed through the
 * stack's AlertRoute by its team label. Give it your container or an external endpoint.
 */
export class MonitoredService extends Construct {
  /** The service's container (when `container` is given), for escape hatches. */
  public readonly resource?: TerraformResource;
  public readonly deployment?: IDeployment;
  public readonly service: string;
  public readonly team: string;
  /** The OTel SDK environment (also set on the container): use it for a service deployed elsewhere. */
  public readonly otelEnvironment: Record<string, string>;
  /** The job whose `up` series tells whether the service is scraped. */
  public readonly upSelector: string;
  /** The recording and alerting rule groups added to Prometheus. */
  public readonly ruleGroups: RuleGroup[] = [];
  public readonly slos: SloBudget[] = [];
  public readonly dashboard?: Dashboard;
  /** The route added for the team, when `receiver` is given. */
  public readonly teamRoute?: RouteNode;
  public readonly prometheus: PrometheusServer;
  private readonly runbookBaseUrl: string;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: MonitoredServiceProps) {
    super(scope, id);
    checkShape(this, 'MonitoredServiceProps', props, 'props');
    const registry = Observability.of(this);
    const problems: string[] = [];
    for (const [k, v] of [['service', props.service], ['team', props.team]] as const) {
      if (typeof v !== 'string' || !NAME.test(v)) problems.push(`${k} must be lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(v)}), e.g. "payment-api".`);
    }
    if ((props.container === undefined) === (props.external === undefined)) {
      problems.push(`give exactly one of container (a container the stack runs) or external (a service running elsewhere) (got ${props.container ? 'both' : 'neither'}).`);
    }
    const scrapeMode = props.scrape ?? 'job';
    if (scrapeMode !== 'job' && scrapeMode !== 'docker-labels') problems.push(`scrape must be "job" or "docker-labels" (got ${JSON.stringify(scrapeMode)}).`);
    if (scrapeMode === 'docker-labels' && props.external) problems.push('scrape "docker-labels" needs a container the stack runs; an external service gets a scrape job (scrape: "job").');
    const metricsPath = props.metricsPath ?? '/metrics';
    if (!metricsPath.startsWith('/')) problems.push(`metricsPath must start with "/" (got ${JSON.stringify(metricsPath)}), e.g. "/metrics".`);
    if (!props.runbookBaseUrl || !/^https?:\/\/\S+$/.test(props.runbookBaseUrl)) {
      problems.push(`runbookBaseUrl must be an http(s) URL (got ${JSON.stringify(props.runbookBaseUrl)}): ServiceDown and the SLO alerts page people, who need the steps. E.g. "https://wiki.example.com/runbooks".`);
    }
    const c = props.container;
    let image: ReturnType<typeof parseImage> | undefined;
    if (c) {
      image = parseImage(c.image, { repository: 'registry.example.com/my-service', tag: '1.0.0' });
      if (image.problem) problems.push(`container.${image.problem}`);
      if (!Number.isSafeInteger(c.port) || c.port < 1 || c.port > 65535) problems.push(`container.port must be a port number from 1 to 65535 (got ${JSON.stringify(c.port)}).`);
      for (const [k, v] of Object.entries(c.env ?? {})) {
        if (SECRET_ENV.test(k)) {
          const p = literalSecretProblem(v);
          if (p) problems.push(`container.env ${k} ${p}`);
        }
        if (k.startsWith('OTEL_')) problems.push(`container.env sets ${k}, which this construct derives (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES). Use the collector, service, environment and resourceAttributes props instead.`);
      }
    }
    if (props.external) {
      const a = props.external.address;
      if (!Token.isUnresolved(a) && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(a ?? '')) {
        problems.push(`external.address must be host:port (got ${JSON.stringify(a)}), e.g. "payments.internal:8080". Put the scheme in external.scheme and the path in metricsPath.`);
      }
    }
    for (const k of Object.keys(props.resourceAttributes ?? {})) {
      if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(k) || /[,=]/.test(props.resourceAttributes![k])) {
        problems.push(`resourceAttributes entry ${JSON.stringify(k)}=${JSON.stringify(props.resourceAttributes![k])} cannot be written to OTEL_RESOURCE_ATTRIBUTES (keys like "service.version", values without "," or "=").`);
      }
      if (k === 'service.name') problems.push('resourceAttributes must not set service.name: the service prop sets it (OTEL_SERVICE_NAME).');
    }
    const m = props.metrics ?? {};
    for (const [k, v] of [['requestsMetric', m.requestsMetric], ['durationMetric', m.durationMetric]] as const) {
      const p = v === undefined ? undefined : metricNameProblem(v);
      if (p) problems.push(`metrics.${k} ${p}`);
    }
    if (m.statusLabel !== undefined) {
      const p = labelNameProblem(m.statusLabel);
      if (p) problems.push(`metrics.statusLabel ${p}`);
    }
    const a = props.alerts ?? {};
    if (a.errorRatio !== undefined && !(a.errorRatio > 0 && a.errorRatio < 1)) {
      problems.push(`alerts.errorRatio is a ratio strictly between 0 and 1 (got ${JSON.stringify(a.errorRatio)}). Write 0.05 for 5 %.`);
    }
    if (a.minRequestRate !== undefined && !(a.minRequestRate >= 0)) {
      problems.push(`alerts.minRequestRate must be a number of requests per second, 0 or more (got ${JSON.stringify(a.minRequestRate)}).`);
    }
    if (a.downFor !== undefined) {
      const d = resolveDuration(a.downFor);
      if (d.problem) problems.push(`alerts.downFor ${d.problem}`);
    }
    if (scrapeMode === 'docker-labels' && props.scrapeInterval !== undefined) {
      problems.push(`scrapeInterval applies to a scrape job; with scrape "docker-labels" the discovery job's interval applies (got ${JSON.stringify(String(props.scrapeInterval))}). Drop it, or use scrape: "job".`);
    }
    if (a.p99LatencySeconds !== undefined && !(a.p99LatencySeconds > 0)) {
      problems.push(`alerts.p99LatencySeconds must be a positive number of seconds (got ${JSON.stringify(a.p99LatencySeconds)}). Write 0.5 for 500 ms.`);
    }
    if (props.healthCheck !== undefined) {
      const h = props.healthCheck;
      if (props.external && !/^https?:\/\/\S+$/.test(h)) problems.push(`healthCheck of an external service must be a full http(s) URL (got ${JSON.stringify(h)}), e.g. "https://payments.example.com/health".`);
      if (c && !h.startsWith('/') && !/^https?:\/\/\S+$/.test(h)) problems.push(`healthCheck must be a path on the container ("/health") or a full http(s) URL (got ${JSON.stringify(h)}).`);
      if (urlSecretProblem(h)) problems.push(`healthCheck ${urlSecretProblem(h)}`);
    }
    throwIfProblems(this, problems);

    this.service = props.service;
    this.team = props.team;
    this.runbookBaseUrl = props.runbookBaseUrl.replace(/\/+$/, '');
    this.labels = { service: props.service, team: props.team };
    this.prometheus =
      props.prometheus ??
      registry.single<PrometheusServer>('prometheus', this, { noun: 'PrometheusServer', prop: 'prometheus', whenNone: 'to scrape the service. Create a PrometheusServer (or an ObservabilityStack) first.' });

    if (scrapeMode === 'job' && this.prometheus.hasJob(props.service)) {
      throw new ValidationError(`${this.prometheus.node.path} already has a job named ${JSON.stringify(props.service)}; a MonitoredService's job takes the service name. Rename the other job or the service.`, this);
    }

    // OTel SDK environment, as the course's demo-app gets it.
    const collector = props.collector ?? registry.find<OtelCollector>('otel-collector')[0];
    const attributes = { 'deployment.environment': props.environment ?? 'production', 'service.namespace': props.team, ...(props.resourceAttributes ?? {}) };
    // A container reaches the Collector on the shared network; a service elsewhere, through its published port.
    const otlp = props.otlpEndpoint ?? (collector ? (c ? collector.otlpGrpcEndpoint.url : collector.deployment.publishedUrl('otlp-grpc')) : undefined);
    this.otelEnvironment = {
      OTEL_SERVICE_NAME: props.service,
      OTEL_RESOURCE_ATTRIBUTES: Object.entries(attributes).map(([k, v]) => `${k}=${v}`).join(','),
      ...(otlp ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } : {}),
    };

    // The container, with Docker labels when discovery finds it that way.
    let address: string;
    let scheme: 'http' | 'https' = 'http';
    if (c) {
      const port = mainPortPublish(this, { publishPorts: c.publishPort, hostPort: c.hostPort, hostIp: c.hostIp }, c.port);
      throwIfProblems(this, port.problems);
      const dockerLabels =
        scrapeMode === 'docker-labels'
          ? { 'prometheus.scrape': 'true', 'prometheus.port': String(c.port), 'prometheus.path': metricsPath, 'prometheus.label.service': props.service, 'prometheus.label.team': props.team }
          : undefined;
      const runtime = c.runtime ?? registry.runtime;
      this.deployment = runtime.deploy(this, {
        name: props.service,
        image: image!.ref,
        env: { ...(c.env ?? {}), ...this.otelEnvironment },
        user: c.user,
        ports: [{ name: 'http', containerPort: c.port, publish: port.publish }],
        labels: dockerLabels,
        resources: c.resources,
      });
      this.resource = this.deployment.resource;
      address = this.deployment.endpoint('http').address;
    } else {
      address = props.external!.address;
      scheme = props.external!.scheme ?? 'http';
    }

    // Scraping.
    if (scrapeMode === 'job') {
      const job: ScrapeJobOptions = {
        jobName: props.service,
        targets: [address],
        labels: this.labels,
        metricsPath: props.metricsPath,
        scheme: scheme === 'https' ? scheme : undefined,
        scrapeInterval: props.scrapeInterval,
      };
      withVouchedShape('ScrapeJobOptions', job, (j) => this.prometheus.addScrapeJob(j));
      this.upSelector = `up{job=${JSON.stringify(props.service)}}`;
    } else {
      const dockerJobs = this.prometheus.configuredJobs.filter((j) => (j.dockerSdConfigs ?? []).length > 0);
      if (!dockerJobs.length) {
        throw new ValidationError(`scrape "docker-labels" needs Docker discovery on ${this.prometheus.node.path}, which has none. Set its dockerDiscovery (and mountDockerSocket), or use scrape: "job".`, this);
      }
      // The container's labels use the `prometheus` prefix: only a discovery job that keeps
      // `prometheus.scrape=true` and maps `prometheus.label.*` to target labels scrapes it right.
      const discovery = dockerJobs.find((j) => (j.relabelConfigs ?? []).some((r) => r.action === 'labelmap' && r.regex === DOCKER_LABELMAP));
      if (!discovery) {
        throw new ValidationError(
          `scrape "docker-labels" needs a Docker discovery job that reads the "prometheus." labels (Discovery.dockerContainers() with the default labelPrefix); ${this.prometheus.node.path} has ${dockerJobs.map((j) => JSON.stringify(j.jobName)).join(', ')}, which does not map prometheus.label.* to target labels. Use the default dockerDiscovery, or scrape: "job".`,
          this,
        );
      }
      this.upSelector = `up{job=${JSON.stringify(discovery.jobName)}, service=${JSON.stringify(props.service)}}`;
    }

    // RED recording rules for this service, unless the server already records them for every
    // service from the same metrics (two rules writing one series would conflict).
    const covered = this.prometheus.hasRuleGroupWithRules(RuleSets.red({ ...m }).rules);
    if (!covered) this.addOwnRules(RuleSets.red({ service: props.service, ...m }));

    // Blackbox probe of the health URL.
    let probeJob: string | undefined;
    if (props.healthCheck !== undefined) {
      const blackbox =
        props.blackbox ??
        registry.single<BlackboxExporter>('blackbox-exporter', this, { noun: 'BlackboxExporter', prop: 'blackbox', whenNone: 'to probe healthCheck. Create a BlackboxExporter, or drop healthCheck.' });
      const url = props.healthCheck.startsWith('/') ? `${scheme}://${address}${props.healthCheck}` : props.healthCheck;
      probeJob = `${props.service}-health`;
      this.prometheus.scrape(blackbox.probe(probeJob, { module: props.probeModule ?? 'http_2xx', targets: [url], labels: this.labels }));
    }

    // Alerts, each with the team label the route matches.
    const alerts: AlertingRule[] = [
      {
        alert: 'ServiceDown',
        // Docker discovery lists running containers only: a stopped one leaves no `up` series.
        expr: scrapeMode === 'docker-labels' ? `${this.upSelector} == 0 or absent(${this.upSelector})` : `${this.upSelector} == 0`,
        for: a.downFor ?? '2m',
        labels: { severity: 'critical', ...this.labels },
        annotations: {
          summary: `${props.service} is down`,
          description: `Prometheus cannot scrape ${props.service} ({{ $labels.instance }}) for ${a.downFor ?? '2m'}.`,
          runbook_url: `${this.runbookBaseUrl}/service-down`,
        },
      },
    ];
    if (probeJob) {
      alerts.push({
        alert: 'ServiceProbeFailed',
        expr: `probe_success{job=${JSON.stringify(probeJob)}} == 0`,
        for: '2m',
        labels: { severity: 'critical', ...this.labels },
        annotations: {
          summary: `${props.service} health check fails`,
          description: `The blackbox probe of {{ $labels.instance }} has failed for 2 minutes.`,
          runbook_url: `${this.runbookBaseUrl}/service-probe-failed`,
        },
      });
    }
    const sel = `{service=${JSON.stringify(props.service)}}`;
    if (a.errorRatio !== undefined) {
      alerts.push({
        alert: 'ServiceHighErrorRate',
        expr: `(service:http_errors:ratio5m${sel}) > ${a.errorRatio}\nand\n(service:http_requests:rate5m${sel}) > ${a.minRequestRate ?? 1}`,
        for: '5m',
        labels: { severity: 'critical', ...this.labels },
        annotations: {
          summary: `${props.service}: error ratio above ${a.errorRatio * 100} %`,
          description: `{{ $value | humanizePercentage }} of ${props.service}'s requests fail.`,
          runbook_url: `${this.runbookBaseUrl}/service-high-error-rate`,
        },
      });
    }
    if (a.p99LatencySeconds !== undefined) {
      alerts.push({
        alert: 'ServiceHighLatency',
        expr: `service:http_latency:p99_5m${sel} > ${a.p99LatencySeconds}`,
        for: '10m',
        labels: { severity: 'warning', ...this.labels },
        annotations: {
          summary: `${props.service}: p99 latency above ${a.p99LatencySeconds}s`,
          description: `p99 latency of ${props.service} is {{ $value | humanizeDuration }}.`,
          runbook_url: `${this.runbookBaseUrl}/service-high-latency`,
        },
      });
    }
    this.addOwnRules({ name: `${props.service}_alerts`, rules: alerts });

    // The team's route.
    if (props.receiver !== undefined) {
      const route =
        props.route ?? registry.single<AlertRoute>('alert-route', this, { noun: 'AlertRoute', prop: 'route', whenNone: 'to route the team\'s alerts. Create an AlertRoute, or drop receiver.' });
      const receiverName = typeof props.receiver === 'string' ? props.receiver : props.receiver.name;
      if (typeof props.receiver !== 'string') {
        const known = route.receiver(receiverName);
        if (!known) route.addReceiver(props.receiver);
        else if (JSON.stringify(known) !== JSON.stringify(props.receiver)) {
          throw new ValidationError(`receiver ${JSON.stringify(receiverName)} is already defined on ${route.node.path} with other settings. Pass its name (receiver: ${JSON.stringify(receiverName)}) to share it, or give this one another name.`, this);
        }
      }
      // Reuse the team's route only where this construct puts it: among the leading routes
      // that all continue, so every alert still reaches it and the routes after it (from an
      // index of those routes: every service asks).
      this.teamRoute = leadingTeamRouteOrAdd(route.root, receiverName, props.team, () => {
        const options: RouteOptions = { receiver: receiverName, matchers: [Matcher.eq('team', props.team)], continue: true };
        return withVouchedShape('RouteOptions', options, (r) => route.addRoute(r, 0));
      });
    }

    // A RED dashboard for this service.
    const grafana = props.grafana ?? registry.find<IGrafana & Construct>('grafana')[0];
    if (props.dashboard === true && !grafana) {
      throw new ValidationError('dashboard is true but the stack has no Grafana. Create a GrafanaServer or an ExistingGrafana, or pass grafana.', this);
    }
    if ((props.dashboard ?? true) && grafana) {
      const red: RedDashboardOptions = {
        uid: sanitizeDashboardUid(`service-${props.service}`),
        title: `${props.service} — RED`,
        service: props.service,
        requestsMetric: m.requestsMetric,
        durationMetric: m.durationMetric,
        statusLabel: m.statusLabel,
        errorStatusRegex: m.errorStatusRegex,
      };
      // Props built here (the model by redDashboard, folder and grafana as checked above): not
      // walked again; the model's config_json comes from the text shared by the services' RED dashboards.
      const dashboardProps: DashboardProps = { dashboard: redDashboard(red), folder: props.folder, grafana };
      this.dashboard = withPreparedJson(dashboardProps.dashboard, redDashboardJson(red, slimDashboard), () =>
        withVouchedShape('DashboardProps', dashboardProps, (p) => new Dashboard(this, 'Dashboard', p)),
      );
    }

    // Checked with the props (ServiceSloOptions): not walked again.
    for (const slo of props.slos ?? []) withVouchedShape('ServiceSloOptions', slo, (s) => this.addSlo(s));
    registry.register('service', this);
  }

  /** Adds an SLO (an `SloBudget` on the service's Prometheus, with its team label and runbook). */
  public addSlo(slo: ServiceSloOptions): SloBudget {
    checkShape(this, 'ServiceSloOptions', slo, 'addSlo(slo)');
    // Props built from the checked slo and this service's checked values: not walked again.
    const props: SloBudgetProps = {
      service: this.service,
      name: slo.name,
      objective: slo.objective,
      window: slo.window,
      sli: slo.sli,
      runbookUrl: slo.runbookUrl ?? `${this.runbookBaseUrl}/slo-${this.service}-${slo.name}`,
      dayTicket: slo.dayTicket,
      labels: { team: this.team },
      prometheus: this.prometheus,
    };
    const budget = withVouchedShape('SloBudgetProps', props, (p) => new SloBudget(this, `Slo-${slo.name}`, p));
    this.slos.push(budget);
    return budget;
  }

  /** Adds a rule group for this service to its Prometheus. */
  public addRules(group: RuleGroup): void {
    checkShape(this, 'RuleGroup', group, 'addRules(group)');
    this.addOwnRules(group);
  }

  /** Adds a group built here from the checked props (or just checked): its shape is not walked again. */
  private addOwnRules(group: RuleGroup): void {
    withVouchedShape('RuleGroup', group, (g) => this.prometheus.addRuleGroup(g));
    this.ruleGroups.push(group);
  }
}
