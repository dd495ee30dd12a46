/**
 * A runtime-neutral description of one component (a container). Constructs describe what
 * they run once, here; a runtime (Docker today, Kubernetes later) turns it into resources.
 * Nothing in this file imports a provider.
 */
import { IConstruct } from 'constructs';
import { sensitiveVariablesIn } from '../core/secrets';

/** A container image reference with a pinned tag. */
export interface ImageRef {
  /** Repository, e.g. `prom/prometheus`. */
  readonly repository: string;
  /** Pinned tag, e.g. `v3.14.0`. `latest` is rejected. */
  readonly tag: string;
}

/** A file the component reads, rendered by the library. */
export interface ConfigFile {
  /** Absolute path inside the container, e.g. `/etc/prometheus/prometheus.yml`. */
  readonly path: string;
  /**
   * Content as the container must see it. Literal text: the runtime escapes it for Terraform's
   * template evaluation. May embed cdktf tokens (e.g. a sensitive variable), kept as references.
   */
  readonly content: string;
  /** Whether the file holds a secret (the runtime may store it differently). @default false */
  readonly secret?: boolean;
}

/** A port the component listens on. */
export interface PortSpec {
  /** Logical name, e.g. `http`, `otlp-grpc`. Unique within the component. */
  readonly name: string;
  /** Port inside the container. */
  readonly containerPort: number;
  /** @default 'tcp' */
  readonly protocol?: 'tcp' | 'udp';
  /** Publish on the host. @default - not published */
  readonly publish?: PortPublish;
}

/** How a port is published on the host. */
export interface PortPublish {
  /** Host port. */
  readonly hostPort: number;
  /** Host address to bind. @default '127.0.0.1' */
  readonly hostIp?: string;
}

/** A named volume that keeps the component's data. */
export interface DataVolumeSpec {
  /** Logical name, e.g. `data`. Unique within the component. */
  readonly name: string;
  /** Mount path inside the container, e.g. `/prometheus`. */
  readonly path: string;
  /**
   * Name of the Docker volume, to keep one that exists (its data is picked up: Docker's
   * volume create returns the existing volume of that name). Such a volume gets
   * `prevent_destroy`, so neither a destroy nor a replacement removes the data.
   * @default - `<component name>-<name>`, created by the stack
   */
  readonly volumeName?: string;
}

/** A host device made available in the container (Docker `--device`). */
export interface DeviceSpec {
  /** Path on the host, e.g. `/dev/kmsg`. */
  readonly hostPath: string;
  /** Path inside the container. @default - the host path */
  readonly containerPath?: string;
  /** cgroup permissions: a combination of `r`, `w` and `m`. @default 'rwm' */
  readonly permissions?: string;
}

/** A host path mounted into the container. */
export interface HostMountSpec {
  readonly hostPath: string;
  readonly containerPath: string;
  /** @default true */
  readonly readOnly?: boolean;
  /** Mount propagation (`rslave`, `rprivate`, ...). @default - runtime default */
  readonly propagation?: 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';
}

/** Container health check. */
export interface HealthcheckSpec {
  /** Command in exec form, e.g. `['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:9090/-/ready']`. */
  readonly test: string[];
  /** @default '15s' */
  readonly interval?: string;
  /** @default '5s' */
  readonly timeout?: string;
  /** @default 5 */
  readonly retries?: number;
  /** @default '10s' */
  readonly startPeriod?: string;
}

/** Resource limits. */
export interface ResourceLimits {
  /** Memory limit in MiB. @default - no limit */
  readonly memoryMiB?: number;
  /** CPU shares (relative weight). @default - runtime default */
  readonly cpuShares?: number;
}

/** Restart policy. */
export type RestartPolicy = 'no' | 'on-failure' | 'always' | 'unless-stopped';

/** Everything a runtime needs to run one component. */
export interface ComponentSpec {
  /** Component name: the container name and its host name on the shared network. */
  readonly name: string;
  readonly image: ImageRef;
  /** Entrypoint override. @default - image entrypoint */
  readonly entrypoint?: string[];
  /** Arguments (Docker `command`). @default - image default */
  readonly args?: string[];
  /**
   * Arguments appended after the component's own ones (static or rendered), e.g.
   * `['--web.enable-lifecycle']`, to keep flags of an existing setup.
   * @default - none
   */
  readonly extraArgs?: string[];
  /** Environment variables. Values may be tokens (e.g. a sensitive variable). */
  readonly env?: Record<string, string>;
  readonly files?: ConfigFile[];
  readonly ports?: PortSpec[];
  readonly volumes?: DataVolumeSpec[];
  readonly hostMounts?: HostMountSpec[];
  readonly healthcheck?: HealthcheckSpec;
  /** Container labels. */
  readonly labels?: Record<string, string>;
  /** User (`uid[:gid]` or a name). @default - image default */
  readonly user?: string;
  /**
   * Group owning the component's volumes, for a non-root user to write a fresh one: the pod's
   * `fsGroup` on Kubernetes. Docker ignores it (a new named volume takes the ownership of the
   * image's directory). @default - none
   */
  readonly fsGroup?: number;
  /** @default 'unless-stopped' */
  readonly restart?: RestartPolicy;
  readonly resources?: ResourceLimits;
  /** Share the host's PID namespace (node exporter). @default false */
  readonly hostPid?: boolean;
  /** Extra Linux capabilities, e.g. `NET_RAW` for ICMP probes. @default - none */
  readonly addCapabilities?: string[];
  /** Linux capabilities to drop, e.g. `ALL`. @default - none */
  readonly dropCapabilities?: string[];
  /** Run privileged (every capability, every device). Docker only. @default false */
  readonly privileged?: boolean;
  /** Host devices made available in the container. Docker only. @default - none */
  readonly devices?: DeviceSpec[];
  /** Docker networks joined besides the runtime's shared network (they must exist). Docker only. @default - none */
  readonly extraNetworks?: string[];
  /** Creation completes only once the healthcheck passes (others may depend on it). @default false */
  readonly waitUntilHealthy?: boolean;
}

/** How other components reach a port of this one. */
export interface Endpoint {
  /** Host name on the shared network, e.g. `prometheus`. */
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  /** `http://host:port`. */
  readonly url: string;
}

/** An endpoint on the shared network: `host:port` and `http://host:port`. */
export function endpoint(host: string, port: number): Endpoint {
  return { host, port, address: `${host}:${port}`, url: `http://${host}:${port}` };
}

/** Validates the parts of a spec that every runtime relies on. Returns problem messages. */
export function componentSpecProblems(spec: ComponentSpec): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(spec.name)) {
    problems.push(`component name ${JSON.stringify(spec.name)} is not a valid container/host name. Use lower-case letters, digits, '-', '_' or '.', starting with a letter or digit.`);
  }
  if (!spec.image.tag || spec.image.tag === 'latest') {
    problems.push(`image ${spec.image.repository} must have a pinned tag (got ${JSON.stringify(spec.image.tag)}). Pin a version such as "v3.14.0" so deploys are reproducible.`);
  }
  const seen = new Set<string>();
  for (const p of spec.ports ?? []) {
    if (seen.has(p.name)) problems.push(`port name ${JSON.stringify(p.name)} is used twice. Give each port a unique name.`);
    seen.add(p.name);
    for (const [what, n] of [['container port', p.containerPort], ['host port', p.publish?.hostPort]] as const) {
      if (n !== undefined && (!Number.isSafeInteger(n) || n < 1 || n > 65535)) {
        problems.push(`${what} of ${JSON.stringify(p.name)} must be an integer between 1 and 65535 (got ${JSON.stringify(n)}).`);
      }
    }
  }
  const paths = new Set<string>();
  for (const f of spec.files ?? []) {
    if (!f.path.startsWith('/')) problems.push(`config file path must be absolute (got ${JSON.stringify(f.path)}).`);
    if (paths.has(f.path)) problems.push(`config file ${JSON.stringify(f.path)} is written twice. Each path may hold one file.`);
    paths.add(f.path);
  }
  const vols = new Set<string>();
  for (const v of spec.volumes ?? []) {
    if (vols.has(v.name)) problems.push(`volume name ${JSON.stringify(v.name)} is used twice. Give each volume of a component its own name.`);
    vols.add(v.name);
  }
  spec.extraArgs?.forEach((a, i) => {
    if (typeof a !== 'string' || a === '') problems.push(`extraArgs[${i}] must be a non-empty string (got ${JSON.stringify(a)}).`);
    else if (/^-\S*\s+-/.test(a)) problems.push(`extraArgs[${i}] holds several arguments in one string (got ${JSON.stringify(a)}); no shell splits them, so the program would see one unknown flag. Give one argument per element, e.g. ${JSON.stringify(a.split(/\s+(?=-)/))}.`);
  });
  for (const v of spec.volumes ?? []) {
    if (v.volumeName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v.volumeName)) {
      problems.push(`volume name for ${JSON.stringify(v.name)} is not a valid Docker volume name (got ${JSON.stringify(v.volumeName)}). Use letters, digits, '_', '.' or '-', starting with a letter or digit, e.g. "prometheus_data".`);
    }
  }
  const CAP = /^[A-Z][A-Z0-9_]*$/;
  for (const [what, caps] of [['addCapabilities', spec.addCapabilities], ['dropCapabilities', spec.dropCapabilities]] as const) {
    for (const c of caps ?? []) {
      if (!CAP.test(c.replace(/^CAP_/, ''))) problems.push(`${what} entry is not a Linux capability name (got ${JSON.stringify(c)}). Use e.g. "NET_ADMIN" or "SYS_PTRACE".`);
    }
  }
  spec.devices?.forEach((d, i) => {
    if (!d.hostPath.startsWith('/')) problems.push(`devices[${i}].hostPath must be an absolute path (got ${JSON.stringify(d.hostPath)}), e.g. "/dev/kmsg".`);
    if (d.containerPath !== undefined && !d.containerPath.startsWith('/')) problems.push(`devices[${i}].containerPath must be an absolute path (got ${JSON.stringify(d.containerPath)}).`);
    if (d.permissions !== undefined && !/^(?!.*(.).*\1)[rwm]{1,3}$/.test(d.permissions)) problems.push(`devices[${i}].permissions must combine r, w and m, each at most once (got ${JSON.stringify(d.permissions)}), e.g. "rw".`);
  });
  for (const n of spec.extraNetworks ?? []) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n)) problems.push(`network name is not a valid Docker network name (got ${JSON.stringify(n)}). Use letters, digits, '-', '_' or '.'.`);
  }
  const r = spec.resources;
  if (r?.memoryMiB !== undefined && !(Number.isSafeInteger(r.memoryMiB) && r.memoryMiB >= 6)) {
    problems.push(`resources.memoryMiB must be a whole number of MiB, at least 6 (Docker's minimum) (got ${JSON.stringify(r.memoryMiB)}). E.g. 512.`);
  }
  if (r?.cpuShares !== undefined && !(Number.isSafeInteger(r.cpuShares) && r.cpuShares >= 2)) {
    problems.push(`resources.cpuShares must be an integer of at least 2 (got ${JSON.stringify(r.cpuShares)}). The default weight is 1024.`);
  }
  for (const key of Object.keys(spec.labels ?? {})) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) problems.push(`label key ${JSON.stringify(key)} is not a valid container label key. Use e.g. "com.example.team".`);
  }
  return problems;
}

/**
 * Problems for plain (non-secret) files that interpolate a sensitive variable, e.g. an
 * annotation built from `secretVariable(...)`: the value would sit in a plain config file.
 */
export function plainFileSecretProblems(files: readonly ConfigFile[], scope: IConstruct): string[] {
  return files
    .filter((f) => !f.secret)
    .flatMap((f) =>
      sensitiveVariablesIn(f.content, scope).map(
        (v) => `${f.path} is a plain configuration file but interpolates the sensitive variable ${JSON.stringify(v)}: its value would be readable in that file. Pass secrets only through the props made for them (passwords, tokens, webhook URLs, secret headers), which deliver them as secret files; never build labels, annotations or URLs from a secret. A file of your own that must hold it is declared with secret: true.`,
      ),
    );
}
