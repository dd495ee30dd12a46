import { Annotations, Lazy, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Folder } from '../.gen/providers/grafana/folder';
import { RuleGroup as RuleGroupResource, RuleGroupRule, ruleGroupRuleToTerraform } from '../.gen/providers/grafana/rule-group';
import { AlertPolicyMode, groupPolicyProblems } from '../lib/alerting/policy';
import { DurationLike, goDurationText, resolveDuration } from '../lib/core/duration';
import { throwIfProblems } from '../lib/core/errors';
import { checkShape } from '../lib/core/shape';
import { escapeTemplate } from '../lib/core/tf-escape';
import {
  EXEC_ERR_STATES,
  GRAFANA_QUERY,
  GrafanaExecErrState,
  GrafanaNoDataState,
  NO_DATA_STATES,
  grafanaEngineProblems,
  grafanaRuleData,
  grafanaTemplate,
  groupIntervalSeconds,
} from '../lib/grafana/alert-rules';
import { Observability } from '../lib/observability';
import { AlertingRule, RuleGroup, isAlertingRule, ruleGroupProblems } from '../lib/prometheus/rules';
import { GrafanaDataSources } from './grafana-data-sources';
import { GrafanaFolder } from './grafana-folder';
import { IGrafana, useGrafanaProvider } from './grafana-server';

/** Properties of GrafanaAlertRules. */
export interface GrafanaAlertRulesProps {
  /** The group: alerting rules only (the same `AlertingRule`s a Prometheus rule file takes). */
  readonly group: RuleGroup;
  /** Folder the group lives in. @default - the folder "Alert rules" (uid `alert-rules`), created once per stack */
  readonly folder?: GrafanaFolder;
  /**
   * UID of the Prometheus data source the PromQL runs against.
   * @default - the Prometheus data source of the stack's GrafanaDataSources (a reference, so Terraform creates it first)
   */
  readonly dataSourceUid?: string;
  /**
   * State when the query returns no series. A Prometheus-style expression (`rate(...) > 0.05`)
   * returns nothing while all is well, so anything but `OK` would alert on health.
   * @default 'OK'
   */
  readonly noDataState?: GrafanaNoDataState;
  /**
   * State when the query fails (Prometheus down, timeout, bad query). `Error` raises a
   * `DatasourceError` alert with the rule's labels, so a broken rule is seen rather than silent.
   * @default 'Error'
   */
  readonly execErrState?: GrafanaExecErrState;
  /** Evaluation interval when the group sets none (a multiple of 10s). @default '1m' */
  readonly defaultInterval?: DurationLike;
  /** The anti-fatigue policy (severity, for, runbook, summary, description). @default 'error' */
  readonly alertPolicy?: AlertPolicyMode;
  /** @default - the stack's Grafana when there is exactly one, else the stack's default grafana provider */
  readonly grafana?: IGrafana;
}

/**
 * A rule duration as the provider parses it whole: Go's form (`36h`, `1h30m`). The grafana
 * provider reads `for` and `keep_firing_for` with go-openapi's `strfmt.ParseDuration`, which
 * takes Go's form whole but otherwise only one leading `<n><unit>`: a Prometheus `1d12h` would
 * arrive as 24h and `1y` is refused (test/fixtures/grafana/upstream-facts.json). A token is
 * passed through.
 */
function providerDuration(d: DurationLike): string {
  const r = resolveDuration(d);
  return r.ms === undefined ? r.text : goDurationText(r.ms);
}

const DEFAULT_FOLDER = { id: 'GrafanaAlertRulesFolder', title: 'Alert rules', uid: 'alert-rules' };

/**
 * A rule group evaluated by Grafana (`grafana_rule_group`) instead of Prometheus: the same
 * `AlertingRule`s — PromQL, `for`, labels, annotations, the anti-fatigue policy — with the
 * query model Grafana's own converter of Prometheus rules builds (the PromQL as an instant
 * query, a math node that makes every returned sample count, a threshold `> 0`), so an alert
 * fires exactly when Prometheus would fire it. No-data and error states are explicit props.
 * Its alerts are routed by Grafana's notification policy: the stack's AlertRoute must deploy
 * to Grafana (target "grafana" or "both"), and checks that every alert reaches a receiver.
 */
export class GrafanaAlertRules extends Construct {
  /** The `grafana_rule_group` resource. */
  public readonly resource: RuleGroupResource;
  /** The group as given (alerting rules). */
  public readonly group: RuleGroup;
  /** Title of the folder the group lives in (Grafana adds it to alerts as `grafana_folder`). */
  public readonly folderTitle: string;
  public readonly noDataState: GrafanaNoDataState;
  public readonly execErrState: GrafanaExecErrState;
  /** Evaluation interval, in seconds. */
  public readonly intervalSeconds: number;
  /** UID of the folder (groups are unique per folder and name). */
  public readonly folderUid: string;

  constructor(scope: Construct, id: string, props: GrafanaAlertRulesProps) {
    super(scope, id);
    checkShape(this, 'GrafanaAlertRulesProps', props, 'props');
    const { group } = props;
    const problems = ruleGroupProblems(group);
    if (!problems.length) problems.push(...grafanaEngineProblems(group));
    this.noDataState = props.noDataState ?? 'OK';
    this.execErrState = props.execErrState ?? 'Error';
    if (!NO_DATA_STATES.includes(this.noDataState)) problems.push(`noDataState must be one of ${NO_DATA_STATES.join(', ')} (got ${JSON.stringify(this.noDataState)}). "OK" suits Prometheus-style expressions, which return nothing while all is well.`);
    if (!EXEC_ERR_STATES.includes(this.execErrState)) problems.push(`execErrState must be one of ${EXEC_ERR_STATES.join(', ')} (got ${JSON.stringify(this.execErrState)}). "Error" raises a DatasourceError alert when the query fails.`);
    if (props.defaultInterval !== undefined) {
      const p = resolveDuration(props.defaultInterval).problem;
      if (p) problems.push(`defaultInterval ${p}`);
    }
    const interval = groupIntervalSeconds(group, props.defaultInterval !== undefined ? resolveDuration(props.defaultInterval).text : '1m');
    if (interval.problem && !ruleGroupProblems(group).length) problems.push(`rule group ${JSON.stringify(group.name)}: ${interval.problem}`);
    const mode = props.alertPolicy ?? 'error';
    const policy = mode === 'off' || problems.length ? [] : groupPolicyProblems(group);
    if (mode === 'error') problems.push(...policy);
    const folderKey = props.folder?.uid ?? DEFAULT_FOLDER.uid;
    const twin = Observability.of(this).find<GrafanaAlertRules>('grafana-alert-rules').find((g) => g.group.name === group.name && g.folderUid === folderKey);
    if (twin) problems.push(`rule group ${JSON.stringify(group.name)} is already defined in this folder by ${twin.node.path}. Grafana keys groups by folder and name; rename one.`);
    throwIfProblems(this, problems);
    for (const p of mode === 'warn' ? policy : []) Annotations.of(this).addWarning(p);

    this.group = group;
    this.intervalSeconds = interval.seconds;
    this.folderTitle = props.folder?.title ?? DEFAULT_FOLDER.title;
    this.folderUid = folderKey;
    const folderUid = props.folder ? props.folder.resource.uid : this.defaultFolder().uid;
    const dataSourceUid = props.dataSourceUid;
    this.resource = new RuleGroupResource(this, 'Resource', {
      name: escapeTemplate(group.name),
      folderUid,
      intervalSeconds: interval.seconds,
      rule: Lazy.anyValue({ produce: () => group.rules.filter(isAlertingRule).map((r) => ruleGroupRuleToTerraform(this.rule(r, dataSourceUid ?? this.stackDataSource().uid ?? 'prometheus'))) }),
    });
    this.node.addValidation({ validate: () => this.synthProblems(dataSourceUid) });
    useGrafanaProvider(this, props.grafana);
    Observability.of(this).register('grafana-alert-rules', this);
  }

  private rule(r: AlertingRule, dataSourceUid: string): RuleGroupRule {
    const templated = (m: Record<string, string> | undefined) => (m && Object.keys(m).length ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, escapeTemplate(grafanaTemplate(v))])) : undefined);
    return {
      name: escapeTemplate(r.alert),
      condition: GRAFANA_QUERY.conditionRefId,
      for: r.for !== undefined ? providerDuration(r.for) : '0s',
      keepFiringFor: r.keepFiringFor !== undefined ? providerDuration(r.keepFiringFor) : undefined,
      // Prometheus resolves an alert at the first evaluation without its series; Grafana waits
      // two evaluations unless told (Grafana >= 12.0 reads this; its converter sets 1 too).
      missingSeriesEvalsToResolve: 1,
      noDataState: this.noDataState,
      execErrState: this.execErrState,
      labels: templated(r.labels),
      annotations: templated(r.annotations),
      data: grafanaRuleData(r.expr, dataSourceUid),
    };
  }

  private synthProblems(dataSourceUid: string | undefined): string[] {
    const out: string[] = [];
    if (dataSourceUid === undefined && this.stackDataSource().problem) out.push(this.stackDataSource().problem!);
    // Grafana routes these alerts with its own notification policy: a tree must be deployed there.
    const routes = Observability.of(this).find<{ target: string } & Construct>('alert-route');
    if (routes.length && !routes.some((r) => r.target !== 'alertmanager')) {
      out.push(
        `rule group ${JSON.stringify(this.group.name)} is evaluated by Grafana, whose alerts go through Grafana's notification policy, but the stack's routing tree (${routes.map((r) => r.node.path).join(', ')}) is deployed to Alertmanager only: these alerts would reach Grafana's default contact point. Set target: "both" on the AlertRoute (courseAlertRoute(scope, id, { target: 'both' })).`,
      );
    } else if (!routes.length && !this.warned) {
      this.warned = true;
      Annotations.of(this).addWarning(`rule group ${JSON.stringify(this.group.name)} is evaluated by Grafana and the stack has no AlertRoute: its alerts go to whatever notification policy Grafana already has. Add an AlertRoute with target "grafana" or "both" to route them.`);
    }
    return out;
  }

  private warned = false;

  /** The Prometheus data source of the stack's GrafanaDataSources. */
  private stackDataSource(): { uid?: string; problem?: string } {
    const found = TerraformStack.of(this).node.findAll().filter((c): c is GrafanaDataSources => c instanceof GrafanaDataSources && c.prometheus !== undefined);
    if (found.length === 1) return { uid: found[0].prometheus!.uid };
    return {
      problem: `rule group ${JSON.stringify(this.group.name)} runs its PromQL against a Prometheus data source, and the stack has ${found.length ? `${found.length} GrafanaDataSources with one` : 'no GrafanaDataSources with one'}. Set dataSourceUid (e.g. "prometheus"), or create exactly one GrafanaDataSources with a Prometheus.`,
    };
  }

  /** The stack's "Alert rules" folder, created by the first group that needs it. */
  private defaultFolder(): Folder {
    const stack = TerraformStack.of(this);
    const existing = stack.node.tryFindChild(DEFAULT_FOLDER.id);
    if (existing) return existing as Folder;
    const clash = Observability.of(this).find<GrafanaFolder>('grafana-folder').find((f) => f.uid === DEFAULT_FOLDER.uid);
    if (clash) return clash.resource;
    const folder = new Folder(stack, DEFAULT_FOLDER.id, { title: DEFAULT_FOLDER.title, uid: DEFAULT_FOLDER.uid });
    useGrafanaProvider(folder);
    return folder;
  }
}
