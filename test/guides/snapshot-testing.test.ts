// test/observability.test.ts — the infrastructure of the pull request, reviewed as text.
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { ObservabilityStack, snapshotStack } from '@obs-stack/cdktf-observability';

function build() {
  const stack = new ObservabilityStack(Testing.app(), 'observability', {
    alertPack: { runbookBaseUrl: 'https://wiki.example.com/runbooks' },
  });
  stack.addService('Checkout', {
    service: 'checkout',
    team: 'shop',
    external: { address: 'checkout.internal:8080' },
    runbookBaseUrl: 'https://wiki.example.com/runbooks',
  });
  return stack;
}

describe('observability stack', () => {
  const snapshot = snapshotStack(build());

  // One snapshot for the whole stack: the diff of a pull request shows the changed line of
  // prometheus.yml or alertmanager.yml, not a change inside an escaped JSON string.
  test('matches the reviewed snapshot', () => {
    expect(snapshot).toMatchSnapshot();
  });

  // Fine-grained checks for what must never change silently.
  test('no port is published on every interface', () => {
    expect(JSON.stringify(snapshot.terraform)).not.toMatch(/"ip":"(0\.0\.0\.0|::)"/);
  });

  test('Prometheus scrapes checkout with its team label', () => {
    const config = parse(snapshot.files['prometheus:/etc/prometheus/prometheus.yml']);
    const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'checkout');
    expect(job.static_configs[0].labels).toEqual({ service: 'checkout', team: 'shop' });
  });

  test('Grafana keeps its data volume', () => {
    expect(Testing.synth(build())).toHaveResourceWithProperties({ tfResourceType: 'docker_volume' }, { name: 'grafana-data' });
  });
});
