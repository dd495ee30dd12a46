/**
 * A typed model of Grafana Pyroscope's configuration (single binary, v2 storage), its
 * validation and its YAML renderer.
 *
 * Written against grafana/pyroscope v2.2.1; every key rendered here is listed, with the file
 * that declares it, in test/fixtures/engines/pyroscope-2.2.1.json (checked by the tests):
 * - `architecture_storage: v2` loads the v2 modules only (segment writer, metastore,
 *   compaction worker, query backend), no legacy ingester or compactor;
 * - the v2 layers need `storage.backend`; `filesystem` keeps objects under one directory;
 * - retention of v2 data is `limits.retention_period`, applied by the metastore's cleaner
 *   (`limits.compactor_blocks_retention_period` only applies to v1 storage);
 * - the default paths are relative (`./data/...`): they are written out absolute here, all
 *   under the one data volume.
 */
import { DurationLike } from '../core/duration';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { goDuration } from '../otel/config';

/** Pyroscope's HTTP port: UI, query API, `/ready`, ingestion (push, OTLP). */
export const PYROSCOPE_HTTP_PORT = 4040;
/** Everything Pyroscope writes lives under this path (one named volume; the image's /data). */
export const PYROSCOPE_DATA_PATH = '/data';
/** The log levels Pyroscope accepts. */
export const PYROSCOPE_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A Pyroscope log level. */
export type PyroscopeLogLevel = (typeof PYROSCOPE_LOG_LEVELS)[number];

/** Everything pyroscope.yaml holds. */
export interface PyroscopeModel {
  /** How long profiles are kept (`limits.retention_period`). */
  readonly retention: DurationLike;
  /** Pyroscope profiling itself (`self_profiling.disable_push` false). */
  readonly selfProfiling: boolean;
  readonly logLevel: PyroscopeLogLevel;
}

/** Problems with the parts of a model that come from the user (messages without location). */
export function pyroscopeProblems(m: PyroscopeModel): string[] {
  const out: string[] = [];
  const r = goDuration(m.retention);
  if (r.problem) out.push(`retention ${r.problem}`);
  else if (r.ms !== undefined && r.ms < 3_600_000) {
    out.push(`retention must be at least 1h (got ${JSON.stringify(r.text)}); Pyroscope would delete profiles before you look at them (and 0 would keep them forever). Use e.g. "14d".`);
  }
  if (!(PYROSCOPE_LOG_LEVELS as readonly string[]).includes(m.logLevel)) {
    out.push(`logLevel must be one of ${PYROSCOPE_LOG_LEVELS.join(', ')} (got ${JSON.stringify(m.logLevel)}).`);
  }
  return out;
}

/** The pyroscope.yaml document (object form). */
export function renderPyroscopeConfig(m: PyroscopeModel): Record<string, unknown> {
  const v2 = `${PYROSCOPE_DATA_PATH}/v2`;
  return {
    server: { http_listen_port: PYROSCOPE_HTTP_PORT, log_level: m.logLevel },
    architecture_storage: 'v2',
    storage: { backend: 'filesystem', filesystem: { dir: `${v2}/shared` } },
    metastore: { data_dir: `${v2}/metastore/data`, raft: { dir: `${v2}/metastore/raft`, snapshots_dir: `${v2}/metastore/raft` } },
    limits: { retention_period: goDuration(m.retention).text },
    self_profiling: { disable_push: !m.selfProfiling },
    // No anonymous usage reports to grafana.com (as for Tempo and Grafana).
    analytics: { reporting_enabled: false },
  };
}

/** pyroscope.yaml as the container reads it. */
export function renderPyroscopeYaml(m: PyroscopeModel): string {
  return toYaml(renderPyroscopeConfig(m), GENERATED_HEADER);
}
