import { resolveDuration } from '../core/duration';
import { TEMPO_DATA_PATH, TempoGeneration, renderTempoConfig } from '../tempo/config';
import { Commented, Notes } from './model';
import { isObject, parseYaml } from './parse';
import { TEMPO_DEFAULTS, TOP_LEVEL_KEYS } from './log-defaults';
import { moveDataPaths, rawDiff, warnUnknownTopLevel } from './raw-diff';

/** What the importer knows about the Tempo service around the file. */
export interface TempoContext {
  /** The layout the image reads (2 or 3). */
  readonly generation: TempoGeneration;
  /** Where Compose mounted the named data volume in the container. @default - no data volume */
  readonly dataMount?: string;
  readonly composeFile?: string;
  /** The exemplar trace-id label of the generated stack (the construct writes it). */
  readonly traceIdLabel: string;
  /** The stack's Prometheus remote-write URL, which the construct writes when given no URL. @default - no Prometheus */
  readonly stackRemoteWriteUrl?: string;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const dig = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((x, k) => (isObject(x) ? x[k] : undefined), o);

/**
 * tempo.yaml as TempoBackend props: block duration, retention, metrics generator (external
 * labels, dimensions, remote write) typed; every other difference from what the construct
 * writes goes through rawConfig (computed, see raw-diff.ts), each in the report.
 */
export function importTempo(file: string, text: string, notes: Notes, ctx: TempoContext): Record<string, unknown> {
  const doc0 = parseYaml(text, file, 'tempo');
  const gen = ctx.generation;
  warnUnknownTopLevel(file, doc0, gen === 3 ? TOP_LEVEL_KEYS.tempo3 : TOP_LEVEL_KEYS.tempo2, `Tempo ${gen}`, notes);
  const doc = moveDataPaths(file, doc0, notes, { mount: ctx.dataMount, target: TEMPO_DATA_PATH, volume: 'data', engine: 'Tempo', composeFile: ctx.composeFile, missingWhere: 'storage.trace' });
  const wrongLayout = gen === 3 ? ['ingester', 'compactor'].filter((k) => k in doc) : ['live_store', 'backend_worker'].filter((k) => k in doc);
  if (wrongLayout.length) notes.add('warning', file, wrongLayout.join(', '), `sections of the Tempo ${gen === 3 ? '2.x' : '3.x'} layout, but the image reads the ${gen}.x layout: kept raw, and Tempo refuses them at start (migrate them, see docs/guides/importing.md)`);

  const props: Record<string, unknown> = {};
  const blockKey = gen === 3 ? ['live_store', 'max_block_duration'] : ['ingester', 'max_block_duration'];
  const mbd = dig(doc, ...blockKey);
  if (mbd !== undefined && !resolveDuration(str(mbd)).problem && resolveDuration(str(mbd)).ms) props.maxBlockDuration = str(mbd);
  else if (mbd === undefined && gen === 2) {
    props.maxBlockDuration = new Commented("Tempo 2's default; the library's would be 5m (the course's).", '30m');
    notes.add('default', file, 'ingester.max_block_duration', "not set: Tempo 2's default 30m written out (the library's default is the course's 5m)");
  }
  const retKey = gen === 3 ? ['backend_worker', 'compaction', 'block_retention'] : ['compactor', 'compaction', 'block_retention'];
  const ret = dig(doc, ...retKey);
  const retMs = ret !== undefined ? resolveDuration(str(ret)).ms : undefined;
  if (ret !== undefined && retMs !== undefined && retMs >= 3_600_000) props.retention = str(ret);

  const mg = isObject(doc.metrics_generator) ? doc.metrics_generator : undefined;
  if (!mg) {
    props.metricsGenerator = new Commented('Your file runs no metrics generator.', false);
  } else {
    const labels = dig(mg, 'registry', 'external_labels');
    props.externalLabels = isObject(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, str(v)])) : new Commented("Tempo's default: no external labels (the library's would be { source: 'tempo' }).", {});
    const dims = (k: string) => {
      const d = dig(mg, 'processor', k, 'dimensions');
      return Array.isArray(d) ? d.map(str) : new Commented("Tempo's default: no extra dimensions (the library's would be the course's).", []);
    };
    props.spanMetricsDimensions = dims('span_metrics');
    props.serviceGraphDimensions = dims('service_graphs');
    const rw = dig(mg, 'storage', 'remote_write');
    if (Array.isArray(rw) && rw.length === 1 && isObject(rw[0]) && /^https?:\/\/[^\s/]+\/\S*$/.test(str(rw[0].url))) {
      props.remoteWriteUrl = new Commented('As in your file (the library would otherwise find the stack\'s Prometheus and turn on its receiver).', str(rw[0].url));
    }
    else if (rw === undefined && ctx.stackRemoteWriteUrl) {
      notes.add('choice', file, 'metrics_generator.storage.remote_write', "not set: the TempoBackend finds the stack's Prometheus and turns on its remote-write receiver and exemplar storage; the remote_write it would add is removed through rawConfig, so the generated metrics still go nowhere, as before (delete that raw line to send them)");
    }
  }

  const generator = props.metricsGenerator === undefined
    ? {
        externalLabels: unwrap(props.externalLabels) as Record<string, string>,
        spanMetricsDimensions: unwrap(props.spanMetricsDimensions) as string[],
        serviceGraphDimensions: unwrap(props.serviceGraphDimensions) as string[],
        remoteWriteUrl: (unwrap(props.remoteWriteUrl) as string | undefined) ?? ctx.stackRemoteWriteUrl,
        traceIdLabelName: ctx.traceIdLabel,
      }
    : undefined;
  const rendered = renderTempoConfig({ generation: gen, maxBlockDuration: unwrap(props.maxBlockDuration) as string | undefined, blockRetention: str(props.retention ?? '14d'), metricsGenerator: generator });
  const diff = rawDiff(file, doc, rendered, TEMPO_DEFAULTS[gen], notes, 'Tempo');
  if (diff.raw) props.rawConfig = new Commented('Escape hatch: tempo.yaml keys the construct does not write as your file does, merged over its configuration (see the import report).', diff.raw);
  return props;
}

function unwrap(v: unknown): unknown {
  return v instanceof Commented ? v.value : v;
}
