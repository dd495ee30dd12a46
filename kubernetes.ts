/**
 * The Kubernetes target: `import { KubernetesRuntime } from '@obs-stack/cdktf-observability/kubernetes'`.
 * It needs the optional peer dependencies @cdktf/provider-kubernetes and @cdktf/provider-helm.
 */
import { requireKubernetesPeers } from './lib/runtime/kubernetes-loader';

requireKubernetesPeers();

export { DEFAULT_NAMESPACE, KubernetesRuntime } from './lib/runtime/kubernetes-runtime';
export type { KubernetesRuntimeProps, PrometheusRuleDelivery } from './lib/runtime/kubernetes-options';
export { CHART_SOURCES, CHARTS } from './lib/kubernetes/charts';
export type { ChartName, ChartRef, ChartSource, ChartVersions } from './lib/kubernetes/charts';
