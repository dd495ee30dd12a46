import { Testing } from 'cdktf';
import { PrometheusOnlyStack } from '../examples/prometheus-only/main';
import { containerFiles, haveTool, promtoolCheckConfig, promtoolCheckRules, rawFiles, synthJson } from './helpers/synth';

describe('examples synthesize and their configs pass the real tools', () => {
  test('prometheus-only', () => {
    const stack = new PrometheusOnlyStack(Testing.app(), 'prometheus-only');
    const json = synthJson(stack);
    const files = containerFiles(json, 'demo-prometheus');
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['/etc/prometheus/prometheus.yml', '/etc/prometheus/rules/red_payment-api.yml', '/etc/prometheus/rules/payment_api_alerts.yml']),
    );
    expect(rawFiles(json, 'demo-prometheus')['/etc/prometheus/secrets/payment-api.basic_auth_password']).toBe('${var.payment_api_scrape_password}');
    expect(json.variable?.payment_api_scrape_password).toMatchObject({ sensitive: true });
    if (haveTool('promtool')) {
      expect(promtoolCheckConfig(files).code).toBe(0);
      expect(promtoolCheckRules(files).code).toBe(0);
    }
  });
});
