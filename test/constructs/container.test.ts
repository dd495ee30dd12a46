import { TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { Container, ContainerProps } from '../../constructs/container';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { secretVariable } from '../../lib/core/secrets';
import { KubernetesRuntime } from '../../lib/runtime/kubernetes-runtime';
import { container, containerFiles, haveTool, k8sResource, promtoolCheckConfig, rawFiles, resources, synthJson, synthString, testStack } from '../helpers/synth';

const warnings = (c: Container) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));

describe('Container: a generic container on the stack\'s runtime', () => {
  test('cAdvisor as it is usually run: privileged, /dev/kmsg, host mounts, published on 127.0.0.1, scraped', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus');
    const cadvisor = new Container(stack, 'Cadvisor', {
      image: 'gcr.io/cadvisor/cadvisor:v0.49.1',
      args: ['--docker_only=true'],
      extraArgs: ['--housekeeping_interval=30s'],
      ports: [{ name: 'http', containerPort: 8080 }],
      privileged: true,
      devices: [{ hostPath: '/dev/kmsg' }],
      hostMounts: [
        { hostPath: '/', containerPath: '/rootfs' },
        { hostPath: '/var/run', containerPath: '/var/run', readOnly: false },
        { hostPath: '/sys', containerPath: '/sys' },
        { hostPath: '/var/lib/docker', containerPath: '/var/lib/docker' },
      ],
      labels: { 'com.example.team': 'platform' },
      scrape: { labels: { team: 'platform' } },
    });
    const json = synthJson(stack);
    const c = container(json, 'cadvisor');
    expect(cadvisor.name).toBe('cadvisor');
    expect(cadvisor.node.defaultChild).toBe(cadvisor.resource);
    expect(c.command).toEqual(['--docker_only=true', '--housekeeping_interval=30s']);
    expect(c.privileged).toBe(true);
    expect(c.devices).toEqual([{ host_path: '/dev/kmsg' }]);
    expect(c.ports).toEqual([{ internal: 8080, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(c.mounts).toEqual(expect.arrayContaining([expect.objectContaining({ source: '/var/run', target: '/var/run', read_only: false })]));
    expect(c.labels).toEqual(expect.arrayContaining([{ label: 'com.example.team', value: 'platform' }]));
    expect(cadvisor.publishedUrl('http')).toBe('http://127.0.0.1:8080');
    const files = containerFiles(json, 'prometheus');
    const config = parse(files['/etc/prometheus/prometheus.yml']) as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[]; labels?: Record<string, string> }> }> };
    expect(config.scrape_configs.find((j) => j.job_name === 'cadvisor')?.static_configs).toEqual([{ targets: ['cadvisor:8080'], labels: { team: 'platform' } }]);
    if (haveTool('promtool')) expect(promtoolCheckConfig(files).code).toBe(0);
  });

  test('a Pushgateway on a kept volume, with capabilities, networks and a health check', () => {
    const stack = testStack();
    new Container(stack, 'Pushgateway', {
      image: 'prom/pushgateway:v1.9.0',
      args: ['--persistence.file=/data/metrics'],
      ports: [{ name: 'http', containerPort: 9091, hostPort: 19091 }],
      volumes: [{ name: 'data', path: '/data', volumeName: 'pushgateway_data' }],
      dropCapabilities: ['ALL'],
      addCapabilities: ['NET_BIND_SERVICE'],
      networks: ['legacy'],
      healthcheck: { test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:9091/-/ready'] },
    });
    const json = synthJson(stack);
    const c = container(json, 'pushgateway');
    expect(c.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect((c.networks_advanced as Array<{ name: string }>).map((n) => n.name)).toEqual([expect.stringMatching(/docker_network/), 'legacy']);
    expect(c.healthcheck).toMatchObject({ test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:9091/-/ready'] });
    expect(c.ports).toEqual([{ internal: 9091, external: 19091, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(Object.values(resources(json, 'docker_volume'))).toEqual([{ name: 'pushgateway_data', lifecycle: { prevent_destroy: true } }]);
  });

  test('a reverse proxy: its file uploaded and escaped for Terraform, secrets only as references', () => {
    const stack = testStack();
    const caddyfile = ':80 {\n  reverse_proxy grafana:3000\n  header X-Env {$ENV}\n  basicauth /admin/* {\n    admin ${ADMIN_HASH}\n  }\n}\n';
    new Container(stack, 'Proxy', {
      image: 'caddy:2.8.4',
      ports: [{ name: 'http', containerPort: 80, hostPort: 8080 }],
      files: [{ path: '/etc/caddy/Caddyfile', content: caddyfile }],
      env: { ENV: 'production' },
      secretEnv: { ADMIN_HASH: secretVariable(stack, 'proxy_admin_hash').stringValue },
    });
    const json = synthJson(stack);
    expect(rawFiles(json, 'proxy')['/etc/caddy/Caddyfile']).toContain('admin $${ADMIN_HASH}');
    expect(containerFiles(json, 'proxy')['/etc/caddy/Caddyfile']).toBe(caddyfile);
    expect(container(json, 'proxy').env).toEqual(['ADMIN_HASH=${var.proxy_admin_hash}', 'ENV=production']);
    expect(synthString(stack)).not.toMatch(/proxy_admin_hash"\s*:\s*\{[^}]*default/);
  });

  test('0.0.0.0 is allowed with the same warning as every construct; publish: false publishes nothing', () => {
    const stack = testStack();
    const open = new Container(stack, 'Open', { image: 'nginx:1.27.0', hostIp: '0.0.0.0', ports: [{ name: 'http', containerPort: 80, hostPort: 8081 }] });
    expect(warnings(open)).toEqual([expect.stringMatching(/port 8081 is published on every interface \(0\.0\.0\.0\)/)]);
    const closed = new Container(stack, 'Closed', { image: 'nginx:1.27.0', ports: [{ name: 'http', containerPort: 80, publish: false }] });
    expect(container(synthJson(stack), 'closed').ports).toEqual([]);
    expect(closed.endpoint('http').address).toBe('closed:80');
  });
});

describe('Container refuses bad input, naming the construct path', () => {
  const build = (props: Partial<ContainerProps>, before?: (s: TerraformStack) => void) => () => {
    const s = testStack();
    before?.(s);
    return new Container(s, 'App', { image: 'registry.example.com/app:1.2.3', ...props });
  };
  test.each([
    ['an unpinned image', { image: 'nginx:latest' }, /^\[test\/App\] image tag must be pinned \(got "nginx:latest"\)/],
    ['an image without a tag', { image: 'nginx' }, /image must be "repository:tag" with a pinned tag \(got "nginx"\)\. Use e\.g\. "nginx:<version>"/],
    ['a literal secret in env', { env: { DB_PASSWORD: 'hunter2' } }, /env DB_PASSWORD looks like a secret and must not be a literal \(got a literal string of 7 characters\)\. Put it in secretEnv as a reference/],
    ['a literal in secretEnv', { secretEnv: { API_KEY: 'abc' } }, /secretEnv API_KEY must not be a literal secret \(got a literal string of 3 characters\)/],
    ['a literal secret file', { files: [{ path: '/etc/app/token', content: 'abc', secret: true }] }, /files\[0\] \(\/etc\/app\/token\) is marked secret but its content is literal/],
    ['a bad health check', { healthcheck: { test: ['curl', 'x'] } }, /healthcheck\.test must start with "CMD" \(exec form\), "CMD-SHELL"/],
    ['a top-level hostPort', { hostPort: 80 }, /hostPort applies to one port; a Container has a host port per port \(got 80\)\. Set ports\[i\]\.hostPort instead/],
    ['scrape without a port', { scrape: {} }, /scrape needs a port serving metrics: the container has no port/],
    ['scrape of an unknown port', { ports: [{ name: 'http', containerPort: 80 }], scrape: { port: 'metrics' } }, /no port is named "metrics" \(ports: "http"\)/],
    ['a bad capability', { addCapabilities: ['net admin'] }, /addCapabilities entry is not a Linux capability name \(got "net admin"\)/],
    ['a relative device path', { devices: [{ hostPath: 'dev/kmsg' }] }, /devices\[0\]\.hostPath must be an absolute path \(got "dev\/kmsg"\)/],
    ['a bad network name', { networks: ['my net'] }, /network name is not a valid Docker network name \(got "my net"\)/],
    ['an invalid host ip', { hostIp: 'localhost', ports: [{ containerPort: 80 }] }, /ports 80: hostIp must be an IP address \(got "localhost"\)/],
  ] as const)('%s', (_name, props, message) => {
    expect(build(props as Partial<ContainerProps>)).toThrow(message);
  });

  test('scrape with no PrometheusServer in the stack', () => {
    expect(build({ ports: [{ containerPort: 9091 }], scrape: {} })).toThrow(/no PrometheusServer in this stack to scrape the container/);
  });

  test('on Kubernetes: privileged, devices and networks are refused; the rest maps', () => {
    const k8s = (s: TerraformStack) => new KubernetesRuntime(s, 'Kubernetes');
    expect(build({ privileged: true, devices: [{ hostPath: '/dev/kmsg' }], networks: ['legacy'] }, k8s)).toThrow(
      /privileged is a Docker option \(got true\)[^]*devices is a Docker option \(got \["\/dev\/kmsg"\]\)[^]*networks is a Docker option \(got \["legacy"\]\)/,
    );
    expect(build({ volumes: [{ name: 'data', path: '/data', volumeName: 'app_data' }] }, k8s)).toThrow(/volume names are a Docker option \(got \{"data":"app_data"\}\): the Kubernetes target keeps data in PersistentVolumeClaims/);
    expect(build({ ports: [{ containerPort: 80, publish: true }] }, k8s)).toThrow(/publishPorts is a Docker option; the Kubernetes target publishes nothing on a node/);
    const s = testStack();
    k8s(s);
    new Container(s, 'App', { image: 'registry.example.com/app:1.2.3', ports: [{ containerPort: 80 }], dropCapabilities: ['ALL'], secretEnv: { TOKEN: secretVariable(s, 'app_token').stringValue } });
    const main = k8sResource(synthJson(s), 'kubernetes_deployment_v1', 'app').spec.template.spec.container[0];
    expect(main.security_context.capabilities).toEqual({ drop: ['ALL'] });
    expect(main.env).toEqual([{ name: 'TOKEN', value_from: { secret_key_ref: { name: 'app-secret', key: 'env.TOKEN' } } }]);
  });
});
