import { AnnotationMetadataEntryType, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { AlertRoute } from '../../../constructs/alert-route';
import { Container } from '../../../constructs/container';
import { Alertmanager } from '../../../constructs/alertmanager';
import { GrafanaDataSources } from '../../../constructs/grafana-data-sources';
import { GrafanaServer } from '../../../constructs/grafana-server';
import { LogAgent } from '../../../constructs/log-agent';
import { LokiCluster } from '../../../constructs/loki-cluster';
import { NodeExporter } from '../../../constructs/node-exporter';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { secretVariable } from '../../../lib/core/secrets';
import { addressProblems, argumentPaths, componentWiring, listenerIndex } from '../../../lib/runtime/wiring';
import { testStack } from '../../helpers/synth';

function warnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

/** A stack with Prometheus and a node exporter (9100). */
function base(): { stack: TerraformStack; prometheus: PrometheusServer } {
  const stack = testStack();
  const prometheus = new PrometheusServer(stack, 'Prometheus');
  new NodeExporter(stack, 'NodeExporter');
  return { stack, prometheus };
}

describe('wiring: addresses of the stack\'s own containers', () => {
  test('a scrape target on a port the container does not listen on is an error naming the right port', () => {
    const { stack, prometheus } = base();
    prometheus.addScrapeJob({ jobName: 'node', targets: ['node-exporter:9200'] });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Prometheus\] file \/etc\/prometheus\/prometheus\.yml addresses "node-exporter:9200", but node-exporter listens on 9100 \(http\): the connection would be refused\. Use node-exporter:9100/,
    );
  });

  test('the right port, and external hosts on any port, are accepted', () => {
    const { stack, prometheus } = base();
    prometheus.addScrapeJob({ jobName: 'node', targets: ['node-exporter:9100'] });
    prometheus.addScrapeJob({ jobName: 'app', targets: ['app.example.com:9200', 'node-exporter.example.com:1'] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(warnings(stack)).toEqual([]);
  });

  test('a container that declares no port (a generic Container publishing nothing) is not judged: it may listen inside the network', () => {
    const { stack, prometheus } = base();
    new Container(stack, 'Worker', { name: 'worker', image: 'registry.example.com/shop/worker:1.4.2' });
    prometheus.addScrapeJob({ jobName: 'worker', targets: ['worker:8443'] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('a data source URL on a wrong port is an error', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki');
    new GrafanaServer(stack, 'Grafana', { adminPassword: secretVariable(stack, 'pw').stringValue });
    new GrafanaDataSources(stack, 'DataSources', { dataSources: ['loki'], loki: { url: 'http://loki:3101' } });
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/DataSources\] the loki data source URL addresses "http:\/\/loki:3101", but loki listens on 3100 \(http\), 9096 \(grpc\)/);
  });

  test('a remote-write URL on a wrong port is an error (Loki ruler → Prometheus)', () => {
    const { stack } = base();
    new LokiCluster(stack, 'Loki', { remoteWriteUrl: 'http://prometheus:9091/api/v1/write' });
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/Loki\] file \/etc\/loki\/config\.yaml addresses "http:\/\/prometheus:9091", but prometheus listens on 9090 \(http\)/);
  });

  test('a Loki push URL without a port means port 80: an error', () => {
    const stack = testStack();
    new LokiCluster(stack, 'Loki');
    new LogAgent(stack, 'Alloy', { mountDockerSocket: true, lokiUrl: 'http://loki/loki/api/v1/push' });
    expect(() => Testing.synth(stack, true)).toThrow(/addresses "http:\/\/loki" \(port 80, implied by http:\/\/\), but loki listens on 3100 \(http\)/);
  });

  test('a webhook receiver pointing at a container of the stack on a wrong port is an error', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana', { adminPassword: secretVariable(stack, 'pw').stringValue });
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://grafana:3001/api/hook' }) });
    new Alertmanager(stack, 'Alertmanager');
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/Alertmanager\] file \/etc\/alertmanager\/alertmanager\.yml addresses "http:\/\/grafana:3001", but grafana listens on 3000 \(http\)/);
  });
});

describe('wiring: paths in arguments', () => {
  test('a path neither uploaded nor mounted is a warning; uploaded files and volume paths are not', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { extraArgs: ['--web.config.file=/etc/prometheus/web.yml', '--storage.tsdb.wal-segment-size=64MB', '--query.active-query-tracker-dir=/prometheus/queries'] });
    Testing.synth(stack, true);
    expect(warnings(stack)).toEqual([
      expect.stringMatching(/^argument "--web\.config\.file=\/etc\/prometheus\/web\.yml" of prometheus names \/etc\/prometheus\/web\.yml, which is neither a file the library uploads into the container nor under a mounted volume or host mount \(it has \/etc\/prometheus\/prometheus\.yml, \/prometheus\)/),
    ]);
  });
});

describe('wiring helpers', () => {
  const index = listenerIndex([{ spec: { name: 'loki', image: { repository: 'grafana/loki', tag: '3.4.0' }, ports: [{ name: 'http', containerPort: 3100 }] }, dynamic: {}, hosts: ['loki'] }]);
  test.each([
    ['loki:3100', 0],
    ['http://loki:3100/ready', 0],
    ['loki:3101', 1],
    ['https://loki/x', 1],
    ['loki-read:3101', 0],
    ['loki.example.com:1', 0],
    ['job: loki', 0],
    ['grpc://loki', 0],
  ])('%s → %i problem(s)', (text, n) => {
    expect(addressProblems(text, 'x', index)).toHaveLength(n);
  });
  test('a large text is scanned only on lines with `://` or `:<digit>`, with the same findings as one scan of the whole text', () => {
    // The whole-text scan the check made before it went line by line (issue 16).
    const ADDRESS = /(?<![A-Za-z0-9_.@/-])(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([A-Za-z0-9][A-Za-z0-9_.-]*)(?::(\d{1,5}))?(?![A-Za-z0-9_-]|\.[A-Za-z0-9]|:\d)/g;
    const whole = (text: string) => {
      const out: string[] = [];
      for (const m of text.matchAll(ADDRESS)) {
        if (m[1] === undefined && m[3] === undefined) continue;
        if (m[2] !== 'loki') continue;
        const port = m[3] !== undefined ? Number(m[3]) : ({ http: 80, https: 443, ws: 80, wss: 443 } as Record<string, number>)[m[1].toLowerCase()];
        if (port !== undefined && port !== 3100) out.push(m[0]);
      }
      return [...new Set(out)];
    };
    const found = (text: string) => addressProblems(text, 'x', index).map((p) => JSON.parse(/addresses ("[^"]*")/.exec(p)![1]) as string);
    const fixed = ['loki:3101\nloki:3102', 'a.\nloki:3101', 'x/\nhttp://loki\n:9', 'loki\n:3101', 'loki:31\n01', 'http://\nloki:1', 'a\r\nloki:7\r\n'];
    for (const t of fixed) expect(found(t)).toEqual(whole(t));
    expect(found('a.\nloki:3101')).toEqual(['loki:3101']);
    // Random texts over the characters that matter (a fixed seed, so a failure repeats).
    let seed = 16;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['loki', 'http', '://', ':', '3101', '3100', '9', '.', '-', '_', '@', '/', ' ', '\n', 'a', 'x.y', '+'];
    for (let i = 0; i < 2000; i++) {
      const t = Array.from({ length: 1 + Math.floor(next() * 14) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      expect([t, found(t)]).toEqual([t, whole(t)]);
    }
  });
  test('argument paths: a whole argument or a flag value starting with /', () => {
    expect(argumentPaths(['run', '/etc/alloy/config.alloy', '--a=/x/y/', '--b=http://h/p', '--c', '-d=:9093'])).toEqual([
      { arg: '/etc/alloy/config.alloy', path: '/etc/alloy/config.alloy' },
      { arg: '--a=/x/y/', path: '/x/y' },
    ]);
  });
});

describe('wiring: a component checked twice with the same files (cdktf resolves the upload twice)', () => {
  /** A listener index that counts its look-ups (each address found in a text is looked up). */
  function countingIndex() {
    const node = { spec: { name: 'node-exporter', image: { repository: 'x', tag: '1' }, ports: [{ name: 'http', containerPort: 9100 }] }, dynamic: {}, hosts: ['node-exporter'] };
    class Counting extends Map<string, typeof node> {
      lookups = 0;
      override get(k: string) {
        this.lookups++;
        return super.get(k);
      }
    }
    const index = new Counting([['node-exporter', node]]);
    return index;
  }
  const record = (env?: Record<string, string>) => ({ spec: { name: 'prometheus', image: { repository: 'p', tag: '1' }, env }, dynamic: {}, hosts: ['prometheus'] });
  const files = (port: number) => [{ path: '/etc/p.yml', content: `targets:\n  - node-exporter:${port}\n  - other:1` }];

  test('answers again without scanning when nothing it reads changed, and scans anew when something did', () => {
    const index = countingIndex();
    const r = record({ A: 'http://node-exporter:9100' });
    const first = componentWiring(r as never, index, files(9200));
    expect(first.errors).toEqual([expect.stringMatching(/addresses "node-exporter:9200", but node-exporter listens on 9100/)]);
    const scans = index.lookups;
    expect(scans).toBeGreaterThan(0);
    expect(componentWiring(r as never, index, files(9200))).toEqual(first);
    expect(index.lookups).toBe(scans);
    // a changed file, a changed environment, another index: checked again
    expect(componentWiring(r as never, index, files(9100)).errors).toEqual([]);
    expect(index.lookups).toBeGreaterThan(scans);
    const after = index.lookups;
    (r.spec.env as Record<string, string>).A = 'http://node-exporter:9300';
    expect(componentWiring(r as never, index, files(9100)).errors).toEqual([expect.stringMatching(/environment variable A addresses "http:\/\/node-exporter:9300"/)]);
    expect(index.lookups).toBeGreaterThan(after);
    const other = countingIndex();
    expect(componentWiring(r as never, other, files(9100)).errors).toHaveLength(1);
    expect(other.lookups).toBeGreaterThan(0);
  });
});
