import { parse } from 'yaml';
import { BlackboxExporter, COURSE_BLACKBOX_MODULES } from '../../constructs/blackbox-exporter';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { blackboxCheck, container, containerFiles, haveTool, promtoolCheckConfig, synthJson, testStack } from '../helpers/synth';

const CONFIG = '/etc/blackbox_exporter/config.yml';

describe('BlackboxExporter', () => {
  test('defaults: http_2xx and tcp_connect, port 9115 on 127.0.0.1, no extra capability', () => {
    const stack = testStack();
    new BlackboxExporter(stack, 'Blackbox');
    const json = synthJson(stack);
    const c = container(json, 'blackbox-exporter');
    expect(c.command).toEqual([`--config.file=${CONFIG}`]);
    expect(c.ports).toEqual([{ internal: 9115, external: 9115, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(c.capabilities).toBeUndefined();
    expect(Object.keys(parse(containerFiles(json, 'blackbox-exporter')[CONFIG]).modules)).toEqual(['http_2xx', 'tcp_connect']);
  });

  test('renders every typed prober setting with the exporter field names', () => {
    const stack = testStack();
    const bb = new BlackboxExporter(stack, 'Blackbox', { modules: COURSE_BLACKBOX_MODULES });
    bb.addModule('dns_resolution', { prober: 'dns', timeout: '5s', dns: { queryName: 'devopslab.ch', queryType: 'A', validRcodes: ['NOERROR'] } });
    bb.addModule('tls_tcp', { prober: 'tcp', tcp: { tls: true, tlsConfig: { serverName: 'db.internal' } } });
    bb.addModule('body_check', { prober: 'http', http: { failIfBodyNotMatchesRegexp: ['"status":\\s*"ok"'], failIfNotSsl: true, method: 'HEAD' } });
    const json = synthJson(stack);
    const content = containerFiles(json, 'blackbox-exporter')[CONFIG];
    const modules = parse(content).modules;
    expect(modules.http_2xx).toEqual({
      prober: 'http',
      timeout: '5s',
      http: {
        valid_status_codes: [200, 301, 302],
        valid_http_versions: ['HTTP/1.1', 'HTTP/2.0'],
        follow_redirects: true,
        preferred_ip_protocol: 'ip4',
        tls_config: { insecure_skip_verify: false },
      },
    });
    expect(modules.http_post_json.http).toEqual({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"healthcheck": true}' });
    expect(modules.icmp_ping).toEqual({ prober: 'icmp', timeout: '5s', icmp: { preferred_ip_protocol: 'ip4' } });
    expect(modules.dns_resolution).toEqual({ prober: 'dns', timeout: '5s', dns: { query_name: 'devopslab.ch', query_type: 'A', valid_rcodes: ['NOERROR'] } });
    expect(modules.tls_tcp.tcp).toEqual({ tls: true, tls_config: { server_name: 'db.internal' } });
    // ICMP needs raw sockets
    expect(container(json, 'blackbox-exporter').capabilities).toEqual({ add: ['NET_RAW'] });
    if (haveTool('prometheus-blackbox-exporter')) {
      const r = blackboxCheck(content);
      expect(r.code).toBe(0);
    }
  });

  test('probe() produces the course relabel trick pointing at this exporter', () => {
    const stack = testStack();
    const prom = new PrometheusServer(stack, 'Prometheus');
    const bb = new BlackboxExporter(stack, 'Blackbox', { name: 'probes' });
    prom.scrape(bb.probe('blackbox-http', { module: 'http_2xx', targets: ['https://devopslab.ch', 'https://api.devopslab.ch/health'], labels: { team: 'web' } }));
    prom.scrape(bb.probe('blackbox-tcp', { module: 'tcp_connect', targets: ['db:5432'], scrapeInterval: '30s' }));
    const json = synthJson(stack);
    const jobs = parse(containerFiles(json, 'prometheus')['/etc/prometheus/prometheus.yml']).scrape_configs;
    expect(jobs[1]).toEqual({
      job_name: 'blackbox-http',
      metrics_path: '/probe',
      params: { module: ['http_2xx'] },
      static_configs: [{ targets: ['https://devopslab.ch', 'https://api.devopslab.ch/health'], labels: { team: 'web' } }],
      relabel_configs: [
        { source_labels: ['__address__'], target_label: '__param_target', action: 'replace' },
        { source_labels: ['__param_target'], target_label: 'instance', action: 'replace' },
        { target_label: '__address__', replacement: 'probes:9115', action: 'replace' },
      ],
    });
    expect(jobs[2]).toMatchObject({ job_name: 'blackbox-tcp', scrape_interval: '30s', params: { module: ['tcp_connect'] } });
    if (haveTool('promtool')) expect(promtoolCheckConfig(containerFiles(json, 'prometheus')).code).toBe(0);
  });
});
