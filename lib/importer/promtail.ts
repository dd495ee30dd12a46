import { resolveDuration } from '../core/duration';
import { LogPipelineSpec, promtailDocument } from '../alloy/pipeline';
import { HEALTHCHECK_DROP_EXPRESSION } from '../../constructs/log-agent';
import { Commented, Notes } from './model';
import { isObject, parseYaml } from './parse';
import { PROMTAIL_DEFAULTS, TOP_LEVEL_KEYS } from './log-defaults';
import { moveDataPaths, rawDiff, warnUnknownTopLevel } from './raw-diff';

/** Where the LogAgent (Promtail) keeps its positions file (a named volume). */
export const PROMTAIL_POSITIONS_DIR = '/var/lib/promtail';
const PROMTAIL_PORT = 9080;
const DOCKER_SOCKET = 'unix:///var/run/docker.sock';

/** What the importer knows about the Promtail service around the file. */
export interface PromtailContext {
  /** Whether Compose mounts the Docker socket into the container. */
  readonly dockerSocketMounted: boolean;
  /** Where Compose mounted a named volume for the positions file. @default - none */
  readonly positionsMount?: string;
  /** The stack's log correlation settings (the construct's stages follow them). */
  readonly correlation: { readonly logFormat: 'json' | 'logfmt'; readonly logTraceIdField: string; readonly logSpanIdField: string };
  readonly composeFile?: string;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * promtail config.yml as LogAgent props (agent 'promtail'): the Loki client (URL, tenant),
 * Docker discovery (host, refresh) and the files under /var/log typed, which also decide the
 * mounts; what the construct writes differently (its scrape jobs and stages, positions, server)
 * goes through rawConfig (computed, see raw-diff.ts), each in the report.
 */
export function importPromtail(file: string, text: string, notes: Notes, ctx: PromtailContext): Record<string, unknown> {
  const doc0 = parseYaml(text, file, 'promtail');
  warnUnknownTopLevel(file, doc0, TOP_LEVEL_KEYS.promtail, 'Promtail', notes);
  const doc = moveDataPaths(file, doc0, notes, { mount: ctx.positionsMount, target: PROMTAIL_POSITIONS_DIR, volume: 'positions', engine: 'Promtail' });
  const positions = isObject(doc.positions) ? str(doc.positions.filename) : '';
  if (positions && !positions.startsWith(`${PROMTAIL_POSITIONS_DIR}/`)) {
    notes.add('choice', file, 'positions.filename', `${positions} is not on a volume${ctx.positionsMount ? '' : ' in Compose'}: kept as it is (rawConfig), so positions are still lost when the container is replaced; remove that raw line to keep them on the construct's positions volume`);
  }
  const props: Record<string, unknown> = { agent: 'promtail' };

  const clients = Array.isArray(doc.clients) ? doc.clients : isObject(doc.client) ? [doc.client] : [];
  if (clients.length > 1) notes.add('choice', file, 'clients', `${clients.length} Loki clients: the first is typed (lokiUrl), the list is kept whole through rawConfig`);
  const client = isObject(clients[0]) ? clients[0] : undefined;
  if (client && /^https?:\/\/[^\s/@]+(\/\S*)?$/.test(str(client.url))) props.lokiUrl = str(client.url);
  if (client && typeof client.tenant_id === 'string' && client.tenant_id.trim() && !/\s/.test(client.tenant_id)) props.tenantId = client.tenant_id;

  const jobs = (Array.isArray(doc.scrape_configs) ? doc.scrape_configs : []).filter(isObject);
  const dockerJob = jobs.find((j) => Array.isArray(j.docker_sd_configs) && j.docker_sd_configs.length === 1 && isObject(j.docker_sd_configs[0]));
  let docker: LogPipelineSpec['docker'];
  if (dockerJob) {
    const sd = (dockerJob.docker_sd_configs as Array<Record<string, unknown>>)[0];
    const host = str(sd.host || DOCKER_SOCKET);
    if (host !== DOCKER_SOCKET) props.dockerHost = host;
    const refresh = sd.refresh_interval !== undefined ? str(sd.refresh_interval) : undefined;
    if (refresh !== undefined && resolveDuration(refresh).ms) props.refreshInterval = refresh;
    else if (refresh === undefined) {
      props.refreshInterval = new Commented("Docker discovery's default (Prometheus docker_sd); the library's would be the course's 5s.", '60s');
      notes.add('default', file, `scrape_configs (job ${JSON.stringify(dockerJob.job_name)}).docker_sd_configs[0].refresh_interval`, "not set: Docker discovery's default 60s written out (the library's default is 5s)");
    }
    if (host.startsWith('unix://')) {
      props.mountDockerSocket = new Commented('Read-only, as the Docker discovery of your file needs.', true);
      if (!ctx.dockerSocketMounted && ctx.composeFile) notes.add('choice', file, 'scrape_configs.docker_sd_configs', `${host} was not mounted in Compose: the construct mounts it read-only, which the discovery needs`);
    }
    docker = { host, refreshInterval: { ms: resolveDuration(str(unwrap(props.refreshInterval) ?? '5s')).ms ?? 5000, text: str(unwrap(props.refreshInterval) ?? '5s') } };
  } else {
    props.containerLogs = false;
  }
  const paths = jobs.flatMap((j) => (Array.isArray(j.static_configs) ? j.static_configs : []).filter(isObject).map((s) => (isObject(s.labels) ? str(s.labels.__path__) : '')).filter(Boolean));
  const underVarLog = paths.filter((p) => /^\/var\/log\/\S+$/.test(p) && !p.split('/').includes('..'));
  if (paths.length > underVarLog.length) notes.add('warning', file, 'scrape_configs.static_configs', `${paths.filter((p) => !underVarLog.includes(p)).join(', ')}: not under /var/log, the only host directory the construct mounts; add the mount through the construct's resource.addOverride`);
  if (underVarLog.length) {
    props.readHostLogs = true;
    props.hostLogPaths = [...new Set(underVarLog)];
  } else if (!dockerJob) {
    props.readHostLogs = new Commented('The construct needs a source; your jobs are kept through rawConfig.', true);
    notes.add('choice', file, 'scrape_configs', 'no Docker discovery and no file under /var/log: /var/log is mounted read-only (the construct needs a source); your jobs are kept through rawConfig');
  }

  // Pipeline stages the library writes (json or logfmt fields, labels, structured metadata,
  // drop), read from the Docker job (else the first job with stages).
  const stagesJob = (dockerJob && Array.isArray(dockerJob.pipeline_stages) ? dockerJob : jobs.find((j) => Array.isArray(j.pipeline_stages))) as Record<string, unknown> | undefined;
  const stages = stagesJob ? pipelineProps(stagesJob.pipeline_stages as unknown[], ctx.correlation) : undefined;
  if (stages) {
    if (stages.logLabels) props.logLabels = stages.logLabels;
    if (stages.structuredMetadata) props.structuredMetadata = stages.structuredMetadata;
    if (stages.dropExpression !== undefined) props.dropExpression = stages.dropExpression;
  }

  // What the construct renders from these props: its Docker and host jobs with the stack's stages.
  const logLabels = (props.logLabels as Record<string, string> | undefined) ?? { level: 'level' };
  const extra = (props.structuredMetadata as Record<string, string> | undefined) ?? {};
  const fields: Record<string, string> = { ...logLabels, trace_id: ctx.correlation.logTraceIdField, span_id: ctx.correlation.logSpanIdField, ...extra };
  const drop = props.dropExpression === undefined ? HEALTHCHECK_DROP_EXPRESSION : props.dropExpression;
  const spec: LogPipelineSpec = {
    docker,
    hostLogPaths: props.readHostLogs !== undefined ? ((props.hostLogPaths as string[] | undefined) ?? ['/var/log/*.log']) : undefined,
    format: ctx.correlation.logFormat,
    fields,
    labels: Object.keys(logLabels),
    structuredMetadata: ['trace_id', 'span_id', ...Object.keys(extra)],
    drop: drop === false ? undefined : { expression: String(drop), reason: 'healthcheck' },
    lokiPushUrl: str(props.lokiUrl || 'http://loki:3100/loki/api/v1/push'),
    tenantId: props.tenantId as string | undefined,
  };
  const rendered = promtailDocument(spec, { httpPort: PROMTAIL_PORT, positionsDir: PROMTAIL_POSITIONS_DIR });
  const diff = rawDiff(file, doc, rendered, PROMTAIL_DEFAULTS, notes, 'Promtail');
  if (diff.raw && 'scrape_configs' in diff.raw) {
    notes.add('choice', file, 'scrape_configs', "your jobs and pipeline stages differ from the construct's (Docker job with the stack's json/level/trace-id stages, /var/log job): the list is kept whole through rawConfig; the typed props above still decide the mounts");
  }
  if (diff.raw) props.rawConfig = new Commented('Escape hatch: config.yml keys the construct does not write as your file does, merged over its configuration (see the import report).', diff.raw);
  return props;
}

/**
 * LogAgent props from Promtail stages in the shape the library writes: [json|logfmt] fields,
 * a labels stage (label: label), structured_metadata (trace_id, span_id and more), a drop
 * stage counted as `healthcheck`. Undefined when the stages have another shape (kept raw).
 */
function pipelineProps(stages: unknown[], c: PromtailContext['correlation']): { logLabels?: Record<string, string>; structuredMetadata?: Record<string, string>; dropExpression?: string | false } | undefined {
  const byKind = new Map<string, Record<string, unknown>>();
  for (const st of stages) {
    if (!isObject(st) || Object.keys(st).length !== 1) return undefined;
    const [k, v] = Object.entries(st)[0];
    if (byKind.has(k) || !isObject(v)) return undefined;
    byKind.set(k, v);
  }
  const parse = c.logFormat === 'json' ? byKind.get('json') : byKind.get('logfmt');
  const map = parse ? (c.logFormat === 'json' ? parse.expressions : parse.mapping) : undefined;
  if (!isObject(map) || [...byKind.keys()].some((k) => !['json', 'logfmt', 'labels', 'structured_metadata', 'drop'].includes(k))) return undefined;
  const field = (name: string) => str(map[name] ?? name).replace(/^"(.*)"$/, '$1');
  const out: { logLabels?: Record<string, string>; structuredMetadata?: Record<string, string>; dropExpression?: string | false } = {};
  const labels = byKind.get('labels');
  const ids = ['trace_id', 'span_id', c.logTraceIdField, c.logSpanIdField];
  const name = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
  // The construct refuses ids as labels (high cardinality) and reserved names: such stages stay raw.
  if (labels && Object.keys(labels).some((l) => !name.test(l) || l.startsWith('__') || ids.includes(l) || ids.includes(field(l)))) return undefined;
  if (labels) out.logLabels = Object.fromEntries(Object.keys(labels).map((l) => [l, field(l)]));
  const meta = byKind.get('structured_metadata');
  const extra = meta ? Object.keys(meta).filter((m) => m !== 'trace_id' && m !== 'span_id') : [];
  if (extra.some((m) => !name.test(m) || m.startsWith('__') || (labels && m in labels))) return undefined;
  if (extra.length) out.structuredMetadata = Object.fromEntries(extra.map((m) => [m, field(m)]));
  const drop = byKind.get('drop');
  out.dropExpression = drop && typeof drop.expression === 'string' ? drop.expression : false;
  return out;
}

function unwrap(v: unknown): unknown {
  return v instanceof Commented ? v.value : v;
}
