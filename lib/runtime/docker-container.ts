import {
  Container,
  ContainerCapabilitiesOutputReference,
  ContainerConfig,
  ContainerDevicesList,
  ContainerHealthcheckOutputReference,
  ContainerHostList,
  ContainerLabelsList,
  ContainerMountsList,
  ContainerNetworkDataList,
  ContainerNetworksAdvancedList,
  ContainerPortsList,
  ContainerUlimitList,
  ContainerUploadList,
  ContainerVolumesList,
} from '@cdktf/provider-docker/lib/container';
import { IResolvable, TerraformResource, Token, Tokenization } from 'cdktf';
import { Construct } from 'constructs';

/**
 * The generated class's block attributes: the holder it creates for each in its constructor
 * (each a cdktf token object that captures a full stack trace) and whether the attribute is a
 * list (`internalValue` stored as given) or a single block (`internalValue` through the
 * holder's setter and getter). `networkData` is computed only.
 */
const BLOCKS = {
  capabilities: { make: (r: TerraformResource) => new ContainerCapabilitiesOutputReference(r, 'capabilities'), single: ContainerCapabilitiesOutputReference },
  devices: { make: (r: TerraformResource) => new ContainerDevicesList(r, 'devices', true) },
  healthcheck: { make: (r: TerraformResource) => new ContainerHealthcheckOutputReference(r, 'healthcheck'), single: ContainerHealthcheckOutputReference },
  host: { make: (r: TerraformResource) => new ContainerHostList(r, 'host', true) },
  labels: { make: (r: TerraformResource) => new ContainerLabelsList(r, 'labels', true) },
  mounts: { make: (r: TerraformResource) => new ContainerMountsList(r, 'mounts', true) },
  networksAdvanced: { make: (r: TerraformResource) => new ContainerNetworksAdvancedList(r, 'networks_advanced', true) },
  ports: { make: (r: TerraformResource) => new ContainerPortsList(r, 'ports', false) },
  ulimit: { make: (r: TerraformResource) => new ContainerUlimitList(r, 'ulimit', true) },
  upload: { make: (r: TerraformResource) => new ContainerUploadList(r, 'upload', true) },
  volumes: { make: (r: TerraformResource) => new ContainerVolumesList(r, 'volumes', true) },
  networkData: { make: (r: TerraformResource) => new ContainerNetworkDataList(r, 'network_data', false), computed: true },
} as const;

type BlockName = keyof typeof BLOCKS;
type Holder = { internalValue?: unknown };
/** The meta-arguments TerraformResource takes itself, not attributes of docker_container. */
const META = new Set(['provider', 'dependsOn', 'count', 'lifecycle', 'provisioners', 'connection', 'forEach']);

/**
 * A `docker_container` that synthesizes exactly what the generated `Container` synthesizes
 * (its `synthesizeAttributes` runs on the same values) and is a `Container` to
 * `instanceof`, its accessors included, but creates the twelve holder objects of its block
 * attributes (`labels`, `upload`, `networkData`, ...) only when one is read: the generated
 * constructor makes all of them for every container, each a token with a captured stack
 * trace, which cost about 1 s and tens of MiB at 1,000 containers (issue 16).
 */
export class DockerContainer extends TerraformResource {
  public static readonly tfResourceType = Container.tfResourceType;

  /** Block values not yet moved into a holder (the holder is made on first read). */
  private readonly pending = new Map<BlockName, unknown>();

  constructor(scope: Construct, id: string, config: ContainerConfig) {
    super(scope, id, {
      terraformResourceType: 'docker_container',
      terraformGeneratorMetadata: { providerName: 'docker', providerVersion: '3.6.2', providerVersionConstraint: '~> 3.0' },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    const self = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(config)) {
      if (META.has(key) || Object.prototype.hasOwnProperty.call(BLOCKS, key)) continue;
      self[`_${key}`] = value;
    }
    for (const name of Object.keys(BLOCKS) as BlockName[]) {
      const block = BLOCKS[name];
      if (!('computed' in block)) this.pending.set(name, (config as unknown as Record<string, unknown>)[name]);
      Object.defineProperty(this, `_${name}`, {
        configurable: true,
        enumerable: false,
        get: () => {
          const holder = block.make(this) as Holder;
          if (this.pending.has(name)) holder.internalValue = this.pending.get(name);
          this.pending.delete(name);
          Object.defineProperty(this, `_${name}`, { value: holder, writable: true, configurable: true, enumerable: false });
          return holder;
        },
      });
    }
  }

  /** The generated attributes, on a view where each block not read yet is a plain holder of its value. */
  private view(): object {
    // A plain object with the fields the generated methods read (a copy, not a prototype
    // view: reads through this instance's accessors are slow in V8).
    const self = this as unknown as Record<string, unknown>;
    const view: Record<string, unknown> = {};
    for (const key of Object.keys(self)) if (key.startsWith('_')) view[key] = self[key];
    for (const name of Object.keys(BLOCKS) as BlockName[]) {
      const block = BLOCKS[name];
      if (!this.pending.has(name)) {
        if (!('computed' in block)) view[`_${name}`] = self[`_${name}`];
        continue;
      }
      const value = this.pending.get(name);
      let internalValue = value;
      if ('single' in block) {
        // The generated holder's setter and getter, without its constructor (no token made).
        const holder = Object.create(block.single.prototype) as Holder;
        holder.internalValue = value;
        internalValue = holder.internalValue;
      }
      view[`_${name}`] = { internalValue };
    }
    return view;
  }

  /**
   * The generated attributes without their unset (`undefined`) entries: the generated method
   * writes every attribute of docker_container and of each block (about 70, mostly unset), and
   * cdktf resolves each key of them twice per synth only to drop it (issue 16). What it
   * resolves to is the same: an unset entry is left out of the JSON either way.
   */
  protected synthesizeAttributes(): { [name: string]: unknown } {
    return withoutUnset((Container.prototype as unknown as { synthesizeAttributes(): { [name: string]: unknown } }).synthesizeAttributes.call(this.view()));
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return (Container.prototype as unknown as { synthesizeHclAttributes(): { [name: string]: unknown } }).synthesizeHclAttributes.call(this.view());
  }
}

/**
 * A copy of `value` without the `undefined` entries of its plain objects (nested in plain
 * objects and arrays); tokens and other class instances are kept as they are. (A copy, not
 * `delete`: V8 makes an object it deletes from a slower dictionary.)
 */
export function withoutUnset<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUnset) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype || Tokenization.isResolvable(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = withoutUnset(v);
  }
  return out as T;
}

// A Container to `instanceof` and to its accessors (`name`, `labels`, `putUpload`, ...),
// which read and write the same `_x` fields the constructor above sets.
Object.setPrototypeOf(DockerContainer.prototype, Container.prototype);

/** A DockerContainer as the generated type, for code that expects one. */
export type DockerContainerResource = DockerContainer & Container;

/**
 * A value produced at synth, like `Lazy.anyValue`, without the stack trace cdktf captures
 * for each `Lazy`: `where` (the construct path and attribute) stands in its place in a
 * resolution error.
 */
export function produced(where: string, produce: () => unknown): IResolvable {
  const resolvable: IResolvable = {
    creationStack: [where],
    resolve: () => produce(),
    toString: () => Token.asString(resolvable),
  };
  return resolvable;
}
