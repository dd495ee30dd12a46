import { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { checkShape } from '../lib/core/shape';
import { DurationLike } from '../lib/core/duration';
import { throwIfProblems } from '../lib/core/errors';
import { editDistance, nonEmptyNameProblem, re2Problem } from '../lib/core/names';
import { NODE_EXPORTER_COLLECTORS } from '../lib/node-exporter/collectors';
import { Observability } from '../lib/observability';
import { Relabel } from '../lib/prometheus/relabel';
import { IScrapeTarget, ScrapeJobOptions } from '../lib/prometheus/scrape';
import { Endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment, PodSelector, componentEndpoint } from '../lib/runtime/runtime';

/** The image this library is tested with. */
export const NODE_EXPORTER_IMAGE = { repository: 'quay.io/prometheus/node-exporter', tag: 'v1.12.1' };
const PORT = 9100;
const COLLECTOR = /^[a-z][a-z0-9_.]*$/;

/** Properties of a NodeExporter. */
export interface NodeExporterProps extends ComponentOptions {
  /** Job name Prometheus uses for it. @default 'node' */
  readonly jobName?: string;
  /** Scrape interval of its job. @default - the server's global interval */
  readonly scrapeInterval?: DurationLike;
  /**
   * Collectors to turn on (`--collector.<name>`), e.g. `systemd`; with the default image the
   * names are checked against its release's collectors.
   * @default - the exporter's defaults
   */
  readonly enableCollectors?: string[];
  /** Collectors to turn off (`--no-collector.<name>`), e.g. `wifi`. @default - the exporter's defaults */
  readonly disableCollectors?: string[];
  /** Mount points ignored by the filesystem collector (regex). @default - the exporter's default */
  readonly filesystemMountPointsExclude?: string;
  /**
   * Rewrite `instance` to the host name without the port (the node name on Kubernetes), as
   * in the course. `false` keeps Prometheus' default `instance` (`host:9100`), e.g. to keep
   * the series, dashboards and alerts of an existing setup.
   * @default true
   */
  readonly instanceRelabeling?: boolean;
}

/**
 * The node exporter, for host metrics (USE): host PID namespace, the host's root mounted
 * read-only at /host with `--path.rootfs=/host`, as the course runs it.
 */
export class NodeExporter extends Construct implements IScrapeTarget {
  public readonly resource: TerraformResource;
  public readonly deployment: IDeployment;
  public readonly endpoint: Endpoint;
  private readonly jobName: string;
  private readonly scrapeInterval?: DurationLike;
  private readonly instanceRelabeling: boolean;
  /** Set on runtimes with one pod per node (Kubernetes): the job scrapes each pod. */
  private readonly pods?: PodSelector;

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id);
    checkShape(this, 'NodeExporterProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, NODE_EXPORTER_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, PORT);
    problems.push(...port.problems);
    this.jobName = props.jobName ?? 'node';
    const np = nonEmptyNameProblem('jobName', this.jobName);
    if (np) problems.push(np);
    // Collector names are known for the pinned release only; another image is trusted.
    const pinned = image.ref.repository === NODE_EXPORTER_IMAGE.repository && image.ref.tag === NODE_EXPORTER_IMAGE.tag;
    for (const [what, list] of [['enableCollectors', props.enableCollectors], ['disableCollectors', props.disableCollectors]] as const) {
      for (const c of list ?? []) {
        if (!COLLECTOR.test(c)) problems.push(`${what} entry is not a collector name (got ${JSON.stringify(c)}). Use the name as in --collector.<name>, e.g. "systemd".`);
        else if (pinned && !c.includes('.') && !NODE_EXPORTER_COLLECTORS.includes(c)) {
          // A dotted name is a collector's own switch (cpu.info), left to the exporter.
          const close = NODE_EXPORTER_COLLECTORS.find((k) => editDistance(k, c) <= 2);
          problems.push(
            `${what} entry ${JSON.stringify(c)} is not a collector of node exporter ${NODE_EXPORTER_IMAGE.tag}${close ? ` (did you mean ${JSON.stringify(close)}?)` : ''}: it would refuse --${what === 'enableCollectors' ? '' : 'no-'}collector.${c} and not start. Use a collector name from its README, or pin the image that has it.`,
          );
        }
      }
    }
    if (props.filesystemMountPointsExclude !== undefined) {
      const p = re2Problem(props.filesystemMountPointsExclude);
      if (p) problems.push(`filesystemMountPointsExclude ${p}`);
    }
    const both = (props.enableCollectors ?? []).filter((c) => (props.disableCollectors ?? []).includes(c));
    if (both.length) problems.push(`collectors ${both.join(', ')} are both enabled and disabled. Keep each in one list.`);
    throwIfProblems(this, problems);
    this.scrapeInterval = props.scrapeInterval;
    this.instanceRelabeling = props.instanceRelabeling ?? true;

    const name = props.name ?? 'node-exporter';
    const rt = props.runtime ?? Observability.of(this).runtime;
    this.endpoint = componentEndpoint(rt, name, PORT);
    this.pods = rt.podSelector?.(name);
    const args = ['--path.rootfs=/host'];
    for (const c of props.enableCollectors ?? []) args.push(`--collector.${c}`);
    for (const c of props.disableCollectors ?? []) args.push(`--no-collector.${c}`);
    if (props.filesystemMountPointsExclude) args.push(`--collector.filesystem.mount-points-exclude=${props.filesystemMountPointsExclude}`);

    const runtime = props.runtime ?? Observability.of(this).runtime;
    this.deployment = deployComponent(runtime, props, this, {
      name,
      image: image.ref,
      args,
      user: '65534:65534',
      hostPid: true,
      hostMounts: [{ hostPath: '/', containerPath: '/host', readOnly: true, propagation: 'rslave' }],
      ports: [{ name: 'http', containerPort: PORT, publish: port.publish }],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORT}/`] },
      labels: props.labels,
      resources: props.resources,
    });
    this.resource = this.deployment.resource;
    Observability.of(this).register('node-exporter', this);
  }

  /** The `node` job; `instance` keeps the host name without the port, as in the course (unless `instanceRelabeling` is false). */
  public scrapeJobs(): ScrapeJobOptions[] {
    if (this.pods) {
      // One pod per node: scrape each pod (a Service would pick one node per scrape), and
      // name the instance after the node.
      const keep = Object.entries(this.pods.labels).map(([k, v]: [string, string]) => Relabel.keep([`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`], v));
      return [
        {
          jobName: this.jobName,
          scrapeInterval: this.scrapeInterval,
          kubernetesSdConfigs: [{ role: 'pod', namespaces: [this.pods.namespace] }],
          relabelConfigs: [
            ...keep,
            Relabel.keep(['__meta_kubernetes_pod_container_port_number'], String(PORT)),
            ...(this.instanceRelabeling ? [Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'instance' })] : []),
          ],
        },
      ];
    }
    return [
      {
        jobName: this.jobName,
        targets: [this.endpoint.address],
        scrapeInterval: this.scrapeInterval,
        relabelConfigs: this.instanceRelabeling ? [Relabel.replace({ sourceLabels: ['__address__'], regex: `(.+):${PORT}`, targetLabel: 'instance', replacement: '${1}' })] : undefined,
      },
    ];
  }
}
