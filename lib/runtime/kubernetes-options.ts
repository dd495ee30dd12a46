/**
 * The options of the Kubernetes target, apart from the runtime itself: this file imports no
 * provider, so the main entry of the package (and ObservabilityStack's `kubernetes` prop)
 * can name them without loading @cdktf/provider-kubernetes or @cdktf/provider-helm.
 */
import type { ChartName } from '../kubernetes/charts';

/** How PrometheusRule objects reach the cluster. */
export type PrometheusRuleDelivery = 'manifest' | 'chart-values';

/** Properties of a KubernetesRuntime. */
export interface KubernetesRuntimeProps {
  /**
   * Namespace of every component.
   * @default 'observability'
   */
  readonly namespace?: string;
  /**
   * Create the namespace. Set to false when it exists already.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Kubeconfig for the `kubernetes` and `helm` providers.
   * @default - the providers' defaults (KUBE_CONFIG_PATH, in-cluster configuration)
   */
  readonly kubeconfigPath?: string;
  /** Kubeconfig context. @default - the current context */
  readonly kubeconfigContext?: string;
  /**
   * Create the `kubernetes` and `helm` providers. Set to false when the stack configures them.
   * @default true
   */
  readonly createProviders?: boolean;
  /** Storage class of every persistent volume claim. @default - the cluster's default class */
  readonly storageClass?: string;
  /**
   * Chart versions, to move one engine to another version than the pinned one (`CHARTS`).
   * Each must be an exact version.
   * @default - CHARTS
   */
  readonly chartVersions?: Partial<Record<ChartName, string>>;
  /**
   * How rule groups reach the operator: `manifest` creates one `PrometheusRule` per group
   * (kubernetes_manifest; its CRD must exist when Terraform plans, so the first deploy of a
   * fresh cluster needs the kube-prometheus-stack release applied first), `chart-values`
   * ships them in the chart's `additionalPrometheusRulesMap` (one apply, no plan-time CRD).
   * @default 'chart-values'
   */
  readonly prometheusRules?: PrometheusRuleDelivery;
  /**
   * Turn on kube-prometheus-stack's own exporters and ServiceMonitors (kube-state-metrics,
   * kubelet and cAdvisor, API server, controller manager, scheduler, etcd, CoreDNS, kube-proxy,
   * the operator's and Prometheus's and Alertmanager's self-monitoring). Off, Prometheus
   * scrapes the stack's own jobs only, as on Docker.
   * @default false
   */
  readonly chartMonitors?: boolean;
}

