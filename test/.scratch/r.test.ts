import { testStack } from '../helpers/synth';
import { LogAgent } from '../../constructs/log-agent';
test('r', () => {
  const s = testStack();
  const a = new LogAgent(s, 'A', { mountDockerSocket: true, lokiUrl: 'http://loki:3100/loki/api/v1/push', readHostLogs: true, scrapeMetrics: true, remoteWriteUrl: 'http://prometheus:9090/api/v1/write', tenantId: 't1', structuredMetadata: { user: 'user_id' } });
  console.log(a.renderConfig());
});
