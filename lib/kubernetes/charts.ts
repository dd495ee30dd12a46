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
/** Where grafana, loki and tempo-distributed are released since they moved (early 2026). */
const GRAFANA_COMMUNITY = 'https://grafana-community.github.io/helm-charts';

/**
 * Pinned chart versions, each confirmed from the chart's own repository (`CHART_SOURCES`
 * records where: repository, tag, commit, file, appVersion) and from the Helm repository
 * index. Every chart runs the image the Docker target runs (the image constants of the
 * constructs), not its appVersion: `docs/versions.md` lists both.
 * - kube-prometheus-stack 88.5.3 (Prometheus Operator v0.93.1).
 * - loki 18.11.0 (app 3.7.6), from grafana-community: the OSS chart moved there (forked at
 *   6.55.0); grafana/loki's own chart (7.x) is now for Grafana Enterprise Logs.
 * - tempo-distributed 2.26.2 (app 2.10.7), from grafana-community: the newest chart of the
 *   Tempo 2 line. 3.x runs Tempo 3, whose write path needs an external Kafka-compatible broker.
 * - grafana 12.11.1 (app 13.2.0), from grafana-community.
 * - mimir-distributed 5.5.1 (Mimir 2.14.0). 6.2.0 (Mimir 3.2.0) is published, but its source
 *   could not be read here: not moved blind across a major version.
 */
export const CHARTS: ChartVersions = {
  kubePrometheusStack: { repository: PROMETHEUS_COMMUNITY, chart: 'kube-prometheus-stack', version: '88.5.3' },
  loki: { repository: GRAFANA_COMMUNITY, chart: 'loki', version: '18.11.0' },
  tempoDistributed: { repository: GRAFANA_COMMUNITY, chart: 'tempo-distributed', version: '2.26.2' },
  grafana: { repository: GRAFANA_COMMUNITY, chart: 'grafana', version: '12.11.1' },
  mimirDistributed: { repository: GRAFANA, chart: 'mimir-distributed', version: '5.5.1' },
};

/** Where a pinned chart's version was confirmed: its source at the release tag. */
export interface ChartSource {
  /** GitHub repository holding the chart's source. */
  readonly repository: string;
  /** Release tag of the pinned version. */
  readonly tag: string;
  /** Commit the tag points to, when the source could be read at the tag. */
  readonly commit?: string;
  /** The chart's folder in that repository. */
  readonly path: string;
  /** The engine version the chart was released for (Chart.yaml `appVersion`). */
  readonly appVersion: string;
  /** What confirms the version (Chart.yaml at the tag, the Helm repository index). */
  readonly evidence: string;
}

const GRAFANA_INDEX = 'grafana/helm-charts gh-pages index.yaml (commit 970fce783fe06c7be65d1aebd3979097013a5676)';
const COMMUNITY_INDEX = 'grafana-community/helm-charts gh-pages index.yaml (commit 9ab78dc8a0376c610b740276b2bd0bf1d4a8c3e3)';

/**
 * The evidence behind each pin in `CHARTS` (read from the charts' repositories; the facts
 * the library relies on are in test/fixtures/charts with the same sources).
 */
export const CHART_SOURCES: Record<ChartName, ChartSource> = {
  kubePrometheusStack: {
    repository: 'prometheus-community/helm-charts',
    tag: 'kube-prometheus-stack-88.5.3',
    commit: 'ea930baeebeba39f56d6b44e351f23b2a072a600',
    path: 'charts/kube-prometheus-stack',
    appVersion: 'v0.93.1',
    evidence: 'Chart.yaml at the tag (the release chart-releaser tags): version 88.5.3, appVersion v0.93.1; the gh-pages index.yaml was not in the mirror snapshot',
  },
  loki: {
    repository: 'grafana-community/helm-charts',
    tag: 'loki-18.11.0',
    commit: '3386a1156177c6bcd7fdb1ad4c6b1dda094296e0',
    path: 'charts/loki',
    appVersion: '3.7.6',
    evidence: `Chart.yaml at the tag: version 18.11.0, appVersion 3.7.6; listed in ${COMMUNITY_INDEX}`,
  },
  tempoDistributed: {
    repository: 'grafana-community/helm-charts',
    tag: 'tempo-distributed-2.26.2',
    commit: '3da788510095cac57948719312008b01a226eb2f',
    path: 'charts/tempo-distributed',
    appVersion: '2.10.7',
    evidence: `Chart.yaml at the tag: version 2.26.2, appVersion 2.10.7; listed in ${COMMUNITY_INDEX} (3.3.0, Tempo 3, is the newest)`,
  },
  grafana: {
    repository: 'grafana-community/helm-charts',
    tag: 'grafana-12.11.1',
    commit: '864f7794683680e5100a38670e103c4fa6e37e29',
    path: 'charts/grafana',
    appVersion: '13.2.0',
    evidence: `Chart.yaml at the tag: version 12.11.1, appVersion 13.2.0; listed in ${COMMUNITY_INDEX}`,
  },
  mimirDistributed: {
    repository: 'grafana/mimir',
    tag: 'mimir-distributed-5.5.1',
    path: 'operations/helm/charts/mimir-distributed',
    appVersion: '2.14.0',
    evidence: `listed in ${GRAFANA_INDEX} (appVersion 2.14.0), released from grafana/helm-charts tag mimir-distributed-5.5.1 (commit af3d72702c37db85876d8d2906e133fba084be41); the chart source at the tag was not read`,
  },
};

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** A problem when `version` is not an exact chart version (a range, `latest`, empty). */
export function chartVersionProblem(name: ChartName, version: unknown): string | undefined {
  if (typeof version === 'string' && EXACT.test(version)) return undefined;
  return `chartVersions.${name} must be an exact chart version such as "${CHARTS[name].version}" (got ${JSON.stringify(version)}). A range or "latest" lets the chart change under you on the next apply; pin the version you tested.`;
}
