/**
 * The Helm charts the Kubernetes target installs, pinned. Bump a version here deliberately
 * (read the chart's upgrade notes first): a chart upgrade can rename services or change
 * values. `docs/kubernetes.md` lists them with the engine versions they run.
 */

/** A Helm chart: where it comes from and the exact version installed. */
export interface ChartRef {
  /** Helm repository URL. */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact version (`x.y.z`); ranges are refused. */
  readonly version: string;
}

/** The charts of the Kubernetes target, by engine. */
export interface ChartVersions {
  /** Prometheus Operator, Prometheus and Alertmanager. */
  readonly kubePrometheusStack: ChartRef;
  /** Loki in simple-scalable mode. */
  readonly loki: ChartRef;
  /** Tempo in microservices mode. */
  readonly tempoDistributed: ChartRef;
  /** Grafana. */
  readonly grafana: ChartRef;
  /** Mimir (long-term metrics, optional). */
  readonly mimirDistributed: ChartRef;
}

/** The chart keys, for messages and overrides. */
export type ChartName = keyof ChartVersions;

const PROMETHEUS_COMMUNITY = 'https://prometheus-community.github.io/helm-charts';
const GRAFANA = 'https://grafana.github.io/helm-charts';

/**
 * Pinned chart versions:
 * - kube-prometheus-stack 65.1.1 (Prometheus Operator 0.77); the Prometheus and Alertmanager
 *   images are set to the ones the Docker target runs (v2.53.0, v0.27.0).
 * - loki 6.27.0 (app 3.4.2); image set to the Docker target's 3.4.0.
 * - tempo-distributed 1.33.1 (app 2.7.1, which reads the 2.6 configuration the model renders).
 * - grafana 8.10.1; image set to the Docker target's 11.5.0.
 * - mimir-distributed 5.5.1 (Mimir 2.14).
 */
export const CHARTS: ChartVersions = {
  kubePrometheusStack: { repository: PROMETHEUS_COMMUNITY, chart: 'kube-prometheus-stack', version: '65.1.1' },
  loki: { repository: GRAFANA, chart: 'loki', version: '6.27.0' },
  tempoDistributed: { repository: GRAFANA, chart: 'tempo-distributed', version: '1.33.1' },
  grafana: { repository: GRAFANA, chart: 'grafana', version: '8.10.1' },
  mimirDistributed: { repository: GRAFANA, chart: 'mimir-distributed', version: '5.5.1' },
};

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** A problem when `version` is not an exact chart version (a range, `latest`, empty). */
export function chartVersionProblem(name: ChartName, version: unknown): string | undefined {
  if (typeof version === 'string' && EXACT.test(version)) return undefined;
  return `chartVersions.${name} must be an exact chart version such as "${CHARTS[name].version}" (got ${JSON.stringify(version)}). A range or "latest" lets the chart change under you on the next apply; pin the version you tested.`;
}
