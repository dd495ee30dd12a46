// Example: past one stack (issue 16). The platform (ObservabilityStack) in one stack, the
// services in one stack per team, each on the team's Docker host. Each team stack runs its own
// Prometheus shard, which scrapes the team's services, evaluates their RED, alert and SLO rules
// and sends alerts to the platform's Alertmanager; its data source and dashboards go to the
// platform's Grafana through the grafana provider. The platform holds one route and
// receiver per team (teams change rarely, services often) and depends on no team stack; a
// team stack depends only on the platform (deploy it first), never on another team.
// Run: `npm run build && node dist/examples/multi-stack/main.js`, then `cdktf deploy platform`
// and `cdktf deploy 'team-*'` (TF_VAR_* secrets set; see docs/multi-stack.md).
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ExistingGrafana, GrafanaDataSources, Matcher, MonitoredService, ObservabilityStack, PrometheusServer, Receiver, Sli } from '../../index';
import { DockerRuntime } from '../../lib/runtime/docker-runtime';

/** A team and the services it runs. */
export interface TeamServices {
  readonly team: string;
  readonly services: readonly string[];
  /** The team's Docker host, e.g. `ssh://deploy@10.0.1.5`. @default - the provider's default */
  readonly dockerHost?: string;
  /** Address its Prometheus shard publishes on, for the platform's Grafana. @default '10.0.1.5' */
  readonly address?: string;
}

/** Where team stacks reach the platform: an address of the Docker host the platform publishes on. */
export interface PlatformAddress {
  /** e.g. the host's private address; the platform publishes Prometheus, Alertmanager and Grafana there. */
  readonly host: string;
}

/** The shared backends, with a route and a receiver per team. */
export class PlatformStack extends ObservabilityStack {
  constructor(scope: Construct, id: string, teams: readonly string[], address: PlatformAddress) {
    super(scope, id, { hostIp: address.host });
    for (const team of teams) {
      this.routing!.addReceiver(Receiver.webhook(team, { url: `http://${team}-bot:8080/alerts` }));
      this.routing!.addRoute({ receiver: team, matchers: [Matcher.eq('team', team)], continue: true }, 0);
    }
  }

  /** The endpoints team stacks use (static addresses: no remote state needed to read them). */
  public endpoints(address: PlatformAddress): { alertmanager: string; grafana: string } {
    return {
      alertmanager: `${address.host}:9093`,
      grafana: `http://${address.host}:3000`,
    };
  }
}

/** One team's services, its Prometheus shard and its dashboards (in the platform's Grafana). */
export class TeamStack extends TerraformStack {
  public readonly prometheus: PrometheusServer;
  public readonly services: MonitoredService[] = [];

  constructor(scope: Construct, id: string, team: TeamServices, platform: PlatformStack, address: PlatformAddress) {
    super(scope, id);
    const endpoints = platform.endpoints(address);
    // Own network and name prefix: team stacks never create the same Docker object.
    const shardAddress = team.address ?? '10.0.1.5';
    new DockerRuntime(this, 'Docker', { host: team.dockerHost, namePrefix: `${team.team}-`, networkName: 'services' });
    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      externalLabels: { shard: team.team },
      alertmanagers: [endpoints.alertmanager],
      publishPorts: true,
      hostIp: shardAddress,
    });
    // The platform's Grafana, reached through the provider with a service account token (variable grafana_auth).
    const grafana = new ExistingGrafana(this, 'Grafana', { url: endpoints.grafana });
    // The shard as a data source of the platform's Grafana (the dashboards pick it).
    new GrafanaDataSources(this, 'DataSources', { grafana, dataSources: ['prometheus'], prometheus: { url: `http://${shardAddress}:9090`, uid: `prometheus-${team.team}` } });
    for (const [i, service] of team.services.entries()) {
      this.services.push(
        new MonitoredService(this, `Svc${i + 1}`, {
          service,
          team: team.team,
          container: { image: 'ghcr.io/example/app:1.0.0', port: 8080, publishPort: false },
          runbookBaseUrl: 'https://wiki.example.com/runbooks',
          slos: [{ name: 'availability', objective: 99.9, sli: Sli.availability({ selector: `service="${service}"` }) }],
        }),
      );
    }
    this.addDependency(platform);
  }
}

/** Builds the platform and one stack per team; `only` limits the team stacks built (one per process for large estates). */
export function buildEstate(app: App, teams: readonly TeamServices[], address: PlatformAddress = { host: '10.0.0.5' }, only?: readonly string[]): { platform: PlatformStack; teams: TeamStack[] } {
  const platform = new PlatformStack(app, 'platform', teams.map((t) => t.team), address);
  const stacks = teams.filter((t) => !only || only.includes(t.team)).map((t) => new TeamStack(app, `team-${t.team}`, t, platform, address));
  return { platform, teams: stacks };
}

/** `teams` teams of `perTeam` services each, named `<team>-svc-<n>`. */
export function generatedTeams(teams: number, perTeam: number): TeamServices[] {
  return Array.from({ length: teams }, (_, t) => ({
    team: `team${t + 1}`,
    services: Array.from({ length: perTeam }, (_, s) => `team${t + 1}-svc-${s + 1}`),
  }));
}

if (require.main === module) {
  const app = new App();
  buildEstate(app, generatedTeams(3, 2));
  app.synth();
}
