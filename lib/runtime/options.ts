import { Annotations } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ComponentSpec, ImageRef, PortPublish, ResourceLimits } from './component';
import { DynamicParts, IDeployment, IRuntime } from './runtime';
import { throwIfProblems } from '../core/errors';
import { Observability } from '../observability';

/** Options every component construct accepts. */
export interface ComponentOptions {
  /**
   * Where the component runs.
   * @default - the stack's runtime (`Observability.of(stack).runtime`): a DockerRuntime
   */
  readonly runtime?: IRuntime;
  /**
   * Container name and host name on the shared network.
   * @default - the component's conventional name (`prometheus`, `node-exporter`, ...)
   */
  readonly name?: string;
  /**
   * Image as `repository:tag`, with a pinned tag.
   * @default - the version this library is tested with (see each construct)
   */
  readonly image?: string;
  /**
   * Publish the component's main port on the host. Docker only: on Kubernetes nothing is
   * published (`true` is refused there; `false` is accepted).
   * @default - true on Docker
   */
  readonly publishPorts?: boolean;
  /**
   * Host address published ports bind to. `0.0.0.0` exposes them on every interface and
   * is reported as a warning. Docker only.
   * @default '127.0.0.1'
   */
  readonly hostIp?: string;
  /**
   * Host port for the main port. Docker only.
   * @default - the same number as the container port
   */
  readonly hostPort?: number;
  /** @default - no limits */
  readonly resources?: ResourceLimits;
  /** Extra container labels. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Command-line arguments appended after the ones the library sets, to keep the flags of an
   * existing setup (e.g. `['--web.enable-lifecycle']` on Prometheus). One argument per
   * element. On the Kubernetes target, refused for the chart-run engines (Prometheus,
   * Alertmanager, Loki, Tempo, Grafana).
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Docker volume names to use, by the component's volume name (Prometheus, Alertmanager,
   * Loki, Tempo and Grafana keep theirs in `data`), e.g. `{ data: 'prometheus_data' }` to
   * pick up the data of an existing Compose setup. Such volumes get `prevent_destroy`.
   * Docker only.
   * @default - `<name>-<volume>` for each volume, created by the stack
   */
  readonly volumeNames?: Record<string, string>;
}

/**
 * `spec` with the options every component accepts applied: `extraArgs` and `volumeNames`
 * (a name for a volume the component does not have is a problem).
 */
export function withComponentOptions(spec: ComponentSpec, options: ComponentOptions): { spec: ComponentSpec; problems: string[] } {
  const problems: string[] = [];
  const volumes = spec.volumes ?? [];
  for (const key of Object.keys(options.volumeNames ?? {})) {
    if (!volumes.some((v) => v.name === key)) {
      problems.push(`volumeNames names a volume ${JSON.stringify(key)} that ${spec.name} does not have (it has ${volumes.map((v) => JSON.stringify(v.name)).join(', ') || 'none'}).`);
    }
  }
  return {
    problems,
    spec: {
      ...spec,
      extraArgs: options.extraArgs?.length ? [...(spec.extraArgs ?? []), ...options.extraArgs] : spec.extraArgs,
      volumes: spec.volumes?.map((v) => (options.volumeNames?.[v.name] !== undefined ? { ...v, volumeName: options.volumeNames[v.name] } : v)),
    },
  };
}

/** `runtime.deploy(scope, spec, dynamic)` with the options every component accepts applied. */
export function deployComponent(runtime: IRuntime, options: ComponentOptions, scope: Construct, spec: ComponentSpec, dynamic?: DynamicParts): IDeployment {
  const applied = withComponentOptions(spec, options);
  throwIfProblems(scope, applied.problems);
  return runtime.deploy(scope, applied.spec, dynamic);
}

/**
 * Problems for options a chart-run engine (the Kubernetes target's Helm charts) cannot take:
 * its flags and storage belong to the chart.
 */
export function engineOptionProblems(engine: string, options: ComponentOptions): string[] {
  const out: string[] = [];
  if (options.extraArgs?.length) {
    out.push(`extraArgs is a Docker option for ${engine} (got ${JSON.stringify(options.extraArgs)}): on the Kubernetes target the chart sets its flags. Remove it, or set the chart value through the release's escape hatch.`);
  }
  if (options.volumeNames !== undefined) {
    out.push(`volumeNames is a Docker option (got ${JSON.stringify(options.volumeNames)}): on the Kubernetes target ${engine} keeps its data in the chart's PersistentVolumeClaims. Remove it.`);
  }
  return out;
}

/** Dotted-quad IPv4 without leading zeros (Go's net.ParseIP refuses "00.0.0.0" since Go 1.17). */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses `repository:tag` (tag pinned) or returns a problem. */
/** distribution/reference: `[host[:port]/]component(/component)*`, lower-case components. */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)';
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseImage(image: string | undefined, fallback: ImageRef): { ref: ImageRef; problem?: string } {
  if (image === undefined) return { ref: fallback };
  const at = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  if (at <= 0 || at < slash) {
    return { ref: fallback, problem: `image must be "repository:tag" with a pinned tag (got ${JSON.stringify(image)}). Use e.g. "${fallback.repository}:${fallback.tag}".` };
  }
  const ref = { repository: image.slice(0, at), tag: image.slice(at + 1) };
  const first = ref.repository.split('/')[0];
  // Docker reads the first component as a registry host only with a '.', a ':' or "localhost".
  const upperPath = ref.repository.includes('/') && !/[.:]/.test(first) && first !== 'localhost' && /[A-Z]/.test(first);
  if (!REPOSITORY.test(ref.repository) || upperPath || !(TAG.test(ref.tag) || ref.tag === '')) {
    return {
      ref: fallback,
      problem: `image is not a valid image reference (got ${JSON.stringify(image)}): a repository of lower-case path components (optionally after a registry host[:port]/) and a tag of letters, digits, '_', '.' and '-' (at most 128). Use e.g. "${fallback.repository}:${fallback.tag}".`,
    };
  }
  if (ref.tag === 'latest' || ref.tag === '') {
    return { ref, problem: `image tag must be pinned (got ${JSON.stringify(image)}); "latest" changes under you. Use e.g. "${fallback.repository}:${fallback.tag}".` };
  }
  return { ref };
}

/** `http://host:port` for a published port: `0.0.0.0` and `::` become localhost, IPv6 is bracketed. */
export function hostUrl(hostIp: string | undefined, port: number): string {
  const ip = hostIp ?? '127.0.0.1';
  const host = ip === '0.0.0.0' || ip === '::' ? 'localhost' : ip.includes(':') ? `[${ip}]` : ip;
  return `http://${host}:${port}`;
}

/** The publish setting for the main port, or undefined when not published. */
export function mainPortPublish(scope: IConstruct, options: ComponentOptions, containerPort: number): { publish?: PortPublish; problems: string[] } {
  const problems: string[] = [];
  if ((options.runtime ?? Observability.of(scope).runtime).kind === 'kubernetes') {
    // Nothing is published on a node: Services inside the cluster, an Ingress for users.
    for (const [prop, value] of [['publishPorts', options.publishPorts === true ? true : undefined], ['hostPort', options.hostPort], ['hostIp', options.hostIp]] as const) {
      if (value !== undefined) {
        problems.push(`${prop} is a Docker option; the Kubernetes target publishes nothing on a node (got ${JSON.stringify(value)}). Remove it: components are reached at <name>.<namespace>.svc inside the cluster; expose one to users with an Ingress or \`kubectl port-forward\`.`);
      }
    }
    return { problems };
  }
  if (options.publishPorts === false) return { problems };
  const hostIp = options.hostIp ?? '127.0.0.1';
  if (!IPV4.test(hostIp) && hostIp !== '::1' && hostIp !== '::') {
    problems.push(`hostIp must be an IP address (got ${JSON.stringify(hostIp)}). Use "127.0.0.1" (default, this host only) or a specific interface address.`);
  }
  if (hostIp === '0.0.0.0' || hostIp === '::') {
    Annotations.of(scope).addWarning(`port ${options.hostPort ?? containerPort} is published on every interface (${hostIp}); anyone who can reach this host can reach it. Prefer 127.0.0.1 behind a reverse proxy.`);
  }
  return { publish: { hostPort: options.hostPort ?? containerPort, hostIp }, problems };
}
