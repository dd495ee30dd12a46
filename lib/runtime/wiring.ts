/**
 * Wiring checks across a stack's components: an address that names a component of the stack
 * must use a port that component listens on, and a path in a component's arguments must be a
 * file the library uploads or lie under a mounted volume. Hosts that are not components of
 * the stack (external services, chart-run engines on Kubernetes) are left alone.
 */
import { ComponentSpec, ConfigFile, PortSpec } from './component';
import { DynamicParts } from './runtime';
import { matchesSnapshot, snapshotOf } from '../core/produced-memo';

/** A component as a runtime deployed it, with the host names it is reached at. */
export interface ComponentRecord {
  readonly spec: ComponentSpec;
  readonly dynamic: DynamicParts;
  /** Host names other components reach it at (`prometheus`; on Kubernetes also `prometheus.<ns>.svc`). */
  readonly hosts: readonly string[];
}

/** Host name → the component reached there. */
export type ListenerIndex = ReadonlyMap<string, ComponentRecord>;

/** Indexes the components by every host name they are reached at. */
export function listenerIndex(records: readonly ComponentRecord[]): ListenerIndex {
  const index = new Map<string, ComponentRecord>();
  for (const r of records) for (const h of r.hosts) index.set(h, r);
  return index;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };
/**
 * `scheme://host[:port]` or `host:port`, the host a whole name (not the end of a longer one,
 * nor followed by more of a domain). Generic, then looked up: one pass whatever the number of
 * components.
 */
const ADDRESS = /(?<![A-Za-z0-9_.@/-])(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([A-Za-z0-9][A-Za-z0-9_.-]*)(?::(\d{1,5}))?(?![A-Za-z0-9_-]|\.[A-Za-z0-9]|:\d)/g;
/** Cheap pre-filter: text without `://` nor `:<digit>` holds no address. */
const MAYBE = /:\/\/|:\d/;
/** Every `://` or `:<digit>`: each address (with a scheme or a port) holds one. */
const ANCHOR = /:\/\/|:\d/g;

/**
 * The lines of `text` that hold an anchor, in order, each once. No part of ADDRESS (its
 * look-behind and look-ahead included) matches a line break, and a line break satisfies both
 * the look-behind and the look-ahead as the ends of the text do: ADDRESS finds the same
 * matches line by line as over the whole text, and a line without an anchor holds only bare
 * words, which are skipped. A large file (a rule file, prometheus.yml) is thus scanned only
 * where an address may stand, not word by word.
 */
function anchoredLines(text: string): string[] {
  const lines: string[] = [];
  ANCHOR.lastIndex = 0;
  for (let m = ANCHOR.exec(text); m; m = ANCHOR.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    lines.push(text.slice(start, end));
    ANCHOR.lastIndex = end;
  }
  return lines;
}

function describePorts(ports: readonly PortSpec[]): string {
  return ports.map((p) => `${p.containerPort} (${p.name})`).join(', ');
}

/**
 * Problems for addresses in `text` that name a component of the stack on a port it does not
 * listen on (`where` says whose text it is: a file, an argument, a data source URL).
 */
export function addressProblems(text: string, where: string, index: ListenerIndex): string[] {
  if (!index.size || typeof text !== 'string' || !MAYBE.test(text)) return [];
  const out: string[] = [];
  for (const line of anchoredLines(text)) {
    ADDRESS.lastIndex = 0;
    for (let m = ADDRESS.exec(line); m; m = ADDRESS.exec(line)) {
      const [match, scheme, host, portText] = m;
      if (scheme === undefined && portText === undefined) continue; // a bare word, not an address
      const target = index.get(host);
      if (!target) continue; // not a component of this stack: left alone
      const port = portText !== undefined ? Number(portText) : DEFAULT_PORTS[scheme!.toLowerCase()];
      if (port === undefined) continue;
      const ports = target.spec.ports ?? [];
      // A component that declares no port (a generic Container publishing nothing) may still
      // listen inside the network: nothing to compare the address with, so it is left alone.
      if (!ports.length || ports.some((p) => p.containerPort === port)) continue;
      const implied = portText === undefined ? ` (port ${port}, implied by ${scheme}://)` : '';
      const fix = `Use ${host}:${ports[0].containerPort}${ports.length > 1 ? ` (or another of its ports)` : ''}`;
      out.push(
        `${where} addresses ${JSON.stringify(match)}${implied}, but ${target.spec.name} listens on ${describePorts(ports)}: the connection would be refused. ${fix}, or fix the address where it was typed.`,
      );
    }
  }
  return [...new Set(out)];
}

/** The strings of a component where addresses may be typed: files, arguments, entrypoint, environment. */
export function componentTexts(spec: ComponentSpec, files: readonly ConfigFile[], args: readonly string[]): Array<{ where: string; text: string }> {
  return [
    ...files.filter((f) => !f.secret).map((f) => ({ where: `file ${f.path}`, text: f.content })),
    ...[...(spec.entrypoint ?? []), ...args].map((a) => ({ where: `argument ${JSON.stringify(a)}`, text: a })),
    ...Object.entries(spec.env ?? {}).map(([k, v]) => ({ where: `environment variable ${k}`, text: v })),
  ];
}

/** The paths named by arguments: a whole argument or a flag's value that starts with `/`. */
export function argumentPaths(args: readonly string[]): Array<{ arg: string; path: string }> {
  const out: Array<{ arg: string; path: string }> = [];
  for (const arg of args) {
    if (typeof arg !== 'string') continue;
    const value = arg.startsWith('-') ? (arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined) : arg;
    if (value && /^\/[^\s,;:]*$/.test(value) && value !== '/') out.push({ arg, path: value.replace(/\/+$/, '') });
  }
  return out;
}

const under = (path: string, dir: string) => path === dir.replace(/\/+$/, '') || path.startsWith(`${dir.replace(/\/+$/, '')}/`);

/**
 * Warnings for paths in a component's arguments that are neither a file the library uploads
 * (or a directory holding some) nor under a mounted volume, host mount or device.
 */
export function argumentPathProblems(spec: ComponentSpec, files: readonly ConfigFile[], args: readonly string[]): string[] {
  const mounts = [...(spec.volumes ?? []).map((v) => v.path), ...(spec.hostMounts ?? []).map((m) => m.containerPath), ...(spec.devices ?? []).map((d) => d.containerPath ?? d.hostPath)];
  const out: string[] = [];
  for (const { arg, path } of argumentPaths(args)) {
    if (files.some((f) => under(f.path, path))) continue;
    if (mounts.some((m) => under(path, m))) continue;
    const known = [...files.map((f) => f.path), ...mounts];
    out.push(
      `argument ${JSON.stringify(arg)} of ${spec.name} names ${path}, which is neither a file the library uploads into the container nor under a mounted volume or host mount (it has ${known.length ? known.join(', ') : 'none'}): unless the image ships it, the program will not find it. Add the file (files), mount its directory (volumes or host mounts), or fix the path.`,
    );
  }
  return out;
}

/**
 * Wiring problems of one component with its files as rendered: `errors` (wrong ports) and
 * `warnings` (paths in arguments neither uploaded nor mounted).
 */
export function componentWiring(record: ComponentRecord, index: ListenerIndex, files: readonly ConfigFile[]): { errors: string[]; warnings: string[] } {
  const { spec, dynamic } = record;
  const args = [...(dynamic.args ? dynamic.args() : spec.args ?? []), ...(spec.extraArgs ?? [])];
  // cdktf resolves the upload twice per synth, so the same component comes here twice with
  // the same files: the second time, with nothing the checks read changed, the answer is the
  // same (issue 16).
  const inputs = [files.map((f) => [f.path, f.content, f.secret]), args, spec.entrypoint, spec.env, spec.volumes, spec.hostMounts, spec.devices];
  const last = LAST_WIRING.get(record);
  if (last !== undefined && last.index === index && matchesSnapshot(inputs, last.inputs)) return { errors: [...last.result.errors], warnings: [...last.result.warnings] };
  const errors = componentTexts(spec, files, args).flatMap((t) => addressProblems(t.text, t.where, index));
  const result = { errors: [...new Set(errors)], warnings: argumentPathProblems(spec, files, args) };
  const snapshot = snapshotOf(inputs);
  if (snapshot !== undefined) LAST_WIRING.set(record, { index, inputs: snapshot, result: { errors: [...result.errors], warnings: [...result.warnings] } });
  else LAST_WIRING.delete(record);
  return result;
}

/** Each component's last wiring answer, with the listener index and a snapshot of what it read. */
const LAST_WIRING = new WeakMap<ComponentRecord, { index: ListenerIndex; inputs: unknown[]; result: { errors: string[]; warnings: string[] } }>();
