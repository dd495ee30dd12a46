import { TerraformResource, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { unescapeTemplate } from '../core/tf-escape';
import { Observability } from '../observability';

/** Options of {@link diagram}. */
export interface DiagramOptions {
  /** Run the constructs' validations while synthesizing (as `cdktf synth` does). @default false */
  readonly runValidations?: boolean;
  /** Mermaid flowchart direction. @default 'LR' */
  readonly direction?: 'LR' | 'TB';
}

/** The kinds of flow the diagram draws. */
export type DiagramFlow = 'scrape' | 'remote write' | 'OTLP' | 'logs' | 'alerts' | 'profiles' | 'data source' | 'link' | 'uses';

type Json = Record<string, unknown>;

interface Node {
  readonly id: string;
  readonly title: string;
  readonly details: string[];
  readonly hosts: Set<string>;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly flow: DiagramFlow;
  readonly labels: Set<string>;
}

/** Registry kinds, for titles and for classifying a flow by what it reaches. */
const KINDS = ['prometheus', 'alertmanager', 'loki', 'tempo', 'pyroscope', 'otel-collector', 'grafana', 'log-agent', 'node-exporter', 'blackbox-exporter', 'service', 'container'];

/** Labels of the correlation settings a data source's JSON points at another with (`datasourceUid`). */
const LINK_LABELS: Record<string, string> = {
  exemplarTraceIdDestinations: 'exemplars',
  derivedFields: 'trace_id',
  tracesToLogsV2: 'traces to logs',
  tracesToMetrics: 'traces to metrics',
  serviceMap: 'service map',
  tracesToProfiles: 'traces to profiles',
};

/**
 * A Mermaid flowchart of the synthesized stack, drawn from what it deploys rather than by hand:
 * one node per container (construct path, image, published ports), the Grafana of the stack,
 * and the flows read from the generated configuration — Prometheus' scrape jobs, `alerting`
 * and `remote_write`; the URLs the other components' files and environment point at (log push,
 * OTLP, remote write, alerts); Grafana's data sources and the correlation links between them
 * (exemplars, trace_id, traces to logs and metrics). The output is deterministic (sorted), so
 * a snapshot or a README block shows a change of the stack as a change of the picture.
 *
 * ```ts
 * console.log(diagram(new MyStack(Testing.app(), 'obs')));
 * ```
 */
export function diagram(stack: TerraformStack, options: DiagramOptions = {}): string {
  const terraform = JSON.parse(Testing.synth(stack, options.runValidations ?? false)) as Json;
  const resources = (terraform.resource ?? {}) as Record<string, Record<string, Json>>;
  const show = (text: string) => unescapeTemplate(text, (expr) => '${' + expr + '}');
  const owners = resourceOwners(stack);
  const kinds = constructKinds(stack);

  const nodes = new Map<string, Node>();
  const files = new Map<string, Array<{ path: string; content: string }>>();
  const env = new Map<string, string[]>();
  const images = resources.docker_image ?? {};
  const ownerOf = new Map<string, IConstruct>();
  for (const [logicalId, c] of Object.entries(resources.docker_container ?? {})) {
    const name = show(String(c.name));
    const owner = owners.get(logicalId);
    const id = mermaidId(name);
    const title = owner ? relativePath(stack, owner) : name;
    const details = [imageName(c.image, images), ...publishedPorts(c.ports)];
    const hosts = new Set<string>([name]);
    for (const n of (c.networks_advanced ?? []) as Json[]) for (const a of (n.aliases ?? []) as string[]) hosts.add(show(a));
    const same = kebab(title) === name || title.toLowerCase() === name;
    nodes.set(id, { id, title: same ? title : `${title} (${name})`, details, hosts });
    if (owner) ownerOf.set(id, owner);
    files.set(id, ((c.upload ?? []) as Json[]).filter((u) => typeof u.content === 'string').map((u) => ({ path: String(u.file), content: show(String(u.content)) })));
    env.set(id, ((c.env ?? []) as string[]).map(show));
  }
  const kindOf = (id: string): string | undefined => {
    const owner = ownerOf.get(id);
    for (let s: IConstruct | undefined = owner; s; s = s.node.scope) {
      const k = kinds.get(s);
      if (k) return k;
    }
    return undefined;
  };

  // Grafana: its container, or a node for a Grafana the stack only talks to (ExistingGrafana).
  let grafana = [...nodes.keys()].find((id) => kindOf(id) === 'grafana');
  const dataSources = Object.values(resources.grafana_data_source ?? {});
  if (!grafana && (dataSources.length || Observability.of(stack).find('grafana').length)) {
    const existing = Observability.of(stack).find<IConstruct & { url?: string }>('grafana')[0];
    grafana = 'grafana_existing';
    nodes.set(grafana, { id: grafana, title: existing ? `${relativePath(stack, existing)} (existing Grafana)` : 'Grafana (existing)', details: existing?.url ? [existing.url] : [], hosts: new Set() });
  }

  const byHost = new Map<string, string>();
  for (const n of nodes.values()) for (const h of n.hosts) byHost.set(h, n.id);
  const edges = new Map<string, Edge>();
  const add = (from: string | undefined, to: string | undefined, flow: DiagramFlow, label?: string) => {
    if (!from || !to || from === to) return;
    const key = `${from}\u0000${to}\u0000${flow}`;
    const edge = edges.get(key) ?? { from, to, flow, labels: new Set<string>() };
    if (label) edge.labels.add(label);
    edges.set(key, edge);
  };
  const hostOf = (address: string): string | undefined => byHost.get(address.replace(/^[a-z]+:\/\//, '').split(/[:/]/)[0]);

  for (const [id, list] of files) {
    for (const f of list) {
      if (/(^|\/)prometheus\.ya?ml$/.test(f.path)) {
        prometheusFlows(f.content, (to, flow, label) => add(id, hostOf(to), flow, label));
        continue;
      }
      for (const url of urlsIn(f.content)) add(id, hostOf(url.host), classify(url, kindOf(hostOf(url.host) ?? '')));
    }
    for (const value of env.get(id) ?? []) {
      for (const url of urlsIn(value.slice(value.indexOf('=') + 1))) add(id, hostOf(url.host), classify(url, kindOf(hostOf(url.host) ?? '')));
    }
  }

  // Grafana's data sources, and the correlation links between them.
  const uidTarget = new Map<string, string>();
  for (const ds of dataSources) {
    const target = hostOf(show(String(ds.url ?? '')));
    if (typeof ds.uid === 'string' && target) uidTarget.set(show(ds.uid), target);
    add(grafana, target, 'data source', typeof ds.type === 'string' ? ds.type : undefined);
  }
  for (const ds of dataSources) {
    const from = hostOf(show(String(ds.url ?? '')));
    if (typeof ds.json_data_encoded !== 'string') continue;
    let json: unknown;
    try {
      json = JSON.parse(show(ds.json_data_encoded));
    } catch {
      continue;
    }
    for (const [key, uid] of datasourceUids(json)) add(from, uidTarget.get(uid), 'link', LINK_LABELS[key] ?? key);
  }

  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  for (const n of [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    lines.push(`  ${n.id}["${[`<b>${escapeLabel(n.title)}</b>`, ...n.details.map(escapeLabel)].join('<br/>')}"]`);
  }
  const arrow: Record<DiagramFlow, string> = { scrape: '-->', 'remote write': '==>', OTLP: '==>', logs: '==>', profiles: '==>', alerts: '-->', 'data source': '-.->', link: '-.->', uses: '-->' };
  for (const e of [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.flow.localeCompare(b.flow))) {
    const label = e.labels.size ? `${e.flow}: ${[...e.labels].sort().join(', ')}` : e.flow;
    lines.push(`  ${e.from} ${arrow[e.flow]}|"${escapeLabel(label)}"| ${e.to}`);
  }
  return `${lines.join('\n')}\n`;
}

/** docker_container logical id → the construct that deployed it (the resource's parent). */
function resourceOwners(stack: TerraformStack): Map<string, IConstruct> {
  const out = new Map<string, IConstruct>();
  for (const c of stack.node.findAll()) {
    if (c instanceof TerraformResource && c.terraformResourceType === 'docker_container' && c.node.scope) out.set(stack.getLogicalId(c), c.node.scope);
  }
  return out;
}

/** The registry kind of each registered construct. */
function constructKinds(stack: TerraformStack): Map<IConstruct, string> {
  const registry = Observability.of(stack);
  const out = new Map<IConstruct, string>();
  for (const kind of KINDS) for (const c of registry.find(kind)) out.set(c, kind);
  return out;
}

function relativePath(stack: TerraformStack, c: IConstruct): string {
  const prefix = `${stack.node.path}/`;
  return c.node.path.startsWith(prefix) ? c.node.path.slice(prefix.length) : c.node.path;
}

function imageName(image: unknown, images: Record<string, Json>): string {
  const ref = typeof image === 'string' ? /^\$\{docker_image\.([^.]+)\.image_id\}$/.exec(image) : null;
  if (ref && typeof images[ref[1]]?.name === 'string') return String(images[ref[1]].name);
  return typeof image === 'string' ? image : '?';
}

function publishedPorts(ports: unknown): string[] {
  if (!Array.isArray(ports) || !ports.length) return [];
  const shown = (ports as Json[])
    .map((p) => `${p.ip ?? '0.0.0.0'}:${p.external ?? p.internal}${p.protocol === 'udp' ? '/udp' : ''}`)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return [shown.join(', ')];
}

/** Scrape jobs, alerting targets and remote-write URLs of a prometheus.yml. */
function prometheusFlows(content: string, add: (to: string, flow: DiagramFlow, label?: string) => void): void {
  let config: Json;
  try {
    // Loaded here: a synth that draws no diagram does not load the `yaml` package.
    config = ((require('yaml') as typeof import('yaml')).parse(content) ?? {}) as Json;
  } catch {
    return;
  }
  for (const job of (config.scrape_configs ?? []) as Json[]) {
    const name = String(job.job_name);
    const rewritten = ((job.relabel_configs ?? []) as Json[]).find((r) => r.target_label === '__address__' && typeof r.replacement === 'string' && !String(r.replacement).includes('$'));
    if (rewritten) {
      add(String(rewritten.replacement), 'scrape', name); // a probe exporter: targets are its parameters
      continue;
    }
    for (const sc of (job.static_configs ?? []) as Json[]) for (const t of (sc.targets ?? []) as string[]) add(t, 'scrape', name);
  }
  const alerting = (config.alerting ?? {}) as Json;
  for (const am of (alerting.alertmanagers ?? []) as Json[]) {
    for (const sc of (am.static_configs ?? []) as Json[]) for (const t of (sc.targets ?? []) as string[]) add(t, 'alerts');
  }
  for (const rw of (config.remote_write ?? []) as Json[]) if (typeof rw.url === 'string') add(rw.url, 'remote write');
}

interface FoundUrl {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

/** `host:port[/path]` occurrences (with or without a scheme). */
function urlsIn(text: string): FoundUrl[] {
  const out: FoundUrl[] = [];
  const re = /(?:[a-z][a-z0-9+.-]*:\/\/)?\b([a-z0-9][a-z0-9_.-]*):(\d{2,5})(\/[^\s"'`,)}\]]*)?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ host: m[1], port: Number(m[2]), path: m[3] ?? '' });
  return out;
}

/** The kind of flow a URL stands for, by its path, its port, or what it reaches. */
function classify(url: FoundUrl, targetKind: string | undefined): DiagramFlow {
  if (url.path.includes('/loki/api/v1/push')) return 'logs';
  if (url.port === 4317 || url.port === 4318 || /\/otlp(\/|$)|\/v1\/(traces|logs|metrics)/.test(url.path)) return 'OTLP';
  if (/\/api\/v1\/(write|push)/.test(url.path)) return 'remote write';
  if (targetKind === 'alertmanager') return 'alerts';
  if (targetKind === 'pyroscope') return 'profiles';
  return 'uses';
}

/** `[key, uid]` for every `datasourceUid` in a data source's JSON, keyed by its top-level setting. */
function datasourceUids(json: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: unknown, top: string) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, top));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'datasourceUid' && typeof x === 'string') out.push([top, x]);
        else walk(x, top);
      }
    }
  };
  if (json && typeof json === 'object') for (const [k, v] of Object.entries(json)) walk(v, k);
  return out;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Mermaid label text: quotes and angle brackets as entities. */
function escapeLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
