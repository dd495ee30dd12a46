/**
 * Synth benchmark: wall time and peak memory of synthesizing library stacks, next to a
 * baseline that builds the same Docker resources with raw `@cdktf/provider-docker` classes.
 *
 *   npm run bench                      # build, then every case, 3 runs each
 *   node dist/bench/synth-bench.js --repeat 5 --quick   # skip N=1000
 *   node dist/bench/synth-bench.js --no-testing         # skip the Testing.synth table
 *
 * Each measurement runs in a fresh child process (this file with `--case`), so module
 * loading, JIT warm-up and peak RSS are per case. See bench/README.md.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `baseline`: the same Docker resources built with raw classes from counts (small models);
 * `replay`: the library's own synthesized JSON replayed through raw cdktf provider classes
 * (the fair baseline: same resources, same final attribute values, as plain strings).
 */
type Side = 'library' | 'baseline' | 'replay';
type SynthMode = 'app' | 'testing';

const RESOURCE_TYPES = ['docker_container', 'docker_image', 'docker_network', 'docker_volume', 'grafana_dashboard'] as const;
type ResourceType = (typeof RESOURCE_TYPES)[number];
type Counts = Record<ResourceType, number>;

/** What the library case built, so the baseline can build the same. */
interface Shape {
  readonly counts: Counts;
  /** Scrape jobs in prometheus.yml. */
  readonly jobs: number;
  /** Rule groups (one rule file each). */
  readonly ruleGroups: number;
}

/** One child's measurement (one JSON line on stdout). */
interface ChildResult {
  readonly case: string;
  readonly side: Side;
  readonly synth: SynthMode;
  readonly n: number;
  /** Loading cdktf, the provider classes (and the library) — not part of total. */
  readonly loadMs: number;
  /** Constructing the stack (constructs, validation at add time). */
  readonly buildMs: number;
  /** `app.synth()` (resolve, validate, write cdktf.out) or `Testing.synth(stack)`. */
  readonly synthMs: number;
  /** buildMs + synthMs. */
  readonly totalMs: number;
  /** Peak RSS of the child (process.resourceUsage().maxRSS), MiB, at its end (after it reads the JSON back). */
  readonly peakRssMiB: number;
  /**
   * Since the process started (node start, loading, building, synth) to the end of synth,
   * ms: what a user's `cdktf synth` process takes, without the bench's read-back of the JSON.
   */
  readonly processMs: number;
  /** Peak RSS when synth ended, before the bench reads the JSON back, MiB. */
  readonly peakAtSynthMiB: number;
  /** User + system CPU time of the whole child (loading included), ms: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  /** RSS after loading modules, before building, MiB. */
  readonly rssAfterLoadMiB: number;
  /** Size of the synthesized Terraform JSON. */
  readonly jsonBytes: number;
  readonly shape: Shape;
  readonly resources: number;
}

interface CaseSpec {
  /**
   * `course` (the default CourseStack), `services` (generated: container, scrape job, RED
   * rules) or `platform` (ObservabilityStack with N MonitoredServices, each with a scrape
   * job, RED rules, alerts, an SLO, a dashboard and a team route; N = 0 is the full stack).
   */
  readonly name: 'course' | 'services' | 'platform' | 'multistack';
  readonly n: number;
}

// ---------------------------------------------------------------------------------------
// Argument parsing
// ---------------------------------------------------------------------------------------

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function intArg(args: string[], flag: string, fallback: number): number {
  const v = argValue(args, flag);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer (got ${JSON.stringify(v)})`);
  return n;
}

// ---------------------------------------------------------------------------------------
// Child: build and synthesize one case, print one JSON line
// ---------------------------------------------------------------------------------------

const MiB = 1024; // maxRSS is in KiB

function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

function ms(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

function countResources(json: { resource?: Record<string, Record<string, unknown>> }): Counts {
  const counts = {} as Counts;
  for (const t of RESOURCE_TYPES) counts[t] = Object.keys(json.resource?.[t] ?? {}).length;
  return counts;
}

/** prometheus.yml built by plain concatenation: no model, no validation, no YAML library. */
function rawPrometheusYaml(jobs: number): string {
  let s = '# hand-written\nglobal:\n  scrape_interval: 15s\n  scrape_timeout: 10s\n  evaluation_interval: 15s\nrule_files:\n  - rules/*.yml\nscrape_configs:\n';
  s += '  - job_name: prometheus\n    static_configs:\n      - targets:\n          - localhost:9090\n';
  for (let i = 1; i < jobs; i++) {
    s += `  - job_name: svc-${i}\n    static_configs:\n      - targets:\n          - svc-${i}:8080\n        labels:\n          service: svc-${i}\n`;
  }
  return s;
}

/** One RED rule file (three recording rules), as the library renders them. */
function rawRedRuleFile(i: number): string {
  const sel = `service="svc-${i}"`;
  return (
    `# hand-written\ngroups:\n  - name: red_svc-${i}\n    interval: 30s\n    rules:\n` +
    `      - record: service:http_requests:rate5m\n        expr: sum by (service) (rate(http_requests_total{${sel}}[5m]))\n` +
    `      - record: service:http_errors:ratio5m\n        expr: |-\n          sum by (service) (rate(http_requests_total{${sel}, status=~"5.."}[5m]))\n          /\n          sum by (service) (rate(http_requests_total{${sel}}[5m]))\n` +
    `      - record: service:http_latency:p99_5m\n        expr: |-\n          histogram_quantile(0.99,\n            sum by (service, le) (rate(http_request_duration_seconds_bucket{${sel}}[5m]))\n          )\n`
  );
}

async function runChild(args: string[]): Promise<void> {
  const caseName = argValue(args, '--case') as CaseSpec['name'];
  const side = (argValue(args, '--side') ?? 'library') as Side;
  const synth = (argValue(args, '--synth') ?? 'app') as SynthMode;
  const n = intArg(args, '--n', 0);
  const shapeArg = argValue(args, '--shape');
  /** Keep a copy of the synthesized cdk.tf.json here (to compare outputs before/after a change). */
  const keep = argValue(args, '--keep');

  const t0 = process.hrtime.bigint();
  const cdktf = await import('cdktf');
  const { Construct } = await import('constructs');
  let buildStack: (app: InstanceType<typeof cdktf.App>) => { stack: InstanceType<typeof cdktf.TerraformStack>; jobs: number; ruleGroups: number };

  if (side === 'library') {
    const { PrometheusServer } = await import('../constructs/prometheus-server');
    const { RuleSets } = await import('../lib/prometheus/presets');
    const { DockerRuntime } = await import('../lib/runtime/docker-runtime');
    const { CourseStack } = await import('../stacks/course-stack');
    const { ObservabilityStack } = await import('../stacks/observability-stack');
    const { addPlatformServices } = await import('./platform-case');
    const { buildEstate, generatedTeams } = await import('../examples/multi-stack/main');
    buildStack = (app) => {
      if (caseName === 'multistack') {
        // N services over --teams team stacks; this process builds the platform and the team
        // stack named by --stack (or only the platform), so each stack is measured on its own.
        const teams = intArg(args, '--teams', 5);
        const which = argValue(args, '--stack') ?? 'platform';
        const all = generatedTeams(teams, Math.ceil(n / teams));
        const estate = buildEstate(app, all, undefined, which === 'platform' ? [] : [which]);
        const stack = which === 'platform' ? estate.platform : estate.teams[0];
        const prom = which === 'platform' ? estate.platform.prometheus! : estate.teams[0].prometheus;
        return { stack, jobs: prom.jobNames.length, ruleGroups: prom.ruleGroups.length };
      }
      if (caseName === 'course') {
        const stack = new CourseStack(app, 'observability');
        return { stack, jobs: stack.prometheus.jobNames.length, ruleGroups: stack.prometheus.ruleGroups.length };
      }
      if (caseName === 'platform') {
        const stack = new ObservabilityStack(app, 'observability');
        addPlatformServices(stack, n);
        return { stack, jobs: stack.prometheus!.jobNames.length, ruleGroups: stack.prometheus!.ruleGroups.length };
      }
      const stack = new cdktf.TerraformStack(app, 'bench');
      const runtime = new DockerRuntime(stack, 'Docker');
      const prom = new PrometheusServer(stack, 'Prometheus', {});
      for (let i = 1; i <= n; i++) {
        const name = `svc-${i}`;
        runtime.deploy(new Construct(stack, `Svc${i}`), {
          name,
          image: { repository: 'ghcr.io/example/app', tag: '1.0.0' },
          ports: [{ name: 'http', containerPort: 8080 }],
        });
        prom.addScrapeJob({ jobName: name, targets: [`${name}:8080`], labels: { service: name } });
        prom.addRuleGroup(RuleSets.red({ service: name }));
      }
      return { stack, jobs: prom.jobNames.length, ruleGroups: prom.ruleGroups.length };
    };
  } else if (side === 'replay') {
    const from = argValue(args, '--replay');
    if (!from) throw new Error('--side replay needs --replay <cdk.tf.json of a library run>');
    // Reading and parsing the input is not timed: it is the library's output, given.
    const input = JSON.parse(fs.readFileSync(from, 'utf8')) as Record<string, unknown> & { resource?: Record<string, Record<string, Record<string, unknown>>> };
    const { Container } = await import('@cdktf/provider-docker/lib/container');
    const { Image } = await import('@cdktf/provider-docker/lib/image');
    const { Network } = await import('@cdktf/provider-docker/lib/network');
    const { Volume } = await import('@cdktf/provider-docker/lib/volume');
    const { Dashboard } = await import('../.gen/providers/grafana/dashboard');
    const { DataSource } = await import('../.gen/providers/grafana/data-source');
    const { Folder } = await import('../.gen/providers/grafana/folder');
    const { DockerProvider } = await import('@cdktf/provider-docker/lib/provider');
    const { GrafanaProvider } = await import('../.gen/providers/grafana/provider');
    type Ctor = new (scope: InstanceType<typeof Construct>, id: string, config: never) => InstanceType<typeof cdktf.TerraformResource>;
    const classes: Record<string, Ctor> = {
      docker_container: Container as unknown as Ctor,
      docker_image: Image as unknown as Ctor,
      docker_network: Network as unknown as Ctor,
      docker_volume: Volume as unknown as Ctor,
      grafana_dashboard: Dashboard as unknown as Ctor,
      grafana_data_source: DataSource as unknown as Ctor,
      grafana_folder: Folder as unknown as Ctor,
    };
    buildStack = (app) => {
      const stack = new cdktf.TerraformStack(app, caseName === 'course' ? 'observability' : 'bench');
      // Blocks other than resources (providers, variables, outputs, terraform) as they are.
      for (const [key, value] of Object.entries(input)) {
        if (key !== 'resource' && key !== 'provider' && key !== '//') stack.addOverride(key, value);
      }
      for (const [type, blocks] of Object.entries((input.provider ?? {}) as Record<string, Array<Record<string, unknown>>>)) {
        blocks.forEach((block, k) => {
          const p =
            type === 'docker'
              ? new DockerProvider(stack, `provider-${type}-${k}`, {})
              : type === 'grafana'
                ? new GrafanaProvider(stack, `provider-${type}-${k}`, {})
                : new (class RawProvider extends cdktf.TerraformProvider {})(stack, `provider-${type}-${k}`, { terraformResourceType: type });
          for (const [attr, value] of Object.entries(block)) p.addOverride(attr, value);
        });
      }
      for (const [type, byId] of Object.entries(input.resource ?? {})) {
        for (const [id, attrs] of Object.entries(byId)) {
          const Cls = classes[type];
          const r = Cls ? new Cls(stack, id, {} as never) : new cdktf.TerraformResource(stack, id, { terraformResourceType: type });
          r.overrideLogicalId(id);
          for (const [attr, value] of Object.entries(attrs)) if (attr !== '//') r.addOverride(attr, value);
        }
      }
      return { stack, jobs: 0, ruleGroups: 0 };
    };
  } else {
    if (!shapeArg) throw new Error('--side baseline needs --shape (the library case shape, JSON)');
    const shape = JSON.parse(shapeArg) as Shape;
    const { Container } = await import('@cdktf/provider-docker/lib/container');
    const { Image } = await import('@cdktf/provider-docker/lib/image');
    const { Network } = await import('@cdktf/provider-docker/lib/network');
    const { DockerProvider } = await import('@cdktf/provider-docker/lib/provider');
    const { Volume } = await import('@cdktf/provider-docker/lib/volume');
    const { Dashboard } = await import('../.gen/providers/grafana/dashboard');
    const { GrafanaProvider } = await import('../.gen/providers/grafana/provider');
    buildStack = (app) => {
      const c = shape.counts;
      const stack = new cdktf.TerraformStack(app, caseName === 'course' ? 'observability' : 'bench');
      new DockerProvider(stack, 'docker', {});
      const networks = Array.from({ length: c.docker_network }, (_, k) => new Network(stack, `network-${k}`, { name: k === 0 ? 'observability' : `observability-${k}`, driver: 'bridge' }));
      const images = Array.from({ length: c.docker_image }, (_, k) =>
        new Image(stack, `image-${k}`, { name: k === 0 ? 'prom/prometheus:v2.53.0' : `ghcr.io/example/app-${k}:1.0.0`, keepLocally: true }),
      );
      const volumes = Array.from({ length: c.docker_volume }, (_, k) => new Volume(stack, `volume-${k}`, { name: `volume-${k}` }));
      const uploads = [{ file: '/etc/prometheus/prometheus.yml', content: rawPrometheusYaml(shape.jobs) }];
      for (let g = 1; g <= shape.ruleGroups; g++) uploads.push({ file: `/etc/prometheus/rules/red_svc-${g}.yml`, content: rawRedRuleFile(g) });
      for (let k = 0; k < c.docker_container; k++) {
        const name = k === 0 ? 'prometheus' : `svc-${k}`;
        const image = k === 0 || images.length < 2 ? images[0] : images[1 + ((k - 1) % (images.length - 1))];
        const volume = volumes.length ? volumes[k % volumes.length] : undefined;
        new Container(stack, `container-${k}`, {
          name,
          image: image ? image.imageId : 'busybox:1.36',
          restart: 'unless-stopped',
          mustRun: true,
          labels: [{ label: 'com.obs-stack.component', value: name }],
          networksAdvanced: networks.length ? [{ name: networks[0].name, aliases: [name] }] : undefined,
          ports: k === 0 ? [{ internal: 9090, external: 9090, ip: '127.0.0.1', protocol: 'tcp' }] : undefined,
          volumes: volume && k < volumes.length ? [{ volumeName: volume.name, containerPath: '/data' }] : undefined,
          command: k === 0 ? ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'] : undefined,
          upload: k === 0 ? uploads : undefined,
        });
      }
      if (c.grafana_dashboard) {
        const provider = new GrafanaProvider(stack, 'grafana', { url: 'http://127.0.0.1:3000', auth: 'admin:${var.grafana_admin_password}' });
        for (let k = 0; k < c.grafana_dashboard; k++) {
          const model = { uid: `dash-${k}`, title: `Dashboard ${k}`, panels: [{ type: 'timeseries', title: 'Requests', targets: [{ expr: `sum(rate(http_requests_total{service="svc-${k}"}[5m]))` }] }] };
          new Dashboard(stack, `dashboard-${k}`, { provider, configJson: JSON.stringify(model), overwrite: true });
        }
      }
      return { stack, jobs: shape.jobs, ruleGroups: shape.ruleGroups };
    };
  }
  const t1 = process.hrtime.bigint();
  const rssAfterLoadMiB = rssMiB();

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-bench-'));
  let json: { resource?: Record<string, Record<string, unknown>> };
  let jsonBytes: number;
  let buildMs: number;
  let synthMs: number;
  let processMs: number;
  let peakAtSynthMiB: number;
  let built: ReturnType<typeof buildStack>;
  try {
    if (synth === 'app') {
      const b0 = process.hrtime.bigint();
      const app = new cdktf.App({ outdir });
      built = buildStack(app);
      const b1 = process.hrtime.bigint();
      app.synth();
      const b2 = process.hrtime.bigint();
      processMs = process.uptime() * 1000;
      peakAtSynthMiB = process.resourceUsage().maxRSS / MiB;
      buildMs = ms(b0, b1);
      synthMs = ms(b1, b2);
      const file = path.join(outdir, 'stacks', built.stack.node.id, 'cdk.tf.json');
      const text = fs.readFileSync(file, 'utf8');
      if (keep) fs.writeFileSync(keep, text);
      jsonBytes = Buffer.byteLength(text);
      json = JSON.parse(text);
    } else {
      const b0 = process.hrtime.bigint();
      const app = cdktf.Testing.app({ outdir });
      built = buildStack(app);
      const b1 = process.hrtime.bigint();
      const text = cdktf.Testing.synth(built.stack);
      const b2 = process.hrtime.bigint();
      processMs = process.uptime() * 1000;
      peakAtSynthMiB = process.resourceUsage().maxRSS / MiB;
      if (keep) fs.writeFileSync(keep, text);
      buildMs = ms(b0, b1);
      synthMs = ms(b1, b2);
      jsonBytes = Buffer.byteLength(text);
      json = JSON.parse(text);
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const counts = countResources(json);
  const result: ChildResult = {
    case: caseName,
    side,
    synth,
    n,
    loadMs: ms(t0, t1),
    buildMs,
    synthMs,
    totalMs: buildMs + synthMs,
    peakRssMiB: process.resourceUsage().maxRSS / MiB,
    processMs,
    peakAtSynthMiB,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    rssAfterLoadMiB,
    jsonBytes,
    shape: { counts, jobs: built.jobs, ruleGroups: built.ruleGroups },
    resources: RESOURCE_TYPES.reduce((sum, t) => sum + counts[t], 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------
// Parent: run every case in fresh children, aggregate, print, write JSON
// ---------------------------------------------------------------------------------------

function spawnCase(spec: CaseSpec, side: Side, synth: SynthMode, shape?: Shape, extra: string[] = []): ChildResult {
  const childArgs = [__filename, '--case', spec.name, '--n', String(spec.n), '--side', side, '--synth', synth, ...extra];
  if (shape) childArgs.push('--shape', JSON.stringify(shape));
  const res = spawnSync(process.execPath, childArgs, {
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    throw new Error(`case ${spec.name} N=${spec.n} ${side}/${synth} failed (exit ${res.status}, signal ${res.signal}):\n${res.stderr}`);
  }
  const line = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Summary {
  readonly case: string;
  readonly n: number;
  readonly synth: SynthMode;
  readonly resources: number;
  readonly counts: Counts;
  readonly jsonBytes: { library: number; baseline: number };
  readonly library: SideSummary;
  readonly baseline: SideSummary;
  /** The fair baseline: the library's JSON replayed through raw provider classes. */
  readonly replay: SideSummary;
  /** library totalMs / replay totalMs (medians). */
  readonly fairRatio: number;
  /** library totalMs / baseline totalMs (medians). */
  readonly ratio: number;
  readonly memoryRatio: number;
}

interface SideSummary {
  readonly totalMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly loadMs: number;
  readonly peakRssMiB: number;
  readonly rssAfterLoadMiB: number;
  readonly cpuMs: number;
  readonly processMs: number;
  readonly peakAtSynthMiB: number;
}

function summarizeSide(runs: ChildResult[]): SideSummary {
  return {
    totalMs: median(runs.map((r) => r.totalMs)),
    buildMs: median(runs.map((r) => r.buildMs)),
    synthMs: median(runs.map((r) => r.synthMs)),
    loadMs: median(runs.map((r) => r.loadMs)),
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    rssAfterLoadMiB: median(runs.map((r) => r.rssAfterLoadMiB)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    processMs: median(runs.map((r) => r.processMs)),
    peakAtSynthMiB: Math.max(...runs.map((r) => r.peakAtSynthMiB)),
  };
}

function sameCounts(a: Counts, b: Counts): boolean {
  return RESOURCE_TYPES.every((t) => a[t] === b[t]);
}

function fmt(x: number, digits = 0): string {
  return x.toFixed(digits);
}

function mainTable(rows: Summary[]): string {
  const lines = [
    '| case | N | resources | library ms | baseline ms | ratio | replay ms | fair ratio | library CPU ms | library peak MiB | baseline peak MiB | replay peak MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.case} | ${r.case === 'course' ? '—' : r.n} | ${r.resources} | ${fmt(r.library.totalMs)} | ${fmt(r.baseline.totalMs)} | ${fmt(r.ratio, 2)}× | ${fmt(r.replay.totalMs)} | ${fmt(r.fairRatio, 2)}× | ${fmt(r.library.cpuMs)} | ${fmt(r.library.peakRssMiB)} | ${fmt(r.baseline.peakRssMiB)} | ${fmt(r.replay.peakRssMiB)} |`,
    );
  }
  return lines.join('\n');
}

function detailTable(rows: Summary[]): string {
  const lines = [
    '| case | N | synth | containers/images/networks/volumes/dashboards | JSON KiB lib/base | lib build ms | lib synth ms | base build ms | base synth ms | lib load ms | base load ms | RSS after load MiB lib/base |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const c = r.counts;
    lines.push(
      `| ${r.case} | ${r.case === 'course' ? '—' : r.n} | ${r.synth} | ${c.docker_container}/${c.docker_image}/${c.docker_network}/${c.docker_volume}/${c.grafana_dashboard} | ${fmt(r.jsonBytes.library / 1024)}/${fmt(r.jsonBytes.baseline / 1024)} | ${fmt(r.library.buildMs)} | ${fmt(r.library.synthMs)} | ${fmt(r.baseline.buildMs)} | ${fmt(r.baseline.synthMs)} | ${fmt(r.library.loadMs)} | ${fmt(r.baseline.loadMs)} | ${fmt(r.library.rssAfterLoadMiB)}/${fmt(r.baseline.rssAfterLoadMiB)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Growth of the platform case with N (app synth): library and replay (fair baseline) runs
 * interleaved, medians, and t(1000)/t(100) (10 for linear growth).
 */
function growthTable(repeat: number, sizes = [10, 100, 300, 1000, 2000]): string {
  const rows: Array<{ n: number; lib: SideSummary; replay: SideSummary }> = [];
  for (const n of sizes) {
    const spec: CaseSpec = { name: 'platform', n };
    const keep = path.join(os.tmpdir(), `obs-bench-${process.pid}-growth-${n}.json`);
    const lib: ChildResult[] = [];
    const rep: ChildResult[] = [];
    for (let r = 0; r < repeat; r++) {
      lib.push(spawnCase(spec, 'library', 'app', undefined, r === 0 ? ['--keep', keep] : []));
      rep.push(spawnCase(spec, 'replay', 'app', undefined, ['--replay', keep]));
    }
    fs.rmSync(keep, { force: true });
    rows.push({ n, lib: summarizeSide(lib), replay: summarizeSide(rep) });
    process.stderr.write(`  growth   platform N=${String(n).padEnd(5)} library ${fmt(rows[rows.length - 1].lib.totalMs).padStart(6)} ms  replay ${fmt(rows[rows.length - 1].replay.totalMs).padStart(6)} ms\n`);
  }
  const at = (n: number) => rows.find((r) => r.n === n);
  const lines = [
    '### Growth (platform, `app.synth()`)',
    '',
    '| N | library ms | library whole process ms | library CPU ms | library peak MiB | peak at synth end MiB | replay ms | replay peak MiB | fair ratio |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n} | ${fmt(r.lib.totalMs)} | ${fmt(r.lib.processMs)} | ${fmt(r.lib.cpuMs)} | ${fmt(r.lib.peakRssMiB)} | ${fmt(r.lib.peakAtSynthMiB)} | ${fmt(r.replay.totalMs)} | ${fmt(r.replay.peakRssMiB)} | ${fmt(r.lib.totalMs / r.replay.totalMs, 2)}× |`),
  ];
  const a = at(100);
  const b = at(1000);
  if (a && b) lines.push('', `t(1000)/t(100) = ${fmt(b.lib.totalMs / a.lib.totalMs, 1)} (library), ${fmt(b.replay.totalMs / a.replay.totalMs, 1)} (replay); 10 is linear.`);
  lines.push('', '"whole process": from the start of the node process (node start, loading, building, synth) to the end of synth, what a user\'s `cdktf synth` process takes; "library peak" is maxRSS at the end of the child, after the bench reads the JSON back, "peak at synth end" before that.');
  return lines.join('\n');
}

/**
 * 5,000 services over 10 team stacks (500 each) and the platform stack (examples/multi-stack): each stack
 * synthesized in its own process (the platform and that one team stack built), one run each.
 */
function multiStackTable(n = 5000, teams = 10): string {
  const started = Date.now();
  const rows: ChildResult[] = [];
  for (const which of ['platform', ...Array.from({ length: teams }, (_, t) => `team${t + 1}`)]) {
    rows.push(spawnCase({ name: 'multistack', n }, 'library', 'app', undefined, ['--teams', String(teams), '--stack', which]));
    process.stderr.write(`  multistack ${which.padEnd(9)} ${fmt(rows[rows.length - 1].totalMs).padStart(6)} ms  peak ${fmt(rows[rows.length - 1].peakRssMiB)} MiB\n`);
  }
  const names = ['platform', ...Array.from({ length: teams }, (_, t) => `team-team${t + 1}`)];
  return [
    `### ${n} services over ${teams} team stacks (+ platform), each stack in its own process`,
    '',
    '| stack | resources | ms | CPU ms | peak MiB | JSON KiB |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r, i) => `| ${names[i]} | ${r.resources} | ${fmt(r.totalMs)} | ${fmt(r.cpuMs)} | ${fmt(r.peakRssMiB)} | ${fmt(r.jsonBytes / 1024)} |`),
    '',
    `sum of stack times ${fmt(rows.reduce((a, r) => a + r.totalMs, 0))} ms, highest peak ${fmt(Math.max(...rows.map((r) => r.peakRssMiB)))} MiB, whole (with process start and loading) ${fmt((Date.now() - started) / 1000, 1)} s`,
  ].join('\n');
}

function runParent(args: string[]): void {
  const repeat = Math.max(1, intArg(args, '--repeat', 3));
  const quick = args.includes('--quick');
  const withTesting = !args.includes('--no-testing');
  const sizes = quick ? [10, 100] : [10, 100, 1000];
  const platformSizes = quick ? [0, 100] : [0, 100, 1000];
  const cases: CaseSpec[] = [
    { name: 'course', n: 0 },
    ...sizes.map((n) => ({ name: 'services' as const, n })),
    ...platformSizes.map((n) => ({ name: 'platform' as const, n })),
  ];
  const modes: SynthMode[] = withTesting ? ['app', 'testing'] : ['app'];

  const started = Date.now();
  const summaries: Summary[] = [];
  const raw: ChildResult[] = [];
  for (const synth of modes) {
    for (const spec of cases) {
      const lib: ChildResult[] = [];
      const base: ChildResult[] = [];
      const replay: ChildResult[] = [];
      const keep = path.join(os.tmpdir(), `obs-bench-${process.pid}-${spec.name}-${spec.n}.json`);
      // Interleave library and baseline runs so drift (thermal, noisy neighbours) hits both.
      for (let r = 0; r < repeat; r++) {
        const l = spawnCase(spec, 'library', synth, undefined, r === 0 ? ['--keep', keep] : []);
        lib.push(l);
        const b = spawnCase(spec, 'baseline', synth, lib[0].shape);
        base.push(b);
        replay.push(spawnCase(spec, 'replay', synth, undefined, ['--replay', keep]));
        if (!sameCounts(l.shape.counts, b.shape.counts)) {
          throw new Error(`baseline built different resources than the library for ${spec.name} N=${spec.n}: ${JSON.stringify(l.shape.counts)} vs ${JSON.stringify(b.shape.counts)}`);
        }
      }
      fs.rmSync(keep, { force: true });
      raw.push(...lib, ...base, ...replay);
      const library = summarizeSide(lib);
      const baseline = summarizeSide(base);
      const replayed = summarizeSide(replay);
      const s: Summary = {
        case: spec.name,
        n: spec.n,
        synth,
        resources: lib[0].resources,
        counts: lib[0].shape.counts,
        jsonBytes: { library: lib[0].jsonBytes, baseline: base[0].jsonBytes },
        library,
        baseline,
        ratio: library.totalMs / baseline.totalMs,
        replay: replayed,
        fairRatio: library.totalMs / replayed.totalMs,
        memoryRatio: library.peakRssMiB / baseline.peakRssMiB,
      };
      summaries.push(s);
      process.stderr.write(`  ${synth.padEnd(7)} ${spec.name.padEnd(8)} N=${String(spec.n).padEnd(5)} library ${fmt(library.totalMs).padStart(6)} ms  baseline ${fmt(baseline.totalMs).padStart(6)} ms\n`);
    }
  }

  const appRows = summaries.filter((s) => s.synth === 'app');
  const testingRows = summaries.filter((s) => s.synth === 'testing');
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
  const out = [
    '',
    `Synth benchmark — ${new Date().toISOString()} — ${machine}`,
    `median of ${repeat} run(s) per case (fresh process each), peak = max maxRSS; ms = construct building + synth, module loading excluded`,
    '',
    '### `app.synth()` (writes cdktf.out)',
    '',
    mainTable(appRows),
    '',
  ];
  if (testingRows.length) out.push('### `Testing.synth(stack)` (in memory)', '', mainTable(testingRows), '');
  if (!quick) out.push(growthTable(repeat), '', multiStackTable(), '');
  out.push('### Details', '', detailTable(summaries), '', `total bench time ${fmt((Date.now() - started) / 1000, 1)} s`, '');
  process.stdout.write(out.join('\n'));

  // dist/bench/synth-bench.js normally; bench/synth-bench.ts when run through a TS loader.
  const root = path.basename(path.dirname(__dirname)) === 'dist' ? path.join(__dirname, '..', '..') : path.join(__dirname, '..');
  const resultsDir = path.join(root, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'latest.json');
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, node: process.version, cpus: cpus.length, repeat, quick, summaries, runs: raw }, null, 2)}\n`,
  );
  process.stdout.write(`raw results: ${path.relative(process.cwd(), file)}\n`);
}

const argv = process.argv.slice(2);
if (argv.includes('--case')) {
  runChild(argv).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
} else {
  try {
    runParent(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
