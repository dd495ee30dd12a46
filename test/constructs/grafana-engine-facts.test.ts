/**
 * Grafana 13.2.3 (issues 19 and 17, "obsolete keys"): every jsonData key the library writes is
 * one the pinned Grafana's data source reads (fixture test/fixtures/engines/grafana.json, from
 * Grafana's published sources), Tempo's lokiSearch is gone, and plugins are preinstalled the
 * way Grafana 13 reads them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AlertRoute } from '../../constructs/alert-route';
import { Alertmanager } from '../../constructs/alertmanager';
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { GRAFANA_IMAGE, GrafanaServer } from '../../constructs/grafana-server';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Receiver } from '../../lib/alertmanager/receivers';
import { container, resources, synthJson, testStack } from '../helpers/synth';

const facts = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/engines/grafana.json'), 'utf8'));
type KeyTree = { [key: string]: true | 'string' | KeyTree };

/** Paths in `value` that `tree` does not have, and values of the wrong declared type. */
function unknownKeys(value: unknown, tree: KeyTree | true | 'string', at: string): string[] {
  if (tree === 'string') return typeof value === 'string' ? [] : [`${at} must be a string (Grafana declares it so), got ${JSON.stringify(value)}`];
  if (tree === true || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => (tree['[]'] ? unknownKeys(v, tree['[]'], `${at}[${i}]`) : [`${at} is a list where Grafana reads none`]));
  return Object.entries(value).flatMap(([k, v]) => (Object.prototype.hasOwnProperty.call(tree, k) ? unknownKeys(v, tree[k], `${at}.${k}`) : [`${at}.${k} is not read by the pinned Grafana`]));
}
function keysFor(type: string): KeyTree {
  const own = facts.jsonData[type];
  if (!own) throw new Error(`no facts for data source type ${type}: add its jsonData keys to test/fixtures/engines/grafana.json from Grafana's source`);
  return { ...facts.jsonData.common.keys, ...own.keys };
}

describe('Grafana facts', () => {
  test('the pinned image is the fixture\'s', () => {
    expect(`${GRAFANA_IMAGE.repository}:${GRAFANA_IMAGE.tag}`).toBe(facts.pinned.image);
    expect(`v${GRAFANA_IMAGE.tag}`).toBe(facts.pinned.tag);
  });

  test('the key check can fail: an unknown key, a list where none is read, a number where a string is declared', () => {
    expect(unknownKeys({ lokiSearch: { datasourceUid: 'loki' } }, { serviceMap: { datasourceUid: true } }, 'tempo')).toEqual(['tempo.lokiSearch is not read by the pinned Grafana']);
    expect(unknownKeys({ maxLines: 1000 }, { maxLines: 'string' }, 'loki')).toEqual(['loki.maxLines must be a string (Grafana declares it so), got 1000']);
    expect(unknownKeys({ a: [1] }, { a: { b: true } }, 'x')).toEqual(['x.a is a list where Grafana reads none']);
  });
});

describe('every jsonData key the data sources write is one the pinned Grafana reads', () => {
  const stack = testStack();
  new GrafanaServer(stack, 'Grafana');
  new PrometheusServer(stack, 'Prometheus');
  new AlertRoute(stack, 'Routing', { receiver: Receiver.webhook('hook', { url: 'http://hook:8080/' }) });
  new Alertmanager(stack, 'Alertmanager');
  new GrafanaDataSources(stack, 'DataSources', { loki: { url: 'http://loki:3100' }, tempo: { url: 'http://tempo:3200' } });
  const sources = Object.values(resources(synthJson(stack), 'grafana_data_source'));
  const jsonData = (d: Record<string, unknown>) => JSON.parse(String(d.json_data_encoded).replace(/\$\$\{/g, '${'));

  test('all four types are checked', () => {
    expect(sources.map((d) => d.type).sort()).toEqual(['alertmanager', 'loki', 'prometheus', 'tempo']);
  });
  test.each(['alertmanager', 'loki', 'prometheus', 'tempo'])('%s', (type) => {
    const d = sources.find((s) => s.type === type)!;
    expect(unknownKeys(jsonData(d), keysFor(type), type)).toEqual([]);
  });
  test('Tempo no longer writes lokiSearch (read only for legacy Loki-search queries)', () => {
    const tempo = jsonData(sources.find((s) => s.type === 'tempo')!);
    expect(tempo).not.toHaveProperty('lokiSearch');
    expect(Object.keys(facts.jsonData.tempo.notWritten)).toEqual(['lokiSearch']);
  });
  test('Loki maxLines is written as the string Grafana declares', () => {
    expect(jsonData(sources.find((s) => s.type === 'loki')!).maxLines).toBe('1000');
  });
});

describe('plugins for Grafana 13', () => {
  test('preinstalled synchronously (GF_INSTALL_PLUGINS is deprecated), versions as id@version, no auto-update of pinned plugins', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana', { plugins: ['grafana-clock-panel', 'grafana-piechart-panel 1.6.4', 'marcusolsson-json-datasource@1.3.24'] });
    const env = container(synthJson(stack), 'grafana').env as string[];
    expect(env).toContain('GF_PLUGINS_PREINSTALL_SYNC=grafana-clock-panel,grafana-piechart-panel@1.6.4,marcusolsson-json-datasource@1.3.24');
    expect(env.some((e) => e.startsWith('GF_INSTALL_PLUGINS='))).toBe(false);
  });
  test('an image older than 12.1.0 gets GF_INSTALL_PLUGINS, the only form it reads', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana', { image: 'grafana/grafana:11.5.0', plugins: ['grafana-clock-panel', 'marcusolsson-json-datasource@1.3.24'] });
    const env = container(synthJson(stack), 'grafana').env as string[];
    expect(env).toContain('GF_INSTALL_PLUGINS=grafana-clock-panel,marcusolsson-json-datasource 1.3.24');
    expect(env.some((e) => e.startsWith('GF_PLUGINS_PREINSTALL_SYNC='))).toBe(false);
  });
  test('the data source plugins the image ships are kept, not updated from the catalog on each start', () => {
    const stack = testStack();
    new GrafanaServer(stack, 'Grafana');
    expect(container(synthJson(stack), 'grafana').env).toContain('GF_PLUGINS_PREINSTALL_AUTO_UPDATE=false');
  });
});
