import { parse } from 'yaml';
import { NodeExporter } from '../../constructs/node-exporter';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { container, containerFiles, synthJson, testStack } from '../helpers/synth';

describe('NodeExporter', () => {
  test('runs like the course: host PID, host root read-only at /host, --path.rootfs', () => {
    const stack = testStack();
    new NodeExporter(stack, 'Node');
    const c = container(synthJson(stack), 'node-exporter');
    expect(c.pid_mode).toBe('host');
    expect(c.mounts).toEqual([{ type: 'bind', source: '/', target: '/host', read_only: true, bind_options: { propagation: 'rslave' } }]);
    expect(c.command).toEqual(['--path.rootfs=/host']);
    expect(c.ports).toEqual([{ internal: 9100, external: 9100, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(c.volumes).toEqual([]);
  });

  test('collector flags', () => {
    const stack = testStack();
    new NodeExporter(stack, 'Node', { enableCollectors: ['systemd'], disableCollectors: ['wifi'], filesystemMountPointsExclude: '^/(dev|proc|sys)($|/)' });
    expect(container(synthJson(stack), 'node-exporter').command).toEqual([
      '--path.rootfs=/host',
      '--collector.systemd',
      '--no-collector.wifi',
      '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys)($|/)',
    ]);
  });

  test('its job keeps the host name as instance (course relabel)', () => {
    const stack = testStack();
    const prom = new PrometheusServer(stack, 'Prometheus');
    prom.scrape(new NodeExporter(stack, 'Node', { jobName: 'nodes', scrapeInterval: '30s' }));
    const job = parse(containerFiles(synthJson(stack), 'prometheus')['/etc/prometheus/prometheus.yml']).scrape_configs[1];
    expect(job).toEqual({
      job_name: 'nodes',
      scrape_interval: '30s',
      static_configs: [{ targets: ['node-exporter:9100'] }],
      relabel_configs: [{ source_labels: ['__address__'], regex: '(.+):9100', target_label: 'instance', replacement: '${1}', action: 'replace' }],
    });
  });

  test('bad collector names and conflicts', () => {
    expect(() => new NodeExporter(testStack(), 'Node', { enableCollectors: ['--collector.systemd'] })).toThrow(/\[test\/Node\] enableCollectors entry is not a collector name \(got "--collector\.systemd"\)/);
    expect(() => new NodeExporter(testStack(), 'Node', { enableCollectors: ['wifi'], disableCollectors: ['wifi'] })).toThrow(/collectors wifi are both enabled and disabled/);
  });

  test('collector names are checked against the pinned release; another image is trusted', () => {
    expect(() => new NodeExporter(testStack(), 'Node', { enableCollectors: ['systemdd'] })).toThrow(
      /\[test\/Node\] enableCollectors entry "systemdd" is not a collector of node exporter v1\.12\.1 \(did you mean "systemd"\?\): it would refuse --collector\.systemdd and not start/,
    );
    expect(() => new NodeExporter(testStack(), 'Node', { disableCollectors: ['wireless'] })).toThrow(/disableCollectors entry "wireless" is not a collector of node exporter v1\.12\.1/);
    // A collector's own switches (--collector.cpu.info) are left to the exporter.
    expect(() => new NodeExporter(testStack(), 'Node', { enableCollectors: ['cpu.info', 'kernel_hung'] })).not.toThrow();
    expect(() => new NodeExporter(testStack(), 'Node', { image: 'quay.io/prometheus/node-exporter:v1.13.0', enableCollectors: ['brand_new'] })).not.toThrow();
  });
});
