import * as fs from 'fs';
import * as path from 'path';
import { GRAFANA_SECRET_ENV } from '../../constructs/grafana-server';
import { SECRET_ENV_NAME, urlSecretProblem } from '../core/secrets';
import { Commented, FileRef, Notes } from './model';
import { isObject, parseYaml, unknownKeys } from './parse';

export type EngineKind = 'prometheus' | 'alertmanager' | 'grafana' | 'node-exporter' | 'blackbox' | 'loki' | 'tempo' | 'promtail' | 'otel-collector' | 'alloy' | 'container';

/** One Compose service, as a construct of the library. */
export interface ComposeComponent {
  readonly service: string;
  readonly kind: EngineKind;
  readonly props: Record<string, unknown>;
  /** Host path of the engine's mounted config file (prometheus.yml, alertmanager.yml, blackbox.yml). */
  readonly configFile?: string;
  /** Comment above the construct. */
  readonly comment?: string;
  /** Loki, Tempo, Promtail: where the named data volume was mounted, host directories by container path, the Docker socket. */
  readonly mounts?: { readonly dataMount?: string; readonly hostDirs: Record<string, string>; readonly dockerSocket: boolean };
  /** Bind mounts of directories, container path → host path (Grafana provisioning). */
  readonly dirMounts?: Record<string, string>;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Image repositories of the engines the library has constructs for (whose config it imports). */
const ENGINES: Array<[RegExp, EngineKind]> = [
  [/^(docker\.io\/)?(prom|quay\.io\/prometheus)\/prometheus$/, 'prometheus'],
  [/^(docker\.io\/)?(prom|quay\.io\/prometheus)\/alertmanager$/, 'alertmanager'],
  [/^(docker\.io\/)?grafana\/grafana(-oss|-enterprise)?$/, 'grafana'],
  [/^(docker\.io\/)?(prom|quay\.io\/prometheus)\/node-exporter$/, 'node-exporter'],
  [/^(docker\.io\/)?(prom|quay\.io\/prometheus)\/blackbox-exporter$/, 'blackbox'],
  [/^(docker\.io\/)?grafana\/loki$/, 'loki'],
  [/^(docker\.io\/)?grafana\/tempo$/, 'tempo'],
  [/^(docker\.io\/)?grafana\/promtail$/, 'promtail'],
  [/^(docker\.io\/)?otel\/opentelemetry-collector(-contrib)?$/, 'otel-collector'],
  [/^(docker\.io\/)?grafana\/alloy$/, 'alloy'],
];
/** Engines configured by one YAML file named by `-config.file` (the importer reads it from the mount). */
const LOG_ENGINES: readonly EngineKind[] = ['loki', 'tempo', 'promtail'];

/** The config file flag and data path each engine's construct sets itself. */
const OWN_FLAGS: Record<string, RegExp> = {
  prometheus: /^--(config\.file|storage\.tsdb\.path|storage\.tsdb\.retention\.time|storage\.tsdb\.retention\.size|web\.enable-remote-write-receiver|enable-feature)(=|$)/,
  alertmanager: /^--(config\.file|storage\.path)(=|$)/,
  blackbox: /^--config\.file(=|$)/,
  'node-exporter': /^--path\.rootfs(=|$)/,
  grafana: /^$/,
  loki: /^--?config\.file(=|$)/,
  tempo: /^--?config\.file(=|$)/,
  promtail: /^--?config\.file(=|$)/,
  'otel-collector': /^--config(=|$)/,
  alloy: /^(run|--server\.http\.listen-addr=0\.0\.0\.0:12345|--storage\.path(=.*)?)$/,
};
/** Where each image reads its config when the command names none. */
const DEFAULT_CONFIG: Record<string, string> = { 'otel-collector': '/etc/otelcol-contrib/config.yaml', alloy: '/etc/alloy/config.alloy' };

/** The config path the command gives (`--config=X`, `--config X`; Alloy's `run X`), else the image's default. */
function configPathOf(kind: EngineKind, image: string, args: string[], targets: readonly string[] = []): string | undefined {
  if (kind === 'otel-collector') {
    const i = args.findIndex((a) => /^--config(=|$)/.test(a));
    if (i < 0) return /contrib/.test(image) ? DEFAULT_CONFIG[kind] : '/etc/otelcol/config.yaml';
    const given = args[i].includes('=') ? args[i].slice('--config='.length) : args[i + 1];
    // `file:PATH` is the file provider's URI for the same path.
    return given?.replace(/^file:/, '');
  }
  if (kind === 'alloy') {
    // `alloy run [flags] PATH`: an argument after run that is not a flag (a flag's value given
    // as a second word, `--storage.path DIR`, is not a flag either: a mounted file is preferred).
    const i = args.indexOf('run');
    const after = i >= 0 ? args.map((a, k) => ({ a, k })).filter(({ a, k }) => k > i && !a.startsWith('-')) : [];
    const positional = after.filter(({ k }) => !/^--[^=]+$/.test(args[k - 1]));
    return (after.find(({ a }) => targets.includes(a)) ?? positional[0] ?? after[0])?.a ?? DEFAULT_CONFIG[kind];
  }
  return undefined;
}
const CONFIG_TARGET: Record<string, RegExp> = {
  prometheus: /\/prometheus\.ya?ml$/,
  alertmanager: /\/alertmanager\.ya?ml$/,
  blackbox: /\/(blackbox|config)\.ya?ml$/,
};
const DATA_PATH: Record<string, string> = { prometheus: '/prometheus', alertmanager: '/alertmanager', grafana: '/var/lib/grafana', alloy: '/var/lib/alloy/data' };

/** `${VAR}`, `${VAR:-default}`, `$VAR` references. */
const ENV_REF = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/;

function words(cmd: unknown): string[] {
  if (Array.isArray(cmd)) return cmd.map(str);
  if (typeof cmd !== 'string') return [];
  const out: string[] = [];
  const re = /"((?:\\.|[^"])*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly named: boolean;
  readonly propagation?: string;
}

function mounts(volumes: unknown): Mount[] {
  return (Array.isArray(volumes) ? volumes : []).map((v) => {
    if (isObject(v)) return { source: str(v.source), target: str(v.target), readOnly: v.read_only === true, named: v.type === 'volume' };
    const [source, target, mode = ''] = str(v).split(':');
    const opts = mode.split(',');
    return { source, target: target ?? source, readOnly: opts.includes('ro'), named: !/^[./~]/.test(source), propagation: opts.find((o) => /^r?(private|shared|slave)$/.test(o)) };
  });
}

/** Compose's default project name: the directory name, lower case, [a-z0-9_-]. */
export function defaultProjectName(composeFile: string): string {
  return path.basename(path.dirname(path.resolve(composeFile))).toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/**
 * Imports docker-compose.yml. `project` is the Compose project name: named volumes exist
 * on the host as `<project>_<volume>` unless the volume sets `name:`.
 */
export function importCompose(file: string, text: string, notes: Notes, outDir: string, projectName?: string): ComposeComponent[] {
  const doc = parseYaml(text, file, 'compose');
  const project = projectName ?? (typeof doc.name === 'string' ? doc.name : defaultProjectName(file));
  const base = path.dirname(path.resolve(file));
  const topVolumes = isObject(doc.volumes) ? doc.volumes : {};
  const volumeName = (v: string) => {
    const decl = topVolumes[v];
    if (isObject(decl) && decl.name !== undefined) return str(decl.name);
    if (isObject(decl) && decl.external === true) return v;
    return `${project}_${v}`;
  };
  if (Object.keys(topVolumes).length) notes.add('choice', file, 'volumes', `named volumes kept under Compose's names <project>_<volume> with project ${JSON.stringify(project)} (pass --project to change), so the existing data is found`);
  for (const k of unknownKeys(doc, ['services', 'volumes', 'networks', 'version', 'name'])) notes.add('warning', file, k, `top-level ${k} is not imported`);
  if (isObject(doc.networks)) notes.add('choice', file, 'networks', 'the Compose networks are replaced by the stack\'s one shared network (every component joins it)');
  const out: ComposeComponent[] = [];
  const services = isObject(doc.services) ? doc.services : {};
  for (const [service, s] of Object.entries(services)) {
    const svc = isObject(s) ? s : {};
    const where = `services.${service}`;
    const image = str(svc.image);
    const repo = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    if (!image) {
      notes.add('warning', file, where, `no image (built from ${JSON.stringify(isObject(svc.build) ? svc.build.context : svc.build)}): not imported; build and push it, then add a Container with its pinned image`);
      continue;
    }
    let kind: EngineKind = ENGINES.find(([re]) => re.test(repo))?.[1] ?? 'container';
    if (kind === 'alloy') {
      // Alloy's configuration is carried as a file: without one, the service stays a Container.
      const target = configPathOf('alloy', repo, words(svc.command), mounts(svc.volumes).filter((x) => !x.named).map((x) => x.target));
      const src = mounts(svc.volumes).find((x) => !x.named && x.target === target);
      const host = src ? path.resolve(base, src.source) : undefined;
      if (!host || !fs.existsSync(host) || !fs.statSync(host).isFile()) {
        kind = 'container';
        notes.add('warning', file, where, `${repo}: its config ${target} is ${host ? `mounted from ${path.relative(process.cwd(), host)}, which is not found here` : 'not a bind-mounted file'}: kept as a generic Container with the same mounts`);
      }
    }
    const props: Record<string, unknown> = {};
    const m = mounts(svc.volumes);
    let configFile: string | undefined;
    const dirMounts: Record<string, string> = {};
    const files: Array<Record<string, unknown>> = [];
    const hostMounts: Array<Record<string, unknown>> = [];
    const volumes: Array<Record<string, unknown>> = [];
    const volumeNames: Record<string, string> = {};
    const args = words(svc.command);
    const extraArgs: string[] = [];
    let logMounts: { hostDirs: Record<string, string>; dockerSocket: boolean; dataMount?: string } | undefined;

    if (kind !== 'container') {
      props.name = service;
      props.image = image;
      // `-config.file=X` or `-config.file X` (Go's flag package reads both).
      const configFlag = LOG_ENGINES.includes(kind) ? args.map((a, i) => /^--?config\.file=(.+)$/.exec(a)?.[1] ?? (/^--?config\.file$/.test(a) ? args[i + 1] : undefined)).find(Boolean) : undefined;
      const cfgPath = LOG_ENGINES.includes(kind) ? undefined : configPathOf(kind, repo, args, m.filter((x) => !x.named).map((x) => x.target));
      const cfg = LOG_ENGINES.includes(kind)
        ? m.find((x) => !x.named && x.target === configFlag)
        : m.find((x) => !x.named && (cfgPath ? x.target === cfgPath : CONFIG_TARGET[kind]?.test(x.target)));
      if (cfg) configFile = path.resolve(base, cfg.source);
      else if (LOG_ENGINES.includes(kind)) notes.add('warning', file, `${where}.volumes`, `no mounted config file${configFlag ? ` at ${configFlag} (the -config.file flag)` : ' (no -config.file flag)'}: the ${kind} construct's defaults are used`);
      else if (cfgPath) notes.add('warning', file, `${where}.volumes`, `no bind mount of the config file ${cfgPath} the command reads: the ${kind} construct's defaults are used`);
      if (kind === 'otel-collector' && args.filter((a) => /^--config(=|$)/.test(a)).length > 1) notes.add('warning', file, `${where}.command`, 'several --config files (merged by the Collector): only the first is imported');
      logMounts = LOG_ENGINES.includes(kind) ? { hostDirs: {}, dockerSocket: false } : undefined;
      for (const x of m) {
        if (x === cfg) continue;
        if (logMounts) {
          if (x.named) {
            if (logMounts.dataMount === undefined) {
              logMounts.dataMount = x.target;
              volumeNames[kind === 'promtail' ? 'positions' : 'data'] = volumeName(x.source);
            } else notes.add('warning', file, `${where}.volumes ${x.source}:${x.target}`, `a second named volume: not carried (the ${kind} construct has one data volume)`);
          } else if (/docker\.sock$/.test(x.target)) logMounts.dockerSocket = true;
          else if (kind === 'promtail' && x.target === '/var/log') continue; // readHostLogs mounts it
          else {
            logMounts.hostDirs[x.target] = path.resolve(base, x.source);
            notes.add(kind === 'loki' ? 'choice' : 'warning', file, `${where}.volumes ${x.source}:${x.target}`, kind === 'loki' ? 'host directory: read by the importer when it is the ruler\'s rule directory (rule groups); otherwise not carried' : `not carried: the ${kind} construct manages its own files and mounts`);
          }
          continue;
        }
        if (kind === 'grafana' && !x.named && fs.existsSync(path.resolve(base, x.source)) && fs.statSync(path.resolve(base, x.source)).isDirectory()) {
          // Provisioning and dashboard directories: read by the Grafana import (unused ones are reported there).
          dirMounts[x.target] = path.resolve(base, x.source);
          continue;
        }
        if (kind === 'alloy' && x.target === '/var/run/docker.sock') {
          props.mountDockerSocket = true;
          continue;
        }
        if (kind === 'alloy' && x.target === '/var/log') {
          props.readHostLogs = new Commented('Mounts /var/log read-only, as the Compose file did.', true);
          continue;
        }
        if (x.named && x.target === DATA_PATH[kind]) volumeNames.data = volumeName(x.source);
        else if (kind === 'prometheus' && /\/rules$/.test(x.target)) continue; // rule files come through rule_files
        else if (kind === 'node-exporter' && x.source === '/' && x.target === '/host') continue; // the construct mounts / at /host
        else notes.add('warning', file, `${where}.volumes ${x.source}:${x.target}`, `not carried: the ${kind} construct manages its own files and mounts${kind === 'grafana' ? ' (import dashboards with --dashboards)' : ''}`);
      }
      for (const [i, a] of args.entries()) {
        if (kind === 'otel-collector' && a === '--config' && i + 1 < args.length) args[i + 1] = '--config';
        if (LOG_ENGINES.includes(kind) && /^--?config\.file$/.test(a) && i + 1 < args.length) args[i + 1] = a;
        // Alloy flags the construct sets, given as two words: their value goes with them.
        if (kind === 'alloy' && (a === '--storage.path' || (a === '--server.http.listen-addr' && args[i + 1] === '0.0.0.0:12345')) && i + 1 < args.length) {
          args[i + 1] = 'run';
          if (a === '--server.http.listen-addr') continue;
        }
        if (kind === 'alloy' && cfgPath && a === cfgPath && args.indexOf('run') >= 0 && args.indexOf('run') < i) continue;
        if (kind === 'prometheus') {
          const ret = /^--storage\.tsdb\.retention\.time=(.+)$/.exec(a);
          if (ret) props.retentionTime = ret[1];
          const size = /^--storage\.tsdb\.retention\.size=(.+)$/.exec(a);
          if (size) props.retentionSize = size[1];
          if (a === '--web.enable-remote-write-receiver') props.enableRemoteWriteReceiver = true;
          const feat = /^--enable-feature=(.+)$/.exec(a);
          for (const f of feat ? feat[1].split(',') : []) {
            if (f === 'exemplar-storage') props.enableExemplarStorage = true;
            else if (f === 'native-histograms') props.enableNativeHistograms = true;
            else extraArgs.push(`--enable-feature=${f}`);
          }
        }
        if (!OWN_FLAGS[kind].test(a)) extraArgs.push(a);
      }
      if (kind === 'prometheus' && props.retentionTime === undefined) {
        props.retentionTime = new Commented("Prometheus' default; the library's would be 30d.", '15d');
        notes.add('default', file, `${where}.command`, "no --storage.tsdb.retention.time: Prometheus' default 15d written out (the library's default is 30d)");
      }
      if (kind === 'node-exporter') props.instanceRelabeling = new Commented('Keep instance="host:9100" on node series, as the existing dashboards and alerts expect.', false);
    } else {
      props.image = image;
      if (service !== service.toLowerCase()) props.name = service;
      else props.name = service;
      if (svc.entrypoint !== undefined) props.command = words(svc.entrypoint);
      if (args.length) props.args = args;
      for (const x of m) {
        if (x.named) {
          volumes.push({ name: x.source.replace(/[^A-Za-z0-9_-]/g, '-'), path: x.target, volumeName: volumeName(x.source) });
          continue;
        }
        const host = path.resolve(base, x.source.replace(/^~/, process.env.HOME ?? '~'));
        if (/^[.]/.test(x.source) && fs.existsSync(host) && fs.statSync(host).isFile()) {
          files.push({ path: x.target, content: new FileRef(path.relative(outDir, host), 'text') });
          notes.add('choice', file, `${where}.volumes ${x.source}`, `bind-mounted file delivered as a file of the container (read at synth from ${path.relative(outDir, host)})`);
        } else {
          const hostPath = path.isAbsolute(x.source) ? host : new FileRef(path.relative(outDir, host), 'path');
          hostMounts.push({ hostPath, containerPath: x.target, ...(x.readOnly ? {} : { readOnly: false }), ...(x.propagation ? { propagation: x.propagation } : {}) });
          if (!path.isAbsolute(x.source)) notes.add('choice', file, `${where}.volumes ${x.source}`, `relative bind mount: resolved at synth against the generated program's directory (${path.relative(outDir, host)}); the path must exist on the Docker host${fs.existsSync(host) ? '' : ' (it does not exist here)'}`);
        }
      }
    }

    // Ports: compose publishes on every interface; keep that (the library's default is 127.0.0.1).
    const ports: Array<Record<string, unknown>> = [];
    let published = false;
    for (const p of Array.isArray(svc.ports) ? svc.ports : []) {
      const t = isObject(p) ? `${p.published ?? ''}:${p.target}` : str(p);
      const pm = /^(?:(\d+\.\d+\.\d+\.\d+):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(t.replace(/^:/, ''));
      if (!pm) {
        notes.add('warning', file, `${where}.ports ${t}`, 'port range or form not understood: not carried');
        continue;
      }
      published = published || pm[2] !== undefined;
      ports.push({ containerPort: Number(pm[3]), ...(pm[2] !== undefined && pm[2] !== pm[3] ? { hostPort: Number(pm[2]) } : {}), ...(pm[4] === 'udp' ? { protocol: 'udp' } : {}), ...(pm[2] === undefined ? { publish: false } : {}), hostIp: pm[1] });
    }
    const ips = [...new Set(ports.filter((p) => p.publish !== false).map((p) => (p.hostIp as string | undefined) ?? '0.0.0.0'))];
    const hostIp = ips[0];
    if (ips.length > 1) notes.add('warning', file, `${where}.ports`, `ports published on several addresses (${ips.join(', ')}): the construct publishes every port on one, ${hostIp}`);
    for (const p of ports) delete p.hostIp;
    if (kind === 'container') {
      if (ports.length) props.ports = ports;
    } else if (kind === 'otel-collector' && ports.length) {
      // The construct publishes OTLP/gRPC, OTLP/HTTP and the Prometheus exporter: each host port written out.
      const byPort: Record<number, string> = { 4317: 'hostPort', 4318: 'otlpHttpHostPort', 8889: 'metricsHostPort' };
      const other: number[] = [];
      for (const p of ports) {
        const prop = byPort[p.containerPort as number];
        if (prop && p.publish !== false) props[prop] = (p.hostPort as number | undefined) ?? p.containerPort;
        else other.push(p.containerPort as number);
      }
      if (other.length) notes.add('warning', file, `${where}.ports`, `${other.join(', ')}: the OtelCollector publishes 4317, 4318 and 8889 only; not carried`);
    } else if (ports.length) {
      if (kind === 'tempo') {
        // OTLP ports have their own props; the API port is the main one.
        for (const [cp, prop] of [[4317, 'otlpGrpcHostPort'], [4318, 'otlpHttpHostPort']] as const) {
          const i = ports.findIndex((p) => p.containerPort === cp);
          if (i < 0) {
            if (ports.some((p) => p.publish !== false)) notes.add('warning', file, `${where}.ports`, `${cp} (OTLP) is not published in Compose, but the TempoBackend publishes it with its API port (set ${prop} to choose the host port)`);
            continue;
          }
          if (ports[i].hostPort !== undefined) props[prop] = ports[i].hostPort;
          ports.splice(i, 1);
        }
        if (!ports.length) ports.push({ containerPort: 3200 });
      }
      const main = ports[0];
      if (main.hostPort !== undefined) props.hostPort = main.hostPort;
      if (ports.length > 1) notes.add('warning', file, `${where}.ports`, `only the main port of a ${kind} is published by its construct; ${ports.slice(1).map((p) => p.containerPort).join(', ')} not carried`);
    } else props.publishPorts = false;
    if (published && hostIp !== '127.0.0.1') {
      props.hostIp = new Commented(`Published on ${hostIp === '0.0.0.0' ? 'every interface' : hostIp} as in the Compose file (the library's default is 127.0.0.1).`, hostIp);
      notes.add('choice', file, `${where}.ports`, `published on ${hostIp} as Compose does (the library's default is 127.0.0.1; set hostIp to restrict)`);
    }

    // Environment: secrets (by name or ${VAR} reference) become sensitive variables.
    const env: Record<string, unknown> = {};
    const secretEnv: Record<string, unknown> = {};
    const envEntries: Array<[string, string]> = Array.isArray(svc.environment)
      ? svc.environment.map((e) => {
          const [k, ...rest] = str(e).split('=');
          return [k, rest.join('=')] as [string, string];
        })
      : Object.entries(isObject(svc.environment) ? svc.environment : {}).map(([k, v]) => [k, str(v)]);
    const grafanaPlain = kind === 'grafana' ? /^GF_(AUTH_ANONYMOUS_ENABLED|USERS_ALLOW_SIGN_UP|FEATURE_TOGGLES_ENABLE|INSTALL_PLUGINS|SERVER_ROOT_URL|SECURITY_ADMIN_USER)$/ : /^$/;
    for (const [k, v] of envEntries) {
      if (grafanaPlain.test(k) && !ENV_REF.test(v)) env[k] = v;
      else if ((kind === 'grafana' ? GRAFANA_SECRET_ENV : SECRET_ENV_NAME).test(k) || ENV_REF.test(v) || urlSecretProblem(v) !== undefined) secretEnv[k] = notes.secret(file, `${where}.environment.${k}`, `${service}_${k}`, ENV_REF.test(v) && /^\$\{[^}]+\}$/.test(v.trim()) ? v : v || k);
      else env[k] = v;
      if (/^\$\{[^}]*:-/.test(v)) notes.add('choice', file, `${where}.environment.${k}`, `the Compose default in ${v} is dropped: the variable must be set (no default for a secret)`);
    }
    if (kind === 'grafana') {
      const grafanaEnv: Record<string, string> = { GF_SECURITY_ADMIN_USER: 'adminUser', GF_SECURITY_ADMIN_PASSWORD: 'adminPassword', GF_AUTH_ANONYMOUS_ENABLED: 'anonymousAccess', GF_USERS_ALLOW_SIGN_UP: 'allowSignUp', GF_FEATURE_TOGGLES_ENABLE: 'featureToggles', GF_INSTALL_PLUGINS: 'plugins', GF_SERVER_ROOT_URL: 'rootUrl' };
      const extraEnv: Record<string, unknown> = {};
      for (const [k, v] of Object.entries({ ...env, ...secretEnv })) {
        const prop = grafanaEnv[k];
        if (!prop) {
          extraEnv[k] = v;
          notes.add('escape-hatch', file, `${where}.environment.${k}`, `no GrafanaServer prop for this setting: passed through the env escape hatch${k in secretEnv ? ' (as a sensitive variable)' : ''}`);
          continue;
        }
        if (prop === 'anonymousAccess' || prop === 'allowSignUp') props[prop] = str(v) === 'true';
        else if (prop === 'featureToggles' || prop === 'plugins') props[prop] = str(v).split(',').map((x) => x.trim()).filter(Boolean);
        else props[prop] = v;
      }
      if (Object.keys(extraEnv).length) props.env = extraEnv;
      if (props.adminPassword === undefined) props.adminPassword = notes.secret(file, `${where}.environment.GF_SECURITY_ADMIN_PASSWORD`, 'grafana_admin_password', undefined);
    } else if (kind === 'container') {
      if (Object.keys(env).length) props.env = env;
      if (Object.keys(secretEnv).length) props.secretEnv = secretEnv;
    } else {
      for (const k of [...Object.keys(env), ...Object.keys(secretEnv)]) notes.add('warning', file, `${where}.environment.${k}`, `the ${kind} construct takes no environment: not carried${kind === 'otel-collector' ? ' (the config\'s ${env:...} references became sensitive variables, see the secrets)' : ''}`);
    }

    if (kind === 'container') {
      if (files.length) props.files = files;
      if (volumes.length) props.volumes = volumes;
      if (hostMounts.length) props.hostMounts = hostMounts;
      if (svc.privileged === true) props.privileged = true;
      if (svc.pid === 'host') props.hostPid = true;
      if (svc.user !== undefined) props.user = str(svc.user);
      if (Array.isArray(svc.cap_add)) props.addCapabilities = svc.cap_add.map(str);
      if (Array.isArray(svc.cap_drop)) props.dropCapabilities = svc.cap_drop.map(str);
      if (Array.isArray(svc.devices)) {
        props.devices = svc.devices.map((d) => {
          const [hostPath, containerPath, permissions] = str(d).split(':');
          return { hostPath, ...(containerPath && containerPath !== hostPath ? { containerPath } : {}), ...(permissions ? { permissions } : {}) };
        });
      }
      if (isObject(svc.healthcheck)) {
        const h = svc.healthcheck;
        if (h.disable === true) props.healthcheck = { test: ['NONE'] };
        else {
          const test = Array.isArray(h.test) ? h.test.map(str) : ['CMD-SHELL', str(h.test)];
          // Docker's defaults (30s, 30s, 3, 0s) written out: the library's are 15s, 5s, 5, 10s.
          const missing = (['interval', 'timeout', 'retries', 'start_period'] as const).filter((k) => h[k] === undefined);
          if (missing.length) notes.add('default', file, `${where}.healthcheck`, `${missing.join(', ')} not set: Docker's defaults written out (the library's differ)`);
          props.healthcheck = {
            test,
            interval: h.interval !== undefined ? str(h.interval) : '30s',
            timeout: h.timeout !== undefined ? str(h.timeout) : '30s',
            retries: h.retries !== undefined ? Number(h.retries) : 3,
            startPeriod: h.start_period !== undefined ? str(h.start_period) : '0s',
          };
        }
      }
    }
    if (svc.restart !== undefined) {
      if (kind === 'container') props.restart = str(svc.restart);
      else if (svc.restart !== 'unless-stopped') notes.add('warning', file, `${where}.restart`, `restart ${str(svc.restart)}: the ${kind} construct always uses unless-stopped`);
    } else if (kind === 'container') {
      props.restart = new Commented("Compose's default; the library's would be unless-stopped.", 'no');
      notes.add('default', file, `${where}.restart`, "not set: Compose's default \"no\" written out (the library's default is unless-stopped)");
    }
    if (isObject(svc.labels) || Array.isArray(svc.labels)) {
      const labels = Array.isArray(svc.labels) ? Object.fromEntries(svc.labels.map((l) => str(l).split('=')).map(([k, ...v]) => [k, v.join('=')])) : Object.fromEntries(Object.entries(svc.labels as Record<string, unknown>).map(([k, v]) => [k, str(v)]));
      props.labels = labels;
    }
    if (extraArgs.length) props.extraArgs = extraArgs;
    if (kind === 'alloy' && !volumeNames.data) notes.add('choice', file, `${where}.volumes`, `the LogAgent keeps Alloy's data (positions, WAL) on a named volume at /var/lib/alloy/data (--storage.path); the Compose service kept it inside the container`);
    if (Object.keys(volumeNames).length) props.volumeNames = volumeNames;
    if (svc.depends_on !== undefined) notes.add('choice', file, `${where}.depends_on`, 'not carried: components find each other by name on the shared network and restart until their peers answer');
    for (const k of unknownKeys(svc, ['image', 'build', 'ports', 'environment', 'volumes', 'command', 'entrypoint', 'restart', 'labels', 'depends_on', 'networks', 'privileged', 'pid', 'user', 'cap_add', 'cap_drop', 'devices', 'healthcheck', 'container_name'])) {
      notes.add('warning', file, `${where}.${k}`, `${k} is not imported: add it through the construct's resource.addOverride if needed`);
    }
    if (kind !== 'container' && (svc.pid !== undefined || svc.privileged !== undefined) && kind !== 'node-exporter') notes.add('warning', file, `${where}`, 'pid/privileged not carried for an engine construct');
    out.push({ service, kind, props, configFile, ...(logMounts ? { mounts: logMounts } : {}), ...(Object.keys(dirMounts).length ? { dirMounts } : {}) });
  }
  return out;
}
