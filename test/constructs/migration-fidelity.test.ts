import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { AlertRoute } from '../../constructs/alert-route';
import { Alertmanager } from '../../constructs/alertmanager';
import { BlackboxExporter } from '../../constructs/blackbox-exporter';
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { ExistingGrafana, GrafanaServer } from '../../constructs/grafana-server';
import { LogAgent } from '../../constructs/log-agent';
import { LokiCluster } from '../../constructs/loki-cluster';
import { NodeExporter } from '../../constructs/node-exporter';
import { OtelCollector } from '../../constructs/otel-collector';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { TempoBackend } from '../../constructs/tempo-backend';
import { Receiver } from '../../lib/alertmanager/receivers';
import { KubernetesRuntime } from '../../lib/runtime/kubernetes-runtime';
import { container, containerFiles, haveTool, k8sResource, promtoolCheckConfig, resources, synthJson, testStack } from '../helpers/synth';

/** Keeping what exists when moving a stack: flags, volumes, instance labels, data sources. */
describe('extraArgs: every engine keeps the flags of an existing setup', () => {
  const stack = testStack();
  new PrometheusServer(stack, 'Prometheus', { extraArgs: ['--web.enable-lifecycle', '--web.enable-admin-api'] });
  new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
  new Alertmanager(stack, 'Alertmanager', { extraArgs: ['--log.level=debug'] });
  new LokiCluster(stack, 'Loki', { extraArgs: ['-log.level=debug'] });
  new TempoBackend(stack, 'Tempo', { extraArgs: ['-log.level=debug'] });
  new OtelCollector(stack, 'Collector', { extraArgs: ['--feature-gates=-component.UseLocalHostAsDefaultHost'] });
  new LogAgent(stack, 'Alloy', { mountDockerSocket: true, extraArgs: ['--stability.level=public-preview'] });
  new LogAgent(stack, 'Promtail', { agent: 'promtail', mountDockerSocket: true, extraArgs: ['-log.level=debug'] });
  new NodeExporter(stack, 'Node', { extraArgs: ['--collector.textfile.directory=/host/var/lib/node_exporter'] });
  new BlackboxExporter(stack, 'Blackbox', { extraArgs: ['--log.level=debug'] });
  new GrafanaServer(stack, 'Grafana', { extraArgs: ['cfg:default.log.level=debug'] });
  const json = synthJson(stack);
  const command = (name: string) => container(json, name).command as string[];

  test.each([
    ['prometheus', ['--web.enable-lifecycle', '--web.enable-admin-api']],
    ['alertmanager', ['--log.level=debug']],
    ['loki', ['-log.level=debug']],
    ['tempo', ['-log.level=debug']],
    ['otel-collector', ['--feature-gates=-component.UseLocalHostAsDefaultHost']],
    ['alloy', ['--stability.level=public-preview']],
    ['promtail', ['-log.level=debug']],
    ['node-exporter', ['--collector.textfile.directory=/host/var/lib/node_exporter']],
    ['blackbox-exporter', ['--log.level=debug']],
    ['grafana', ['cfg:default.log.level=debug']],
  ])('%s: the extra arguments come last, after the library\'s own', (name, extra) => {
    const c = command(name);
    expect(c.slice(-extra.length)).toEqual(extra);
  });

  test('the library\'s own arguments are kept (Prometheus still reads its config)', () => {
    expect(command('prometheus')[0]).toMatch(/^--config\.file=/);
    expect(command('node-exporter')[0]).toBe('--path.rootfs=/host');
  });

  test('several arguments in one string are refused, naming the split', () => {
    expect(() => synthJson(((s) => (new PrometheusServer(s, 'P', { extraArgs: ['--web.enable-lifecycle --web.enable-admin-api'] }), s))(testStack()))).toThrow(
      /extraArgs\[0\] holds several arguments in one string \(got "--web\.enable-lifecycle --web\.enable-admin-api"\).*\["--web\.enable-lifecycle","--web\.enable-admin-api"\]/,
    );
  });

  test('on the Kubernetes target a component the runtime deploys itself takes extraArgs (NodeExporter DaemonSet)', () => {
    const s = testStack();
    new KubernetesRuntime(s, 'Kubernetes');
    new NodeExporter(s, 'Node', { extraArgs: ['--collector.systemd'] });
    const args = k8sResource(synthJson(s), 'kubernetes_daemon_set_v1', 'node-exporter').spec.template.spec.container[0].args as string[];
    expect(args).toEqual(['--path.rootfs=/host', '--collector.systemd']);
  });

  test('on the Kubernetes target a chart-run engine refuses extraArgs and volumeNames', () => {
    const s = testStack();
    new KubernetesRuntime(s, 'Kubernetes');
    expect(() => new PrometheusServer(s, 'Prometheus', { extraArgs: ['--web.enable-lifecycle'] })).toThrow(/^\[test\/Prometheus\] extraArgs is a Docker option for Prometheus \(got \["--web\.enable-lifecycle"\]\): on the Kubernetes target the chart sets its flags/);
    expect(() => new LokiCluster(s, 'Loki', { volumeNames: { data: 'loki_data' } })).toThrow(/volumeNames is a Docker option \(got \{"data":"loki_data"\}\)/);
  });
});

describe('volumeNames: an existing named volume is picked up and protected', () => {
  test('Prometheus keeps "prometheus_data": no labels, prevent_destroy, mounted at its data path', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { volumeNames: { data: 'prometheus_data' } });
    const json = synthJson(stack);
    const volumes = Object.values(resources(json, 'docker_volume'));
    expect(volumes).toEqual([{ name: 'prometheus_data', lifecycle: { prevent_destroy: true } }]);
    expect(container(json, 'prometheus').volumes).toEqual([{ volume_name: expect.stringMatching(/^\$\{docker_volume\.Prometheus_Data_[0-9A-F]+\.name\}$/), container_path: '/prometheus' }]);
  });

  test('without it the stack creates and labels its own volume, destroyable', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const [v] = Object.values(resources(synthJson(stack), 'docker_volume'));
    expect(v).toMatchObject({ name: 'prometheus-data' });
    expect(v.lifecycle).toBeUndefined();
  });

  test('a volume the component does not have, and one volume for two containers, are refused', () => {
    expect(() => new PrometheusServer(testStack(), 'Prometheus', { volumeNames: { tsdb: 'x' } })).toThrow(/volumeNames names a volume "tsdb" that prometheus does not have \(it has "data"\)/);
    const s = testStack();
    new PrometheusServer(s, 'Prometheus', { volumeNames: { data: 'shared' } });
    expect(() => new TempoBackend(s, 'Tempo', { volumeNames: { data: 'shared' } })).toThrow(/Docker volume "shared" \(volume "data"\) is already used by test\/Prometheus \(volume "data"\)/);
    expect(() => new TempoBackend(testStack(), 'Tempo', { volumeNames: { data: 'bad name' } })).toThrow(/volume name for "data" is not a valid Docker volume name \(got "bad name"\)/);
  });
});

describe('NodeExporter instanceRelabeling', () => {
  const nodeJob = (props: { instanceRelabeling?: boolean }) => {
    const stack = testStack();
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.scrape(new NodeExporter(stack, 'Node', props));
    const files = containerFiles(synthJson(stack), 'prometheus');
    const config = parse(files['/etc/prometheus/prometheus.yml']) as { scrape_configs: Array<{ job_name: string; relabel_configs?: unknown[] }> };
    return { job: config.scrape_configs.find((j) => j.job_name === 'node')!, files };
  };

  test('on by default: instance is the host name without the port', () => {
    expect(nodeJob({}).job.relabel_configs).toEqual([expect.objectContaining({ target_label: 'instance', replacement: '${1}' })]);
  });

  test('false keeps Prometheus\' default instance (host:9100), and the config passes promtool', () => {
    const { job, files } = nodeJob({ instanceRelabeling: false });
    expect(job.relabel_configs).toBeUndefined();
    if (haveTool('promtool')) expect(promtoolCheckConfig(files).code).toBe(0);
  });
});

describe('GrafanaDataSources dataSources: choose which are created', () => {
  const build = (dataSources?: Array<'prometheus' | 'loki' | 'tempo' | 'alertmanager'>, extra: Record<string, unknown> = {}) => {
    const stack = testStack();
    new ExistingGrafana(stack, 'Grafana', { url: 'https://grafana.example.com' });
    new PrometheusServer(stack, 'Prometheus');
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
    new Alertmanager(stack, 'Alertmanager');
    new TempoBackend(stack, 'Tempo');
    const ds = new GrafanaDataSources(stack, 'DataSources', { dataSources, ...extra });
    return { stack, ds };
  };
  const types = (stack: TerraformStack) => Object.values(resources(JSON.parse(Testing.synth(stack, true)), 'grafana_data_source')).map((d) => d.type).sort();

  test('by default every back end in the stack gets one, Alertmanager included', () => {
    expect(types(build().stack)).toEqual(['alertmanager', 'prometheus', 'tempo']);
  });

  test('leaving alertmanager out creates no Alertmanager data source', () => {
    const { stack, ds } = build(['prometheus', 'tempo']);
    expect(types(stack)).toEqual(['prometheus', 'tempo']);
    expect(ds.alertmanager).toBeUndefined();
  });

  test('leaving prometheus out drops the links that point at it', () => {
    const { stack } = build(['tempo']);
    const tempo = Object.values(resources(JSON.parse(Testing.synth(stack, true)), 'grafana_data_source'))[0];
    expect(JSON.parse(String(tempo.json_data_encoded))).not.toHaveProperty('tracesToMetrics');
  });

  test('a kind with no back end, an unknown kind, or a prop the list leaves out is refused', () => {
    expect(() => build(['loki'])).toThrow(/dataSources lists "loki", but the stack has no LokiCluster and the loki prop is not set/);
    expect(() => build(['graphite' as never])).toThrow(/dataSources entry must be one of "prometheus", "loki", "tempo", "alertmanager", "pyroscope" \(got "graphite"\)/);
    expect(() => build(['prometheus'], { alertmanager: { url: 'http://am.internal:9093' } })).toThrow(/the alertmanager prop is set but dataSources leaves "alertmanager" out/);
  });
});
