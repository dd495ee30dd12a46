// Example: an existing Compose monitoring setup (Prometheus with its rules and flags,
// Alertmanager with one receiver, Grafana, node exporter, cAdvisor, a Pushgateway and a
// reverse proxy) re-expressed with the library, keeping its volumes, flags and series.
// Run: `npm run build && node dist/examples/migrating/main.js` writes cdktf.out.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  AlertRoute,
  Alertmanager,
  Container,
  GrafanaDataSources,
  GrafanaServer,
  NodeExporter,
  PrometheusServer,
  Receiver,
  secretVariable,
} from '../../index';

export class MigratingStack extends TerraformStack {
  public readonly prometheus: PrometheusServer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      retentionTime: '200h',
      extraArgs: ['--web.enable-lifecycle'],
      volumeNames: { data: 'monitoring_prometheus_data' },
      // The old rules have no runbooks and no summaries yet: warnings, not errors.
      alertPolicy: 'warn',
    });
    // Dashboards of the old setup select instance="host:9100".
    this.prometheus.scrape(new NodeExporter(this, 'NodeExporter', { instanceRelabeling: false }));
    this.prometheus.addRuleGroup({
      name: 'targets',
      rules: [
        { alert: 'monitor_service_down', expr: 'up == 0', for: '30s', labels: { severity: 'critical' }, annotations: { summary: 'Monitor service non-operational' } },
        { alert: 'high_load', expr: 'node_load1 > 0.5', for: '30s', labels: { severity: 'warning' }, annotations: { summary: 'Server under high load' } },
      ],
    });

    // One receiver for everything: accepted as is.
    new AlertRoute(this, 'Routing', {
      receiver: Receiver.slack('slack', { webhookUrl: secretVariable(this, 'slack_webhook_url').stringValue, channel: '#monitoring' }),
    });
    new Alertmanager(this, 'Alertmanager', { volumeNames: { data: 'monitoring_alertmanager_data' } });

    new Container(this, 'Cadvisor', {
      image: 'gcr.io/cadvisor/cadvisor:v0.49.1',
      ports: [{ name: 'http', containerPort: 8080 }],
      privileged: true,
      devices: [{ hostPath: '/dev/kmsg' }],
      hostMounts: [
        { hostPath: '/', containerPath: '/rootfs' },
        { hostPath: '/var/run', containerPath: '/var/run', readOnly: false },
        { hostPath: '/sys', containerPath: '/sys' },
        { hostPath: '/var/lib/docker', containerPath: '/var/lib/docker' },
      ],
      scrape: {},
    });
    new Container(this, 'Pushgateway', {
      image: 'prom/pushgateway:v1.9.0',
      ports: [{ name: 'http', containerPort: 9091 }],
      scrape: {},
    });

    new GrafanaServer(this, 'Grafana', {
      adminPassword: secretVariable(this, 'grafana_admin_password').stringValue,
      volumeNames: { data: 'monitoring_grafana_data' },
      // Published on 127.0.0.1:3001 for the Terraform provider only; users go through the proxy.
      hostPort: 3001,
    });
    // The old Grafana had only the Prometheus data source.
    new GrafanaDataSources(this, 'DataSources', { dataSources: ['prometheus'] });

    // The reverse proxy in front of Grafana, Prometheus and Alertmanager, with basic auth.
    new Container(this, 'Caddy', {
      image: 'caddy:2.8.4',
      ports: [{ name: 'grafana', containerPort: 3000 }, { name: 'prometheus', containerPort: 9090, hostPort: 19090 }],
      publishPorts: true,
      files: [
        {
          path: '/etc/caddy/Caddyfile',
          content: [
            ':3000 {',
            '  reverse_proxy grafana:3000',
            '}',
            ':9090 {',
            '  basicauth /* {',
            '    {$ADMIN_USER} {$ADMIN_PASSWORD_HASH}',
            '  }',
            '  reverse_proxy prometheus:9090',
            '}',
            '',
          ].join('\n'),
        },
      ],
      env: { ADMIN_USER: 'admin' },
      secretEnv: { ADMIN_PASSWORD_HASH: secretVariable(this, 'caddy_admin_password_hash').stringValue },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MigratingStack(app, 'migrating');
  app.synth();
}
