import * as fs from 'fs';
import * as path from 'path';
import { checkShape, withVouchedShape } from '../lib/core/shape';
import { firstByKey } from '../lib/core/first-by-key';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { Duration, DurationLike, resolveDuration } from '../lib/core/duration';
import { ValidationError, throwIfProblems } from '../lib/core/errors';
import { labelNameProblem } from '../lib/core/names';
import { Observability } from '../lib/observability';
import { renderRuleFiles } from '../lib/prometheus/config';
import { RuleGroup, isAlertingRule } from '../lib/prometheus/rules';
import { BURN_TIERS, BudgetFigures, SloSpec, budgetFigures, sloGroupNames, sloRuleGroups, sloUnitTests } from '../lib/slo/model';
import { Sli } from '../lib/slo/sli';
import { PrometheusServer } from './prometheus-server';

/** Properties of an SloBudget. */
export interface SloBudgetProps {
  /** The service, as in its metrics' `service` label. */
  readonly service: string;
  /** The SLO's name, unique within the service, e.g. `latency`. */
  readonly name: string;
  /** Objective in percent, strictly between 0 and 100, e.g. 99.9. */
  readonly objective: number;
  /** Compliance window: a whole number of days from 1d to 90d. @default '30d' */
  readonly window?: DurationLike;
  /** What is measured: `Sli.latency(...)`, `Sli.availability(...)` or `Sli.raw(...)`. */
  readonly sli: Sli;
  /** Runbook linked from every alert (critical alerts require one). */
  readonly runbookUrl: string;
  /** Dashboard linked from the alerts. @default - none */
  readonly dashboardUrl?: string;
  /**
   * Also ticket at 2× burn over 1d and 2h (scaled with the window): a 14.4× burn then tickets
   * after about 200 minutes instead of 300 (the 1× tier over 3d and 6h). @default true
   */
  readonly dayTicket?: boolean;
  /** Extra labels on every series and alert, e.g. `{ team: 'payments' }`. @default - none */
  readonly labels?: Record<string, string>;
  /** Where the rules go. @default - the stack's PrometheusServer (there must be exactly one) */
  readonly prometheus?: PrometheusServer;
  /**
   * Which engine evaluates the burn-rate alerts. With `grafana`, the recording rules stay in
   * Prometheus and the alerts of each group go to a Grafana-managed group `<group>_alerts`
   * (same PromQL, `for`, labels and annotations), routed by Grafana's notification policy.
   * The promtool unit tests prove the same rules either way.
   * @default 'prometheus'
   */
  readonly alertEngine?: 'prometheus' | 'grafana';
}

/**
 * A service level objective with its error budget: recording rules for the SLI over the
 * workbook's windows, the remaining budget, the burn rate and the budget-policy state, and
 * multi-window, multi-burn-rate alerts (critical pages, warning tickets) that flow through
 * the stack's AlertRoute. `unitTests()` renders a `promtool test rules` file proving them.
 */
export class SloBudget extends Construct {
  /** 1 − objective, allowed bad minutes and bad events per million. */
  public readonly figures: BudgetFigures;
  public readonly spec: SloSpec;
  /**
   * The fast group `slo_<service>_<name>` (every 30s: the 5m rates, the page's windows from the
   * raw series, the alerts) and the budget group `slo_<service>_<name>_budget` (every 5m: the
   * ticket windows, the whole window, remaining budget and policy state).
   */
  public readonly ruleGroups: RuleGroup[];
  public readonly prometheus: PrometheusServer;

  constructor(scope: Construct, id: string, props: SloBudgetProps) {
    super(scope, id);
    checkShape(this, 'SloBudgetProps', props, 'props');
    const problems: string[] = [];
    const { objective } = props;
    if (typeof objective !== 'number' || !Number.isFinite(objective)) {
      problems.push(`objective must be a number of percent (got ${JSON.stringify(objective)}). Write 99.9, not "99.9%".`);
    } else if (!(objective > 0 && objective < 100)) {
      problems.push(`objective must be strictly between 0 and 100 percent (got ${objective}). 100 leaves no error budget; use e.g. 99.9.`);
    } else if (BURN_TIERS.fast.factor * (1 - objective / 100) >= 1) {
      problems.push(`objective ${objective}% leaves an error budget so large that the ${BURN_TIERS.fast.factor}x page could never fire (it needs more than 100% errors). Use an objective of at least ${Math.ceil((1 - 1 / BURN_TIERS.fast.factor) * 1000) / 10}%, or write your own alerts.`);
    }
    const window = resolveDuration(props.window ?? '30d');
    let windowDays = 30;
    if (window.problem) problems.push(`window ${window.problem}`);
    else if (window.ms !== undefined) {
      windowDays = window.ms / 86_400_000;
      if (!Number.isSafeInteger(windowDays) || windowDays < 1 || windowDays > 90) {
        problems.push(`window must be a whole number of days from 1d to 90d (got ${JSON.stringify(window.text)}). Use e.g. "30d", "28d" or "7d".`);
        windowDays = 30;
      }
    }
    for (const [k, v] of [['service', props.service], ['name', props.name]] as const) {
      if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(v)) problems.push(`${k} must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(v)}), e.g. "payment-api".`);
    }
    if (props.alertEngine !== undefined && props.alertEngine !== 'prometheus' && props.alertEngine !== 'grafana') {
      problems.push(`alertEngine must be "prometheus" or "grafana" (got ${JSON.stringify(props.alertEngine)}).`);
    }
    if (!props.runbookUrl || !/^https?:\/\//.test(props.runbookUrl)) {
      problems.push(`runbookUrl must be an http(s) URL (got ${JSON.stringify(props.runbookUrl)}): the alerts page people, who need the steps.`);
    }
    if (props.dashboardUrl !== undefined && !/^https?:\/\/\S+$/.test(props.dashboardUrl)) {
      problems.push(`dashboardUrl must be an http(s) URL (got ${JSON.stringify(props.dashboardUrl)}), e.g. "https://grafana.example.com/d/slo-payment-api-latency".`);
    }
    for (const k of Object.keys(props.labels ?? {})) {
      const p = labelNameProblem(k);
      if (p) problems.push(`labels key ${p}`);
      if (k === 'slo' || k === 'service' || k === 'severity') problems.push(`labels must not set ${k}; the SLO sets it.`);
    }
    if (!(props.sli instanceof Sli)) {
      problems.push(`sli must be built with Sli.latency(), Sli.availability() or Sli.raw() (got ${JSON.stringify(props.sli)}).`);
    } else {
      const sp = props.sli.problems();
      problems.push(...sp.errors);
      for (const w of sp.warnings) Annotations.of(this).addWarning(w);
    }
    const twin = firstByKey(Observability.of(this).registered<SloBudget>('slo'), keyOfSlo).get(sloKey(props.service, props.name));
    if (twin) problems.push(`service ${JSON.stringify(props.service)} already has an SLO named ${JSON.stringify(props.name)} (${twin.node.path}). Give each SLO of a service its own name.`);
    throwIfProblems(this, problems);

    this.spec = {
      service: props.service,
      name: props.name,
      objective,
      windowDays,
      sli: props.sli,
      runbookUrl: props.runbookUrl,
      dashboardUrl: props.dashboardUrl,
      dayTicket: props.dayTicket,
      labels: props.labels,
    };
    this.figures = budgetFigures(objective, windowDays);
    this.ruleGroups = sloRuleGroups(this.spec);
    this.prometheus = props.prometheus ?? this.findPrometheus();
    // The groups are built from the checked props and the library's own text: their shape is not walked again.
    for (const g of props.alertEngine === 'grafana' ? splitForGrafana(this.ruleGroups) : this.ruleGroups) withVouchedShape('RuleGroup', g, (v) => this.prometheus.addRuleGroup(v));
    Observability.of(this).register('slo', this);
  }

  /** The compliance window. */
  public get window(): Duration {
    return Duration.days(this.spec.windowDays);
  }

  /**
   * A `promtool test rules` file proving the alerts (an exact 14.4× burn pages when its window
   * fills, a 6× burn pages later, a ticket burn tickets without paging, 0.5× is quiet, a
   * 3-minute total outage pages once and resets, a 1-minute one does not page, a dead SLI
   * and missing data fire SLONoData, the `1.0` spelling of a threshold bucket). Rule files
   * are named as Prometheus loads them (`rules/<group>.yml`), relative to the test file.
   * Throws for a raw SLI, whose metric names are unknown.
   */
  public unitTests(rulesDir = 'rules'): { fileName: string; content: string } {
    const names = sloGroupNames(this.spec);
    if (this.spec.windowDays > 30) {
      throw new ValidationError(`unit tests are generated for windows up to 30d (got ${this.spec.windowDays}d): promtool's test engine caps a query at 10,000 samples, which longer windows exceed.`, this);
    }
    const content = sloUnitTests(this.spec, [`${rulesDir}/${names.rules}.yml`, `${rulesDir}/${names.budget}.yml`]);
    if (!content) throw new ValidationError('unit tests need the SLI\'s metric names; a raw SLI has none. Write your own promtool tests for it.', this);
    return { fileName: `${names.rules}.test.yml`, content };
  }

  /**
   * Writes this SLO's rule files and its unit tests under `dir` (`rules/*.yml` and
   * `<group>.test.yml`), so `cd dir && promtool test rules *.test.yml` runs them.
   * Returns the test file's path.
   */
  public writeUnitTests(dir: string): string {
    fs.mkdirSync(path.join(dir, 'rules'), { recursive: true });
    for (const f of renderRuleFiles(this.ruleGroups)) fs.writeFileSync(path.join(dir, f.relativePath), f.content);
    const t = this.unitTests();
    const file = path.join(dir, t.fileName);
    fs.writeFileSync(file, t.content);
    return file;
  }

  private findPrometheus(): PrometheusServer {
    return Observability.of(this).single<PrometheusServer>('prometheus', this, {
      noun: 'PrometheusServer',
      prop: 'prometheus',
      whenNone: 'to hold the SLO rules. Create one first, or pass it as the prometheus prop.',
    });
  }
}

/** The key of an SLO among a registry's: its service and name. */
function sloKey(service: unknown, name: unknown): string {
  return JSON.stringify([service, name]);
}

/** An SLO's key among a registry's (see firstByKey). */
const keyOfSlo = (o: SloBudget): string => sloKey(o.spec.service, o.spec.name);

/** Recording rules stay in Prometheus (same group); each group's alerts go to a Grafana-managed `<group>_alerts`. */
function splitForGrafana(groups: readonly RuleGroup[]): RuleGroup[] {
  return groups.flatMap((g) => {
    const records = g.rules.filter((r) => !isAlertingRule(r));
    const alerts = g.rules.filter(isAlertingRule);
    return [
      ...(records.length ? [{ ...g, rules: records }] : []),
      ...(alerts.length ? [{ name: `${g.name}_alerts`, interval: g.interval, rules: alerts, engine: 'grafana' as const }] : []),
    ];
  });
}
