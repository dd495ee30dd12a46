import { Annotations, Aspects, IAspect, TerraformResource, TerraformStack, Token, dependable } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { checkShape } from '../lib/core/shape';
import { GrafanaProvider } from '../.gen/providers/grafana/provider';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { literalSecretProblem, secretVariable, urlSecretProblem } from '../lib/core/secrets';
import { Observability } from '../lib/observability';
import { Endpoint, endpoint } from '../lib/runtime/component';
import { ComponentOptions, deployComponent, engineOptionProblems, hostUrl, mainPortPublish, parseImage } from '../lib/runtime/options';
import { IDeployment } from '../lib/runtime/runtime';
import { releaseBefore, releaseOf } from '../lib/core/releases';

/**
 * The image this library renders for: Grafana 13.2.3, the newest stable release (facts in
 * test/fixtures/engines/grafana.json).
 */
export const GRAFANA_IMAGE = { repository: 'grafana/grafana', tag: '13.2.3' };
const PORT = 3000;
/**
 * The first Grafana release reading `[plugins] preinstall_sync` (grafana/grafana#105292, merged
 * after 12.0.0); older images install plugins from GF_INSTALL_PLUGINS.
 */
export const GRAFANA_PREINSTALL_SYNC_SINCE = '12.1.0';
/** A plugin id with an optional version: `id`, `id@1.2.3` or `id 1.2.3`. */
const PLUGIN = /^[a-z0-9][a-z0-9-]*((\s+|@)[\w.-]+)?$/;

/** A Grafana the grafana_* resources of this stack are applied to. */
export interface IGrafana extends IConstruct {
  /** The provider configured against it. */
  readonly provider: GrafanaProvider;
  /** Base URL users open (links in alerts and dashboards). */
  readonly url: string;
  /** Resources every grafana_* resource must wait for (the container), if any. */
  readonly readiness: TerraformResource[];
}

/** Properties of a GrafanaServer. */
export interface GrafanaServerProps extends ComponentOptions {
  /** @default 'admin' */
  readonly adminUser?: string;
  /**
   * Admin password: a token (sensitive variable), never a literal.
   * @default - the sensitive variable `grafana_admin_password` (set TF_VAR_grafana_admin_password)
   */
  readonly adminPassword?: string;
  /** Allow anonymous viewers. @default false */
  readonly anonymousAccess?: boolean;
  /** Allow users to sign up. @default false */
  readonly allowSignUp?: boolean;
  /**
   * Plugins to install before Grafana starts (`GF_PLUGINS_PREINSTALL_SYNC`), each a plugin id
   * with an optional version: `grafana-clock-panel`, `grafana-clock-panel@2.1.8` (or the older
   * `grafana-clock-panel 2.1.8`). Installed plugins are not updated on restart.
   * @default - none
   */
  readonly plugins?: string[];
  /** Feature toggles, e.g. `traceQLStreaming`. @default - none */
  readonly featureToggles?: string[];
  /** URL users reach Grafana at (GF_SERVER_ROOT_URL). @default - the published URL */
  readonly rootUrl?: string;
  /**
   * URL Terraform's grafana provider uses to reach this Grafana. Terraform runs next to the
   * Docker daemon by default, so the published port works. On Kubernetes, set it to an
   * Ingress or port-forward URL unless Terraform runs inside the cluster.
   * @default - the published URL (http://127.0.0.1:3000); on Kubernetes the Service URL (http://grafana.<namespace>.svc:80)
   */
  readonly providerUrl?: string;
  /**
   * Escape hatch: more environment variables for Grafana (`GF_<SECTION>_<KEY>` settings the
   * props do not cover, e.g. `GF_SMTP_ENABLED`), added to the library's (a name the library
   * sets without a prop, such as `GF_ANALYTICS_REPORTING_ENABLED`, is replaced). Names with
   * a prop (`GF_SECURITY_ADMIN_USER`, `GF_SECURITY_ADMIN_PASSWORD`, `GF_USERS_ALLOW_SIGN_UP`,
   * `GF_AUTH_ANONYMOUS_ENABLED`, `GF_SERVER_ROOT_URL`, `GF_FEATURE_TOGGLES_ENABLE`,
   * `GF_INSTALL_PLUGINS`, `GF_PLUGINS_PREINSTALL_SYNC`) are refused: use the prop. Values of
   * secret-looking names (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY`, ...) must be tokens,
   * e.g. `secretVariable(this, 'smtp_password').stringValue`, passed like the admin password
   * (a sensitive variable, never literal in the synthesized JSON). Docker target only.
   * @default - none
   */
  readonly env?: Record<string, string>;
}

/** Environment variables GrafanaServer sets from its props: refused in `env`. */
const ENV_WITH_PROP: Record<string, string> = {
  GF_SECURITY_ADMIN_USER: 'adminUser',
  GF_SECURITY_ADMIN_PASSWORD: 'adminPassword',
  GF_USERS_ALLOW_SIGN_UP: 'allowSignUp',
  GF_AUTH_ANONYMOUS_ENABLED: 'anonymousAccess',
  GF_SERVER_ROOT_URL: 'rootUrl',
  GF_FEATURE_TOGGLES_ENABLE: 'featureToggles',
  GF_INSTALL_PLUGINS: 'plugins',
  GF_PLUGINS_PREINSTALL_SYNC: 'plugins',
};
/**
 * Environment names whose values are credentials (Grafana's `*_PASSWORD`, `*_SECRET`, client
 * secrets, API keys, tokens); not those naming a file (`*_FILE`, Grafana's `__FILE` form,
 * `*_PATH`, `[server] cert_key`), whose value is a path.
 */
export const GRAFANA_SECRET_ENV = /^(?!.*(_FILE|_PATH|_CERT_KEY)$).*((PASSWORD|PASSWD|SECRET|TOKEN|_KEY)$|_KEY_|API_?KEY|CREDENTIAL)/;

/**
 * Grafana on the stack's runtime, secure by default (no default admin password, anonymous
 * access and sign-up off, port on 127.0.0.1), with the grafana provider configured against
 * it. The container is created with `wait: true` (Terraform waits until /api/health is
 * healthy) and every grafana_* resource of the stack depends on it, so one `cdktf deploy`
 * from an empty host creates Grafana first, then folders, data sources and dashboards.
 */
export class GrafanaServer extends Construct implements IGrafana {
  public readonly resource: TerraformResource;
  public readonly deployment: IDeployment;
  public readonly provider: GrafanaProvider;
  public readonly endpoint: Endpoint;
  public readonly url: string;
  public readonly readiness: TerraformResource[];

  constructor(scope: Construct, id: string, props: GrafanaServerProps = {}) {
    super(scope, id);
    checkShape(this, 'GrafanaServerProps', props, 'props');
    const problems: string[] = [];
    const image = parseImage(props.image, GRAFANA_IMAGE);
    if (image.problem) problems.push(image.problem);
    const port = mainPortPublish(this, props, PORT);
    problems.push(...port.problems);
    const adminUser = props.adminUser ?? 'admin';
    if (props.adminPassword !== undefined) {
      const p = literalSecretProblem(props.adminPassword);
      if (p) problems.push(`adminPassword ${p}`);
    }
    if (!/^[A-Za-z0-9._@-]+$/.test(adminUser)) problems.push(`adminUser must be a login name (got ${JSON.stringify(adminUser)}), e.g. "admin".`);
    for (const [k, v] of [['rootUrl', props.rootUrl], ['providerUrl', props.providerUrl]] as const) {
      if (v !== undefined && !Token.isUnresolved(v) && !/^https?:\/\/[^\s/]+/.test(v)) problems.push(`${k} must be an absolute http(s) URL (got ${JSON.stringify(v)}), e.g. "https://grafana.example.com".`);
      else if (urlSecretProblem(v)) problems.push(`${k} ${urlSecretProblem(v)}`);
    }
    for (const plugin of props.plugins ?? []) {
      if (!PLUGIN.test(plugin)) problems.push(`plugins entry is not a plugin id with an optional version (got ${JSON.stringify(plugin)}), e.g. "grafana-clock-panel" or "grafana-clock-panel@2.1.8".`);
    }
    for (const t of props.featureToggles ?? []) {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(t)) problems.push(`featureToggles entry is not a toggle name (got ${JSON.stringify(t)}), e.g. "traceQLStreaming".`);
    }
    for (const [k, v] of Object.entries(props.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) problems.push(`env: ${JSON.stringify(k)} is not an environment variable name (got ${JSON.stringify(k)}). Use Grafana's GF_<SECTION>_<KEY> form, e.g. "GF_SMTP_ENABLED".`);
      else if (ENV_WITH_PROP[k]) problems.push(`env: ${k} is set from the ${ENV_WITH_PROP[k]} prop (got ${JSON.stringify(k)}). Use ${ENV_WITH_PROP[k]} instead.`);
      else if (typeof v !== 'string') problems.push(`env: ${k} must be a string (got ${JSON.stringify(v)}). Quote it, e.g. "true".`);
      else if (GRAFANA_SECRET_ENV.test(k) && v !== '' && literalSecretProblem(v)) problems.push(`env: ${k} ${literalSecretProblem(v)}`);
      else if (!Token.isUnresolved(v) && urlSecretProblem(v)) problems.push(`env: ${k} ${urlSecretProblem(v)}`);
    }
    if (props.env !== undefined && (props.runtime ?? Observability.of(this).runtime).engines) {
      problems.push(`env is a Docker option (got ${JSON.stringify(Object.keys(props.env))}): on the Kubernetes target the chart's values set Grafana's environment. Remove it, and set the release's values (env, envFromSecret) through its escape hatch.`);
    }
    if ((props.runtime ?? Observability.of(this).runtime).engines) problems.push(...engineOptionProblems('Grafana', props));
    throwIfProblems(this, problems);
    if (props.anonymousAccess) Annotations.of(this).addWarning('anonymous access is on: anyone who reaches Grafana can view dashboards without logging in.');
    if (props.allowSignUp) Annotations.of(this).addWarning('sign-up is on: anyone who reaches Grafana can create an account.');
    const password = props.adminPassword ?? secretVariable(this, 'grafana_admin_password', 'Grafana admin password (sensitive)').stringValue;

    const name = props.name ?? 'grafana';
    const runtime = props.runtime ?? Observability.of(this).runtime;
    // On Kubernetes: the chart's Service (port 80); Terraform reaches it in the cluster, or
    // through providerUrl (an Ingress, a port-forward).
    this.endpoint = runtime.engines ? runtime.engines.serviceEndpoint(name, 80) : endpoint(name, PORT);
    const published = port.publish ? hostUrl(port.publish.hostIp, port.publish.hostPort) : undefined;
    this.url = props.rootUrl ?? published ?? this.endpoint.url;
    const env: Record<string, string> = {
      GF_SECURITY_ADMIN_USER: adminUser,
      GF_SECURITY_ADMIN_PASSWORD: password,
      GF_USERS_ALLOW_SIGN_UP: String(props.allowSignUp ?? false),
      GF_AUTH_ANONYMOUS_ENABLED: String(props.anonymousAccess ?? false),
      GF_AUTH_DISABLE_LOGIN_FORM: 'false',
      GF_SERVER_ROOT_URL: this.url,
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      // From Grafana 13.2 the Prometheus and Tempo data sources are plugins that Grafana would
      // otherwise replace with the catalog's newest version on every start: keep the ones the
      // pinned image ships, so a pinned image means pinned data sources.
      GF_PLUGINS_PREINSTALL_AUTO_UPDATE: 'false',
    };
    if (props.plugins?.length) {
      // GF_INSTALL_PLUGINS is deprecated from 12.1 (Grafana migrates it into preinstall_sync),
      // and the only way for older images.
      const release = releaseOf(image.ref.tag);
      if (release && releaseBefore(release, GRAFANA_PREINSTALL_SYNC_SINCE)) env.GF_INSTALL_PLUGINS = props.plugins.map((p) => p.trim().replace(/@|\s+/, ' ')).join(',');
      else env.GF_PLUGINS_PREINSTALL_SYNC = props.plugins.map((p) => p.trim().replace(/\s+/, '@')).join(',');
    }
    if (props.featureToggles?.length) env.GF_FEATURE_TOGGLES_ENABLE = props.featureToggles.join(',');
    Object.assign(env, props.env ?? {});
    this.deployment = runtime.engines
      ? runtime.engines.grafana(this, { name, image: image.ref, adminUser, adminPassword: password, env, plugins: props.plugins ?? [], resources: props.resources })
      : deployComponent(runtime, props, this, {
      name,
      image: image.ref,
      user: '472',
      env,
      ports: [{ name: 'http', containerPort: PORT, publish: port.publish }],
      volumes: [{ name: 'data', path: '/var/lib/grafana' }],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORT}/api/health`], interval: '10s', startPeriod: '30s', retries: 10 },
      labels: props.labels,
      resources: props.resources,
      // Terraform waits for the healthcheck before it considers the container created.
      waitUntilHealthy: true,
    });
    this.resource = this.deployment.resource;
    this.readiness = [this.resource];

    const providerUrl = props.providerUrl ?? published ?? (runtime.engines ? this.endpoint.url : undefined);
    if (runtime.engines && props.providerUrl === undefined) {
      Annotations.of(this).addWarning(`the grafana provider reaches Grafana at ${this.endpoint.url}, a cluster-internal address: Terraform must run inside the cluster. From a laptop or a CI runner outside it, expose Grafana (ingress, port-forward) and set providerUrl.`);
    }
    if (!providerUrl) {
      throw new ValidationError('the grafana provider needs a URL to reach this Grafana: publish its port (publishPorts) or set providerUrl.', this);
    }
    this.provider = new GrafanaProvider(this, 'Provider', { url: providerUrl, auth: `${adminUser}:${password}` });
    Aspects.of(TerraformStack.of(this)).add(new WaitForGrafana(this));
    Observability.of(this).register('grafana', this);
  }
}

/** Properties of an existing Grafana (e.g. Grafana Cloud). */
export interface ExistingGrafanaProps {
  /** Base URL, e.g. `https://example.grafana.net`. */
  readonly url: string;
  /** Service account token: a token (sensitive variable). @default - the sensitive variable `grafana_auth` */
  readonly auth?: string;
}

/** A Grafana that already runs elsewhere: only the provider is configured. */
export class ExistingGrafana extends Construct implements IGrafana {
  public readonly provider: GrafanaProvider;
  public readonly url: string;
  public readonly readiness: TerraformResource[] = [];

  constructor(scope: Construct, id: string, props: ExistingGrafanaProps) {
    super(scope, id);
    checkShape(this, 'ExistingGrafanaProps', props, 'props');
    const problems: string[] = [];
    if (!Token.isUnresolved(props.url) && !/^https?:\/\/[^\s/]+/.test(props.url)) problems.push(`url must be an http(s) URL (got ${JSON.stringify(props.url)}).`);
    else if (urlSecretProblem(props.url)) problems.push(`url ${urlSecretProblem(props.url)}`);
    if (props.auth !== undefined) {
      const p = literalSecretProblem(props.auth);
      if (p) problems.push(`auth ${p}`);
    }
    throwIfProblems(this, problems);
    this.url = props.url.replace(/\/$/, '');
    this.provider = new GrafanaProvider(this, 'Provider', {
      url: props.url,
      auth: props.auth ?? secretVariable(this, 'grafana_auth', 'Grafana service account token (sensitive)').stringValue,
    });
    Observability.of(this).register('grafana', this);
  }
}

/** Makes every grafana_* resource of the stack depend on the Grafana container. */
class WaitForGrafana implements IAspect {
  constructor(private readonly grafana: GrafanaServer) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || !node.terraformResourceType.startsWith('grafana_')) return;
    const deps = new Set(node.dependsOn ?? []);
    for (const d of this.readiness()) deps.add(d);
    node.dependsOn = [...deps];
  }

  private made?: { from: TerraformResource[]; deps: string[] };

  /**
   * `dependable()`, not `fqn`: depends_on takes a bare address (`docker_container.x`);
   * Terraform refuses an interpolation (`${docker_container.x}`) there. Made once for every
   * grafana_* resource (each `dependable()` is a token with a captured stack trace), anew
   * when the readiness list changed.
   */
  private readiness(): string[] {
    const from = this.grafana.readiness;
    const m = this.made;
    if (m && m.from.length === from.length && m.from.every((r, i) => r === from[i])) return m.deps;
    const deps = from.map((r) => dependable(r));
    this.made = { from: [...from], deps };
    return deps;
  }
}

/**
 * Sets a Grafana's provider on every grafana_* resource under `scope` that has none, at synth
 * (the Grafana is often created after the constructs that target it): `grafana`, or else the
 * stack's Grafana when there is exactly one (else the stack's default grafana provider applies).
 */
export function useGrafanaProvider(scope: IConstruct, grafana?: IGrafana): void {
  Aspects.of(scope).add(new UseGrafanaProvider(() => {
    if (grafana) return grafana;
    const found = Observability.of(scope).find<IGrafana & Construct>('grafana');
    return found.length === 1 ? found[0] : undefined;
  }));
}

class UseGrafanaProvider implements IAspect {
  constructor(private readonly grafana: () => IGrafana | undefined) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || !node.terraformResourceType.startsWith('grafana_') || node.provider) return;
    const g = this.grafana();
    if (g) node.provider = g.provider;
  }
}
