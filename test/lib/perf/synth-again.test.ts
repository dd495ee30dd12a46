/**
 * Memory work of issue 16 must release nothing a later call needs: a stack synthesizes twice
 * to the same JSON, and a service added after a synth comes out as if it had been added before.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { addPlatformServices } from '../../../bench/platform-case';
import { ObservabilityStack } from '../../../stacks/observability-stack';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The platform case with `n` services, in an app writing to a fresh directory. */
function platform(n: number): { app: App; stack: ObservabilityStack; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-again-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  const stack = new ObservabilityStack(app, 'observability');
  addPlatformServices(stack, n);
  return { app, stack, outdir };
}

/** `app.synth()`, then the stack's cdk.tf.json (the output directory, part of the state path, replaced). */
function synthText(p: { app: App; stack: ObservabilityStack; outdir: string }): string {
  p.app.synth();
  return fs.readFileSync(path.join(p.outdir, 'stacks', p.stack.node.id, 'cdk.tf.json'), 'utf8').split(p.outdir).join('<out>');
}

/** Adds svc-<from> … svc-<to> exactly as addPlatformServices adds them (the same props). */
function addServices(stack: ObservabilityStack, from: number, to: number): void {
  const add = stack.addService.bind(stack);
  const only = Object.assign(Object.create(stack) as ObservabilityStack, {
    addService: (id: string, props: Parameters<ObservabilityStack['addService']>[1]) => (Number(id.slice('Svc'.length)) >= from ? add(id, props) : undefined),
  });
  addPlatformServices(only, to);
}

describe('synth again (issue 16: nothing a later call needs is released)', () => {
  test('a second synth writes the same JSON', () => {
    const p = platform(3);
    const first = synthText(p);
    expect(first).toContain('/etc/prometheus/rules/slo_svc_3_availability.yml');
    expect(synthText(p)).toBe(first);
  });

  test('services added after a synth come out as if they had been added before it', () => {
    const grown = platform(2);
    const before = synthText(grown);
    addServices(grown.stack, 3, 4);
    const after = synthText(grown);
    expect(after).not.toBe(before);
    expect(after).toContain('/etc/prometheus/rules/slo_svc_4_availability.yml');
    expect(after).toBe(synthText(platform(4)));
  });
});
