import { Token } from 'cdktf';
import { isThresholdExpr } from '../core/promql';
import { AlertingRule, RuleGroup, alertingRulesOf } from '../prometheus/rules';

/** How the course's anti-fatigue rules are enforced on alerting rules. */
export type AlertPolicyMode = 'error' | 'warn' | 'off';

/** Severities that route somewhere: critical wakes someone, warning waits for office hours. */
export const SEVERITIES = ['critical', 'warning'] as const;

/** The Watchdog heartbeat, which is allowed `severity: none`. */
export function isWatchdog(rule: Pick<AlertingRule, 'alert' | 'expr'>): boolean {
  // `vector(1)` with any white space: the expression without it, tested without copying it (alert expressions are long).
  return rule.alert === 'Watchdog' || (typeof rule.expr === 'string' ? VECTOR_1.test(rule.expr) : (rule.expr as string).replace(/\s+/g, '') === 'vector(1)');
}

const VECTOR_1 = /^\s*v\s*e\s*c\s*t\s*o\s*r\s*\(\s*1\s*\)\s*$/;

/** The alerting-rule fields the policy reads: a Prometheus rule or a Loki (LogQL) rule. */
export type PolicyRule = Pick<AlertingRule, 'alert' | 'expr' | 'for' | 'labels' | 'annotations' | 'fireImmediately'>;

/**
 * The course's anti-fatigue rules for one alerting rule: severity critical or warning (none
 * only for the Watchdog), `for:` on threshold alerts (explicit opt-out: `fireImmediately`),
 * `runbook_url` on critical alerts, `summary` and `description` present. `isThreshold` says
 * whether the expression compares with a number (PromQL by default; LogQL for Loki rules).
 */
export function alertPolicyProblems(rule: PolicyRule, group: string, isThreshold: (expr: string) => boolean = isThresholdExpr): string[] {
  const where = `rule group ${JSON.stringify(group)}, alert ${JSON.stringify(rule.alert)}`;
  const out: string[] = [];
  const severity = rule.labels?.severity;
  const watchdog = isWatchdog(rule);
  if (severity === undefined) {
    out.push(`${where}: has no severity label. Set labels.severity to "critical" (wakes someone) or "warning" (office hours).`);
  } else if (!Token.isUnresolved(severity)) {
    if (severity === 'none') {
      if (!watchdog) out.push(`${where}: severity "none" is only for the Watchdog heartbeat (got "none"). Use "critical" or "warning"; if it is informative, make it a dashboard.`);
    } else if (!(SEVERITIES as readonly string[]).includes(severity)) {
      out.push(`${where}: severity must be "critical" or "warning" (got ${JSON.stringify(severity)}). Two levels are enough: info and notice belong on dashboards.`);
    }
  }
  if (!watchdog && rule.for === undefined && !rule.fireImmediately && isThreshold(rule.expr)) {
    out.push(`${where}: a threshold alert needs for: (got none), or it fires on a 15-second spike. Set e.g. for: '5m', or fireImmediately: true to opt out explicitly.`);
  }
  if (severity === 'critical' && !rule.annotations?.runbook_url) {
    out.push(`${where}: critical alerts need annotations.runbook_url (got none): whoever is woken up needs the steps. Add a runbook link.`);
  }
  for (const a of ['summary', 'description']) {
    if (!rule.annotations?.[a]) out.push(`${where}: annotations.${a} is missing. Say what is wrong and its impact, e.g. with {{ $labels.service }} and {{ $value }}.`);
  }
  return out;
}

/** The way out named by every refusal of the policy: these rules are opinions, not Prometheus' rules. */
export const ALERT_POLICY_OPT_OUT = "This is the anti-fatigue policy, not a Prometheus rule: to keep the rule as it is, set alertPolicy: 'warn' (warnings) or 'off' on the PrometheusServer.";

/** `problem` followed by the policy's way out. */
export function withPolicyOptOut(problem: string): string {
  return `${problem} ${ALERT_POLICY_OPT_OUT}`;
}

/** `problem` followed by the policy's way out on a LokiCluster (LogQL alerting rules). */
export function withLokiPolicyOptOut(problem: string): string {
  return `${problem} This is the anti-fatigue policy, not a Loki rule: to keep the rule as it is, set alertPolicy: 'warn' (warnings) or 'off' on the LokiCluster.`;
}

/** Policy problems of every alerting rule of a group. */
export function groupPolicyProblems(group: RuleGroup): string[] {
  return alertingRulesOf(group).flatMap((r) => alertPolicyProblems(r, group.name));
}
