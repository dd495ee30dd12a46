import { TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DurationLike } from '../lib/core/duration';
import { throwIfProblems } from '../lib/core/errors';
import { SECRET_ENV_NAME, literalSecretProblem } from '../lib/core/secrets';
import { checkShape } from '../lib/core/shape';
import { Observability } from '../lib/observability';
import { ScrapeJobOptions } from '../lib/prometheus/scrape';
import { DeviceSpec, Endpoint, HealthcheckSpec, HostMountSpec, PortSpec, RestartPolicy } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, IRuntime } from '../lib/runtime/runtime';
import type { PrometheusServer } from './prometheus-server';

/** A port of a Container. */
export interface ContainerPort {
  /** Name, unique within the container; `endpoint(name)` returns how others reach it. @default - `port-<containerPort>` */
  readonly name?: string;
  /** Port inside the container. */
  readonly containerPort: number;
  /** @default 'tcp' */
  readonly protocol?: 'tcp' | 'udp';
  /**
   * Publish it on the host (Docker only), on `hostIp` (127.0.0.1 by default).
   * @default - the container's `publishPorts` (true on Docker)
   */
  readonly publish?: boolean;
  /** Host port. Docker only. @default - the container port */
  readonly hostPort?: number;
}

/** A named volume of a Container. */
export interface ContainerVolume {
  /** Name, unique within the container, e.g. `data`. */
  readonly name: string;
  /** Mount path inside the container, e.g. `/var/lib/app`. */
  readonly path: string;
  /**
   * Docker volume name, to keep an existing one (its data is picked up; it gets
   * `prevent_destroy`). Same as `volumeNames: { [name]: volumeName }`.
   * @default - `<container name>-<name>`, created by the stack
   */
  readonly volumeName?: string;
}

/** A file written into a Container. */
export interface ContainerFile {
  /** Absolute path inside the container, e.g. `/etc/caddy/Caddyfile`. */
  readonly path: string;
  /** Content, as the container must see it (`${...}` is kept as is: the library escapes it for Terraform). */
  readonly content: string;
  /**
   * The file holds a secret: its content must interpolate a reference (e.g.
   * `secretVariable(this, 'x').stringValue`), never a literal.
   * @default false
   */
  readonly secret?: boolean;
}

/** How Prometheus scrapes a Container. */
export interface ContainerScrapeOptions {
  /** Name of the port that serves metrics. @default - the first port */
  readonly port?: string;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default - the container name */
  readonly jobName?: string;
  /** @default - the server's global interval */
  readonly scrapeInterval?: DurationLike;
  /** Labels added to every series of the job, e.g. `{ team: 'platform' }`. @default - none */
  readonly labels?: Record<string, string>;
  /** @default - the stack's PrometheusServer */
  readonly prometheus?: PrometheusServer;
}

/** Properties of a Container. */
export interface ContainerProps extends ComponentOptions {
  /** Image as `repository:tag`, with a pinned tag (e.g. `gcr.io/cadvisor/cadvisor:v0.49.1`). */
  readonly image: string;
  /**
   * Container name and host name on the shared network.
   * @default - the construct id in lower case, e.g. `cadvisor`
   */
  readonly name?: string;
  /** Entrypoint override. @default - the image's entrypoint */
  readonly command?: string[];
  /** Arguments (Docker `command`). `extraArgs` are appended after them. @default - the image's default */
  readonly args?: string[];
  /**
   * Plain environment variables. A name that looks like a secret (`*_PASSWORD`, `*_TOKEN`,
   * `*_API_KEY`, ...) must not hold a literal: use `secretEnv`.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Secret environment variables: each value must be a reference, e.g.
   * `secretVariable(this, 'app_db_password').stringValue` (a sensitive Terraform variable).
   * On Kubernetes they are delivered through a Secret.
   * @default - none
   */
  readonly secretEnv?: Record<string, string>;
  /** Files written into the container. @default - none */
  readonly files?: ContainerFile[];
  /** Ports; each is published on 127.0.0.1 on Docker unless `publish: false`. @default - none */
  readonly ports?: ContainerPort[];
  /** Named volumes. @default - none */
  readonly volumes?: ContainerVolume[];
  /** Host paths mounted into the container (read-only unless `readOnly: false`). @default - none */
  readonly hostMounts?: HostMountSpec[];
  /** Run privileged (every capability and device of the host). Docker only. @default false */
  readonly privileged?: boolean;
  /** Host devices, e.g. `[{ hostPath: '/dev/kmsg' }]`. Docker only. @default - none */
  readonly devices?: DeviceSpec[];
  /** Linux capabilities to add, e.g. `['NET_ADMIN']`. @default - none */
  readonly addCapabilities?: string[];
  /** Linux capabilities to drop, e.g. `['ALL']`. @default - none */
  readonly dropCapabilities?: string[];
  /** Health check in exec form, e.g. `{ test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/healthz'] }`. @default - the image's */
  readonly healthcheck?: HealthcheckSpec;
  /** Docker networks to join besides the stack's shared one (they must exist). Docker only. @default - only the shared network */
  readonly networks?: string[];
  /** User (`uid[:gid]` or a name). @default - the image's */
  readonly user?: string;
  /** @default 'unless-stopped' */
  readonly restart?: RestartPolicy;
  /** Share the host's PID namespace. @default false */
  readonly hostPid?: boolean;
  /** Have the stack's PrometheusServer scrape it. @default - not scraped */
  readonly scrape?: ContainerScrapeOptions;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE_IMAGE = { repository: 'registry.example.com/my-app', tag: '1.0.0' };

/**
 * Any container the library has no construct for (cAdvisor, a Pushgateway, a reverse proxy,
 * your own app), on the stack's runtime with the same rules as every component: a pinned
 * image, ports on 127.0.0.1 unless told otherwise, secrets only as references, and,
 * on request, a scrape job on the stack's PrometheusServer.
 */
export class Container extends Construct {
  /** The main resource (`docker_container` on Docker), id `Resource`: the escape hatch for `addOverride`. */
  public readonly resource: TerraformResource;
  public readonly deployment: IDeployment;
  /** Container name and host name. */
  public readonly name: string;
  /** The scrape job added to Prometheus, when `scrape` is set. */
  public readonly scrapeJob?: ScrapeJobOptions;

  constructor(scope: Construct, id: string, props: ContainerProps) {
    super(scope, id);
    checkShape(this, 'ContainerProps', props, 'props');
    const problems: string[] = [];
    this.name = props.name ?? id.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
    const image = parseImage(props.image, imageExample(props.image));
    if (image.problem) problems.push(image.problem);
    if (props.hostPort !== undefined) problems.push(`hostPort applies to one port; a Container has a host port per port (got ${JSON.stringify(props.hostPort)}). Set ports[i].hostPort instead.`);

    for (const [k, v] of Object.entries(props.env ?? {})) {
      if (!ENV_NAME.test(k)) problems.push(`env name ${JSON.stringify(k)} is not a valid environment variable name. Use letters, digits and '_', not starting with a digit.`);
      if (SECRET_ENV_NAME.test(k) && !Token.isUnresolved(v)) {
        problems.push(`env ${k} looks like a secret and must not be a literal (got a literal string of ${v.length} characters). Put it in secretEnv as a reference, e.g. secretEnv: { ${k}: secretVariable(this, '${k.toLowerCase()}').stringValue }.`);
      }
    }
    for (const [k, v] of Object.entries(props.secretEnv ?? {})) {
      if (!ENV_NAME.test(k)) problems.push(`secretEnv name ${JSON.stringify(k)} is not a valid environment variable name. Use letters, digits and '_', not starting with a digit.`);
      if (k in (props.env ?? {})) problems.push(`${k} is set in both env and secretEnv. Keep it in one of them.`);
      const p = literalSecretProblem(v);
      if (p) problems.push(`secretEnv ${k} ${p}`);
    }
    (props.files ?? []).forEach((f, i) => {
      if (f.secret && !Token.isUnresolved(f.content)) {
        problems.push(`files[${i}] (${f.path}) is marked secret but its content is literal (a string of ${f.content.length} characters): it would sit in cdk.tf.json. Interpolate a reference instead, e.g. \`password = \${secretVariable(this, 'x').stringValue}\`.`);
      }
    });
    const hc = props.healthcheck;
    if (hc && !(['CMD', 'CMD-SHELL', 'NONE'].includes(hc.test[0]) && (hc.test[0] === 'NONE' || hc.test.length > 1))) {
      problems.push(`healthcheck.test must start with "CMD" (exec form), "CMD-SHELL" (one shell command) or be ["NONE"] (got ${JSON.stringify(hc.test)}). E.g. ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/healthz'].`);
    }

    const ports: PortSpec[] = (props.ports ?? []).map((p) => {
      const publish = mainPortPublish(this, { ...props, publishPorts: p.publish ?? props.publishPorts, hostPort: p.hostPort }, p.containerPort);
      problems.push(...publish.problems.map((m) => `ports ${p.name ?? p.containerPort}: ${m}`));
      return { name: p.name ?? `port-${p.containerPort}`, containerPort: p.containerPort, protocol: p.protocol, publish: publish.publish };
    });
    const scrapePort = props.scrape ? (props.scrape.port !== undefined ? ports.find((p) => p.name === props.scrape!.port) : ports[0]) : undefined;
    if (props.scrape) {
      if (!scrapePort) {
        problems.push(`scrape needs a port serving metrics: ${props.scrape.port !== undefined ? `no port is named ${JSON.stringify(props.scrape.port)} (ports: ${ports.map((p) => JSON.stringify(p.name)).join(', ') || 'none'})` : 'the container has no port'}. Add it to ports, e.g. { name: 'metrics', containerPort: 9091 }.`);
      } else if (scrapePort.protocol === 'udp') {
        problems.push(`scrape port ${JSON.stringify(scrapePort.name)} is a UDP port; Prometheus scrapes over HTTP (TCP).`);
      }
      const path = props.scrape.metricsPath ?? '/metrics';
      if (!path.startsWith('/')) problems.push(`scrape.metricsPath must start with "/" (got ${JSON.stringify(path)}), e.g. "/metrics".`);
    }
    throwIfProblems(this, problems);

    const runtime: IRuntime = props.runtime ?? Observability.of(this).runtime;
    this.deployment = deployComponent(runtime, props, this, {
      name: this.name,
      image: image.ref,
      entrypoint: props.command,
      args: props.args,
      env: props.env || props.secretEnv ? { ...(props.env ?? {}), ...(props.secretEnv ?? {}) } : undefined,
      files: props.files?.map((f) => ({ path: f.path, content: f.content, secret: f.secret })),
      ports,
      volumes: props.volumes?.map((v) => ({ name: v.name, path: v.path, volumeName: v.volumeName })),
      hostMounts: props.hostMounts,
      healthcheck: props.healthcheck,
      labels: props.labels,
      user: props.user,
      restart: props.restart,
      resources: props.resources,
      hostPid: props.hostPid,
      privileged: props.privileged,
      devices: props.devices,
      addCapabilities: props.addCapabilities,
      dropCapabilities: props.dropCapabilities,
      extraNetworks: props.networks,
    });
    this.resource = this.deployment.resource;

    if (props.scrape && scrapePort) {
      const prometheus =
        props.scrape.prometheus ??
        Observability.of(this).single<PrometheusServer>('prometheus', this, { noun: 'PrometheusServer', prop: 'scrape.prometheus', whenNone: 'to scrape the container. Create a PrometheusServer first, or remove scrape.' });
      this.scrapeJob = {
        jobName: props.scrape.jobName ?? this.name,
        targets: [this.deployment.endpoint(scrapePort.name).address],
        metricsPath: props.scrape.metricsPath,
        scrapeInterval: props.scrape.scrapeInterval,
        labels: props.scrape.labels,
      };
      prometheus.addScrapeJob(this.scrapeJob);
    }
    Observability.of(this).register('container', this);
  }

  /** How other components on the shared network reach the named port. */
  public endpoint(portName: string): Endpoint {
    return this.deployment.endpoint(portName);
  }

  /** How the host reaches the named port, when it is published. */
  public publishedUrl(portName: string): string | undefined {
    return this.deployment.publishedUrl(portName);
  }
}

/** The example image in messages: the given repository with a pinned tag, when it has one. */
function imageExample(image: unknown): { repository: string; tag: string } {
  if (typeof image !== 'string') return EXAMPLE_IMAGE;
  const repo = image.includes(':') && image.lastIndexOf(':') > image.lastIndexOf('/') ? image.slice(0, image.lastIndexOf(':')) : image;
  return /^[a-z0-9][a-z0-9._/-]*$/.test(repo) ? { repository: repo, tag: '<version>' } : EXAMPLE_IMAGE;
}
