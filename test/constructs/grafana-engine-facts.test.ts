/**
 * Grafana 13.2.3 (issue 19): the pinned image and its facts (test/fixtures/engines/grafana.json,
 * from Grafana's published sources), the jsonData key check itself (applied to every data source
 * in grafana-server.test.ts), and plugins preinstalled the way Grafana 13 reads them.
 */
import { GrafanaDataSources } from '../../constructs/grafana-data-sources';
import { GRAFANA_IMAGE, GrafanaServer } from '../../constructs/grafana-server';
import { ProfilingBackend } from '../../constructs/profiling-backend';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { TempoBackend } from '../../constructs/tempo-backend';
import { grafanaFacts as facts, jsonDataKeys, unknownKeys } from '../helpers/grafana-facts';
import { container, resources, synthJson, testStack } from '../helpers/synth';

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

test('with profiles too: every jsonData key of every data source type is one the pinned Grafana reads (Pyroscope, Tempo with tracesToProfiles)', () => {
  const stack = testStack();
  new GrafanaServer(stack, 'Grafana');
  new PrometheusServer(stack, 'Prometheus');
  new TempoBackend(stack, 'Tempo', { metricsGenerator: false });
  new ProfilingBackend(stack, 'Pyroscope');
  new GrafanaDataSources(stack, 'DataSources', { loki: { url: 'http://loki:3100' } });
  const sources = Object.values(resources(synthJson(stack), 'grafana_data_source'));
  expect(sources.map((d) => d.type).sort()).toEqual(['grafana-pyroscope-datasource', 'loki', 'prometheus', 'tempo']);
  for (const d of sources) {
    const type = String(d.type);
    expect(unknownKeys(JSON.parse(String(d.json_data_encoded).replace(/\$\$\{/g, '${')), jsonDataKeys(type), type)).toEqual([]);
  }
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
