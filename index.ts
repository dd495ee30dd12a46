/**
 * The public surface of @obs-stack/cdktf-observability: the constructs, their props, and the
 * model types and helpers users build with. Renderers, validators and escaping helpers stay
 * internal (free to change). The Kubernetes target is its own entry point,
 * `@obs-stack/cdktf-observability/kubernetes`, so Docker-only apps never load its providers.
 */

// Core values and helpers
export { Duration } from './lib/core/duration';
export type { DurationLike } from './lib/core/duration';
export { ValidationError } from './lib/core/errors';
export { secretVariable } from './lib/core/secrets';
export { Observability } from './lib/observability';

// Runtime: components, Docker
export type { ComponentSpec, ConfigFile, DataVolumeSpec, Endpoint, HealthcheckSpec, HostMountSpec, ImageRef, PortPublish, PortSpec, ResourceLimits, RestartPolicy } from './lib/runtime/component';
export type { DynamicParts, IDeployment, IRuntime, PodSelector } from './lib/runtime/runtime';
export type { ComponentOptions } from './lib/runtime/options';
export { DockerRuntime } from './lib/runtime/docker-runtime';
export type { DockerRuntimeProps } from './lib/runtime/docker-runtime';
export type { KubernetesRuntimeProps, PrometheusRuleDelivery } from './lib/runtime/kubernetes-options';

// Prometheus
export { Relabel } from './lib/prometheus/relabel';
export type { RelabelAction, RelabelConfig } from './lib/prometheus/relabel';
export type { BasicAuth, DockerSdConfig, IScrapeTarget, KubernetesSdConfig, ScrapeJobOptions, ScrapeTlsConfig, StaticTargets } from './lib/prometheus/scrape';
export type { AlertingRule, RecordingRule, Rule, RuleGroup } from './lib/prometheus/rules';
export type { GlobalConfig } from './lib/prometheus/config';
export type { DockerDiscoveryOptions, KubernetesPodDiscoveryOptions } from './lib/prometheus/discovery';
export { RuleSets } from './lib/prometheus/presets';
export type { NodeUseRulesOptions, RedRulesOptions } from './lib/prometheus/presets';
export type { MimirObjectStorage, MimirOptions } from './lib/mimir/config';
export { PROMETHEUS_IMAGE, PrometheusServer } from './constructs/prometheus-server';
export type { IAlertmanagerTarget, IRemoteWriteTarget, PrometheusServerProps } from './constructs/prometheus-server';
export { NODE_EXPORTER_IMAGE, NodeExporter } from './constructs/node-exporter';
export type { NodeExporterProps } from './constructs/node-exporter';

// Blackbox exporter
export type { BlackboxModule, DnsProbe, DnsQueryType, HttpProbe, IcmpProbe, ProberName, ProbeTlsConfig, TcpProbe } from './lib/blackbox/config';
export { BLACKBOX_EXPORTER_IMAGE, BlackboxExporter, COURSE_BLACKBOX_MODULES } from './constructs/blackbox-exporter';
export type { BlackboxExporterProps, ProbeOptions } from './constructs/blackbox-exporter';

// Alerting: rules, policy, routing, receivers
export { AlertPacks, AlertRule } from './lib/alerting/alert-rule';
export type { CourseAlertPackOptions, TrafficFloorOptions } from './lib/alerting/alert-rule';
export { SEVERITIES } from './lib/alerting/policy';
export type { AlertPolicyMode } from './lib/alerting/policy';
export { Matcher } from './lib/alertmanager/matchers';
export type { MatchOperator } from './lib/alertmanager/matchers';
export { Receiver } from './lib/alertmanager/receivers';
export type { EmailConfig, PagerDutyConfig, ReceiverSpec, SlackAction, SlackConfig, WebhookConfig } from './lib/alertmanager/receivers';
export type { RouteNode, RouteOptions } from './lib/alertmanager/route';
export type { AlertmanagerGlobal, InhibitRule, TimeInterval, TimeRange, TimeSpec } from './lib/alertmanager/config';
export { AlertRoute } from './constructs/alert-route';
export type { AlertRouteProps, AlertRouteTarget, GrafanaAlertingResources } from './constructs/alert-route';
export { ALERTMANAGER_IMAGE, Alertmanager } from './constructs/alertmanager';
export type { AlertmanagerProps } from './constructs/alertmanager';

// SLOs
export { Sli } from './lib/slo/sli';
export type { AvailabilitySliOptions, LatencySliOptions, RawSliOptions } from './lib/slo/sli';
export { SloMetrics } from './lib/slo/model';
export type { BudgetFigures } from './lib/slo/model';
export { SloBudget } from './constructs/slo-budget';
export type { SloBudgetProps } from './constructs/slo-budget';

// Grafana
export type { CorrelationSettings, LogFormat } from './lib/grafana/correlation';
export { GRAFANA_IMAGE, ExistingGrafana, GrafanaServer } from './constructs/grafana-server';
export type { ExistingGrafanaProps, GrafanaServerProps, IGrafana } from './constructs/grafana-server';
export { GrafanaFolder } from './constructs/grafana-folder';
export type { GrafanaFolderProps } from './constructs/grafana-folder';
export { GrafanaAlertRules } from './constructs/grafana-alert-rules';
export type { GrafanaAlertRulesProps } from './constructs/grafana-alert-rules';
export type { GrafanaExecErrState, GrafanaNoDataState, RuleEngine } from './lib/grafana/alert-rules';
export { GrafanaDataSources } from './constructs/grafana-data-sources';
export type { DataSourceTarget, GrafanaDataSourcesProps } from './constructs/grafana-data-sources';
export { nodeUseDashboard, redDashboard, sloDashboard } from './lib/grafana/dashboards';
export type { DashboardModel, NodeUseDashboardOptions, RedDashboardOptions, SloDashboardOptions } from './lib/grafana/dashboards';
export { Dashboard } from './constructs/dashboard';
export type { DashboardProps, IDashboardBuilder } from './constructs/dashboard';

// Logs and traces
export type { LokiAlertingRule, LokiLimits, LokiObjectStorage, LokiRecordingRule, LokiRule, LokiRuleGroup } from './lib/loki/config';
export { LOKI_IMAGE, LokiCluster } from './constructs/loki-cluster';
export type { LokiClusterProps, LokiMode } from './constructs/loki-cluster';
export { COURSE_SERVICE_GRAPH_DIMENSIONS, COURSE_SPAN_METRICS_DIMENSIONS } from './lib/tempo/config';
export type { TempoMetricsGenerator, TempoS3Storage } from './lib/tempo/config';
export { TEMPO_IMAGE, TempoBackend } from './constructs/tempo-backend';
export type { TempoBackendProps } from './constructs/tempo-backend';
export { COURSE_BATCH, COURSE_ENVIRONMENT_ATTRIBUTES, COURSE_MEMORY_LIMITER, COURSE_OTLP_RECEIVER, COURSE_PROMETHEUS_EXPORTER, COURSE_TAIL_SAMPLING, PROFILES_FEATURE_GATE } from './lib/otel/config';
export type {
  AlwaysSamplePolicy, AttributeAction, AttributeActionType, AttributesProcessor, BatchProcessor, CollectorScrapeConfig, DebugExporter, ExporterConfig, ExporterTls,
  FilterProcessor, LatencyPolicy, MemoryLimiterProcessor, OtlpExporter, OtlpHttpExporter, OtlpProtocol, OtlpReceiver, PipelineConfig, ProbabilisticPolicy,
  PipelineSignal, ProcessorConfig, PrometheusExporter, PrometheusReceiver, PrometheusRemoteWriteExporter, ReceiverConfig, ResourceProcessor, SamplingPolicy, Signal, SpanStatusCode,
  StatusCodePolicy, StringAttributePolicy, TailSamplingProcessor,
} from './lib/otel/config';
export { OTEL_COLLECTOR_IMAGE, OtelCollector } from './constructs/otel-collector';
export type { ILokiOtlpTarget, IProfilesOtlpTarget, ITempoOtlpTarget, OtelCollectorProps } from './constructs/otel-collector';
export { ALLOY_IMAGE, LogAgent, PROMTAIL_IMAGE } from './constructs/log-agent';
export type { ILokiPushTarget, LogAgentKind, LogAgentProps } from './constructs/log-agent';

// Profiles
export { PYROSCOPE_IMAGE, ProfilingBackend } from './constructs/profiling-backend';
export type { ProfilingBackendProps } from './constructs/profiling-backend';
export type { PyroscopeLogLevel } from './lib/pyroscope/config';

// Any other container (cAdvisor, Pushgateway, a reverse proxy, your own app)
export { Container } from './constructs/container';
export type { ContainerFile, ContainerPort, ContainerProps, ContainerScrapeOptions, ContainerVolume } from './constructs/container';

// Services and whole stacks
export { MonitoredService } from './constructs/monitored-service';
export type { ExternalServiceOptions, MonitoredServiceProps, ServiceAlertOptions, ServiceContainerOptions, ServiceMetricNames, ServiceSloOptions } from './constructs/monitored-service';
export { ObservabilityStack } from './stacks/observability-stack';
export type { ObservabilityStackProps, RetentionOptions, StackObjectStorage, StackPart } from './stacks/observability-stack';
export { COURSE_SLO_RULES, CourseStack } from './stacks/course-stack';
export type { CourseStackProps } from './stacks/course-stack';
export { courseAlertRoute } from './stacks/course-alerting';
export type { CourseAlertRouteOptions } from './stacks/course-alerting';

// Importing an existing stack (the `cdktf-observability import` command)
export { ImportError, importStack } from './lib/importer/entry';
export type { ImportNote, ImportOptions, ImportResult, NoteKind } from './lib/importer/entry';

// Testing
export { snapshotStack } from './lib/testing/snapshot';
export type { SnapshotOptions, StackSnapshot } from './lib/testing/snapshot';
export { diagram } from './lib/testing/diagram';
export type { DiagramFlow, DiagramOptions } from './lib/testing/diagram';

// Production readiness and stack-wide estimates (issue 17)
export { belowLevel, readiness, readinessTable } from './lib/readiness';
export type { ReadinessItem, ReadinessOptions, ReadinessStatus } from './lib/readiness';
export { estimateSamples, ruleCostTable, ruleCosts, stackRuleCosts } from './lib/prometheus/rule-cost';
export type { RuleCost, RuleCostContext } from './lib/prometheus/rule-cost';
export { renderTable } from './lib/core/table';
