import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { Observability } from '../../../lib/observability';
import { componentSpecProblems } from '../../../lib/runtime/component';
import { DockerRuntime } from '../../../lib/runtime/docker-runtime';
import { container, rawFiles, resources, synthJson, testStack } from '../../helpers/synth';

const IMAGE = { repository: 'ghcr.io/example/app', tag: '1.0.0' };

describe('DockerRuntime', () => {
  test('creates the provider and a shared bridge network; becomes the stack default', () => {
    const stack = testStack();
    const rt = new DockerRuntime(stack, 'Docker', { host: 'ssh://ops@host' });
    expect(Observability.of(stack).runtime).toBe(rt);
    const json = synthJson(stack);
    expect(json.provider?.docker).toEqual([{ host: 'ssh://ops@host' }]);
    expect(Object.values(resources(json, 'docker_network'))).toEqual([expect.objectContaining({ name: 'observability', driver: 'bridge' })]);
  });

  test('createProvider: false leaves the provider to the user', () => {
    const stack = testStack();
    new DockerProvider(stack, 'MyDocker', { host: 'tcp://docker:2376' });
    new DockerRuntime(stack, 'Docker', { createProvider: false });
    expect(synthJson(stack).provider?.docker).toEqual([{ host: 'tcp://docker:2376' }]);
  });

  test('renders a full component spec', () => {
    const stack = testStack();
    const rt = new DockerRuntime(stack, 'Docker');
    const secret = new TerraformVariable(stack, 'api_key', { type: 'string', sensitive: true });
    const d = rt.deploy(new Construct(stack, 'App'), {
      name: 'app',
      image: IMAGE,
      entrypoint: ['/bin/app'],
      args: ['--listen=:8080', '--greeting=${HOME}'],
      env: { B: '2', A: '1', API_KEY: secret.stringValue },
      files: [{ path: '/etc/app/app.conf', content: 'value: "${1}"\nkey: ' + secret.stringValue, secret: true }],
      ports: [{ name: 'http', containerPort: 8080, publish: { hostPort: 18080 } }, { name: 'admin', containerPort: 9000 }],
      volumes: [{ name: 'data', path: '/var/lib/app' }],
      healthcheck: { test: ['CMD', 'true'], interval: '5s' },
      labels: { 'prometheus.scrape': 'true' },
      user: '1000:1000',
      resources: { memoryMiB: 256, cpuShares: 512 },
      addCapabilities: ['NET_RAW'],
    });
    const json = synthJson(stack);
    const c = container(json, 'app');
    expect(c).toMatchObject({
      entrypoint: ['/bin/app'],
      command: ['--listen=:8080', '--greeting=$${HOME}'],
      env: ['A=1', 'API_KEY=${var.api_key}', 'B=2'],
      user: '1000:1000',
      memory: 256,
      cpu_shares: 512,
      restart: 'unless-stopped',
      must_run: true,
      capabilities: { add: ['NET_RAW'] },
      ports: [{ internal: 8080, external: 18080, ip: '127.0.0.1', protocol: 'tcp' }],
      healthcheck: { test: ['CMD', 'true'], interval: '5s', timeout: '5s', retries: 5, start_period: '10s' },
      labels: [
        { label: 'com.obs-stack.component', value: 'app' },
        { label: 'prometheus.scrape', value: 'true' },
      ],
    });
    expect(rawFiles(json, 'app')['/etc/app/app.conf']).toBe('value: "$${1}"\nkey: ${var.api_key}');
    expect(Object.values(resources(json, 'docker_volume'))).toEqual([expect.objectContaining({ name: 'app-data' })]);
    expect(d.endpoint('admin')).toEqual({ host: 'app', port: 9000, address: 'app:9000', url: 'http://app:9000' });
    expect(d.publishedUrl('http')).toBe('http://127.0.0.1:18080');
    expect(d.publishedUrl('admin')).toBeUndefined();
    expect(() => d.endpoint('grpc')).toThrow(/\[test\/App\] component app has no port named "grpc" \(it has http, admin\)/);
  });

  test('spec problems are reported with messages', () => {
    expect(
      componentSpecProblems({
        name: 'Bad Name',
        image: { repository: 'x', tag: 'latest' },
        ports: [{ name: 'a', containerPort: 70000 }, { name: 'a', containerPort: 1 }],
        files: [{ path: 'relative.yml', content: '' }],
        volumes: [{ name: 'd', path: '/a' }, { name: 'd', path: '/b' }],
      }),
    ).toEqual([
      expect.stringMatching(/component name "Bad Name" is not a valid container\/host name/),
      expect.stringMatching(/image x must have a pinned tag \(got "latest"\)/),
      expect.stringMatching(/container port of "a" must be an integer between 1 and 65535 \(got 70000\)/),
      expect.stringMatching(/port name "a" is used twice/),
      expect.stringMatching(/config file path must be absolute \(got "relative.yml"\)/),
      expect.stringMatching(/volume name "d" is used twice/),
    ]);
  });

  test('a bad name prefix', () => {
    expect(() => new DockerRuntime(testStack(), 'Docker', { namePrefix: 'Prod_' })).toThrow(/\[test\/Docker\] namePrefix "Prod_" is not valid in a container name/);
  });
});
