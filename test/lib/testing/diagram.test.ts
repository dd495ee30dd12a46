import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { AlertRoute } from '../../../constructs/alert-route';
import { Alertmanager } from '../../../constructs/alertmanager';
import { Container } from '../../../constructs/container';
import { GrafanaDataSources } from '../../../constructs/grafana-data-sources';
import { ExistingGrafana } from '../../../constructs/grafana-server';
import { NodeExporter } from '../../../constructs/node-exporter';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { Receiver } from '../../../lib/alertmanager/receivers';
import { diagram } from '../../../lib/testing/diagram';
import { snapshotStack } from '../../../lib/testing/snapshot';
import { CourseStack } from '../../../stacks/course-stack';
import { testStack } from '../../helpers/synth';

const README = path.join(__dirname, '../../../README.md');

describe('diagram(stack)', () => {
  const course = diagram(new CourseStack(Testing.app(), 'course'));

  test('the README shows the default stack\'s current diagram', () => {
    const block = /```mermaid\n([^]*?)```/.exec(fs.readFileSync(README, 'utf8'))?.[1];
    expect(block).toBe(course);
  });

  test('the default stack: every component with its image and published ports', () => {
    expect(course.split('\n')[0]).toBe('flowchart LR');
    expect(course).toContain('prometheus["<b>Prometheus</b><br/>prom/prometheus:v3.14.0<br/>127.0.0.1:9090"]');
    expect(course).toContain('tempo["<b>Tempo</b><br/>grafana/tempo:2.6.0<br/>127.0.0.1:3200, 127.0.0.1:4317, 127.0.0.1:4318"]');
    expect(course.match(/^ {2}\w+\["/gm)).toHaveLength(9);
  });

  test.each([
    ['scrape', 'prometheus -->|"scrape: node"| node_exporter'],
    ['scrape through a probe exporter', 'prometheus -->|"scrape: blackbox-http"| blackbox_exporter'],
    ['alerts', 'prometheus -->|"alerts"| alertmanager'],
    ['Loki ruler alerts', 'loki -->|"alerts"| alertmanager'],
    ['log push', 'alloy ==>|"logs"| loki'],
    ['OTLP', 'otel_collector ==>|"OTLP"| tempo'],
    ['remote write', 'tempo ==>|"remote write"| prometheus'],
    ['Grafana data source', 'grafana -.->|"data source: prometheus"| prometheus'],
    ['correlation link', 'loki -.->|"link: trace_id"| tempo'],
    ['exemplars', 'prometheus -.->|"link: exemplars"| tempo'],
  ])('draws %s', (_what, line) => {
    expect(course.split('\n')).toContain(`  ${line}`);
  });

  test('deterministic: the same stack twice gives the same text', () => {
    expect(diagram(new CourseStack(Testing.app(), 'course'))).toBe(course);
  });

  test('follows the stack: a Container scraped, a data source left out, an existing Grafana, a changed port', () => {
    const stack = testStack();
    const prometheus = new PrometheusServer(stack, 'Prometheus', { hostPort: 19090 });
    prometheus.scrape(new NodeExporter(stack, 'NodeExporter', { publishPorts: false }));
    new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
    new Alertmanager(stack, 'Alertmanager');
    new Container(stack, 'Pushgateway', { image: 'prom/pushgateway:v1.9.0', ports: [{ name: 'http', containerPort: 9091 }], scrape: {} });
    new ExistingGrafana(stack, 'Grafana', { url: 'https://grafana.example.com' });
    new GrafanaDataSources(stack, 'DataSources', { dataSources: ['prometheus'] });
    const d = diagram(stack);
    expect(d).toContain('prometheus["<b>Prometheus</b><br/>prom/prometheus:v3.14.0<br/>127.0.0.1:19090"]');
    expect(d).toContain('node_exporter["<b>NodeExporter</b><br/>quay.io/prometheus/node-exporter:v1.12.1"]');
    expect(d).toContain('  prometheus -->|"scrape: pushgateway"| pushgateway');
    expect(d).toContain('  grafana_existing["<b>Grafana (existing Grafana)</b><br/>https://grafana.example.com"]');
    expect(d).toContain('  grafana_existing -.->|"data source: prometheus"| prometheus');
    expect(d).not.toContain('data source: alertmanager');
  });
});

describe('snapshotStack includeDiagram', () => {
  test('off by default: the snapshot keeps its three keys', () => {
    expect(Object.keys(snapshotStack(new CourseStack(Testing.app(), 'course')))).toEqual(['terraform', 'files', 'dashboards']);
  });

  test('on: the snapshot carries the diagram', () => {
    const snap = snapshotStack(new CourseStack(Testing.app(), 'course'), { includeDiagram: true });
    expect(Object.keys(snap)).toEqual(['terraform', 'files', 'dashboards', 'diagram']);
    expect(snap.diagram).toBe(diagram(new CourseStack(Testing.app(), 'course')));
  });
});
