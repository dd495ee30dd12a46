/**
 * Host access through a Docker address (issue 13, class 7): the `unix://` path of dockerHost
 * and dockerDiscovery.host is bind-mounted into Alloy (root) or Prometheus, so only a socket
 * path may be accepted; never a host folder or file, never a `..` escape.
 */
import fc from 'fast-check';
import { LogAgent } from '../../../constructs/log-agent';
import { PrometheusServer } from '../../../constructs/prometheus-server';
import { ValidationError } from '../../../lib/core/errors';
import { container, synthJson, testStack } from '../../helpers/synth';

const SEGMENTS = ['etc', 'shadow', 'passwd', '..', '.', '', 'var', 'run', 'docker.sock', 'user', '1000', 'home', 'me', '.docker', 'root', 'proc', 'x.sock', 'sock', ' '];
const address = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 6 }).map((s) => `unix:///${s.join('/')}`);
const SAFE = (path: string) => path.endsWith('.sock') && !path.split('/').slice(1).some((s) => ['', '.', '..'].includes(s)) && /^\/(var\/run|run|home\/[^/]+\/\.docker|Users\/[^/]+\/\.docker|home\/[^/]+\/\.colima)\//.test(path);

/** The host paths a container mounts. */
function mounts(json: ReturnType<typeof synthJson>, name: string): string[] {
  return ((container(json, name).mounts ?? []) as Array<{ source: string }>).map((m) => m.source);
}

describe('Docker socket paths (property)', () => {
  test('LogAgent.dockerHost: a ValidationError, or a mounted *.sock under a runtime directory', () => {
    fc.assert(
      fc.property(address, (dockerHost) => {
        const stack = testStack();
        let json;
        try {
          new LogAgent(stack, 'Agent', { mountDockerSocket: true, dockerHost, lokiUrl: 'http://loki:3100/loki/api/v1/push' });
          json = synthJson(stack);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect((e as Error).message).toMatch(/dockerHost must be (a Docker socket|unix:\/\/\/path)/);
          return;
        }
        for (const source of mounts(json, 'alloy')) expect(SAFE(source)).toBe(true);
      }),
      { numRuns: 150, seed: 1307 },
    );
  });

  test('PrometheusServer.dockerDiscovery.host: a ValidationError, or a mounted *.sock under a runtime directory', () => {
    fc.assert(
      fc.property(address, (host) => {
        const stack = testStack();
        try {
          new PrometheusServer(stack, 'Prometheus', { mountDockerSocket: true, dockerDiscovery: { host } });
        } catch (e) {
          expect((e as Error).message).toMatch(/dockerDiscovery\.host must be a Docker socket/);
          return;
        }
        for (const source of mounts(synthJson(stack), 'prometheus')) expect(SAFE(source)).toBe(true);
      }),
      { numRuns: 150, seed: 1308 },
    );
  });

  test.each(['unix:///var/run/docker.sock', 'unix:///run/user/1000/docker.sock', 'unix:///home/me/.docker/run/docker.sock', 'unix:///Users/me/.docker/run/docker.sock'])('accepts %s', (dockerHost) => {
    const stack = testStack();
    new LogAgent(stack, 'Agent', { mountDockerSocket: true, dockerHost, lokiUrl: 'http://loki:3100/loki/api/v1/push' });
    expect(mounts(synthJson(stack), 'alloy')).toContain(dockerHost.slice('unix://'.length));
  });
});
