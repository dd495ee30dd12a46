import { Token } from 'cdktf';
import { DurationLike, resolveDuration } from '../core/duration';
import { fileSafeName, labelNameProblem, nonEmptyNameProblem } from '../core/names';
import { literalSecretProblem, SECRET_PARAM_NAME } from '../core/secrets';
import { deliverRawSecrets, RawSecretDelivery } from './raw-secrets';
import { RelabelConfig, relabelProblems, renderRelabel } from './relabel';

/** A group of static targets sharing labels. */
export interface StaticTargets {
  /** `host:port` addresses (or URLs for blackbox probes). */
  readonly targets: string[];
  /** Labels attached to every target of the group. @default - none */
  readonly labels?: Record<string, string>;
}

/** Basic auth for a scrape job; the password is a secret reference, never a literal. */
export interface BasicAuth {
  readonly username: string;
  /** A token resolving to the password, e.g. a sensitive TerraformVariable's `stringValue`. */
  readonly password: string;
}

/** TLS settings for a scrape job. */
export interface ScrapeTlsConfig {
  /** @default false */
  readonly insecureSkipVerify?: boolean;
  /** Server name for SNI and certificate verification. @default - the target's host */
  readonly serverName?: string;
  /** CA bundle path inside the Prometheus container. @default - system roots */
  readonly caFile?: string;
}

/** Docker service discovery (`docker_sd_configs`). */
export interface DockerSdConfig {
  /** @default 'unix:///var/run/docker.sock' */
  readonly host?: string;
  /** @default '30s' */
  readonly refreshInterval?: DurationLike;
  /** Port used when a container exposes none. @default 80 */
  readonly port?: number;
}

/** Kubernetes service discovery (`kubernetes_sd_configs`). */
export interface KubernetesSdConfig {
  readonly role: 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'node' | 'ingress';
  /** Namespaces to watch. @default - all */
  readonly namespaces?: string[];
}

/** A scrape job. */
export interface ScrapeJobOptions {
  /** `job_name`, unique within the server. */
  readonly jobName: string;
  /** Static targets (`host:port`). Shorthand for one `staticConfigs` group. @default - none */
  readonly targets?: string[];
  /** Labels for `targets`. @default - none */
  readonly labels?: Record<string, string>;
  /** Further groups of static targets. @default - none */
  readonly staticConfigs?: StaticTargets[];
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
  /** URL parameters, e.g. `{ module: ['http_2xx'] }`. @default - none */
  readonly params?: Record<string, string[]>;
  /** @default - the global scrape interval */
  readonly scrapeInterval?: DurationLike;
  /** Must not exceed the scrape interval. @default - the global scrape timeout (10s) */
  readonly scrapeTimeout?: DurationLike;
  /** @default false */
  readonly honorLabels?: boolean;
  /** Target relabeling, applied before the scrape. @default - none */
  readonly relabelConfigs?: RelabelConfig[];
  /** Sample relabeling, applied after the scrape. @default - none */
  readonly metricRelabelConfigs?: RelabelConfig[];
  /** @default - no authentication */
  readonly basicAuth?: BasicAuth;
  /** A token resolving to a bearer token (sensitive variable). @default - none */
  readonly bearerToken?: string;
  /** @default - Prometheus defaults */
  readonly tlsConfig?: ScrapeTlsConfig;
  /** @default - none */
  readonly dockerSdConfigs?: DockerSdConfig[];
  /** @default - none */
  readonly kubernetesSdConfigs?: KubernetesSdConfig[];
  /** Per-scrape sample limit; 0 means none. @default 0 */
  readonly sampleLimit?: number;
  /**
   * Escape hatch: keys of the job the library has no option for (`file_sd_configs`,
   * `oauth2`, `proxy_url`, ...), in prometheus.yml's own spelling, written as they are after
   * the library's keys (a key given here wins). Not validated: `promtool check config` is
   * the check. Used by `cdktf-observability import` for what it cannot express.
   *
   * Secrets: give a reference (`secretVariable(this, 'name').stringValue`), never a literal
   * (a literal under a credential key is reported as a warning). A reference under a key
   * Prometheus also reads from a file (`basic_auth.password`, `authorization.credentials`,
   * `oauth2.client_secret`, `tls_config.key`, `bearer_token`) is delivered as a secret file
   * and written as the `*_file` key; a reference elsewhere (a URL) makes prometheus.yml a
   * secret file.
   * @default - none
   */
  readonly rawFields?: Record<string, unknown>;
}

/** Something Prometheus can scrape: an exporter, a probe set, a service. */
export interface IScrapeTarget {
  /** The jobs that scrape it. */
  scrapeJobs(): ScrapeJobOptions[];
}

/** A secret file Prometheus reads (password_file, credentials_file). */
export interface SecretFile {
  /** Path relative to the Prometheus config directory. */
  readonly relativePath: string;
  /** Token resolving to the secret. */
  readonly content: string;
}

/** Problems with one job; `globalIntervalMs` is the interval it inherits. */
export function scrapeJobProblems(job: ScrapeJobOptions, globalIntervalMs: number | undefined, globalTimeoutMs: number | undefined): string[] {
  const where = `scrape job ${JSON.stringify(job.jobName)}`;
  const out: string[] = [];
  const np = nonEmptyNameProblem('job_name', job.jobName);
  if (np) return [np];
  const interval = job.scrapeInterval !== undefined ? resolveDuration(job.scrapeInterval) : undefined;
  const timeout = job.scrapeTimeout !== undefined ? resolveDuration(job.scrapeTimeout) : undefined;
  if (interval?.problem) out.push(`${where}: scrape_interval ${interval.problem}`);
  if (timeout?.problem) out.push(`${where}: scrape_timeout ${timeout.problem}`);
  const intervalMs = interval ? interval.ms : globalIntervalMs;
  const timeoutMs = timeout ? timeout.ms : Math.min(globalTimeoutMs ?? 10_000, intervalMs ?? Infinity);
  if (intervalMs !== undefined && timeoutMs !== undefined && timeoutMs > intervalMs) {
    out.push(`${where}: scrape_timeout (${timeout?.text ?? `${timeoutMs / 1000}s`}) is greater than scrape_interval (${interval?.text ?? `${intervalMs / 1000}s`}). Prometheus rejects this; lower the timeout or raise the interval.`);
  }
  if (job.metricsPath !== undefined && !Token.isUnresolved(job.metricsPath) && !job.metricsPath.startsWith('/')) {
    out.push(`${where}: metrics_path must start with "/" (got ${JSON.stringify(job.metricsPath)}). Use e.g. "/metrics" or "/probe".`);
  }
  if (job.scheme !== undefined && job.scheme !== 'http' && job.scheme !== 'https') {
    out.push(`${where}: scheme must be "http" or "https" (got ${JSON.stringify(job.scheme)}).`);
  }
  const groups = allStaticGroups(job);
  groups.forEach((g, gi) => {
    g.targets.forEach((t, ti) => {
      if (typeof t !== 'string' || t.trim() === '') {
        out.push(`${where}: static_configs[${gi}].targets[${ti}] is empty (got ${JSON.stringify(t)}). Give a host:port such as "app:8080".`);
      } else if (!Token.isUnresolved(t) && /\s/.test(t)) {
        out.push(`${where}: static_configs[${gi}].targets[${ti}] contains whitespace (got ${JSON.stringify(t)}). Give a host:port such as "app:8080".`);
      } else if (!Token.isUnresolved(t) && /^[a-z]+:\/\//.test(t) && job.metricsPath !== '/probe' && !job.params?.target) {
        out.push(`${where}: static_configs[${gi}].targets[${ti}] is a URL (got ${JSON.stringify(t)}); scrape targets are host:port. Use metricsPath and scheme for the rest, or probe URLs through a BlackboxExporter.`);
      }
    });
    for (const k of Object.keys(g.labels ?? {})) {
      const p = labelNameProblem(k);
      if (p) out.push(`${where}: static_configs[${gi}].labels key ${p}`);
    }
  });
  job.relabelConfigs?.forEach((r, i) => out.push(...relabelProblems(r, `${where}: relabel_configs[${i}]`)));
  job.metricRelabelConfigs?.forEach((r, i) => out.push(...relabelProblems(r, `${where}: metric_relabel_configs[${i}]`)));
  if (job.basicAuth) {
    if (!job.basicAuth.username) out.push(`${where}: basic_auth.username is empty. Give the user name.`);
    const p = literalSecretProblem(job.basicAuth.password);
    if (p) out.push(`${where}: basic_auth.password ${p}`);
  }
  if (job.bearerToken !== undefined) {
    const p = literalSecretProblem(job.bearerToken);
    if (p) out.push(`${where}: bearerToken ${p}`);
    if (job.basicAuth) out.push(`${where}: basicAuth and bearerToken are mutually exclusive. Keep one.`);
  }
  job.dockerSdConfigs?.forEach((d, i) => {
    if (d.refreshInterval !== undefined) {
      const p = resolveDuration(d.refreshInterval).problem;
      if (p) out.push(`${where}: docker_sd_configs[${i}].refresh_interval ${p}`);
    }
  });
  job.kubernetesSdConfigs?.forEach((k, i) => {
    const roles = ['pod', 'service', 'endpoints', 'endpointslice', 'node', 'ingress'];
    if (!roles.includes(k.role)) out.push(`${where}: kubernetes_sd_configs[${i}].role must be one of ${roles.join(', ')} (got ${JSON.stringify(k.role)}).`);
  });
  for (const name of Object.keys(job.params ?? {})) {
    if (SECRET_PARAM_NAME.test(name)) {
      out.push(`${where}: params.${name} would put a credential in prometheus.yml and in every scrape URL (got a parameter named ${JSON.stringify(name)}); Prometheus has no secret file for params. Send it as a header instead: basicAuth or bearerToken with a secretVariable(...) reference, read from a secret file.`);
    }
  }
  if (job.sampleLimit !== undefined && (!Number.isSafeInteger(job.sampleLimit) || job.sampleLimit < 0)) {
    out.push(`${where}: sample_limit must be a non-negative integer (got ${JSON.stringify(job.sampleLimit)}).`);
  }
  const rawDiscovery = Object.keys(job.rawFields ?? {}).some((k) => k.endsWith('_sd_configs') || k === 'static_configs');
  if (!groups.length && !job.dockerSdConfigs?.length && !job.kubernetesSdConfigs?.length && !rawDiscovery) {
    out.push(`${where} has no targets: give targets, staticConfigs, dockerSdConfigs or kubernetesSdConfigs.`);
  }
  return out;
}

function allStaticGroups(job: ScrapeJobOptions): StaticTargets[] {
  const groups: StaticTargets[] = [];
  if (job.targets) groups.push({ targets: job.targets, labels: job.labels });
  groups.push(...(job.staticConfigs ?? []));
  return groups;
}

/** File-name-safe slug of a job or group name, distinct for distinct names ({@link fileSafeName}). */
export function slug(name: string): string {
  return fileSafeName(name);
}

/** Secret files a job needs, relative to the config directory. */
export function scrapeJobSecrets(job: ScrapeJobOptions): SecretFile[] {
  const out: SecretFile[] = [];
  if (job.basicAuth) out.push({ relativePath: `secrets/${slug(job.jobName)}.basic_auth_password`, content: job.basicAuth.password });
  if (job.bearerToken) out.push({ relativePath: `secrets/${slug(job.jobName)}.bearer_token`, content: job.bearerToken });
  // References in rawFields under a key Prometheus also reads from a file (basic_auth.password, ...).
  if (job.rawFields) out.push(...rawFieldsDelivery(job).files);
  return out;
}

/** The job's rawFields with their secret references moved to secret files ({@link deliverRawSecrets}). */
export function rawFieldsDelivery(job: ScrapeJobOptions, secretsDir?: string): RawSecretDelivery {
  return deliverRawSecrets(job.rawFields ?? {}, slug(job.jobName), secretsDir);
}

/** The secrets directory the Prometheus Operator mounts, in place of the config's `secrets/`. */
function inDir(relativePath: string, secretsDir?: string): string {
  return secretsDir === undefined ? relativePath : `${secretsDir}/${relativePath.slice('secrets/'.length)}`;
}

/**
 * The YAML shape of a scrape job. Secret files are named relative to the config file, or
 * under `secretsDir` when given (the Prometheus Operator mounts secrets at
 * `/etc/prometheus/secrets/<secret>/`, and its config file lives elsewhere).
 */
export function renderScrapeJob(job: ScrapeJobOptions, secretsDir?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { job_name: job.jobName };
  if (job.honorLabels !== undefined) out.honor_labels = job.honorLabels;
  if (job.scrapeInterval !== undefined) out.scrape_interval = resolveDuration(job.scrapeInterval).text;
  if (job.scrapeTimeout !== undefined) out.scrape_timeout = resolveDuration(job.scrapeTimeout).text;
  if (job.metricsPath !== undefined) out.metrics_path = job.metricsPath;
  if (job.scheme !== undefined) out.scheme = job.scheme;
  if (job.params) out.params = job.params;
  if (job.sampleLimit !== undefined) out.sample_limit = job.sampleLimit;
  if (job.basicAuth) out.basic_auth = { username: job.basicAuth.username, password_file: inDir(`secrets/${slug(job.jobName)}.basic_auth_password`, secretsDir) };
  if (job.bearerToken) out.authorization = { type: 'Bearer', credentials_file: inDir(`secrets/${slug(job.jobName)}.bearer_token`, secretsDir) };
  if (job.tlsConfig) {
    const t: Record<string, unknown> = {};
    if (job.tlsConfig.insecureSkipVerify !== undefined) t.insecure_skip_verify = job.tlsConfig.insecureSkipVerify;
    if (job.tlsConfig.serverName !== undefined) t.server_name = job.tlsConfig.serverName;
    if (job.tlsConfig.caFile !== undefined) t.ca_file = job.tlsConfig.caFile;
    out.tls_config = t;
  }
  if (job.dockerSdConfigs?.length) {
    out.docker_sd_configs = job.dockerSdConfigs.map((d) => ({
      host: d.host ?? 'unix:///var/run/docker.sock',
      refresh_interval: d.refreshInterval !== undefined ? resolveDuration(d.refreshInterval).text : '30s',
      ...(d.port !== undefined ? { port: d.port } : {}),
    }));
  }
  if (job.kubernetesSdConfigs?.length) {
    out.kubernetes_sd_configs = job.kubernetesSdConfigs.map((k) => ({
      role: k.role,
      ...(k.namespaces ? { namespaces: { names: k.namespaces } } : {}),
    }));
  }
  const groups = allStaticGroups(job);
  if (groups.length) {
    out.static_configs = groups.map((g) => ({ targets: [...g.targets], ...(g.labels && Object.keys(g.labels).length ? { labels: g.labels } : {}) }));
  }
  if (job.relabelConfigs?.length) out.relabel_configs = job.relabelConfigs.map(renderRelabel);
  if (job.metricRelabelConfigs?.length) out.metric_relabel_configs = job.metricRelabelConfigs.map(renderRelabel);
  if (job.rawFields) {
    Object.assign(out, rawFieldsDelivery(job, secretsDir).value);
  }
  return out;
}
