import { Annotations, Lazy, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { IGrafana, useGrafanaProvider } from './grafana-server';
import { checkPrimitive, checkShape } from '../lib/core/shape';
import { ContactPoint, ContactPointConfig } from '../.gen/providers/grafana/contact-point';
import { MessageTemplate } from '../.gen/providers/grafana/message-template';
import { MuteTiming } from '../.gen/providers/grafana/mute-timing';
import { GrafanaProvider } from '../.gen/providers/grafana/provider';
import { NotificationPolicy, NotificationPolicyPolicy, notificationPolicyPolicyToTerraform } from '../.gen/providers/grafana/notification-policy';
import {
  AlertmanagerConfigModel,
  AlertmanagerDocument,
  AlertmanagerGlobal,
  AlertmanagerLayout,
  InhibitRule,
  RenderedFile,
  TimeInterval,
  alertmanagerGlobalProblems,
  inhibitRuleProblems,
  renderAlertmanagerDocument,
  renderAlertmanagerFiles,
  timeIntervalProblems,
} from '../lib/alertmanager/config';
import { rawLiteralSecretsWarning } from '../lib/core/secrets';
import { ReceiverSpec, isNullReceiver, receiverProblems, receiverTemplateCalls } from '../lib/alertmanager/receivers';
import { ALERTMANAGER_DEFAULT_TEMPLATES, ALERTMANAGER_FUNCS, checkGoTemplate } from '../lib/alertmanager/go-template';
import { routeCycleProblem, RouteNode, RouteOptions, routeTreeProblems } from '../lib/alertmanager/route';
import { isWatchdog } from '../lib/alerting/policy';
import { LokiRuleGroup, isLokiAlertingRule } from '../lib/loki/config';
import { DurationLike, resolveDuration } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { escapeTemplate } from '../lib/core/tf-escape';
import { grafanaAlertLabels } from '../lib/grafana/alert-rules';
import { Observability } from '../lib/observability';
import { AlertingRule, RuleGroup, alertingRulesOf, isAlertingRule } from '../lib/prometheus/rules';

/** Where the routing tree is deployed. */
export type AlertRouteTarget = 'alertmanager' | 'grafana' | 'both';

/** Properties of an AlertRoute. */
export interface AlertRouteProps {
  /** The root (default) receiver: its name, or the receiver itself (then added). */
  readonly receiver: string | ReceiverSpec;
  /** Receivers; more with `addReceiver`. @default - only the root receiver, if given as an object */
  readonly receivers?: ReceiverSpec[];
  /** @default ['alertname', 'cluster', 'service'] */
  readonly groupBy?: string[];
  /** @default '30s' */
  readonly groupWait?: DurationLike;
  /** @default '5m' */
  readonly groupInterval?: DurationLike;
  /** @default '4h' */
  readonly repeatInterval?: DurationLike;
  /** Child routes of the root; more with `addRoute`. @default - none */
  readonly routes?: RouteOptions[];
  /** Inhibit rules; more with `addInhibitRule`. Alertmanager only (Grafana has no inhibition). @default - none */
  readonly inhibitRules?: InhibitRule[];
  /** Named time intervals for mute/active routes. @default - none */
  readonly timeIntervals?: TimeInterval[];
  /** Notification templates by name (Go templates, `{{ define "..." }}`). @default - none */
  readonly templates?: Record<string, string>;
  /** Alertmanager `global` settings. @default - resolve_timeout 5m */
  readonly global?: AlertmanagerGlobal;
  /**
   * Deploy to an Alertmanager (`alertmanager.yml`), to Grafana (contact points, one
   * notification policy, mute timings, message templates — needs a `grafana` provider in
   * the stack), or both.
   * @default 'alertmanager'
   */
  readonly target?: AlertRouteTarget;
  /**
   * The Grafana the contact points, notification policy, mute timings and templates go to
   * (its provider is set on each resource). Only with target "grafana" or "both".
   * @default - the stack's Grafana (GrafanaServer or ExistingGrafana) when there is exactly one, else the stack's default grafana provider
   */
  readonly grafana?: IGrafana;
  /**
   * Check that every alerting rule of a PrometheusServer in this stack reaches a real
   * receiver (the Watchdog excepted): reaching only null receivers fails synth; with child
   * routes, falling through to the default receiver is a warning. A tree with only a real
   * root receiver is always accepted. `false` turns the check off.
   * @default true
   */
  readonly requireRouting?: boolean;
  /**
   * Escape hatch: alertmanager.yml keys the library has no prop for, in its own spelling,
   * written as they are (`global` is merged key by key into the library's; any other key
   * replaces the library's). Not validated: `amtool check-config` is the check. Used by
   * `cdktf-observability import`. Secrets: give references (`secretVariable(this,
   * 'name').stringValue`), never literals (a literal under a credential key is reported as a
   * warning); alertmanager.yml holding a reference is delivered as a secret file.
   * @default - none
   */
  readonly rawConfig?: Record<string, unknown>;
}

/** Grafana resources created for the Grafana target. */
export interface GrafanaAlertingResources {
  readonly contactPoints: ReadonlyMap<string, ContactPoint>;
  readonly notificationPolicy: NotificationPolicy;
  readonly muteTimings: ReadonlyMap<string, MuteTiming>;
  readonly messageTemplates: ReadonlyMap<string, MessageTemplate>;
}

const NULL_MUTE_TIMING = 'null-receiver';
/**
 * Levels of nested policies below the root that the grafana provider's
 * `grafana_notification_policy` takes (terraform-provider-grafana 4.45.1,
 * `supportedPolicyTreeDepth`); `group_by` is required at the deepest one.
 */
const GRAFANA_POLICY_DEPTH = 5;

/** Levels below the root (its children are 1). */
function depthOf(node: RouteNode): number {
  let d = 0;
  for (let p = node.parent; p; p = p.parent) d++;
  return d;
}

/** The group_by a route uses: its own or the nearest ancestor's. */
function effectiveGroupBy(node: RouteNode): string[] | undefined {
  for (let n: RouteNode | undefined = node; n; n = n.parent) if (n.options.groupBy !== undefined) return n.options.groupBy;
  return undefined;
}

/**
 * One routing tree — receivers, routes, inhibitions, time intervals, templates — rendered
 * to Alertmanager's configuration, to Grafana's contact points and notification policy,
 * or both. At synth, every alerting rule of the stack's Prometheus servers is run through
 * the tree with Alertmanager's semantics: an alert that reaches nobody fails synth.
 */
export class AlertRoute extends Construct {
  /** The root of the tree: `root.addRoute(...)` returns a node that takes children too. */
  public readonly root: RouteNode;
  /** The Grafana resources, when the target includes Grafana. */
  public readonly grafana?: GrafanaAlertingResources;
  public readonly target: AlertRouteTarget;

  private readonly receivers = new Map<string, ReceiverSpec>();
  private readonly inhibitRules: InhibitRule[] = [];
  private readonly timeIntervals = new Map<string, TimeInterval>();
  private readonly templates = new Map<string, string>();
  private readonly globalConfig: AlertmanagerGlobal;
  private readonly rawConfig?: Record<string, unknown>;
  private readonly grafanaScope?: Construct;
  private readonly contactPoints = new Map<string, ContactPoint>();
  private readonly muteTimings = new Map<string, MuteTiming>();
  private readonly messageTemplates = new Map<string, MessageTemplate>();

  constructor(scope: Construct, id: string, props: AlertRouteProps) {
    super(scope, id);
    checkShape(this, 'AlertRouteProps', props, 'props');
    this.target = props.target ?? 'alertmanager';
    const problems: string[] = [];
    if (!['alertmanager', 'grafana', 'both'].includes(this.target)) {
      problems.push(`target must be "alertmanager", "grafana" or "both" (got ${JSON.stringify(this.target)}).`);
    }
    this.globalConfig = props.global ?? {};
    this.rawConfig = props.rawConfig;
    const literalInRaw = rawLiteralSecretsWarning(props.rawConfig, 'rawConfig');
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    problems.push(...alertmanagerGlobalProblems(this.globalConfig));
    throwIfProblems(this, problems);
    const rootReceiver = typeof props.receiver === 'string' ? props.receiver : props.receiver.name;
    this.root = new RouteNode({
      receiver: rootReceiver,
      groupBy: props.groupBy ?? ['alertname', 'cluster', 'service'],
      groupWait: props.groupWait ?? '30s',
      groupInterval: props.groupInterval ?? '5m',
      repeatInterval: props.repeatInterval ?? '4h',
    });

    if (this.target !== 'alertmanager') {
      this.grafanaScope = new Construct(this, 'Grafana');
      const policy = new NotificationPolicy(this.grafanaScope, 'Policy', {
        contactPoint: Lazy.stringValue({ produce: () => this.grafanaContactPoint(this.root.receiver) }),
        groupBy: this.root.options.groupBy ?? [],
        groupWait: resolveDuration(this.root.options.groupWait ?? '30s').text,
        groupInterval: resolveDuration(this.root.options.groupInterval ?? '5m').text,
        repeatInterval: resolveDuration(this.root.options.repeatInterval ?? '4h').text,
        policy: Lazy.anyValue({ produce: () => this.root.children.map((c) => notificationPolicyPolicyToTerraform(this.grafanaPolicy(c))) }),
      });
      this.grafana = { contactPoints: this.contactPoints, notificationPolicy: policy, muteTimings: this.muteTimings, messageTemplates: this.messageTemplates };
      // The Grafana is often created after the routing tree: its provider is set on every
      // grafana_* resource here once the whole tree exists.
      useGrafanaProvider(this, props.grafana);
    } else if (props.grafana !== undefined) {
      throw new ValidationError(`grafana is set but target is ${JSON.stringify(this.target)}: nothing is deployed to Grafana. Set target: "grafana" or "both", or remove grafana.`, this);
    }

    if (typeof props.receiver !== 'string') this.addReceiver(props.receiver);
    for (const r of props.receivers ?? []) this.addReceiver(r);
    for (const t of props.timeIntervals ?? []) this.addTimeInterval(t);
    for (const [name, content] of Object.entries(props.templates ?? {})) this.addTemplate(name, content);
    for (const r of props.routes ?? []) this.addRoute(r);
    for (const r of props.inhibitRules ?? []) this.addInhibitRule(r);

    this.node.addValidation({ validate: () => this.validateTree(props.requireRouting ?? true) });
    Observability.of(this).register('alert-route', this);
  }

  /** Adds a receiver. Throws when it is invalid or its name is taken. */
  public addReceiver(receiver: ReceiverSpec): void {
    checkShape(this, 'ReceiverSpec', receiver, 'addReceiver(receiver)');
    const problems = receiverProblems(receiver);
    const literalInRaw = rawLiteralSecretsWarning(receiver.rawConfigs, `receiver ${JSON.stringify(receiver.name)} rawConfigs`);
    if (literalInRaw) Annotations.of(this).addWarning(literalInRaw);
    (receiver.email ?? []).forEach((m, i) => {
      if (m.from === undefined && this.globalConfig.smtpFrom === undefined) {
        problems.push(`receiver ${JSON.stringify(receiver.name)}: email[${i}] has no from address and global.smtpFrom is not set. Set one of them, e.g. "alerts@example.com".`);
      }
      if (m.smarthost === undefined && this.globalConfig.smtpSmarthost === undefined) {
        problems.push(`receiver ${JSON.stringify(receiver.name)}: email[${i}] has no smarthost and global.smtpSmarthost is not set. Set one of them, e.g. "smtp.example.com:587".`);
      }
    });
    if (this.receivers.has(receiver.name)) problems.unshift(`receiver ${JSON.stringify(receiver.name)} is already defined. Receiver names must be unique; rename one.`);
    throwIfProblems(this, problems);
    this.receivers.set(receiver.name, receiver);
    if (this.grafanaScope) this.createContactPoint(receiver);
  }

  /**
   * Adds a child route of the root and returns its node (`node.addRoute(...)` nests).
   * Routes match in order; `index` inserts at a position (0: before all others).
   */
  public addRoute(options: RouteOptions, index?: number): RouteNode {
    checkShape(this, 'RouteOptions', options, 'addRoute(options)');
    if (index !== undefined) checkPrimitive(this, 'number', index, 'addRoute(index)');
    return this.root.addRoute(options, index);
  }

  /** Adds an inhibit rule. */
  public addInhibitRule(rule: InhibitRule): void {
    checkShape(this, 'InhibitRule', rule, 'addInhibitRule(rule)');
    throwIfProblems(this, inhibitRuleProblems(rule, this.inhibitRules.length));
    this.inhibitRules.push(rule);
  }

  /** Adds a named time interval for `muteTimeIntervals` / `activeTimeIntervals`. */
  public addTimeInterval(interval: TimeInterval): void {
    checkShape(this, 'TimeInterval', interval, 'addTimeInterval(interval)');
    const problems = timeIntervalProblems(interval);
    if (this.timeIntervals.has(interval.name) || interval.name === NULL_MUTE_TIMING) problems.unshift(`time interval ${JSON.stringify(interval.name)} is already defined (or reserved). Rename it.`);
    throwIfProblems(this, problems);
    this.timeIntervals.set(interval.name, interval);
    if (this.grafanaScope) {
      this.muteTimings.set(
        interval.name,
        new MuteTiming(this.grafanaScope, `MuteTiming-${interval.name}`, {
          name: interval.name,
          intervals: interval.timeIntervals.map((s) => ({
            times: s.times?.map((t) => ({ start: t.startTime, end: t.endTime })),
            weekdays: s.weekdays,
            daysOfMonth: s.daysOfMonth,
            months: s.months,
            years: s.years,
            location: s.location,
          })),
        }),
      );
    }
  }

  /** Adds a notification template (`{{ define "name" }}...{{ end }}`). */
  public addTemplate(name: string, content: string): void {
    checkPrimitive(this, 'string', name, 'addTemplate(name)');
    checkPrimitive(this, 'string', content, 'addTemplate(content)');
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) problems.push(`template name must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(name)}).`);
    if (this.templates.has(name)) problems.push(`template ${JSON.stringify(name)} is already defined.`);
    const check = typeof content === 'string' ? checkGoTemplate(content) : { problem: `must be a string (got ${typeof content})`, defines: [], calls: [], funcs: [] };
    if (check.problem) {
      problems.push(`template ${JSON.stringify(name)} is not a valid Alertmanager template: ${check.problem}. Alertmanager refuses the config at load. Templates see .Alerts, .CommonLabels, .GroupLabels (no $labels); functions are Go's and ${ALERTMANAGER_FUNCS.join(', ')}.`);
    } else if (!check.defines.length) {
      problems.push(`template ${JSON.stringify(name)} defines nothing: wrap it in {{ define "name" }} ... {{ end }} so receivers can call it.`);
    }
    throwIfProblems(this, problems);
    this.templates.set(name, content);
    if (this.grafanaScope) {
      this.messageTemplates.set(name, new MessageTemplate(this.grafanaScope, `Template-${name}`, { name, template: escapeTemplate(content) }));
    }
  }

  /** The receivers, by name. */
  public receiver(name: string): ReceiverSpec | undefined {
    return this.receivers.get(name);
  }

  /** Receiver names an alert with these labels is sent to (Alertmanager semantics). */
  public receiversFor(labels: Record<string, string>): string[] {
    return this.root.resolve(labels).map((n) => n.receiver);
  }

  /** alertmanager.yml, templates and secret files, relative to the config directory. */
  public renderAlertmanagerFiles(): RenderedFile[] {
    return renderAlertmanagerFiles(this.model());
  }

  /** alertmanager.yml as an object for a file layout (the Kubernetes target's chart values). */
  public renderAlertmanagerDocument(layout: AlertmanagerLayout): AlertmanagerDocument {
    return renderAlertmanagerDocument(this.model(), layout);
  }

  private model(): AlertmanagerConfigModel {
    return {
      global: this.globalConfig,
      route: this.root,
      receivers: [...this.receivers.values()],
      inhibitRules: this.inhibitRules,
      timeIntervals: [...this.timeIntervals.values()],
      templates: this.templates,
      rawConfig: this.rawConfig,
    };
  }

  /** alertmanager.yml as written into the container (before Terraform escaping). */
  public renderConfig(): string {
    return this.renderAlertmanagerFiles()[0].content;
  }

  private validateTree(requireRouting: boolean): string[] {
    const cycle = routeCycleProblem(this.root);
    if (cycle) return [cycle];
    const out = routeTreeProblems(this.root, new Set(this.receivers.keys()), new Set(this.timeIntervals.keys()));
    if (this.grafanaScope && !Observability.of(this).find('grafana').length && !TerraformStack.of(this).node.findAll().some((c) => c instanceof GrafanaProvider)) {
      out.push(`target ${JSON.stringify(this.target)} deploys contact points and a notification policy to Grafana, but the stack has no Grafana. Create a GrafanaServer or an ExistingGrafana (or a grafana provider), or use target: "alertmanager".`);
    }
    if (this.grafanaScope) {
      const deep = this.root.all().filter((n) => depthOf(n) > GRAFANA_POLICY_DEPTH);
      const deepest = deep.sort((a, b) => depthOf(b) - depthOf(a))[0];
      if (deepest) {
        out.push(`${deepest.path} is nested ${depthOf(deepest)} levels below the root, but the grafana provider's grafana_notification_policy takes at most ${GRAFANA_POLICY_DEPTH} (${deep.length} route(s) deeper). Flatten the tree for target ${JSON.stringify(this.target)} (e.g. combine matchers of nested routes into one route), or use target: "alertmanager".`);
      }
      const root = this.receivers.get(this.root.receiver);
      if (root && isNullReceiver(root)) out.push(`the root receiver ${JSON.stringify(root.name)} is a null receiver, which Grafana cannot use as its default contact point. Use a real receiver at the root.`);
    }
    if (this.grafanaScope && this.inhibitRules.length) {
      // Grafana's notification policy has no inhibition: alerts Grafana routes itself (its
      // own rules) are never inhibited. Said once per tree, not per rule.
      this.warnOnce(
        this.target === 'grafana'
          ? `${this.inhibitRules.length} inhibit rule(s) have no effect with target "grafana": Grafana-managed alerting has no inhibition. Use target "both" (alerts from Prometheus go through Alertmanager, which inhibits) or drop them.`
          : `${this.inhibitRules.length} inhibit rule(s) apply in Alertmanager only: Grafana's notification policy has no inhibition, so Grafana-managed rules routed by it are not inhibited (e.g. a critical alert does not mute its warning twin there).`,
      );
    }
    if (requireRouting) out.push(...this.coverageProblems());
    out.push(...this.templateCallProblems());
    return out;
  }

  /** `{{ template "x" }}` calls that name no template: Go finds them only when it sends. */
  private templateCallProblems(): string[] {
    const defined = new Set<string>(ALERTMANAGER_DEFAULT_TEMPLATES);
    const callers: Array<[string, string[]]> = [];
    for (const [name, content] of this.templates) {
      const c = checkGoTemplate(content);
      c.defines.forEach((d) => defined.add(d));
      callers.push([`template ${JSON.stringify(name)}`, c.calls]);
    }
    for (const r of this.receivers.values()) callers.push([`receiver ${JSON.stringify(r.name)}`, receiverTemplateCalls(r)]);
    const out: string[] = [];
    for (const [who, calls] of callers) {
      for (const call of calls) {
        if (!defined.has(call)) {
          out.push(`${who} calls template ${JSON.stringify(call)}, which no template defines (defined: ${[...defined].filter((d) => !ALERTMANAGER_DEFAULT_TEMPLATES.includes(d)).map((d) => JSON.stringify(d)).join(', ') || 'only Alertmanager\'s defaults'}). Every notification that uses it would fail; add it with addTemplate() or fix the name.`);
        }
      }
    }
    return out;
  }

  /**
   * Every alerting rule of the stack's Prometheus servers and Loki rulers must reach a real receiver. An
   * alert that only falls through to the (real) default receiver while child routes exist
   * is reported as a warning; one that only reaches a null receiver is an error.
   */
  private coverageProblems(): string[] {
    const out: string[] = [];
    // The tree does not change while the alerts run through it: one resolver for all of them.
    const resolve = this.root.resolver(true);
    const servers = Observability.of(this).find<{ ruleGroups: readonly RuleGroup[]; externalLabels: Record<string, string> } & Construct>('prometheus');
    for (const server of servers) {
      for (const group of server.ruleGroups) {
        for (const rule of alertingRulesOf(group)) {
          const c = this.coverage(resolve, rule, server.externalLabels);
          if (!c) continue;
          const message = `${server.node.path}: rule group ${JSON.stringify(group.name)}, ${c.message}`;
          if (c.level === 'error') out.push(message);
          else this.warnOnce(message);
        }
      }
    }
    // Loki's ruler sends its LogQL alerts to the same Alertmanagers: the same coverage applies.
    for (const loki of Observability.of(this).find<{ ruleGroups: readonly LokiRuleGroup[] } & Construct>('loki')) {
      for (const group of loki.ruleGroups) {
        for (const rule of group.rules.filter(isLokiAlertingRule)) {
          const c = this.coverage(resolve, rule, {});
          if (!c) continue;
          const message = `${loki.node.path}: Loki rule group ${JSON.stringify(group.name)}, ${c.message}`;
          if (c.level === 'error') out.push(message);
          else this.warnOnce(message);
        }
      }
    }
    // Grafana-managed rules are routed by Grafana's notification policy, a translation of this tree.
    if (this.grafanaScope) {
      for (const g of Observability.of(this).find<{ group: RuleGroup; folderTitle: string } & Construct>('grafana-alert-rules')) {
        for (const rule of g.group.rules.filter(isAlertingRule)) {
          const c = this.coverage(resolve, rule, {}, grafanaAlertLabels(rule, g.folderTitle));
          if (!c) continue;
          const message = `${g.node.path}: Grafana-managed rule group ${JSON.stringify(g.group.name)}, ${c.message}`;
          if (c.level === 'error') out.push(message);
          else this.warnOnce(message);
        }
      }
    }
    return out;
  }

  private readonly warned = new Set<string>();

  /** Validations run at every synth: each warning is added once. */
  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    Annotations.of(this).addWarning(message);
  }

  /**
   * Runs the alert's known labels (its static labels, its name, the server's external
   * labels; for a Grafana-managed rule `alertLabels`, where Grafana's `alertname` and
   * `grafana_folder` win over the rule's) through the tree; a matcher on a label only the series can carry may match.
   * A tree of only a root receiver sends every alert there: accepted when it is real. With
   * child routes, falling through to the real default is a warning (maybe a forgotten
   * route); reaching only null receivers is an error.
   */
  private coverage(resolve: (labels: Record<string, string>) => RouteNode[], rule: Pick<AlertingRule, 'alert' | 'expr' | 'labels'>, baseLabels: Record<string, string>, alertLabels?: Record<string, string>): { level: 'error' | 'warning'; message: string } | undefined {
    if (isWatchdog(rule)) return undefined;
    const labels = alertLabels ?? { ...baseLabels, alertname: rule.alert, ...(rule.labels ?? {}) };
    const nodes = resolve(labels);
    const defaultReceiver = this.root.receiver;
    const isNull = (name: string) => isNullReceiver(this.receivers.get(name) ?? { name });
    if (nodes.some((n) => n.receiver !== defaultReceiver && !isNull(n.receiver))) return undefined;
    const reachesDefault = nodes.some((n) => n.receiver === defaultReceiver) && !isNull(defaultReceiver);
    if (reachesDefault && !this.root.children.length) return undefined;
    const shown = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    const where = [...new Set(nodes.map((n) => `${JSON.stringify(n.receiver)}${isNull(n.receiver) ? ' (null)' : ' (default)'}`))].join(', ');
    if (reachesDefault) {
      return { level: 'warning', message: `alert ${JSON.stringify(rule.alert)} with labels {${shown}} matches none of the child routes and only falls through to the default receiver ${JSON.stringify(defaultReceiver)}. If that is intended, nothing to do; otherwise add a route that matches it (e.g. on severity or team), or fix its labels.` };
    }
    return {
      level: 'error',
      message: `alert ${JSON.stringify(rule.alert)} with labels {${shown}} only reaches ${where}: nobody is notified. Add a route to a real receiver that matches it (e.g. on severity or team), or fix its labels; if silencing it is intended, set requireRouting: false on this AlertRoute.`,
    };
  }

  private createContactPoint(r: ReceiverSpec): void {
    if (isNullReceiver(r)) {
      if (!this.muteTimings.has(NULL_MUTE_TIMING)) {
        // A null receiver has no Grafana equivalent: its routes go to the parent's contact
        // point, muted at all times by this interval (an interval without fields matches always).
        this.muteTimings.set(NULL_MUTE_TIMING, new MuteTiming(this.grafanaScope!, 'MuteTiming-null-receiver', { name: NULL_MUTE_TIMING, intervals: [{}] }));
      }
      return;
    }
    const e = (s: string | undefined) => (s === undefined ? undefined : escapeTemplate(s));
    // What Grafana's integrations cannot carry is said, not silently dropped.
    if (r.slack?.some((s) => s.actions?.length)) {
      Annotations.of(this).addWarning(`receiver ${JSON.stringify(r.name)}: Slack actions (buttons) exist in Alertmanager only; Grafana's Slack contact point has none, so its messages carry no buttons. Put the links in the text if Grafana's messages need them.`);
    }
    if (r.email?.length) {
      Annotations.of(this).addWarning(`receiver ${JSON.stringify(r.name)}: Grafana sends email through its own SMTP settings (GF_SMTP_* on the Grafana server), not the receiver's or global smarthost, from, auth and headers. Configure SMTP on Grafana for this contact point to deliver.`);
    }
    const config: ContactPointConfig = {
      name: r.name,
      slack: r.slack?.map((s) => ({
        url: s.webhookUrl,
        recipient: s.channel,
        title: e(s.title),
        text: e(s.text),
        color: e(s.color),
        username: e(s.username),
        disableResolveMessage: s.sendResolved === false ? true : undefined,
      })),
      pagerduty: r.pagerduty?.map((p) => ({
        integrationKey: p.routingKey,
        severity: p.severity ?? 'critical',
        summary: e(p.description),
        details: p.details ? Object.fromEntries(Object.entries(p.details).map(([k, v]) => [k, escapeTemplate(v)])) : undefined,
        url: e(p.url),
        disableResolveMessage: p.sendResolved === false ? true : undefined,
      })),
      email: r.email?.map((m) => ({
        addresses: m.to.split(',').map((a) => a.trim()),
        // Alertmanager sends one message to the whole list; Grafana, unless told, one per address.
        singleEmail: m.to.includes(',') ? true : undefined,
        disableResolveMessage: m.sendResolved === true ? undefined : true,
      })),
      webhook: r.webhook?.map((w) => ({
        url: escapeTemplate(w.url),
        maxAlerts: w.maxAlerts,
        disableResolveMessage: w.sendResolved === false ? true : undefined,
      })),
    };
    this.contactPoints.set(r.name, new ContactPoint(this.grafanaScope!, `ContactPoint-${r.name}`, config));
  }

  /** The contact point name for a receiver, as a reference (so Terraform orders creation). */
  private grafanaContactPoint(receiver: string): string {
    const cp = this.contactPoints.get(receiver);
    return cp ? cp.name : receiver;
  }

  private grafanaPolicy(node: RouteNode): NotificationPolicyPolicy {
    const o = node.options;
    const receiver = this.receivers.get(node.receiver);
    const muted = receiver !== undefined && isNullReceiver(receiver);
    // A null receiver's route keeps a real contact point (the nearest non-null ancestor's) and is always muted.
    let contact = node.receiver;
    for (let a = node.parent; muted && a; a = a.parent) {
      const r = this.receivers.get(a.receiver);
      if (r && !isNullReceiver(r)) {
        contact = a.receiver;
        break;
      }
    }
    const mutes = [...(o.muteTimeIntervals ?? []).map((m) => this.muteTimings.get(m)?.name ?? m), ...(muted ? [this.muteTimings.get(NULL_MUTE_TIMING)!.name] : [])];
    return {
      contactPoint: o.receiver !== undefined || muted ? this.grafanaContactPoint(contact) : undefined,
      matcher: o.matchers?.map((m) => ({ label: m.label, match: m.operator, value: escapeTemplate(m.value) })),
      // The provider requires group_by at its deepest level: the inherited one is written there.
      groupBy: depthOf(node) === GRAFANA_POLICY_DEPTH ? effectiveGroupBy(node) : o.groupBy,
      groupWait: o.groupWait !== undefined ? resolveDuration(o.groupWait).text : undefined,
      groupInterval: o.groupInterval !== undefined ? resolveDuration(o.groupInterval).text : undefined,
      repeatInterval: o.repeatInterval !== undefined ? resolveDuration(o.repeatInterval).text : undefined,
      continue: o.continue ? true : undefined,
      muteTimings: mutes.length ? mutes : undefined,
      activeTimings: o.activeTimeIntervals?.map((m) => this.muteTimings.get(m)?.name ?? m),
      policy: node.children.length && depthOf(node) < GRAFANA_POLICY_DEPTH ? node.children.map((c) => this.grafanaPolicy(c)) : undefined,
    };
  }
}

