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
 * Pinned chart versions, each confirmed from the chart's own repository (`CHART_SOURCES`
 * records where: repository, tag, commit, file) and from the Helm repository index
 * (grafana/helm-charts `gh-pages` index.yaml, commit 970fce783fe06c7be65d1aebd3979097013a5676):
 * - kube-prometheus-stack 65.1.1 (Prometheus Operator 0.77.1); the Prometheus and Alertmanager
 *   images are set to the ones the Docker target runs (v2.53.0, v0.27.0).
 * - loki 6.27.0 (app 3.4.2); image set to the Docker target's 3.4.0.
 * - tempo-distributed 1.33.0 (app 2.7.1, which reads the 2.6 configuration the model renders).
 *   1.33.1 was never published (it exists only on pull-request branches).
 * - grafana 8.10.1 (app 11.5.2); image set to the Docker target's 11.5.0.
 * - mimir-distributed 5.5.1 (Mimir 2.14.0).
 */
export const CHARTS: ChartVersions = {
  kubePrometheusStack: { repository: PROMETHEUS_COMMUNITY, chart: 'kube-prometheus-stack', version: '65.1.1' },
  loki: { repository: GRAFANA, chart: 'loki', version: '6.27.0' },
  tempoDistributed: { repository: GRAFANA, chart: 'tempo-distributed', version: '1.33.0' },
  grafana: { repository: GRAFANA, chart: 'grafana', version: '8.10.1' },
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
  /** What confirms the version (Chart.yaml at the tag, the Helm repository index). */
  readonly evidence: string;
}

const GRAFANA_INDEX = 'grafana/helm-charts gh-pages index.yaml (commit 970fce783fe06c7be65d1aebd3979097013a5676)';

/**
 * The evidence behind each pin in `CHARTS` (read from the charts' repositories; the facts
 * the library relies on are in test/fixtures/charts with the same sources).
 */
export const CHART_SOURCES: Record<ChartName, ChartSource> = {
  kubePrometheusStack: {
    repository: 'prometheus-community/helm-charts',
    tag: 'kube-prometheus-stack-65.1.1',
    commit: 'aa3d8bc8b114a1200558ed61ea294276d360ce39',
    path: 'charts/kube-prometheus-stack',
    evidence: 'Chart.yaml at the tag: version 65.1.1, appVersion v0.77.1',
  },
  loki: {
    repository: 'grafana/loki',
    tag: 'helm-loki-6.27.0',
    commit: '258f8267477f9c4d1d950a6a0887c7a902af05ff',
    path: 'production/helm/loki',
    evidence: `Chart.yaml at the tag: version 6.27.0, appVersion 3.4.2; listed in ${GRAFANA_INDEX}`,
  },
  tempoDistributed: {
    repository: 'grafana/helm-charts',
    tag: 'tempo-distributed-1.33.0',
    commit: '7dafadd75da204f3df5394df909ddbb2ebbfbae5',
    path: 'charts/tempo-distributed',
    evidence: `Chart.yaml at the tag: version 1.33.0, appVersion 2.7.1; listed in ${GRAFANA_INDEX} (1.33.1 is not)`,
  },
  grafana: {
    repository: 'grafana/helm-charts',
    tag: 'grafana-8.10.1',
    commit: '7ca8bd452f1113ed35de4aa74ec74a001a379129',
    path: 'charts/grafana',
    evidence: `Chart.yaml at the tag: version 8.10.1, appVersion 11.5.2; listed in ${GRAFANA_INDEX}`,
  },
  mimirDistributed: {
    repository: 'grafana/mimir',
    tag: 'mimir-distributed-5.5.1',
    path: 'operations/helm/charts/mimir-distributed',
    evidence: `listed in ${GRAFANA_INDEX} (appVersion 2.14.0), released from grafana/helm-charts tag mimir-distributed-5.5.1 (commit af3d72702c37db85876d8d2906e133fba084be41); the chart source at the tag was not read`,
  },
};

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** A problem when `version` is not an exact chart version (a range, `latest`, empty). */
export function chartVersionProblem(name: ChartName, version: unknown): string | undefined {
  if (typeof version === 'string' && EXACT.test(version)) return undefined;
  return `chartVersions.${name} must be an exact chart version such as "${CHARTS[name].version}" (got ${JSON.stringify(version)}). A range or "latest" lets the chart change under you on the next apply; pin the version you tested.`;
}
