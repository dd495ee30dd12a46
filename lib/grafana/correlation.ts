import { re2Problem } from '../core/names';

/** How logs are written by the services (and parsed by the log pipeline). */
export type LogFormat = 'json' | 'logfmt';

/**
 * The one place that says how metrics, logs and traces refer to each other: the exemplar
 * label holding the trace id, the log field holding it, and the format of log lines. The
 * Grafana data sources (exemplar destinations, Loki derived fields, Tempo trace-to-logs) and
 * the log pipeline read it from here, so they cannot drift apart.
 */
export interface CorrelationSettings {
  /** Exemplar label with the trace id (OpenTelemetry SDKs write `trace_id`). @default 'trace_id' */
  readonly exemplarTraceIdLabel?: string;
  /** Log field with the trace id. @default 'trace_id' */
  readonly logTraceIdField?: string;
  /** Log field with the span id. @default 'span_id' */
  readonly logSpanIdField?: string;
  /** Format of log lines. @default 'json' */
  readonly logFormat?: LogFormat;
  /**
   * Regex with one capture group extracting the trace id from a log line, for Loki's derived
   * field. @default - derived from logFormat and logTraceIdField
   */
  readonly derivedFieldRegex?: string;
  /**
   * Profile type a span opens in Pyroscope (Tempo's `tracesToProfiles.profileTypeId`), as
   * `<name>:<sample type>:<sample unit>:<period type>:<period unit>`.
   * @default 'process_cpu:cpu:nanoseconds:cpu:nanoseconds' (CPU time, every Pyroscope SDK)
   */
  readonly profileTypeId?: string;
}

export interface ResolvedCorrelation {
  readonly exemplarTraceIdLabel: string;
  readonly logTraceIdField: string;
  readonly logSpanIdField: string;
  readonly logFormat: LogFormat;
  readonly derivedFieldRegex: string;
  readonly profileTypeId: string;
}

const SAMPLE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A log line as the pipeline emits it, with the trace id in its field. */
export function sampleLogLine(c: ResolvedCorrelation): string {
  if (c.logFormat === 'json') {
    return JSON.stringify({ timestamp: '2026-03-20T08:15:32Z', level: 'error', service: 'payment-api', [c.logTraceIdField]: SAMPLE_TRACE_ID, message: 'Timeout connecting to stripe API' });
  }
  return `ts=2026-03-20T08:15:32Z level=error service=payment-api ${c.logTraceIdField}=${SAMPLE_TRACE_ID} msg="Timeout connecting to stripe API"`;
}

export function resolveCorrelation(s: CorrelationSettings = {}): ResolvedCorrelation {
  const logTraceIdField = s.logTraceIdField ?? 'trace_id';
  const logFormat = s.logFormat ?? 'json';
  const field = logTraceIdField.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    exemplarTraceIdLabel: s.exemplarTraceIdLabel ?? 'trace_id',
    logTraceIdField,
    logSpanIdField: s.logSpanIdField ?? 'span_id',
    logFormat,
    derivedFieldRegex: s.derivedFieldRegex ?? (logFormat === 'json' ? `"${field}":\\s*"(\\w+)"` : `${field}=(\\w+)`),
    profileTypeId: s.profileTypeId ?? DEFAULT_PROFILE_TYPE_ID,
  };
}

/** CPU time: the profile type every Pyroscope SDK (and the eBPF profiler) sends. */
export const DEFAULT_PROFILE_TYPE_ID = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

/**
 * Span attribute → Pyroscope label carried from a span to its profiles query. Pyroscope
 * stores the OpenTelemetry `service.name` as `service_name` (its primary label).
 */
export const TRACES_TO_PROFILES_TAGS: ReadonlyArray<{ readonly key: string; readonly value: string }> = [{ key: 'service.name', value: 'service_name' }];

/**
 * The Tempo data source's `tracesToProfiles` (keys of Grafana's TraceToProfilesOptions:
 * datasourceUid, tags, profileTypeId, customQuery, query, span time shifts). Without a custom
 * query Grafana builds the selector from the tags and, for spans carrying a profile id
 * (span profiles), shows the span's own flame graph.
 */
export function tracesToProfiles(pyroscopeUid: string, c: ResolvedCorrelation): Record<string, unknown> {
  return { datasourceUid: pyroscopeUid, profileTypeId: c.profileTypeId, tags: TRACES_TO_PROFILES_TAGS.map((t) => ({ ...t })), customQuery: false };
}

/** The profile type is `name:sample_type:sample_unit:period_type:period_unit`. */
export function profileCorrelationProblems(c: ResolvedCorrelation): string[] {
  if (typeof c.profileTypeId === 'string' && /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+){4}$/.test(c.profileTypeId)) return [];
  return [`correlation: profileTypeId is not a Pyroscope profile type of five ':'-separated parts, name:sample type:sample unit:period type:period unit (got ${JSON.stringify(c.profileTypeId)}). Use e.g. "${DEFAULT_PROFILE_TYPE_ID}" (CPU) or "memory:alloc_space:bytes:space:bytes".`];
}

/**
 * The consistency check: the derived-field regex must extract the trace id from a line in the
 * format the pipeline emits; names must be usable. Each problem names both ends.
 */
export function correlationProblems(c: ResolvedCorrelation): string[] {
  const out: string[] = [];
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(c.exemplarTraceIdLabel)) {
    out.push(`correlation: exemplarTraceIdLabel is not a label name (got ${JSON.stringify(c.exemplarTraceIdLabel)}). Use the exemplar label your SDK writes, e.g. "trace_id".`);
  }
  const rp = re2Problem(c.derivedFieldRegex);
  if (rp) {
    out.push(`correlation: derivedFieldRegex ${rp}`);
    return out;
  }
  const line = sampleLogLine(c);
  let got: string | undefined;
  try {
    // Grafana applies derived-field regexes unanchored and takes the first group.
    const m = new RegExp(c.derivedFieldRegex.replace(/\(\?P</g, '(?<')).exec(line);
    got = m?.[1];
  } catch {
    got = undefined;
  }
  if (got !== SAMPLE_TRACE_ID) {
    out.push(
      `correlation mismatch: the Loki data source's derived field regex ${JSON.stringify(c.derivedFieldRegex)} ` +
        `${got === undefined ? 'finds no trace id' : `extracts ${JSON.stringify(got)} instead of the trace id`} in a ${c.logFormat} log line ` +
        `as the log pipeline writes it (${line}). Make the regex match field "${c.logTraceIdField}" in ${c.logFormat}, or change logFormat/logTraceIdField.`,
    );
  }
  return out;
}
