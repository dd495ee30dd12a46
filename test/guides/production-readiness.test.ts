// test/readiness.test.ts — the course's production checklist, as a gate in the pipeline.
import { Testing } from 'cdktf';
import { ObservabilityStack, Sli, belowLevel, readiness, readinessTable } from '@obs-stack/cdktf-observability';

function build() {
  const stack = new ObservabilityStack(Testing.app(), 'observability', {
    alertPack: { runbookBaseUrl: 'https://wiki.example.com/runbooks' },
  });
  stack.addService('Checkout', {
    service: 'checkout',
    team: 'shop',
    external: { address: 'checkout.internal:8080' },
    runbookBaseUrl: 'https://wiki.example.com/runbooks',
    slos: [{ name: 'availability', objective: 99.9, sli: Sli.availability({ selector: 'service="checkout"' }) }],
  });
  return stack;
}

// Items this environment accepts below the level, each with its reason written down.
const ACCEPTED: Record<string, string> = {
  'high-availability': 'one Docker host: replicas come with the Kubernetes target',
};

describe('production readiness', () => {
  const items = readiness(build());

  test('no item of the checklist fails (warnings are reviewed, not blocking)', () => {
    const failing = belowLevel(items, 'warn').filter((i) => !(i.id in ACCEPTED));
    // On failure the diff lists each item with its reasons, e.g. "service checkout has no SLO".
    expect(failing.map((i) => `${i.title}: ${i.reasons.join('; ')}`)).toEqual([]);
  });

  test('the table shows each item with its reasons', () => {
    expect(readinessTable(items)).toMatch(/SLOs for critical services.*service checkout: availability 99\.9%/);
  });
});
