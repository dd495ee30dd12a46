/**
 * Engine defaults the importer relies on to tell a default made explicit from a change, by
 * dotted path. Each value is a fact of test/fixtures/engines/*.json (checked by
 * test/lib/importer/log-engines.test.ts): Loki 3.7.6 (grafana/loki v3.7.6, commit
 * 5003600d7c787b5f047c8d1b0198559471b0caa5; every key exists with this default at v3.4.0) and
 * Tempo 3.0.3 / 2.x (grafana/tempo v3.0.3, commit 1900ed7bb5cad1a3edc285783d7d4ac4278337dc).
 * A key absent here is treated as having no known default: the importer keeps the input's
 * behaviour through rawConfig instead.
 */
import { DefaultsTable } from './raw-diff';

export const LOKI_DEFAULTS: DefaultsTable = {
  auth_enabled: true,
  'server.http_listen_port': 3100,
  'server.grpc_listen_port': 9095,
  'server.log_level': 'info',
  'common.ring.kvstore.store': 'consul',
  'compactor.compaction_interval': '10m',
  'compactor.retention_delete_delay': '2h',
  'compactor.retention_enabled': false,
  'limits_config.allow_structured_metadata': true,
  'limits_config.ingestion_burst_size_mb': 6,
  'limits_config.ingestion_rate_mb': 4,
  'limits_config.max_entries_limit_per_query': 5000,
  'limits_config.max_query_length': '721h',
  'limits_config.max_query_parallelism': 32,
  'limits_config.max_query_series': 500,
  'limits_config.per_stream_rate_limit': '3MB',
  'limits_config.reject_old_samples': true,
  'limits_config.reject_old_samples_max_age': '168h',
  'limits_config.retention_period': '0s',
  'limits_config.volume_enabled': true,
  'memberlist.bind_port': 7946,
  'ruler.enable_alertmanager_v2': true,
  'ruler.enable_api': true,
  'ruler.remote_write.enabled': false,
  'ruler.ring.kvstore.store': 'consul',
};

const TEMPO_COMMON: DefaultsTable = {
  'server.http_listen_port': 3200,
  'usage_report.reporting_enabled': true,
};

export const TEMPO_DEFAULTS: Record<2 | 3, DefaultsTable> = {
  2: { ...TEMPO_COMMON, 'ingester.max_block_duration': '30m', 'compactor.compaction.block_retention': '336h' },
  3: { ...TEMPO_COMMON, 'live_store.max_block_duration': '30s', 'backend_worker.compaction.block_retention': '336h' },
};

/** Promtail: the fixture records key names, not defaults; nothing is assumed. */
export const PROMTAIL_DEFAULTS: DefaultsTable = {};

/**
 * Top-level keys each engine accepts (the root Config struct's yaml tags), per
 * test/fixtures/engines/log-engines-top-level.json (checked by log-engines.test.ts): a key
 * outside the list is kept raw with a warning, since the engine refuses unknown keys.
 */
export const TOP_LEVEL_KEYS = {
  /** grafana/loki v3.7.6 (pkg/loki/loki.go). */
  loki37: [
    'target', 'auth_enabled', 'http_prefix', 'ballast_bytes', 'server', 'internal_server', 'ui', 'distributor',
    'querier', 'query_engine', 'query_scheduler', 'frontend', 'query_range', 'ruler', 'ruler_storage', 'ingester_client',
    'ingester', 'pattern_ingester', 'index_gateway', 'bloom_build', 'bloom_gateway', 'storage_config', 'chunk_store_config', 'schema_config',
    'compactor', 'compactor_client', 'compactor_grpc_client', 'limits_config', 'frontend_worker', 'table_manager', 'memberlist', 'kafka_config',
    'dataobj', 'ingest_limits', 'ingest_limits_frontend', 'ingest_limits_frontend_client', 'runtime_config', 'operational_config', 'tracing', 'analytics',
    'profiling', 'tenant_limits_allow_publish', 'legacy_read_target', 'common', 'shutdown_delay', 'metrics_namespace',
  ],
  /** grafana/loki v3.4.0. */
  loki34: [
    'target', 'auth_enabled', 'http_prefix', 'ballast_bytes', 'server', 'internal_server', 'distributor', 'querier',
    'query_scheduler', 'frontend', 'query_range', 'ruler', 'ruler_storage', 'ingester_client', 'ingester', 'block_builder',
    'block_scheduler', 'pattern_ingester', 'index_gateway', 'bloom_build', 'bloom_gateway', 'storage_config', 'chunk_store_config', 'schema_config',
    'compactor', 'compactor_client', 'compactor_grpc_client', 'limits_config', 'frontend_worker', 'table_manager', 'memberlist', 'kafka_config',
    'dataobj_explorer', 'runtime_config', 'operational_config', 'tracing', 'analytics', 'profiling', 'legacy_read_target', 'common',
    'shutdown_delay', 'metrics_namespace',
  ],
  /** grafana/tempo v3.0.3 (cmd/tempo/app/config.go). */
  tempo3: [
    'target', 'auth_enabled', 'multitenancy_enabled', 'shutdown_delay', 'stream_over_http_enabled', 'http_api_prefix', 'enable_go_runtime_metrics', 'span_profiling',
    'memory', 'server', 'internal_server', 'distributor', 'metrics_generator_client', 'live_store_client', 'querier', 'query_frontend',
    'metrics_generator', 'ingest', 'block_builder', 'storage', 'overrides', 'memberlist', 'usage_report', 'cache',
    'backend_scheduler', 'backend_scheduler_client', 'backend_worker', 'live_store',
  ],
  /** grafana/tempo v2.6.0. */
  tempo2: [
    'target', 'auth_enabled', 'multitenancy_enabled', 'shutdown_delay', 'stream_over_http_enabled', 'http_api_prefix', 'use_otel_tracer', 'enable_go_runtime_metrics',
    'server', 'internal_server', 'distributor', 'ingester_client', 'metrics_generator_client', 'querier', 'query_frontend', 'compactor',
    'ingester', 'metrics_generator', 'storage', 'overrides', 'memberlist', 'usage_report', 'cache',
  ],
  /** grafana/loki v3.6.11 (clients/pkg/promtail/config/config.go). */
  promtail: [
    'global', 'server', 'client', 'clients', 'positions', 'scrape_configs', 'target_config', 'limits_config',
    'options', 'tracing', 'wal',
  ],
} as const;
