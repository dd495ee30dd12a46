import { DurationLike } from '../core/duration';
import { Relabel } from './relabel';
import { ScrapeJobOptions } from './scrape';

/** Options for Docker discovery opted in by container labels. */
export interface DockerDiscoveryOptions {
  /** @default 'docker' */
  readonly jobName?: string;
  /**
   * Container label prefix. With `prometheus`, a container opts in with the labels
   * `prometheus.scrape=true`, `prometheus.port=8080` and optionally `prometheus.path=/metrics`.
   * @default 'prometheus'
   */
  readonly labelPrefix?: string;
  /** @default 'unix:///var/run/docker.sock' */
  readonly host?: string;
  /** @default '30s' */
  readonly refreshInterval?: DurationLike;
}

/** Options for Kubernetes pod discovery opted in by `prometheus.io/*` annotations. */
export interface KubernetesPodDiscoveryOptions {
  /** @default 'kubernetes-pods' */
  readonly jobName?: string;
  /** @default - all namespaces */
  readonly namespaces?: string[];
}

function metaName(label: string): string {
  return label.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Ready-made discovery jobs from the course. */
export class Discovery {
  /**
   * Docker service discovery of the containers that opt in by label. Unlike the course's
   * version, the address keeps the container's IP and takes the port from the label
   * (`10.0.0.5:8080`), instead of replacing the whole address with the port alone.
   */
  public static dockerContainers(options: DockerDiscoveryOptions = {}): ScrapeJobOptions {
    const p = metaName(options.labelPrefix ?? 'prometheus');
    return {
      jobName: options.jobName ?? 'docker',
      dockerSdConfigs: [{ host: options.host, refreshInterval: options.refreshInterval ?? '30s' }],
      relabelConfigs: [
        Relabel.keep([`__meta_docker_container_label_${p}_scrape`], 'true'),
        Relabel.replace({
          sourceLabels: ['__address__', `__meta_docker_container_label_${p}_port`],
          regex: '([^:]+)(?::\\d+)?;(\\d+)',
          replacement: '${1}:${2}',
          targetLabel: '__address__',
        }),
        Relabel.replace({ sourceLabels: [`__meta_docker_container_label_${p}_path`], regex: '(.+)', targetLabel: '__metrics_path__' }),
        Relabel.replace({ sourceLabels: ['__meta_docker_container_name'], regex: '/?(.*)', replacement: '${1}', targetLabel: 'container' }),
        // `<prefix>.label.<name>=<value>` container labels become target labels (service, team).
        Relabel.labelmap(`__meta_docker_container_label_${p}_label_(.+)`),
      ],
    };
  }

  /** Kubernetes pod discovery opted in by `prometheus.io/scrape`, `/path` and `/port` annotations. */
  public static kubernetesPods(options: KubernetesPodDiscoveryOptions = {}): ScrapeJobOptions {
    return {
      jobName: options.jobName ?? 'kubernetes-pods',
      kubernetesSdConfigs: [{ role: 'pod', namespaces: options.namespaces }],
      relabelConfigs: [
        Relabel.keep(['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], 'true'),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', targetLabel: '__metrics_path__' }),
        Relabel.replace({
          sourceLabels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
          regex: '([^:]+)(?::\\d+)?;(\\d+)',
          replacement: '$1:$2',
          targetLabel: '__address__',
        }),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
        Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
      ],
    };
  }
}
