import { Annotations, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { Dashboard as DashboardResource } from '../.gen/providers/grafana/dashboard';
import { checkShape } from '../lib/core/shape';
import { firstByKey } from '../lib/core/first-by-key';
import { throwIfProblems } from '../lib/core/errors';
import { logqlProblem } from '../lib/core/logql';
import { promqlProblem, promqlSyntaxProblem } from '../lib/core/promql';
import { escapeTemplate } from '../lib/core/tf-escape';
import { dashboardQueries, validateDashboardQueries } from '../lib/grafana/dashboards';
import { dashboardLinksInJson, missingDashboardMessage } from '../lib/grafana/links';
import { slimDashboard } from '../lib/grafana/slim';
import { grafanaUidProblem } from '../lib/grafana/uid';
import { Observability } from '../lib/observability';
import { GrafanaFolder } from './grafana-folder';
import { GrafanaServer, IGrafana } from './grafana-server';

/**
 * A folder's `depends_on` entry, made once per folder for all its dashboards: passing the
 * folder's resource in `dependsOn` makes a new `dependable()` token, with a captured stack
 * trace, per dashboard (the same address each time).
 */
const folderDependencies = new WeakMap<GrafanaFolder, string>();
function folderDependency(folder: GrafanaFolder): string {
  let dep = folderDependencies.get(folder);
  if (dep === undefined) folderDependencies.set(folder, (dep = dependable(folder.resource)));
  return dep;
}

/** A dashboard's key among a registry's (see firstByKey): its uid. */
const uidOf = (d: Dashboard): string => d.uid;

/** The uids of a registry's dashboards, made once per count (validation adds none: once for all of them). */
const uidsOf = new WeakMap<readonly Dashboard[], { count: number; created: string[]; known: Set<string> }>();
function createdUids(dashboards: readonly Dashboard[]): { created: string[]; known: Set<string> } {
  let u = uidsOf.get(dashboards);
  if (!u || u.count !== dashboards.length) {
    const created = dashboards.map((d) => d.uid);
    uidsOf.set(dashboards, (u = { count: dashboards.length, created, known: new Set(created) }));
  }
  return u;
}

/** config_json texts (before Terraform escaping) the library made for models it built, each for the one Dashboard made of it during withPreparedJson. */
const PREPARED_JSON = new WeakMap<object, string>();

/**
 * Calls `make()` with `json` as the text of `JSON.stringify(slimDashboard(model))`, made by the
 * library for a model it built (see redDashboardJson): the Dashboard of that very model made
 * during the call takes it instead of writing the model again. Withdrawn when the call returns
 * or throws. No text (undefined): the Dashboard writes the model.
 */
export function withPreparedJson<R>(model: object, json: string | undefined, make: () => R): R {
  if (json === undefined) return make();
  PREPARED_JSON.set(model, json);
  try {
    return make();
  } finally {
    PREPARED_JSON.delete(model);
  }
}

/** Anything with a `build()` that returns a dashboard model: a foundation-sdk DashboardBuilder. */
export interface IDashboardBuilder {
  build(): object;
}

/** Properties of a Dashboard. */
export interface DashboardProps {
  /** A foundation-sdk `DashboardBuilder`, or a dashboard model (parsed JSON). It must have a `uid`. */
  readonly dashboard: IDashboardBuilder | object;
  /** @default - the General folder */
  readonly folder?: GrafanaFolder;
  /** @default - the stack's Grafana */
  readonly grafana?: IGrafana;
}

/**
 * A Grafana dashboard from a foundation-sdk builder or JSON, with every PromQL and LogQL
 * query parsed at synth (Grafana variables substituted first) and a UID unique per stack.
 */
export class Dashboard extends Construct {
  public readonly resource: DashboardResource;
  public readonly uid: string;
  /**
   * The dashboard model as built. `config_json` is this model without the fields equal to
   * the defaults of Grafana's dashboard schema (for schemaVersion 42), which Grafana fills in.
   */
  public readonly model: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const prepared = PREPARED_JSON.get(props.dashboard);
    PREPARED_JSON.delete(props.dashboard);
    checkShape(this, 'DashboardProps', props, 'props');
    const source = props.dashboard as Partial<IDashboardBuilder>;
    this.model = (typeof source.build === 'function' ? source.build() : source) as Record<string, unknown>;
    this.uid = String(this.model.uid ?? '');
    const title = String(this.model.title ?? '');
    const problems: string[] = [];
    if (!this.model.uid) problems.push(`dashboard ${JSON.stringify(title)} has no uid. Set one (builder.uid('service-overview')) so links and Terraform state stay stable.`);
    else {
      const p = grafanaUidProblem(this.uid);
      if (p) problems.push(`dashboard uid ${p}`);
    }
    if (!title) problems.push('the dashboard has no title. Give it one.');
    const twin = firstByKey(Observability.of(this).registered<Dashboard>('dashboard'), uidOf).get(this.uid);
    if (twin) problems.push(`dashboard uid ${JSON.stringify(this.uid)} is already used by ${twin.node.path}. Give each dashboard its own uid.`);
    problems.push(...validateDashboardQueries(this.model, (e, _ds, ctx) => (ctx?.substituted ? promqlSyntaxProblem(e) : promqlProblem(e)), { logql: logqlProblem }).map((p) => `dashboard ${JSON.stringify(title)}: ${p}`));
    throwIfProblems(this, problems);
    const grafana = props.grafana ?? Observability.of(this).single<IGrafana & Construct>('grafana', this, { noun: 'Grafana', prop: 'grafana', whenNone: 'to add the dashboard to. Create a GrafanaServer or an ExistingGrafana first.' });
    // Fields equal to Grafana's schema defaults are left out of config_json (Grafana fills them in).
    const json = prepared ?? JSON.stringify(slimDashboard(this.model));
    this.resource = new DashboardResource(this, 'Resource', {
      provider: grafana.provider,
      // Dashboards are full of ${var} and ${__value.raw}: escape them for Terraform.
      configJson: escapeTemplate(json),
      folder: props.folder?.uid,
      overwrite: true,
    });
    if (props.folder) this.resource.dependsOn = [folderDependency(props.folder)];
    Observability.of(this).register('dashboard', this);
    // The links are read now: the JSON (kilobytes per dashboard) is not kept for the validation.
    const links = dashboardLinksInJson(json, grafana.url);
    this.node.addValidation({ validate: () => this.linkProblems(grafana, links) });
  }

  private readonly warned = new Set<string>();

  /**
   * Links into this Grafana (`/d/<uid>`) must name a dashboard the stack creates: an error
   * on a GrafanaServer of the stack (it holds only the stack's dashboards), a warning on an
   * ExistingGrafana (which may hold dashboards made elsewhere).
   */
  private linkProblems(grafana: IGrafana, links: ReturnType<typeof dashboardLinksInJson>): string[] {
    if (!links.length) return [];
    const { created, known } = createdUids(Observability.of(this).registered<Dashboard>('dashboard'));
    const title = JSON.stringify(String(this.model.title ?? ''));
    const problems = links.filter((l) => !known.has(l.uid)).map((l) => missingDashboardMessage(`dashboard ${title}`, l, created));
    if (grafana instanceof GrafanaServer) return [...new Set(problems)];
    for (const p of problems) {
      if (!this.warned.has(p)) Annotations.of(this).addWarning(p);
      this.warned.add(p);
    }
    return [];
  }

  /** Every query of the dashboard (panel title, refId, expression). */
  public get queries(): Array<{ panel: string; refId: string; expr: string }> {
    return dashboardQueries(this.model);
  }
}
