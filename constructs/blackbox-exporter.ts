import { Annotations, TerraformResource, Token } from 'cdktf';
import { rawLiteralSecretsWarning, urlSecretProblem } from '../lib/core/secrets';
import { checkPrimitive, checkShape } from '../lib/core/shape';
import { Construct } from 'constructs';
import { DurationLike } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { BlackboxModule, blackboxModuleProblems, renderBlackboxYaml } from '../lib/blackbox/config';
import { Observability } from '../lib/observability';
import { Relabel } from '../lib/prometheus/relabel';
import { IScrapeTarget } from '../lib/prometheus/scrape';
import { Endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, componentEndpoint } from '../lib/runtime/runtime';

/** The image this library is tested with. */
export const BLACKBOX_EXPORTER_IMAGE = { repository: 'prom/blackbox-exporter', tag: 'v0.28.0' };
const PORT = 9115;
const CONFIG_PATH = '/etc/blackbox_exporter/config.yml';

/** The course's modules, ready to pass as `modules`. */
export const COURSE_BLACKBOX_MODULES: Record<string, BlackboxModule> = {
  http_2xx: {
    prober: 'http',
    timeout: '5s',
    http: {
      validHttpVersions: ['HTTP/1.1', 'HTTP/2.0'],
      validStatusCodes: [200, 301, 302],
      followRedirects: true,
      preferredIpProtocol: 'ip4',
      tlsConfig: { insecureSkipVerify: false },
    },
  },
  http_post_json: {
    prober: 'http',
    timeout: '5s',
    http: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"healthcheck": true}' },
  },
  tcp_connect: { prober: 'tcp', timeout: '5s' },
  icmp_ping: { prober: 'icmp', timeout: '5s', icmp: { preferredIpProtocol: 'ip4' } },
};

/** Properties of a BlackboxExporter. */
export interface BlackboxExporterProps extends ComponentOptions {
  /**
   * Modules by name; more can be added with `addModule`.
   * @default - `http_2xx` (any 2xx over IPv4) and `tcp_connect`
   */
  readonly modules?: Record<string, BlackboxModule>;
}

/** A set of targets probed through one module. */
export interface ProbeOptions {
  /** Module name, as added to the exporter. */
  readonly module: string;
  /** URLs (http), `host:port` (tcp, dns server) or hosts (icmp). */
  readonly targets: string[];
  /** @default - the server's global interval */
  readonly scrapeInterval?: DurationLike;
  /** Labels attached to every target. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * The blackbox exporter, for probing endpoints from outside (HTTP, TCP, ICMP, DNS), with
 * typed modules checked at synth (including prober names the exporter itself accepts).
 */
export class BlackboxExporter extends Construct {
  public readonly resource: TerraformResource;
  public readonly deployment: IDeployment;
  public readonly endpoint: Endpoint;
  private readonly modules = new Map<string, BlackboxModule>();
  private readonly probes: Array<{ jobName: string; options: ProbeOptions }> = [];

  constructor(scope: Construct, id: string, props: BlackboxExporterProps = {}) {
    super(scope, id);
    checkShape(this, 'BlackboxExporterProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, BLACKBOX_EXPORTER_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, PORT);
    problems.push(...port.problems);
    throwIfProblems(this, problems);
    const initial = props.modules ?? {
      http_2xx: { prober: 'http', timeout: '5s', http: { preferredIpProtocol: 'ip4' } },
      tcp_connect: { prober: 'tcp', timeout: '5s', tcp: { preferredIpProtocol: 'ip4' } },
    };
    for (const [name, m] of Object.entries(initial)) this.addModule(name, m);

    const name = props.name ?? 'blackbox-exporter';
    this.endpoint = componentEndpoint(props.runtime ?? Observability.of(this).runtime, name, PORT);
    const runtime = props.runtime ?? Observability.of(this).runtime;
    const needsRaw = () => [...this.modules.values()].some((m) => m.prober === 'icmp');
    this.deployment = deployComponent(runtime, props, 
      this,
      {
        name,
        image: image.ref,
        user: '65534:65534',
        ports: [{ name: 'http', containerPort: PORT, publish: port.publish }],
        healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORT}/-/healthy`] },
        labels: props.labels,
        resources: props.resources,
        // ICMP needs raw sockets; granted only when a module pings.
        addCapabilities: Object.values(initial).some((m) => m.prober === 'icmp') ? ['NET_RAW'] : undefined,
      },
      {
        files: () => {
          // A module's rawFields may hold a secret reference (http_config credentials): the file is then a secret.
          const content = renderBlackboxYaml(this.modules);
          return [{ path: CONFIG_PATH, content, ...(Token.isUnresolved(content) ? { secret: true } : {}) }];
        },
        args: () => [`--config.file=${CONFIG_PATH}`],
      },
    );
    this.resource = this.deployment.resource;
    this.node.addValidation({
      validate: () => {
        const out: string[] = [];
        for (const p of this.probes) {
          if (!this.modules.has(p.options.module)) {
            out.push(`probe job ${JSON.stringify(p.jobName)} uses module ${JSON.stringify(p.options.module)}, which this exporter does not define (it has ${[...this.modules.keys()].join(', ')}). Add it with addModule() or fix the name.`);
          }
        }
        if (needsRaw() && !Object.values(initial).some((m) => m.prober === 'icmp')) {
          out.push('an icmp module was added after construction; ICMP needs the NET_RAW capability, granted only for modules passed in props. Pass it in `modules` instead.');
        }
        return out;
      },
    });
    Observability.of(this).register('blackbox-exporter', this);
  }

  /** Adds a module. Throws when it is invalid or the name is taken. */
  public addModule(name: string, module: BlackboxModule): void {
    checkPrimitive(this, 'string', name, 'addModule(name)');
    checkShape(this, 'BlackboxModule', module, 'addModule(module)');
    const problems = blackboxModuleProblems(name, module);
    if (this.modules.has(name)) problems.unshift(`blackbox module ${JSON.stringify(name)} is already defined. Module names must be unique; rename one.`);
    throwIfProblems(this, problems);
    const literalInRaw = rawLiteralSecretsWarning(module.rawFields, `blackbox module ${JSON.stringify(name)} rawFields`);
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    this.modules.set(name, module);
  }

  /** The module names, in order. */
  public get moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  /**
   * Probes `targets` through `module`: returns a scrape target for `PrometheusServer.scrape()`
   * whose job uses the course's relabeling (`__address__` → `__param_target` → `instance`,
   * `__address__` → this exporter).
   */
  public probe(jobName: string, options: ProbeOptions): IScrapeTarget {
    checkPrimitive(this, 'string', jobName, 'probe(jobName)');
    checkShape(this, 'ProbeOptions', options, 'probe(options)');
    const module = this.modules.get(options.module);
    const problems: string[] = [];
    if (!options.targets?.length) problems.push(`probe job ${JSON.stringify(jobName)} has no targets. Give the URLs or hosts to probe.`);
    for (const t of options.targets ?? []) {
      if (Token.isUnresolved(t)) continue;
      const secret = urlSecretProblem(t);
      if (secret) problems.push(`probe job ${JSON.stringify(jobName)}: target ${secret}`);
      if (module?.prober === 'http' && !/^https?:\/\/[^\s/]+/.test(t)) {
        problems.push(`probe job ${JSON.stringify(jobName)}: target ${JSON.stringify(t)} is not an http(s) URL, but module ${options.module} uses the http prober. Use e.g. "https://example.com/health".`);
      }
      if (module?.prober === 'tcp' && !/^[^\s/:]+:\d{1,5}$/.test(t) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(t)) {
        problems.push(`probe job ${JSON.stringify(jobName)}: target ${JSON.stringify(t)} is not host:port, but module ${options.module} uses the tcp prober. Use e.g. "db:5432".`);
      }
      if (module?.prober === 'icmp' && /[\s/:]/.test(t)) {
        problems.push(`probe job ${JSON.stringify(jobName)}: target ${JSON.stringify(t)} is not a bare host, but module ${options.module} uses the icmp prober. Use e.g. "10.0.0.1" or "example.com".`);
      }
    }
    throwIfProblems(this, problems);
    if (this.probes.some((p) => p.jobName === jobName)) {
      throw new ValidationError(`probe job ${JSON.stringify(jobName)} is already defined on this exporter. Use another job name.`, this);
    }
    this.probes.push({ jobName, options });
    const address = this.endpoint.address;
    return {
      scrapeJobs: () => [
        {
          jobName,
          metricsPath: '/probe',
          params: { module: [options.module] },
          scrapeInterval: options.scrapeInterval,
          targets: [...options.targets],
          labels: options.labels,
          relabelConfigs: [
            Relabel.replace({ sourceLabels: ['__address__'], targetLabel: '__param_target' }),
            Relabel.replace({ sourceLabels: ['__param_target'], targetLabel: 'instance' }),
            Relabel.replace({ targetLabel: '__address__', replacement: address }),
          ],
        },
      ],
    };
  }

  /** blackbox.yml as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    return renderBlackboxYaml(this.modules);
  }
}
