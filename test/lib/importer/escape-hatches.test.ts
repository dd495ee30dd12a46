// The raw escape hatches the importer relies on: written as given, after the library's keys.
import { parse } from 'yaml';
import { AlertRoute, Alertmanager, BlackboxExporter, PrometheusServer, Receiver } from '../../../index';
import { containerFiles, synthJson, testStack } from '../../helpers/synth';

describe('raw escape hatches', () => {
  test('PrometheusServer rawConfig adds top-level keys; a scrape job\'s rawFields add job keys (and may stand for its discovery)', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', {
      rawConfig: { remote_write: [{ url: 'https://mimir.example.com/api/v1/push' }] },
      scrapeJobs: [{ jobName: 'files', rawFields: { file_sd_configs: [{ files: ['/etc/prometheus/targets/*.json'] }], proxy_url: 'http://proxy:3128' } }],
    });
    const doc = parse(containerFiles(synthJson(stack), 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(doc.remote_write).toEqual([{ url: 'https://mimir.example.com/api/v1/push' }]);
    expect(doc.scrape_configs.find((j: { job_name: string }) => j.job_name === 'files')).toEqual({ job_name: 'files', file_sd_configs: [{ files: ['/etc/prometheus/targets/*.json'] }], proxy_url: 'http://proxy:3128' });
  });

  test('PrometheusServer rawConfig.global merges into the library\'s global: scrape_native_histograms (Prometheus 3.8+) survives an imported global block', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', {
      enableNativeHistograms: true,
      rawConfig: { global: { query_log_file: '/prometheus/query.log', scrape_interval: '30s' } },
    });
    const doc = parse(containerFiles(synthJson(stack), 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(doc.global).toMatchObject({ query_log_file: '/prometheus/query.log', scrape_interval: '30s', scrape_native_histograms: true, evaluation_interval: '15s' });
  });

  test('AlertRoute rawConfig merges into global key by key; a receiver\'s rawConfigs add integrations', () => {
    const stack = testStack();
    new AlertRoute(stack, 'Routing', {
      receiver: { ...Receiver.webhook('hook', { url: 'http://hook:8080/' }), rawConfigs: { telegram_configs: [{ chat_id: 1 }] } },
      global: { resolveTimeout: '2m' },
      rawConfig: { global: { opsgenie_api_url: 'https://api.eu.opsgenie.com/' } },
      requireRouting: false,
    });
    new Alertmanager(stack, 'Alertmanager');
    const doc = parse(containerFiles(synthJson(stack), 'alertmanager')['/etc/alertmanager/alertmanager.yml']);
    expect(doc.global).toEqual({ resolve_timeout: '2m', opsgenie_api_url: 'https://api.eu.opsgenie.com/' });
    expect(doc.receivers[0]).toEqual({ name: 'hook', webhook_configs: [{ url: 'http://hook:8080/', send_resolved: true }], telegram_configs: [{ chat_id: 1 }] });
  });

  test('a blackbox module\'s rawFields add sections (a dns module may give its dns section raw)', () => {
    const stack = testStack();
    new BlackboxExporter(stack, 'Blackbox', { modules: { grpc: { prober: 'grpc', rawFields: { grpc: { service: 'health' } } }, dns: { prober: 'dns', rawFields: { dns: { query_name: 'example.com', recursion_desired: true } } } } });
    const doc = parse(containerFiles(synthJson(stack), 'blackbox-exporter')['/etc/blackbox_exporter/config.yml']);
    expect(doc.modules).toEqual({ grpc: { prober: 'grpc', timeout: '5s', grpc: { service: 'health' } }, dns: { prober: 'dns', timeout: '5s', dns: { query_name: 'example.com', recursion_desired: true } } });
  });
});
