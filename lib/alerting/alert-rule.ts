import { ValidationError } from '../core/errors';
import { promqlProblem } from '../core/promql';
import { AlertingRule, RuleGroup } from '../prometheus/rules';
import { alertPolicyProblems } from './policy';

/** The traffic-floor pattern: a ratio alert that only fires with enough traffic. */
export interface TrafficFloorOptions {
  /** Ratio expression, e.g. `service:http_errors:ratio5m`. */
  readonly ratio: string;
  /** Fires above this ratio, e.g. 0.05. */
  readonly above: number;
  /** Rate expression with the same labels, e.g. `service:http_requests:rate5m`. */
  readonly rate: string;
  /** Only when the rate exceeds this (requests per second), e.g. 10. */
  readonly minRate: number;
}

/** Helpers for alerting rules that follow the course's anti-fatigue rules. */
export class AlertRule {
  /** `(ratio) > above and (rate) > minRate`: no page for one failed request out of two. */
  public static trafficFloor(o: TrafficFloorOptions): string {
    if (!(o.above > 0) || !(o.minRate >= 0)) {
      throw new ValidationError(`trafficFloor needs above > 0 and minRate >= 0 (got above=${o.above}, minRate=${o.minRate}).`);
    }
    return `(${o.ratio}) > ${o.above}\nand\n(${o.rate}) > ${o.minRate}`;
  }

  /** Returns `rule` after checking its PromQL and the alert policy; throws with every problem. */
  public static define(rule: AlertingRule, group = 'alerts'): AlertingRule {
    const problems = alertPolicyProblems(rule, group).map((m) => `${m} AlertRule.define applies the anti-fatigue policy: to keep the rule as it is, pass the plain rule to addRuleGroup on a PrometheusServer with alertPolicy: 'warn' or 'off'.`);
    const p = promqlProblem(rule.expr);
    if (p) problems.unshift(`alert ${JSON.stringify(rule.alert)}: expr ${p}`);
    if (problems.length) throw new ValidationError(problems.join('\n'));
    return rule;
  }
}

/** Options of the course's alert pack. */
export interface CourseAlertPackOptions {
  /** Base URL of the runbooks; each alert links `<base>/<kebab-case-alert>`. */
  readonly runbookBaseUrl: string;
  /** Grafana base URL for the dashboard links. @default - no dashboard_url annotation */
  readonly grafanaUrl?: string;
  /** `team` label on the service alerts. @default 'platform' */
  readonly team?: string;
  /** Minimum request rate (req/s) for the error-rate alert. @default 10 */
  readonly minRequestRate?: number;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/** Ready-made alert packs. */
export class AlertPacks {
  /**
   * The course's `alerts.yml` (HighErrorRate, HighLatencyP99, SLOBudgetBurning, NodeDown,
   * HighCPU, DiskFillingUp, SSLCertExpiringSoon, HighMemory, Watchdog), brought in line with
   * its own anti-fatigue rules: every alert has a summary and a description, critical ones a
   * runbook, and HighErrorRate a traffic floor. It reads the RED, USE and SLO recording rules
   * (`RuleSets.red()`, `RuleSets.nodeUse()`, `COURSE_SLO_RULES`).
   */
  public static course(o: CourseAlertPackOptions): RuleGroup[] {
    if (!/^https?:\/\/\S+$/.test(o.runbookBaseUrl ?? '')) {
      throw new ValidationError(`AlertPacks.course: runbookBaseUrl must be an http(s) URL (got ${JSON.stringify(o.runbookBaseUrl)}): every critical alert links <base>/<alert>. E.g. "https://wiki.example.com/runbooks".`);
    }
    const team = o.team ?? 'platform';
    const runbook = (alert: string) => ({ runbook_url: `${o.runbookBaseUrl.replace(/\/$/, '')}/${kebab(alert)}` });
    const dashboard: Record<string, string> = o.grafanaUrl ? { dashboard_url: `${o.grafanaUrl.replace(/\/$/, '')}/d/service-overview?var-service={{ $labels.service }}` } : {};
    return [
      {
        name: 'service_alerts',
        rules: [
          {
            alert: 'HighErrorRate',
            expr: AlertRule.trafficFloor({ ratio: 'service:http_errors:ratio5m', above: 0.05, rate: 'service:http_requests:rate5m', minRate: o.minRequestRate ?? 10 }),
            for: '5m',
            labels: { severity: 'critical', team },
            annotations: {
              summary: "Taux d'erreur élevé sur {{ $labels.service }}",
              description: "Le service {{ $labels.service }} a un taux d'erreur de {{ $value | humanizePercentage }} (seuil: 5%).",
              impact: 'Les utilisateurs reçoivent des erreurs 5xx.',
              ...dashboard,
              ...runbook('HighErrorRate'),
            },
          },
          {
            alert: 'HighLatencyP99',
            expr: 'service:http_latency:p99_5m > 1',
            for: '10m',
            labels: { severity: 'warning', team },
            annotations: {
              summary: 'Latence P99 élevée sur {{ $labels.service }}',
              description: 'Le P99 du service {{ $labels.service }} est à {{ $value | humanizeDuration }} (seuil: 1s).',
              ...dashboard,
              ...runbook('HighLatencyP99'),
            },
          },
          {
            alert: 'SLOBudgetBurning',
            expr: 'slo:api_latency:error_budget_remaining < 0.25',
            for: '5m',
            labels: { severity: 'critical', team },
            annotations: {
              summary: "Error budget critique pour l'API",
              description: "Il ne reste que {{ $value | humanizePercentage }} de l'error budget. Gel des déploiements recommandé.",
              ...runbook('SLOBudgetBurning'),
            },
          },
        ],
      },
      {
        name: 'infrastructure_alerts',
        rules: [
          {
            alert: 'NodeDown',
            expr: 'up{job="node"} == 0',
            for: '2m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Nœud {{ $labels.instance }} injoignable',
              description: 'Le node exporter de {{ $labels.instance }} ne répond plus depuis 2 minutes.',
              ...runbook('NodeDown'),
            },
          },
          {
            alert: 'HighCPU',
            expr: 'instance:node_cpu:utilization > 0.85',
            for: '15m',
            labels: { severity: 'warning' },
            annotations: { summary: 'CPU élevé sur {{ $labels.instance }}', description: 'CPU à {{ $value | humanizePercentage }} depuis 15 minutes.' },
          },
          {
            alert: 'DiskFillingUp',
            expr: 'instance:node_disk:predicted_full_hours > 0 and instance:node_disk:predicted_full_hours < 24',
            for: '30m',
            labels: { severity: 'warning' },
            annotations: { summary: 'Disque de {{ $labels.instance }} bientôt plein', description: 'Au rythme actuel, le disque sera plein dans {{ $value | printf "%.1f" }} heures.' },
          },
          {
            alert: 'SSLCertExpiringSoon',
            expr: '(probe_ssl_earliest_cert_expiry - time()) / 86400 < 14',
            for: '1h',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Certificat SSL de {{ $labels.instance }} expire dans {{ $value | humanize }} jours',
              description: 'Le certificat servi par {{ $labels.instance }} expire dans moins de 14 jours : renouvelez-le.',
            },
          },
          {
            alert: 'HighMemory',
            expr: 'instance:node_memory:utilization > 0.9',
            for: '10m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Mémoire critique sur {{ $labels.instance }}',
              description: 'Utilisation mémoire à {{ $value | humanizePercentage }}.',
              ...runbook('HighMemory'),
            },
          },
        ],
      },
      {
        name: 'watchdog',
        rules: [
          {
            alert: 'Watchdog',
            expr: 'vector(1)',
            labels: { severity: 'none' },
            annotations: {
              summary: "Watchdog — l'alerting fonctionne",
              description: "Cette alerte fire toujours : si elle disparaît, la chaîne d'alerting est cassée.",
            },
          },
        ],
      },
    ];
  }
}
