import { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { ComponentSpec, ConfigFile, Endpoint, endpoint } from './component';
import type { IEngineRuntime } from './engines';

/**
 * The parts of a component that may change after construction (a rule group added later
 * adds a file and may change arguments). A runtime evaluates them lazily, at synth.
 */
export interface DynamicParts {
  /** Config files, rendered at synth. */
  readonly files?: () => ConfigFile[];
  /** Arguments, rendered at synth (overrides `spec.args`). */
  readonly args?: () => string[];
  /** Extra container labels, rendered at synth. */
  readonly labels?: () => Record<string, string>;
}

/** What a runtime returns for a deployed component. */
export interface IDeployment {
  /** The main resource (a container on Docker): use it for `addOverride` escape hatches. */
  readonly resource: TerraformResource;
  /** The resources holding the component's data, by volume name. */
  readonly dataVolumes: Record<string, TerraformResource>;
  /** How other components on the shared network reach the named port. */
  endpoint(portName: string): Endpoint;
  /** How the host reaches the named port, when it is published. */
  publishedUrl(portName: string): string | undefined;
}

/** A place components run: Docker or Kubernetes. */
export interface IRuntime {
  /** `docker`, `kubernetes`, ... */
  readonly kind: string;
  /**
   * Set when the runtime runs the engines (Prometheus, Alertmanager, Loki, Tempo, Grafana)
   * through its own packaging (Helm charts on Kubernetes); constructs then describe their
   * engine instead of a container.
   * @default - engines run as components through `deploy`
   */
  readonly engines?: IEngineRuntime;
  /** Creates the component's resources under `scope` (the main one with id `Resource`). */
  deploy(scope: Construct, spec: ComponentSpec, dynamic?: DynamicParts): IDeployment;
  /**
   * How other components reach port `port` of the component named `name`.
   * @default - `name:port` (a container name on the shared network)
   */
  serviceEndpoint?(name: string, port: number): Endpoint;
  /**
   * Where the pods of the component named `name` are, for runtimes that run one replica per
   * node (a DaemonSet on Kubernetes): a per-node exporter must be scraped pod by pod, not
   * through a Service that picks one node per scrape.
   * @default - one container, reached at its endpoint
   */
  podSelector?(name: string): PodSelector;
}

/** How to find a component's pods: their namespace and labels. */
export interface PodSelector {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** How components of `runtime` reach `name:port` (a Service DNS name on Kubernetes). */
export function componentEndpoint(runtime: IRuntime, name: string, port: number): Endpoint {
  return runtime.serviceEndpoint ? runtime.serviceEndpoint(name, port) : endpoint(name, port);
}
