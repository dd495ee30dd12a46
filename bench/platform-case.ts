import { Receiver } from '../lib/alertmanager/receivers';
import { Sli } from '../lib/slo/sli';
import type { ObservabilityStack } from '../stacks/observability-stack';

/**
 * The services of the platform case (issue 16): `svc-1` … `svc-N`, each with a container, a
 * scrape job, RED rules, ServiceDown, an availability SLO, a RED dashboard and a team route.
 * Shared by the synth bench and the tests that check the files of that case.
 */
export function addPlatformServices(stack: ObservabilityStack, n: number): void {
  for (let i = 1; i <= n; i++) {
    const name = `svc-${i}`;
    stack.addService(`Svc${i}`, {
      service: name,
      team: `team-${i}`,
      container: { image: 'ghcr.io/example/app:1.0.0', port: 8080, publishPort: false },
      runbookBaseUrl: 'https://wiki.example.com/runbooks',
      receiver: Receiver.webhook(`team-${i}`, { url: `http://team-${i}-bot:8080/alerts` }),
      slos: [{ name: 'availability', objective: 99.9, sli: Sli.availability({ selector: `service="${name}"` }) }],
    });
  }
}
