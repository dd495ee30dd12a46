// Harness for end-to-end tests against real Prometheus and Alertmanager processes
// (Debian's packages) on 127.0.0.1 only. Every wait is bounded; everything started is
// stopped by PID in close(), even when a test fails.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const PROMETHEUS_BIN = 'prometheus';
export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

/** Whether both servers are installed; under CI=true a missing one is a failure. */
export function haveLiveTools(): boolean {
  const missing = [PROMETHEUS_BIN, ALERTMANAGER_BIN].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length && process.env.CI === 'true') throw new Error(`${missing.join(', ')} required in CI but not installed (.ci/run installs them with apt).`);
  if (missing.length) console.warn(`${missing.join(', ')} not installed: skipping live tests.`);
  return missing.length === 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves true when `p` settles within `ms`, false otherwise, leaving no timer behind. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([p.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

// Last resort: if the test process exits without close(), its children go with it.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Polls `check` every `everyMs` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function isReady(url: string): Promise<boolean | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok || undefined;
  } catch {
    return undefined;
  }
}

/** One Alertmanager webhook delivery. */
export interface Delivery {
  readonly at: number;
  readonly path: string;
  readonly body: { status: string; receiver: string; alerts: Array<{ status: string; labels: Record<string, string>; startsAt: string }> };
}

export interface Webhook {
  readonly port: number;
  readonly received: Delivery[];
  url(pathname?: string): string;
  /** Deliveries carrying an alert named `alertname` (optionally on one path). */
  deliveriesOf(alertname: string, pathname?: string): Delivery[];
}

export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  logs(): string;
  stop(): Promise<void>;
}

/** Tracks what a test file starts, and stops all of it. */
export class LiveRun {
  private readonly procs: Proc[] = [];
  private readonly servers: http.Server[] = [];
  private readonly dirs: string[] = [];

  public tempDir(prefix = 'obs-live-'): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  /** Writes files (paths relative to a fresh directory); returns the directory. */
  public writeFiles(files: Record<string, string>): string {
    const root = this.tempDir('obs-live-files-');
    for (const [f, content] of Object.entries(files)) {
      const target = path.join(root, f);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    return root;
  }

  public async startWebhook(): Promise<Webhook> {
    const received: Delivery[] = [];
    const server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        try {
          received.push({ at: Date.now(), path: req.url ?? '/', body: JSON.parse(data) });
        } catch {
          /* not JSON: ignore */
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.servers.push(server);
    const port = (server.address() as net.AddressInfo).port;
    return {
      port,
      received,
      url: (p = '/') => `http://127.0.0.1:${port}${p}`,
      deliveriesOf: (alertname, p) => received.filter((d) => (p === undefined || d.path === p) && d.body.alerts.some((a) => a.labels.alertname === alertname)),
    };
  }

  private async start(name: string, cmd: string, args: string[], port: number, readyPath: string, timeoutMs: number): Promise<Proc> {
    let output = '';
    const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    let exited = false;
    const exitedPromise = new Promise<void>((r) =>
      child.once('exit', () => {
        exited = true;
        children.delete(child);
        r();
      }),
    );
    const url = `http://127.0.0.1:${port}`;
    const proc: Proc = {
      name,
      pid: child.pid ?? -1,
      url,
      port,
      logs: () => output,
      stop: async () => {
        if (exited) return;
        child.kill('SIGTERM');
        if (!(await within(exitedPromise, 5000))) {
          child.kill('SIGKILL');
          await within(exitedPromise, 2000);
        }
      },
    };
    this.procs.push(proc);
    try {
      await waitFor(`${name} ready on ${url}${readyPath}`, async () => {
        if (exited) throw new Error(`${name} exited: ${output.slice(-1500)}`);
        return isReady(`${url}${readyPath}`);
      }, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- ${name} output ---\n${output.slice(-3000)}`);
    }
    return proc;
  }

  public async startPrometheus(configFile: string, extraArgs: string[] = [], timeoutMs = 30_000): Promise<Proc> {
    const port = await freePort();
    return this.start('prometheus', PROMETHEUS_BIN, [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${this.tempDir('obs-live-tsdb-')}`,
      // Without it the first notification is dropped while the Alertmanager is not yet discovered.
      '--rules.alert.resend-delay=1s',
      ...extraArgs,
    ], port, '/-/ready', timeoutMs);
  }

  public async startAlertmanager(configFile: string, options: { clusterPort?: number; peers?: number[]; port?: number } = {}, timeoutMs = 30_000): Promise<Proc> {
    const port = options.port ?? (await freePort());
    const cluster = options.clusterPort
      ? [
          `--cluster.listen-address=127.0.0.1:${options.clusterPort}`,
          `--cluster.advertise-address=127.0.0.1:${options.clusterPort}`,
          ...(options.peers ?? []).map((p) => `--cluster.peer=127.0.0.1:${p}`),
          '--cluster.gossip-interval=100ms',
          '--cluster.pushpull-interval=2s',
          '--cluster.peer-timeout=2s',
        ]
      : ['--cluster.listen-address='];
    return this.start(`alertmanager:${port}`, ALERTMANAGER_BIN, [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.path=${this.tempDir('obs-live-am-')}`,
      ...cluster,
    ], port, '/-/ready', timeoutMs);
  }

  public async close(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** Whether a process is gone. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
