import { Image } from '@cdktf/provider-docker/lib/image';
import { checkShape } from '../core/shape';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Token, TerraformResource } from 'cdktf';
import { DockerContainer, produced } from './docker-container';
import { Construct } from 'constructs';
import { ValidationError, throwIfProblems } from '../core/errors';
import { Observability } from '../observability';
import { escapeTemplate } from '../core/tf-escape';
import { ComponentSpec, componentSpecProblems, ConfigFile, Endpoint, ImageRef, endpoint, plainFileSecretProblems } from './component';
import { hostUrl } from './options';
import { DynamicParts, IDeployment, IRuntime } from './runtime';

/** Properties of a DockerRuntime. */
export interface DockerRuntimeProps {
  /**
   * Docker daemon address for the provider, e.g. `unix:///var/run/docker.sock` or
   * `ssh://user@host`.
   * @default - the provider's default (DOCKER_HOST or the local socket)
   */
  readonly host?: string;
  /**
   * Create the `docker` provider. Set to false when the stack already configures one.
   * @default true
   */
  readonly createProvider?: boolean;
  /**
   * Name of the shared Docker network every component joins.
   * @default 'observability'
   */
  readonly networkName?: string;
  /**
   * Prefix for container, volume and network names, to run two stacks on one host.
   * @default - no prefix
   */
  readonly namePrefix?: string;
  /**
   * Keep pulled images when the stack is destroyed.
   * @default true
   */
  readonly keepImagesLocally?: boolean;
}

/**
 * Runs components as Docker containers on one shared network, with config files uploaded
 * into the container, data on named volumes and ports published on 127.0.0.1 by default.
 */
export class DockerRuntime extends Construct implements IRuntime {
  public readonly kind = 'docker';
  /** The shared network. */
  public readonly network: Network;
  /** The provider, when this runtime created it. */
  public readonly provider?: DockerProvider;
  private readonly prefix: string;
  private readonly keepImages: boolean;
  private readonly images = new Map<string, Image>();
  private readonly names = new Map<string, string>();
  /** Docker volume names → owner, to refuse two components (or replicas) on one kept volume. */
  private readonly volumeOwners = new Map<string, string>();
  /** Published host ports (`port/protocol` → ip → owner), to refuse a clash at synth rather than at apply. */
  private readonly hostPorts = new Map<string, Map<string, string>>();

  constructor(scope: Construct, id: string, props: DockerRuntimeProps = {}) {
    super(scope, id);
    checkShape(this, 'DockerRuntimeProps', props, 'props');
    this.prefix = props.namePrefix ?? '';
    if (this.prefix && !/^[a-z0-9][a-z0-9_.-]*$/.test(this.prefix)) {
      throw new ValidationError(`namePrefix ${JSON.stringify(this.prefix)} is not valid in a container name. Use lower-case letters, digits, '-', '_' or '.', e.g. "staging-".`, this);
    }
    const networkName = props.networkName ?? 'observability';
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(networkName)) {
      throw new ValidationError(`networkName ${JSON.stringify(networkName)} is not a valid Docker network name. Use letters, digits, '-', '_' or '.', e.g. "observability".`, this);
    }
    if (props.host !== undefined && !/^(unix|tcp|ssh|npipe):\/\/\S+$/.test(props.host)) {
      throw new ValidationError(`host must be a Docker daemon address with its scheme (got ${JSON.stringify(props.host)}), e.g. "unix:///var/run/docker.sock", "tcp://10.0.0.5:2376" or "ssh://deploy@10.0.0.5".`, this);
    }
    this.keepImages = props.keepImagesLocally ?? true;
    if (props.createProvider ?? true) {
      this.provider = new DockerProvider(this, 'Provider', props.host ? { host: props.host } : {});
    }
    this.network = new Network(this, 'Network', {
      name: `${this.prefix}${networkName}`,
      driver: 'bridge',
    });
    Observability.of(this).adoptRuntime(this);
  }

  /** The `docker_image` for `ref`, shared by every component that uses it. */
  public image(ref: ImageRef): Image {
    const name = `${ref.repository}:${ref.tag}`;
    let image = this.images.get(name);
    if (!image) {
      const id = `Image-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;
      image = new Image(this, id, { name, keepLocally: this.keepImages });
      this.images.set(name, image);
    }
    return image;
  }

  /**
   * The image's id as a reference, made once per image: each read of a generated attribute
   * (`imageId`, `name`) makes a new token with a captured stack trace, the same reference.
   */
  private imageId(ref: ImageRef): string {
    const image = this.image(ref);
    let id = this.imageIds.get(image);
    if (id === undefined) this.imageIds.set(image, (id = image.imageId));
    return id;
  }

  private readonly imageIds = new Map<Image, string>();

  /** The network's name as a reference, made once (see imageId). */
  private get networkName(): string {
    return (this.networkNameRef ??= this.network.name);
  }

  private networkNameRef?: string;

  /** Records the component's published ports; a port already published on the same address (or on every address) is an error. */
  private claimHostPorts(scope: Construct, spec: ComponentSpec): void {
    for (const p of spec.ports ?? []) {
      if (!p.publish) continue;
      const key = `${p.publish.hostPort}/${p.protocol ?? 'tcp'}`;
      const ip = p.publish.hostIp ?? '127.0.0.1';
      const taken = this.hostPorts.get(key) ?? new Map<string, string>();
      const clash = [...taken].find(([other]) => other === ip || other === '0.0.0.0' || ip === '0.0.0.0' || other === '::' || ip === '::');
      if (clash) {
        throw new ValidationError(
          `host port ${key} on ${ip} (port ${JSON.stringify(p.name)}) is already published on ${clash[0]} by ${clash[1]}: Docker would refuse to start the second container. Give one of them another hostPort (or hostIp).`,
          scope,
        );
      }
      taken.set(ip, `${scope.node.path} (port ${JSON.stringify(p.name)})`);
      this.hostPorts.set(key, taken);
    }
  }

  public deploy(scope: Construct, spec: ComponentSpec, dynamic: DynamicParts = {}): IDeployment {
    throwIfProblems(scope, componentSpecProblems(spec));
    const name = `${this.prefix}${spec.name}`;
    const owner = this.names.get(name);
    if (owner !== undefined) {
      throw new ValidationError(`container name ${JSON.stringify(name)} is already used by ${owner}. Give this component another name (its \`name\` prop) or use a DockerRuntime with a namePrefix.`, scope);
    }
    this.names.set(name, scope.node.path);
    this.claimHostPorts(scope, spec);

    const volumes: Record<string, Volume> = {};
    for (const v of spec.volumes ?? []) {
      const volumeName = v.volumeName ?? `${name}-${v.name}`;
      const volumeOwner = this.volumeOwners.get(volumeName);
      if (volumeOwner !== undefined) {
        throw new ValidationError(`Docker volume ${JSON.stringify(volumeName)} (volume ${JSON.stringify(v.name)}) is already used by ${volumeOwner}: two containers writing one data directory corrupt it. Give each its own volume name.`, scope);
      }
      this.volumeOwners.set(volumeName, `${scope.node.path} (volume ${JSON.stringify(v.name)})`);
      // A kept volume (volumeName) is the existing one: no labels to add (they would force a
      // replacement) and prevent_destroy, so its data survives a destroy or a rename.
      volumes[v.name] = new Volume(scope, pascal(v.name), v.volumeName !== undefined
        ? { name: v.volumeName, lifecycle: { preventDestroy: true } }
        : {
            name: `${name}-${v.name}`,
            labels: [
              { label: 'com.obs-stack.component', value: spec.name },
              { label: 'com.obs-stack.path', value: v.path },
            ],
          });
    }

    const record = { spec, dynamic, hosts: [spec.name] };
    Observability.of(scope).registerComponent(record);
    const staticFiles = spec.files ?? [];
    const upload = produced(`${scope.node.path}/Resource upload`, () => {
      const files: ConfigFile[] = [...staticFiles, ...(dynamic.files?.() ?? [])];
      // Checked here, on the files as rendered for the upload: a separate validation would
      // render every component's files once more. (cdktf resolves this in prepareStack,
      // before it collects annotations, so the wiring warnings reach the synth output.)
      // The stack's wiring checks too (addresses of its containers, paths in arguments).
      throwIfProblems(scope, [...componentSpecProblems({ ...spec, files }), ...plainFileSecretProblems(files, scope), ...Observability.of(scope).wiringProblems(scope, record, files)]);
      // What containerUploadToTerraform writes for a file (content, then file), without the five
      // unset attributes it adds: cdktf would resolve each of them only to drop it.
      return files.map((f) => ({ content: escapeTemplate(f.content), file: f.path }));
    });

    const labels = (extra: Record<string, string>) =>
      Object.entries({ 'com.obs-stack.component': spec.name, ...(spec.labels ?? {}), ...extra })
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([label, value]) => ({ label: escapeTemplate(label), value: escapeTemplate(value) }));

    const hc = spec.healthcheck;
    const container = new DockerContainer(scope, 'Resource', {
      name,
      image: this.imageId(spec.image),
      entrypoint: spec.entrypoint?.map(escapeTemplate),
      command: dynamic.args
        ? Token.asList(produced(`${scope.node.path}/Resource command`, () => [...dynamic.args!(), ...(spec.extraArgs ?? [])].map(escapeTemplate)))
        : spec.args || spec.extraArgs
          ? [...(spec.args ?? []), ...(spec.extraArgs ?? [])].map(escapeTemplate)
          : undefined,
      env: spec.env
        ? Object.entries(spec.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => `${k}=${escapeTemplate(v)}`)
        : undefined,
      user: spec.user !== undefined ? escapeTemplate(spec.user) : undefined,
      restart: spec.restart ?? 'unless-stopped',
      mustRun: true,
      wait: spec.waitUntilHealthy ? true : undefined,
      waitTimeout: spec.waitUntilHealthy ? 180 : undefined,
      pidMode: spec.hostPid ? 'host' : undefined,
      memory: spec.resources?.memoryMiB,
      cpuShares: spec.resources?.cpuShares,
      capabilities: spec.addCapabilities?.length || spec.dropCapabilities?.length ? { add: spec.addCapabilities, drop: spec.dropCapabilities } : undefined,
      privileged: spec.privileged ? true : undefined,
      devices: spec.devices?.map((d) => ({ hostPath: escapeTemplate(d.hostPath), containerPath: d.containerPath !== undefined ? escapeTemplate(d.containerPath) : undefined, permissions: d.permissions })),
      labels: dynamic.labels ? produced(`${scope.node.path}/Resource labels`, () => labels(dynamic.labels!())) : labels({}),
      networksAdvanced: [{ name: this.networkName, aliases: [spec.name] }, ...(spec.extraNetworks ?? []).map((n) => ({ name: n, aliases: [spec.name] }))],
      ports: (spec.ports ?? [])
        .filter((p) => p.publish)
        .map((p) => ({
          internal: p.containerPort,
          external: p.publish!.hostPort,
          ip: p.publish!.hostIp ?? '127.0.0.1',
          protocol: p.protocol ?? 'tcp',
        })),
      volumes: (spec.volumes ?? []).map((v) => ({ volumeName: volumes[v.name].name, containerPath: v.path })),
      mounts: (spec.hostMounts ?? []).map((m) => ({
        type: 'bind',
        source: escapeTemplate(m.hostPath),
        target: escapeTemplate(m.containerPath),
        readOnly: m.readOnly ?? true,
        bindOptions: m.propagation ? { propagation: m.propagation } : undefined,
      })),
      healthcheck: hc
        ? {
            test: hc.test.map(escapeTemplate),
            interval: hc.interval ?? '15s',
            timeout: hc.timeout ?? '5s',
            retries: hc.retries ?? 5,
            startPeriod: hc.startPeriod ?? '10s',
          }
        : undefined,
      upload,
    });

    const ports = new Map((spec.ports ?? []).map((p) => [p.name, p]));
    return {
      resource: container,
      dataVolumes: volumes as Record<string, TerraformResource>,
      endpoint: (portName: string): Endpoint => {
        const p = ports.get(portName);
        if (!p) throw new ValidationError(`component ${spec.name} has no port named ${JSON.stringify(portName)} (it has ${[...ports.keys()].join(', ') || 'none'}).`, scope);
        return endpoint(spec.name, p.containerPort);
      },
      publishedUrl: (portName: string) => {
        const p = ports.get(portName);
        if (!p?.publish) return undefined;
        return hostUrl(p.publish.hostIp, p.publish.hostPort);
      },
    };
  }
}


function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}


// The stack registry creates this runtime for stacks that chose none.
Observability.registerDefaultRuntime((stack) => new DockerRuntime(stack, 'Docker'));
