import { Construct } from 'constructs';
import { AlertRoute, AlertRouteTarget } from '../constructs/alert-route';
import { Matcher } from '../lib/alertmanager/matchers';
import { Receiver } from '../lib/alertmanager/receivers';
import { secretVariable } from '../lib/core/secrets';

/** Options of the course's routing tree. */
export interface CourseAlertRouteOptions {
  /** @default 'alertmanager' */
  readonly target?: AlertRouteTarget;
}

/**
 * The course's whole `alertmanager.yml` as an AlertRoute: SMTP and PagerDuty globals,
 * critical → PagerDuty and Slack (with `continue`), warning → Slack, team=business → its
 * channel, Watchdog → null, and the three inhibit rules. Credentials come from sensitive
 * variables `slack_webhook_url`, `pagerduty_routing_key` and `smtp_password`.
 */
export function courseAlertRoute(scope: Construct, id: string, options: CourseAlertRouteOptions = {}): AlertRoute {
  const slackUrl = secretVariable(scope, 'slack_webhook_url', 'Slack incoming webhook URL').stringValue;
  const pagerdutyKey = secretVariable(scope, 'pagerduty_routing_key', 'PagerDuty Events v2 routing key').stringValue;
  const smtpPassword = secretVariable(scope, 'smtp_password', 'SMTP password of alerts@devopslab.ch').stringValue;

  const routing = new AlertRoute(scope, id, {
    target: options.target,
    global: {
      resolveTimeout: '5m',
      smtpFrom: 'alerts@devopslab.ch',
      smtpSmarthost: 'smtp.example.com:587',
      smtpAuthUsername: 'alerts@devopslab.ch',
      smtpAuthPassword: smtpPassword,
      smtpRequireTls: true,
      pagerdutyUrl: 'https://events.pagerduty.com/v2/enqueue',
    },
    receiver: Receiver.slack('slack-default', {
      webhookUrl: slackUrl,
      channel: '#alerts-default',
      title: '{{ if eq .Status "firing" }}🔥{{ else }}✅{{ end }} {{ .CommonLabels.alertname }}',
      text: '{{ range .Alerts }}\n*{{ .Labels.severity | toUpper }}* - {{ .Labels.service }}\n{{ .Annotations.description }}\n{{ if .Labels.instance }}Instance: `{{ .Labels.instance }}`{{ end }}\n{{ end }}',
      actions: [
        { text: '📊 Dashboard', url: '{{ (index .Alerts 0).Annotations.dashboard_url }}' },
        { text: '📖 Runbook', url: '{{ (index .Alerts 0).Annotations.runbook_url }}' },
      ],
    }),
    groupBy: ['alertname', 'cluster', 'service'],
    groupWait: '30s',
    groupInterval: '5m',
    repeatInterval: '4h',
    receivers: [
      Receiver.null(),
      Receiver.slack('slack-critical', {
        webhookUrl: slackUrl,
        channel: '#alerts-critical',
        color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
        title: '🚨 CRITICAL: {{ .CommonLabels.alertname }}',
        text: '{{ range .Alerts }}\n*Service:* {{ .Labels.service }}\n*Description:* {{ .Annotations.description }}\n*Impact:* {{ .Annotations.impact }}\n*Runbook:* {{ .Annotations.runbook_url }}\n{{ end }}',
      }),
      Receiver.slack('slack-warning', {
        webhookUrl: slackUrl,
        channel: '#alerts-warning',
        title: '⚠️ {{ .CommonLabels.alertname }}',
        text: '{{ range .Alerts }}\n{{ .Annotations.description }}\n{{ end }}',
      }),
      Receiver.slack('slack-business', {
        webhookUrl: slackUrl,
        channel: '#alerts-business',
        title: '📊 {{ .CommonLabels.alertname }}',
        text: '{{ range .Alerts }}\n{{ .Annotations.description }}\n{{ end }}',
      }),
      Receiver.pagerduty('pagerduty-critical', {
        routingKey: pagerdutyKey,
        severity: 'critical',
        description: '{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.description }}',
        details: {
          firing: '{{ .Alerts.Firing | len }}',
          resolved: '{{ .Alerts.Resolved | len }}',
          service: '{{ .CommonLabels.service }}',
        },
      }),
    ],
    routes: [
      { receiver: 'pagerduty-critical', matchers: [Matcher.eq('severity', 'critical')], groupWait: '10s', repeatInterval: '1h', continue: true },
      { receiver: 'slack-critical', matchers: [Matcher.eq('severity', 'critical')], groupWait: '10s' },
      { receiver: 'slack-warning', matchers: [Matcher.eq('severity', 'warning')], groupWait: '1m', repeatInterval: '12h' },
      { receiver: 'slack-business', matchers: [Matcher.eq('team', 'business')], groupBy: ['alertname'], repeatInterval: '24h' },
      { receiver: 'null', matchers: [Matcher.eq('alertname', 'Watchdog')] },
    ],
    inhibitRules: [
      // The cluster is down: no need to page for each service.
      { sourceMatchers: [Matcher.eq('alertname', 'ClusterDown')], targetMatchers: [Matcher.re('severity', 'warning|info')], equal: ['cluster'] },
      // A node is down: no need to page for its services.
      { sourceMatchers: [Matcher.eq('alertname', 'NodeDown')], targetMatchers: [Matcher.ne('alertname', 'NodeDown')], equal: ['instance'] },
      // Critical mutes warning for the same alert.
      { sourceMatchers: [Matcher.eq('severity', 'critical')], targetMatchers: [Matcher.eq('severity', 'warning')], equal: ['alertname', 'service'] },
    ],
  });
  return routing;
}
