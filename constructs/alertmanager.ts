import { Annotations, TerraformResource } from 'cdktf';
import { urlSecretProblem } from '../lib/core/secrets';
import { checkShape } from '../lib/core/shape';
import { Construct } from 'constructs';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { Observability } from '../lib/observability';
import { ConfigFile, Endpoint, PortPublish, endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, engineOptionProblems, hostUrl, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment } from '../lib/runtime/runtime';
import { DOCKER_ALERTMANAGER_LAYOUT } from '../lib/alertmanager/config';
import { ALERTMANAGER_CONFIG_DIR } from '../lib/alertmanager/receivers';
import { alertmanagerVersionProblems } from '../lib/alertmanager/versions';
import { AlertRoute } from './alert-route';
import { IAlertmanagerTarget } from './prometheus-server';

/**
 * The image this library renders for: the newest release of prometheus/alertmanager
 * (v0.34.0, commit 085f0ef7eb41da24cab8cd000f1345b6250f2edb; facts in
 * test/fixtures/engines/alertmanager.json).
 */
export const ALERTMANAGER_IMAGE = { repository: 'prom/alertmanager', tag: 'v0.34.0' };
const PORT = 9093;
const CLUSTER_PORT = 9094;
const CONFIG_DIR = ALERTMANAGER_CONFIG_DIR;
const DATA_PATH = '/alertmanager';

/** Properties of an Alertmanager. */
export interface AlertmanagerProps extends ComponentOptions {
  /** The routing tree. @default - the AlertRoute of this stack (there must be exactly one) */
  readonly route?: AlertRoute;
  /**
   * Number of instances. With more than one, they form a gossip cluster (port 9094) so
   * that each notification is sent once; Prometheus sends every alert to all of them.
   * Replicas are named `alertmanager`, `alertmanager-2`, ...; replica `i` (from 0) publishes
   * its port on `hostPort + i`. On Kubernetes the operator runs them as one StatefulSet;
   * fewer than 3 is reported as a warning there.
   * @default - 1 on Docker, 3 on Kubernetes
   */
  readonly replicas?: number;
  /** How long silences and notification logs are kept. @default '120h' */
  readonly retention?: DurationLike;
  /** URL under which users reach it (links in notifications). @default - the published URL */
  readonly externalUrl?: string;
}

/**
 * Alertmanager, configured from an `AlertRoute`: config, templates and secret files
 * uploaded, data on a named volume per replica, healthcheck, and an HA gossip cluster when
 * `replicas > 1`. A PrometheusServer in the same stack sends its alerts here automatically.
 */
export class Alertmanager extends Construct implements IAlertmanagerTarget {
  /** The main resource (the first replica's container). */
  public readonly resource: TerraformResource;
  /** One deployment per replica. */
  public readonly deployments: IDeployment[];
  /** Endpoints of the replicas on the shared network. */
  public readonly endpoints: Endpoint[];
  /** Alertmanager instances (a gossip cluster when more than one). */
  public readonly replicas: number;
  private readonly explicitRoute?: AlertRoute;

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    checkShape(this, 'AlertmanagerProps', props, 'props');
    const problems: string[] = [];
    const runtime = props.runtime ?? Observability.of(this).runtime;
    const replicas = props.replicas ?? (runtime.engines ? 3 : 1);
    if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > 9) {
      problems.push(`replicas must be an integer from 1 to 9 (got ${JSON.stringify(replicas)}). Use 1, or 3 for a highly available cluster.`);
    }
    const image = parseImage(props.image, ALERTMANAGER_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, PORT);
    problems.push(...port.problems);
    const retention = resolveDuration(props.retention ?? '120h');
    if (retention.problem) problems.push(`retention ${retention.problem}`);
    if (props.externalUrl !== undefined && urlSecretProblem(props.externalUrl)) problems.push(`externalUrl ${urlSecretProblem(props.externalUrl)}`);
    if (props.externalUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(props.externalUrl)) {
      problems.push(`externalUrl must be an absolute http(s) URL, used in the links of notifications (got ${JSON.stringify(props.externalUrl)}), e.g. "https://alertmanager.example.com".`);
    }
    if (props.route && props.route.target === 'grafana') {
      problems.push(`route ${props.route.node.path} targets Grafana only (target: "grafana"). Set its target to "alertmanager" or "both" to use it here.`);
    }
    if (runtime.engines && Number.isSafeInteger(replicas) && replicas >= 1 && replicas < 3) {
      Annotations.of(this).addWarning(`replicas is ${replicas}: with fewer than 3 Alertmanagers a single restart or node drain can lose silences or send a notification twice. Use 3 (the default on Kubernetes).`);
    }
    if (runtime.engines) problems.push(...engineOptionProblems('Alertmanager', props));
    throwIfProblems(this, problems);
    this.replicas = replicas;
    this.explicitRoute = props.route;

    const base = props.name ?? 'alertmanager';
    if (runtime.engines) {
      const engine = runtime.engines.alertmanager(this, {
        name: base,
        image: image.ref,
        replicas,
        retention: retention.text,
        externalUrl: props.externalUrl,
        resources: props.resources,
        document: (layout) => this.route.renderAlertmanagerDocument(layout),
      });
      this.deployments = [engine];
      this.endpoints = [engine.endpoint('http')];
      this.resource = engine.resource;
      this.addRouteValidation(image.ref.tag);
      Observability.of(this).register('alertmanager', this);
      return;
    }
    // Replica 1 keeps the plain name and construct ids, so going from 1 to N replicas keeps its
    // container and its data volume (silences, notification log).
    const names = Array.from({ length: replicas }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
    this.endpoints = names.map((n) => endpoint(n, PORT));

    this.deployments = names.map((name, i) => {
      const scopeForReplica = i === 0 ? this : new Construct(this, `Replica${i + 1}`);
      const publish: PortPublish | undefined = port.publish ? { ...port.publish, hostPort: port.publish.hostPort + i } : undefined;
      const peers = names.filter((n) => n !== name).map((n) => `--cluster.peer=${n}:${CLUSTER_PORT}`);
      const externalUrl = props.externalUrl ?? (publish ? hostUrl(publish.hostIp, publish.hostPort) : undefined);
      return deployComponent(runtime, props, 
        scopeForReplica,
        {
          name,
          image: image.ref,
          user: '65534:65534',
          args: [
            `--config.file=${CONFIG_DIR}/alertmanager.yml`,
            `--storage.path=${DATA_PATH}`,
            `--data.retention=${retention.text}`,
            `--web.listen-address=:${PORT}`,
            ...(externalUrl ? [`--web.external-url=${externalUrl}`] : []),
            ...(replicas === 1 ? ['--cluster.listen-address='] : [`--cluster.listen-address=0.0.0.0:${CLUSTER_PORT}`, ...peers]),
          ],
          ports: [
            { name: 'http', containerPort: PORT, publish },
            ...(replicas > 1 ? [{ name: 'cluster', containerPort: CLUSTER_PORT }] : []),
          ],
          volumes: [{ name: 'data', path: DATA_PATH }],
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORT}/-/healthy`] },
          labels: props.labels,
          resources: props.resources,
        },
        { files: () => this.renderFiles() },
      );
    });
    this.resource = this.deployments[0].resource;
    this.addRouteValidation(image.ref.tag);
    Observability.of(this).register('alertmanager', this);
  }

  /** The route must exist, and use nothing the image's Alertmanager release lacks. */
  private addRouteValidation(tag: string): void {
    this.node.addValidation({
      validate: () => {
        try {
          return alertmanagerVersionProblems(this.route.renderAlertmanagerDocument(DOCKER_ALERTMANAGER_LAYOUT), tag);
        } catch (e) {
          return [e instanceof ValidationError ? e.detail : (e as Error).message];
        }
      },
    });
  }

  /** The routing tree this Alertmanager runs. */
  public get route(): AlertRoute {
    if (this.explicitRoute) return this.explicitRoute;
    return Observability.of(this).single<AlertRoute>(
      'alert-route',
      this,
      { noun: 'AlertRoute', prop: 'route', whenNone: '(with target "alertmanager" or "both"), so there is nothing to configure. Create one: new AlertRoute(this, \'Routing\', { receiver: ... }).' },
      (r) => r.target !== 'grafana',
    );
  }

  public alertmanagerAddresses(): string[] {
    return this.endpoints.map((e) => e.address);
  }

  private renderFiles(): ConfigFile[] {
    return this.route.renderAlertmanagerFiles().map((f) => ({ path: `${CONFIG_DIR}/${f.relativePath}`, content: f.content, secret: f.secret }));
  }
}
