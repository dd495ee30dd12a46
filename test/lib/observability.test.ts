import { Construct } from 'constructs';
import { PrometheusServer } from '../../constructs/prometheus-server';
import { Observability } from '../../lib/observability';
import { DockerRuntime } from '../../lib/runtime/docker-runtime';
import { resources, synthJson, testStack } from '../helpers/synth';

describe('Observability registry', () => {
  test('one registry per stack, created on first use', () => {
    const stack = testStack();
    const a = Observability.of(new Construct(stack, 'A'));
    expect(Observability.of(stack)).toBe(a);
    expect(Observability.of(testStack('other'))).not.toBe(a);
  });

  test('a component without a runtime gets a default DockerRuntime, created once', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'P1', { name: 'p1', hostPort: 9090 });
    new PrometheusServer(stack, 'P2', { name: 'p2', hostPort: 9091 });
    const json = synthJson(stack);
    expect(Object.keys(resources(json, 'docker_network'))).toHaveLength(1);
    expect(json.provider?.docker).toHaveLength(1);
    expect(Observability.of(stack).find('prometheus')).toHaveLength(2);
  });

  test('the first runtime created becomes the default; useRuntime after the default was created is refused', () => {
    const stack = testStack();
    const rt = new DockerRuntime(stack, 'Docker');
    expect(Observability.of(stack).runtime).toBe(rt);
    const late = testStack('late');
    void Observability.of(late).runtime;
    expect(() => Observability.of(late).useRuntime(new DockerRuntime(late, 'Other', { createProvider: false, networkName: 'x' }))).toThrow(/already created its default Docker runtime/);
  });

  test('an explicit runtime prop wins over the stack default', () => {
    const stack = testStack();
    new DockerRuntime(stack, 'Docker');
    const edge = new DockerRuntime(stack, 'Edge', { createProvider: false, networkName: 'edge', namePrefix: 'edge-' });
    new PrometheusServer(stack, 'P', { runtime: edge });
    const json = synthJson(stack);
    expect(Object.values(resources(json, 'docker_container')).map((c) => c.name)).toEqual(['edge-prometheus']);
  });

  test('the registry takes no id a user would pick: a construct named "Observability" works', () => {
    const stack = testStack();
    new Construct(stack, 'Observability');
    new PrometheusServer(stack, 'Prometheus');
    expect(Object.values(resources(synthJson(stack), 'docker_container')).map((c) => c.name)).toEqual(['prometheus']);
  });
});
