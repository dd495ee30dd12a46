/**
 * Memory timeline of a synth (issue 16), preloaded into a bench child:
 *
 *   node -r ./dist/bench/mem-hook.js dist/bench/synth-bench.js --case platform --n 1000 --side library --synth app
 *
 * Wraps cdktf's `prepareStack` / `toTerraform` and the write of cdk.tf.json at run time and
 * prints, on stderr at exit, after each phase: RSS, the heap (old, large-object and new
 * spaces), and the peak RSS so far. Options (environment):
 *
 *   MEM_GC=1 (with node --expose-gc)   a full collection before each reading: what is alive
 *   MEM_SNAPSHOT=<phase> MEM_OUT=<dir>  a heap snapshot at that phase (e.g. before-prepare)
 *   MEM_ALLOC=<from>:<to> MEM_OUT=<dir> an allocation profile between two phases (a
 *                                       .heapprofile); MEM_ALLOC_MINOR=0 leaves out what
 *                                       scavenges freed, so it shows what reached the old space
 *
 * Phases: after-load-cdktf, before-prepare, after-prepare, before-toTerraform,
 * after-toTerraform, after-stringify, after-write, exit.
 */
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';

const MiB = 1024 * 1024;
const rows: string[] = [];
const gc = process.env.MEM_GC ? (globalThis as { gc?: () => void }).gc : undefined;
const snapshotAt = process.env.MEM_SNAPSHOT;
const t0 = Date.now();

const [allocFrom, allocTo] = (process.env.MEM_ALLOC ?? '').split(':');
const inspector = require('inspector') as typeof import('inspector');
let session: import('inspector').Session | undefined;

function post(method: string, params?: object): unknown {
  let result: unknown;
  let error: Error | null = null;
  session!.post(method, params ?? {}, (err, res) => {
    error = err;
    result = res;
  });
  if (error) throw error;
  return result;
}

function mark(phase: string): void {
  if (phase === allocFrom) {
    session = new inspector.Session();
    session.connect();
    post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: process.env.MEM_ALLOC_MINOR !== '0' });
  }
  if (phase === allocTo && session) {
    const { profile } = post('HeapProfiler.stopSampling') as { profile: unknown };
    require('fs').writeFileSync(path.join(process.env.MEM_OUT ?? os.tmpdir(), `${allocFrom}-${allocTo}.heapprofile`), JSON.stringify(profile));
    session.disconnect();
    session = undefined;
  }
  if (gc) gc();
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS / 1024;
  const f = (x: number, w = 4) => (x / MiB).toFixed(0).padStart(w);
  const space = (name: string) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name)?.space_used_size ?? 0;
  rows.push(
    `${phase.padEnd(20)} t=${String(Date.now() - t0).padStart(6)}ms rss=${f(m.rss)} heapUsed=${f(m.heapUsed)} (old ${f(space('old_space'))} large ${f(space('large_object_space'))} new ${f(space('new_space'), 3)}) heapTotal=${f(m.heapTotal)} external=${f(m.external, 3)} peakSoFar=${peak.toFixed(0)}`,
  );
  if (snapshotAt === phase) rows.push(`  snapshot ${v8.writeHeapSnapshot(path.join(process.env.MEM_OUT ?? os.tmpdir(), `${phase}.heapsnapshot`))}`);
}

type Proto = Record<string, (...a: unknown[]) => unknown>;
function wrap(proto: Proto, name: string, before: string, after: string): void {
  const original = proto[name];
  proto[name] = function (this: unknown, ...a: unknown[]) {
    mark(before);
    const r = original.apply(this, a);
    mark(after);
    return r;
  };
}

const cdktf = require('cdktf') as typeof import('cdktf');
mark('after-load-cdktf');
wrap(cdktf.TerraformStack.prototype as unknown as Proto, 'prepareStack', 'before-prepare', 'after-prepare');
wrap(cdktf.TerraformStack.prototype as unknown as Proto, 'toTerraform', 'before-toTerraform', 'after-toTerraform');
const fsModule = require('fs') as Proto;
const write = fsModule.writeFileSync;
fsModule.writeFileSync = function (this: unknown, file: unknown, ...rest: unknown[]) {
  const isStack = typeof file === 'string' && file.endsWith('cdk.tf.json');
  if (isStack) mark('after-stringify');
  const r = write.call(this, file, ...rest);
  if (isStack) mark('after-write');
  return r;
};
process.on('exit', () => {
  mark('exit');
  process.stderr.write(`${rows.join('\n')}\n`);
});
