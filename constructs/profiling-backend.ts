import { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { DurationLike } from '../lib/core/duration';
import { throwIfProblems } from '../lib/core/errors';
import { checkShape } from '../lib/core/shape';
import { Observability } from '../lib/observability';
import { goDuration } from '../lib/otel/config';
import {
  PYROSCOPE_DATA_PATH,
  PYROSCOPE_HTTP_PORT,
  PyroscopeLogLevel,
  PyroscopeModel,
  pyroscopeProblems,
  renderPyroscopeYaml,
} from '../lib/pyroscope/config';
import { Endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment } from '../lib/runtime/runtime';

/**
 * The image this library is tested with (the newest stable release, v2.2.1). It is built on
 * distroless (no shell, no wget) and runs as uid 10001, which owns /data in the image; it
 * ships `profilecli`, whose `ready` command runs the readiness check.
 */
export const PYROSCOPE_IMAGE = { repository: 'grafana/pyroscope', tag: '2.2.1' };

const CONFIG_PATH = '/etc/pyroscope/config.yaml';

/** Properties of a ProfilingBackend. */
export interface ProfilingBackendProps extends ComponentOptions {
  /**
   * How long profiles are kept (`limits.retention_period`, rendered in hours; at least 1h).
   * The metastore deletes whole partitions once all their data is older, after a 6 h grace.
   * @default '14d' (336h), as traces: a span's profile is kept as long as the span
   */
  readonly retention?: DurationLike;
  /** Let Pyroscope push profiles of itself into its own storage (`self_profiling.disable_push: false`). @default false */
  readonly selfProfiling?: boolean;
  /** @default 'info' */
  readonly logLevel?: PyroscopeLogLevel;
}

/**
 * Grafana Pyroscope (single binary, v2 storage on the local filesystem): continuous profiling,
 * the fourth signal. The UI, query API and ingestion (Pyroscope SDKs' `/ingest`, Alloy's
 * `pyroscope.write`, OTLP profiles from a Collector) all share port 4040; profiles, the
 * metastore and its Raft log live on a named volume at /data, so a config change never loses
 * them. Grafana reads it through a `grafana-pyroscope-datasource` (GrafanaDataSources), and
 * the Tempo data source links spans to their profiles (`tracesToProfiles`).
 *
 * On the Kubernetes target it runs as one Deployment with a PersistentVolumeClaim (no Helm
 * chart): the same single binary and config, reached at `pyroscope.<namespace>.svc:4040`.
 */
export class ProfilingBackend extends Construct {
  /** The main resource (the container on Docker), for escape hatches (`addOverride`). */
  public readonly resource: TerraformResource;
  /** The deployed component (endpoints, volumes). */
  public readonly deployment: IDeployment;
  /** The HTTP API (`pyroscope:4040`): UI, queries, `/ready`, ingestion. */
  public readonly endpoint: Endpoint;
  /** The URL Grafana's Pyroscope data source queries (`http://pyroscope:4040`). */
  public readonly queryUrl: string;
  /**
   * Where profiles are pushed (`http://pyroscope:4040`): the server address of Pyroscope SDKs
   * and of Alloy's `pyroscope.write`, and the base URL of an OTLP/HTTP exporter (which adds
   * `/v1development/profiles`).
   */
  public readonly pushUrl: string;
  /** The component name (container and host name). */
  public readonly componentName: string;
  /** The retention as rendered, e.g. `336h`. */
  public readonly retention: string;

  private readonly model: PyroscopeModel;

  constructor(scope: Construct, id: string, props: ProfilingBackendProps = {}) {
    super(scope, id);
    checkShape(this, 'ProfilingBackendProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, PYROSCOPE_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, PYROSCOPE_HTTP_PORT);
    problems.push(...port.problems);
    this.model = { retention: props.retention ?? '14d', selfProfiling: props.selfProfiling ?? false, logLevel: props.logLevel ?? 'info' };
    problems.push(...pyroscopeProblems(this.model));
    throwIfProblems(this, problems);

    this.componentName = props.name ?? 'pyroscope';
    const runtime = props.runtime ?? Observability.of(this).runtime;
    this.deployment = deployComponent(
      runtime,
      props,
      this,
      {
        name: this.componentName,
        image: image.ref,
        // The image's own user; it owns /data, which Docker copies into the new volume.
        user: '10001:10001',
        // On Kubernetes a fresh claim is root's: the pod's fsGroup lets uid 10001 write it.
        fsGroup: 10001,
        ports: [{ name: 'http', containerPort: PYROSCOPE_HTTP_PORT, publish: port.publish }],
        volumes: [{ name: 'data', path: PYROSCOPE_DATA_PATH }],
        // Distroless: no wget; the image's profilecli checks /ready. The metastore waits 15 s
        // after its own checks pass before /ready answers 200.
        healthcheck: { test: ['CMD', 'profilecli', 'ready', `--url=http://127.0.0.1:${PYROSCOPE_HTTP_PORT}`], startPeriod: '30s' },
        labels: props.labels,
        resources: props.resources,
      },
      {
        files: () => [{ path: CONFIG_PATH, content: this.renderConfig() }],
        args: () => [`-config.file=${CONFIG_PATH}`],
      },
    );
    this.resource = this.deployment.resource;
    this.endpoint = this.deployment.endpoint('http');
    this.queryUrl = this.endpoint.url;
    this.pushUrl = this.endpoint.url;
    this.retention = goDuration(this.model.retention).text;
    Observability.of(this).register('pyroscope', this);
  }

  /** pyroscope.yaml as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    return renderPyroscopeYaml(this.model);
  }
}
