import { Container, ContainerConfig } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import fc from 'fast-check';
import { DefaultTokenResolver, Lazy, StringConcat, TerraformOutput, TerraformResource, TerraformStack, Testing, Tokenization } from 'cdktf';
import { DockerContainer, DockerContainerResource, produced, withoutUnset } from '../../../lib/runtime/docker-container';
import { testStack } from '../../helpers/synth';

/** Every attribute of docker_container 3.6.2 set, blocks included, and the edge cases of single blocks. */
function fullConfig(stack: TerraformStack, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  const provider = new DockerProvider(stack, 'P', { alias: 'other' });
  const dep = new TerraformResource(stack, 'Dep', { terraformResourceType: 'null_resource' });
  return {
    provider,
    dependsOn: [dep],
    lifecycle: { createBeforeDestroy: true, ignoreChanges: ['env'] },
    attach: false, cgroupParent: 'cg', cgroupnsMode: 'private', command: ['a', '${x}'], containerReadRefreshTimeoutMilliseconds: 15000,
    cpuPeriod: 1, cpuQuota: 2, cpuSet: '0-1', cpuShares: 512, cpus: '1.5', destroyGraceSeconds: 3, dns: ['1.1.1.1'], dnsOpts: ['ndots:2'],
    dnsSearch: ['x'], domainname: 'd', entrypoint: ['/bin/sh'], env: ['A=1'], gpus: 'all', groupAdd: ['g'], hostname: 'h', image: 'img',
    init: true, ipcMode: 'private', logDriver: 'json-file', logOpts: { 'max-size': '10m' }, logs: true, maxRetryCount: 4, memory: 256,
    memorySwap: 512, mustRun: true, name: 'c', networkMode: 'bridge', pidMode: 'host', privileged: false, publishAllPorts: false, readOnly: true,
    removeVolumes: true, restart: 'unless-stopped', rm: false, runtime: 'runc', securityOpts: ['no-new-privileges'], shmSize: 64, start: true,
    stdinOpen: false, stopSignal: 'SIGTERM', stopTimeout: 10, storageOpts: { size: '1G' }, sysctls: { 'net.ipv4.ip_forward': '1' },
    tmpfs: { '/tmp': 'rw' }, tty: false, user: '1000', usernsMode: 'host', wait: true, waitTimeout: 60, workingDir: '/w',
    capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
    devices: [{ hostPath: '/dev/x', containerPath: '/dev/y', permissions: 'rwm' }],
    healthcheck: { test: ['CMD', 'true'], interval: '5s', retries: 3, startInterval: '1s', startPeriod: '2s', timeout: '1s' },
    host: [{ host: 'h', ip: '10.0.0.1' }],
    labels: [{ label: 'a', value: 'b' }],
    mounts: [{ target: '/m', type: 'bind', source: '/s', readOnly: true, bindOptions: { propagation: 'rprivate' } }],
    networksAdvanced: [{ name: 'n', aliases: ['x'], ipv4Address: '10.0.0.2' }],
    ports: [{ internal: 80, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }],
    ulimit: [{ name: 'nofile', soft: 1, hard: 2 }],
    upload: [{ file: '/f', content: 'c', executable: true }],
    volumes: [{ volumeName: 'v', containerPath: '/v', readOnly: false }],
    ...extra,
  };
}

/** The same config through the generated class and through DockerContainer: the same JSON and HCL. */
function both(extra: (stack: TerraformStack) => Partial<ContainerConfig>): { generated: [string, string]; lean: [string, string] } {
  const a = testStack('s');
  new Container(a, 'Resource', fullConfig(a, extra(a)));
  const b = testStack('s');
  new DockerContainer(b, 'Resource', fullConfig(b, extra(b)));
  return { generated: [Testing.synth(a), Testing.synthHcl(a)], lean: [Testing.synth(b), Testing.synthHcl(b)] };
}

describe('DockerContainer: the generated Container without its eager reference objects (issue 16)', () => {
  test.each([
    ['every attribute set', () => ({})],
    ['empty single blocks ({} capabilities and healthcheck)', () => ({ capabilities: {}, healthcheck: {} as never })],
    ['single blocks with only undefined fields', () => ({ capabilities: { add: undefined, drop: undefined } })],
    ['no blocks at all', () => ({ capabilities: undefined, devices: undefined, healthcheck: undefined, host: undefined, labels: undefined, mounts: undefined, networksAdvanced: undefined, ports: undefined, ulimit: undefined, upload: undefined, volumes: undefined })],
    ['blocks given as tokens', () => ({ upload: Lazy.anyValue({ produce: () => [{ file: '/l', content: 'lazy' }] }), labels: produced('here', () => [{ label: 'p', value: 'q' }]) as never })],
  ])('%s: the same JSON and HCL as the generated class', (_name, extra) => {
    const { generated, lean } = both(extra);
    expect(lean).toEqual(generated);
  });

  test('escape-hatch overrides (set, delete, nested) land the same as on the generated class', () => {
    const synth = (make: (stack: TerraformStack) => TerraformResource) => {
      const stack = testStack('s');
      const c = make(stack);
      c.addOverride('restart', 'always');
      c.addOverride('wait_timeout', undefined);
      c.addOverride('healthcheck.retries', 9);
      c.addOverride('log_driver', 'local');
      c.addOverride('upload', [{ file: '/o', content: 'over' }]);
      return Testing.synth(stack);
    };
    expect(synth((s) => new DockerContainer(s, 'Resource', fullConfig(s)))).toEqual(synth((s) => new Container(s, 'Resource', fullConfig(s))));
  });

  test('withoutUnset: cdktf resolves a value and its copy without unset entries to the same JSON', () => {
    const stack = testStack();
    const lazy = Lazy.anyValue({ produce: () => ({ a: 1, b: undefined }) });
    const leaf = fc.constantFrom<unknown>(undefined, null, 0, 'x', '', true, [], {}, lazy, produced('here', () => [undefined, 'p']), Lazy.stringValue({ produce: () => 's' }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c_d', 'eF'), tie('v'), { maxKeys: 4 })),
    })).v;
    const resolve = (v: unknown) => JSON.stringify(Tokenization.resolve(v, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }));
    fc.assert(
      fc.property(value, (v) => {
        const before = resolve(v);
        expect(resolve(withoutUnset(v))).toBe(before);
        expect(resolve(v)).toBe(before); // the value itself is left as it was
      }),
      { numRuns: 500, seed: 1602 },
    );
  });

  test('is a Container with its accessors; a block holder is made only when read', () => {
    const stack = testStack();
    const c = new DockerContainer(stack, 'Resource', { name: 'c', image: 'img', labels: [{ label: 'a', value: 'b' }] }) as DockerContainerResource;
    expect(c).toBeInstanceOf(Container);
    expect(c.terraformResourceType).toBe('docker_container');
    Testing.synth(stack);
    // Not read yet: still the lazy accessor, no holder (and no captured stack trace) made.
    expect(typeof Object.getOwnPropertyDescriptor(c, '_labels')?.get).toBe('function');
    expect(c.nameInput).toBe('c');
    new TerraformOutput(stack, 'name', { value: c.name });
    new TerraformOutput(stack, 'label', { value: c.labels.get(0).label });
    new TerraformOutput(stack, 'ip', { value: c.networkData.get(0).ipAddress });
    expect(c.labelsInput).toEqual([{ label: 'a', value: 'b' }]);
    c.putUpload([{ file: '/x', content: 'y' }]);
    c.restart = 'always';
    const json = JSON.parse(Testing.synth(stack)) as { resource: { docker_container: { Resource: Record<string, unknown> } }; output: Record<string, { value: string }> };
    expect(json.resource.docker_container.Resource).toMatchObject({ upload: [{ file: '/x', content: 'y' }], restart: 'always', labels: [{ label: 'a', value: 'b' }] });
    expect([json.output.name.value, json.output.label.value, json.output.ip.value]).toEqual(['${docker_container.Resource.name}', '${tolist(docker_container.Resource.labels).0.label}', '${docker_container.Resource.network_data[0].ip_address}']);
  });

  test('produced(): resolved at synth each time; a failure names where it was made', () => {
    const stack = testStack();
    let n = 0;
    new DockerContainer(stack, 'Resource', {
      name: 'c',
      image: 'img',
      env: [produced('test/Resource env', () => `N=${++n}`) as unknown as string],
      labels: produced('test/Resource labels', () => {
        throw new Error('no labels');
      }) as never,
    });
    expect(() => Testing.synth(stack)).toThrow(/no labels[\s\S]*Object creation stack:\n {2}at test\/Resource labels/);
  });
});
