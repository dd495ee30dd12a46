/**
 * SLO alert benchmark: the library's SLO rules next to rules written the way Sloth and Pyrra
 * generate them (bench/slo-comparison-rules.ts), for the same latency SLO (99.9 %, 30 d).
 *
 *   npm run bench:slo                           # build, then both parts
 *   node dist/bench/slo-bench.js --part timing  # time to page and ticket (promtool test rules)
 *   node dist/bench/slo-bench.js --part cost    # rule evaluation cost (prometheus, 30 d backfilled)
 *
 * Timing: `promtool test rules` feeds one histogram (60,000 requests a minute) with 3 days of
 * healthy traffic (7 hours where only pages or nothing may fire), then a burn, and reads the first firing minute of the page (severity
 * critical) and the ticket (severity warning) from ALERTS. promtool evaluates every group at
 * every step (1m); on a server the library's budget group runs every 5m, which can delay its
 * tickets by up to 5 more minutes (noted under the table).
 *
 * Cost: 5 latency SLOs × 10 instances, 30 days backfilled with `promtool tsdb
 * create-blocks-from openmetrics` (raw histogram series every 60s; the recorded series the
 * long windows read, as the rules would have written them: 5m rates every 30s, the library's
 * 5-minute averages every 5m), then one Prometheus per
 * rule set. Every group runs every 10s for the measurement; `evaluationTime` from
 * `/api/v1/rules` (median, first evaluation dropped) times the evaluations per minute at the
 * group's real interval gives CPU-ms per minute. See bench/README.md.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Duration } from '../lib/core/duration';
import { toYaml } from '../lib/core/yaml';
import { renderRuleGroup } from '../lib/prometheus/rules';
import { sloRuleGroups } from '../lib/slo/model';
import { Sli } from '../lib/slo/sli';
import { BenchSlo, PromGroup, pyrraStyleRules, slothStyleRules } from './slo-comparison-rules';

type System = 'library' | 'sloth' | 'pyrra';
const SYSTEMS: System[] = ['library', 'sloth', 'pyrra'];
const LABEL: Record<System, string> = { library: 'library', sloth: 'Sloth-style', pyrra: 'Pyrra-style' };
const METRIC = 'http_request_duration_seconds';

function benchSlo(service: string): BenchSlo {
  return { service, name: 'latency', objective: 99.9, windowDays: 30, metric: METRIC, selector: `service="${service}"`, le: '0.3' };
}

/** The rule groups of a system for one SLO, as plain Prometheus YAML objects. */
function groupsFor(system: System, s: BenchSlo): PromGroup[] {
  if (system === 'sloth') return slothStyleRules(s);
  if (system === 'pyrra') return pyrraStyleRules(s);
  return sloRuleGroups({
    service: s.service,
    name: s.name,
    objective: s.objective,
    windowDays: s.windowDays,
    runbookUrl: 'https://wiki.example.com/slo',
    sli: Sli.latency({ metric: s.metric, thresholdSeconds: Number(s.le), selector: s.selector }),
  }).map((g) => renderRuleGroup(g) as unknown as PromGroup);
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** Runs tasks two at a time (the machine has 2 cores). */
async function pool<T>(tasks: Array<() => Promise<T>>, width = 2): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// Part 1: time to page and ticket
// ---------------------------------------------------------------------------------------------

interface Scenario {
  readonly name: string;
  /** Burn rate from the onset on (errors = burn × budget). */
  readonly burn: number;
  /** Minutes the burn lasts. @default the whole horizon */
  readonly minutes?: number;
  /** Minutes observed after the onset. */
  readonly horizon: number;
  /**
   * Minutes of healthy traffic before the onset: 3 days where a ticket tier could fire first
   * (with less, a 3-day window would hold a larger share of the burn and fire too early);
   * 7 hours (the longest page window) where nothing may fire or only pages count. A burn below
   * a tier's factor never reaches it, whatever the history.
   */
  readonly history: number;
}

const DAYS3 = 3 * 1440;
const HOURS7 = 7 * 60;
const SCENARIOS: Scenario[] = [
  { name: '14.4×', burn: 14.4, horizon: 330, history: DAYS3 },
  { name: '20×', burn: 20, horizon: 240, history: DAYS3 },
  { name: '50×', burn: 50, horizon: 150, history: DAYS3 },
  { name: '0.5×', burn: 0.5, horizon: 360, history: HOURS7 },
  { name: '1×', burn: 1, horizon: 360, history: HOURS7 },
  { name: '3-min total outage', burn: 1000, minutes: 3, horizon: 120, history: HOURS7 },
  { name: '1-min total outage', burn: 1000, minutes: 1, horizon: 120, history: HOURS7 },
];
const PER_MIN = 60_000;

interface Timing {
  page?: number;
  ticket?: number;
  /** Page alerts that started firing (rising edges of critical ALERTS series). */
  pageStarts: number;
  /** Minutes after the onset of the last firing page sample. */
  pageLast?: number;
}

function counter(spans: Array<[number, number]>): string {
  const parts: string[] = [];
  let v = 0;
  spans.forEach(([minutes, perMin], i) => {
    if (minutes <= 0) return;
    if (i === 0) {
      parts.push(`0+${perMin}x${minutes}`);
      v = perMin * minutes;
    } else {
      parts.push(`${v + perMin}+${perMin}x${minutes - 1}`);
      v += perMin * minutes;
    }
  });
  return parts.join(' ');
}

async function timing(system: System, sc: Scenario, dir: string): Promise<Timing> {
  const s = benchSlo('svc');
  const work = fs.mkdtempSync(path.join(dir, `${system}-`));
  fs.writeFileSync(path.join(work, 'rules.yml'), toYaml({ groups: groupsFor(system, s) }));
  const badPerMin = Math.min(PER_MIN, Math.round(PER_MIN * 0.001 * sc.burn));
  const burnMin = sc.minutes ?? sc.horizon;
  const spans = (perMinBurn: number, perMinHealthy: number): Array<[number, number]> => [
    [sc.history, perMinHealthy],
    [burnMin, perMinBurn],
    [sc.horizon - burnMin + 2, perMinHealthy],
  ];
  const h = `${sc.horizon}m`;
  const probe = (name: string, expr: string) => ({ expr: `label_replace(${expr}, "probe", "${name}", "", "")`, eval_time: `${sc.history + sc.horizon}m`, exp_samples: [{ labels: '{}', value: -1 }] });
  const firing = (sev: string) => `ALERTS{alertstate="firing",severity="${sev}"}`;
  const test = {
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          { series: `${METRIC}_count{service="svc"}`, values: counter(spans(PER_MIN, PER_MIN)) },
          { series: `${METRIC}_bucket{service="svc", le="0.3"}`, values: counter(spans(PER_MIN - badPerMin, PER_MIN)) },
        ],
        promql_expr_test: [
          probe('page', `min(min_over_time(timestamp(${firing('critical')})[${h}:1m]))`),
          probe('ticket', `min(min_over_time(timestamp(${firing('warning')})[${h}:1m]))`),
          probe('page_last', `max(max_over_time(timestamp(${firing('critical')})[${h}:1m]))`),
          probe('page_starts', `sum(sum_over_time((${firing('critical')} unless ${firing('critical')} offset 1m)[${h}:1m])) or vector(0)`),
        ],
      },
    ],
  };
  fs.writeFileSync(path.join(work, 'test.yml'), JSON.stringify(test));
  const r = await run('promtool', ['test', 'rules', 'test.yml'], work);
  if (!/FAILED/.test(r.out)) throw new Error(`promtool did not run the probes for ${system} ${sc.name}:\n${r.out}`);
  const got = (name: string): number | undefined => {
    const m = new RegExp(`got: \\{probe="${name}"\\} ([0-9.eE+-]+)`).exec(r.out);
    return m ? Number(m[1]) : undefined;
  };
  const after = (ts: number | undefined) => (ts === undefined ? undefined : Math.round(ts / 60 - sc.history));
  fs.rmSync(work, { recursive: true, force: true });
  return { page: after(got('page')), ticket: after(got('ticket')), pageStarts: got('page_starts') ?? 0, pageLast: after(got('page_last')) };
}

async function timingTable(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-bench-timing-'));
  const jobs = SCENARIOS.flatMap((sc) => SYSTEMS.map((system) => ({ sc, system })));
  const started = Date.now();
  const results = await pool(jobs.map((j) => () => timing(j.system, j.sc, dir)));
  fs.rmSync(dir, { recursive: true, force: true });
  const at = (sc: Scenario, system: System) => results[jobs.findIndex((j) => j.sc === sc && j.system === system)];
  const m = (n: number | undefined) => (n === undefined ? '–' : String(n));
  const lines = [
    'Time to first page / first ticket, minutes after the burn starts (promtool test rules, 1m steps, after 3 days of healthy traffic, 7 hours for 0.5× and 1×; – = none within the horizon):',
    '',
    `| burn (horizon) | ${SYSTEMS.map((s) => LABEL[s]).join(' | ')} |`,
    `|---|${SYSTEMS.map(() => '---').join('|')}|`,
  ];
  for (const sc of SCENARIOS) {
    if (sc.minutes !== undefined) continue;
    lines.push(`| ${sc.name} (${sc.horizon / 60} h) | ${SYSTEMS.map((s) => `${m(at(sc, s).page)} / ${m(at(sc, s).ticket)}`).join(' | ')} |`);
  }
  lines.push('', 'Total outages (100 % errors), then healthy traffic: page alerts that started firing, and when the page last fired (minutes after the outage ended):', '');
  lines.push(`| outage | ${SYSTEMS.map((s) => LABEL[s]).join(' | ')} |`, `|---|${SYSTEMS.map(() => '---').join('|')}|`);
  for (const sc of SCENARIOS) {
    if (sc.minutes === undefined) continue;
    lines.push(
      `| ${sc.name} | ${SYSTEMS.map((s) => {
        const t = at(sc, s);
        return t.pageStarts === 0 ? 'no page' : `${t.pageStarts} page alert${t.pageStarts > 1 ? 's' : ''}, last firing ${m(t.pageLast === undefined ? undefined : t.pageLast - sc.minutes!)} min after`;
      }).join(' | ')} |`,
    );
  }
  lines.push('', `(${jobs.length} promtool runs in ${Math.round((Date.now() - started) / 1000)} s. The library's ticket windows live in its 5-minute budget group: on a server its tickets can come up to 5 minutes later than shown.)`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Part 2: rule evaluation cost
// ---------------------------------------------------------------------------------------------

const COST_SLOS = 5;
const INSTANCES = 10;
const MEASURE_INTERVAL = '10s';
const GLOBAL_INTERVAL_S = 30;

/** Writes the OpenMetrics backfill: raw histogram series every 60s and the recorded 5m series every 30s. */
function writeOpenMetrics(file: string, endS: number): number {
  const fd = fs.openSync(file, 'w');
  let lines = 0;
  let buf: string[] = [];
  const flush = () => {
    fs.writeSync(fd, buf.join(''));
    buf = [];
  };
  const push = (l: string) => {
    buf.push(l);
    lines++;
    if (buf.length >= 50_000) flush();
  };
  const startS = endS - 30 * 86400 - 3600;
  const perMinCount = 6000;
  const perMinGood = 5997; // 0.05 % slow requests: half the budget
  for (const [suffix, perMin, le] of [['count', perMinCount, ''], ['bucket', perMinGood, ',le="0.3"']] as const) {
    push(`# TYPE ${METRIC}_${suffix} unknown\n`);
    for (let s = 1; s <= COST_SLOS; s++) {
      for (let i = 0; i < INSTANCES; i++) {
        const series = `${METRIC}_${suffix}{service="svc${s}",instance="i${i}"${le}}`;
        let v = 0;
        for (let t = startS; t <= endS; t += 60, v += perMin) push(`${series} ${v} ${t}\n`);
      }
    }
  }
  const recorded: Array<[string, (s: number) => string, number, number]> = [
    ['slo:sli_bad:rate5m', (s) => `{slo="latency",service="svc${s}"}`, (INSTANCES * (perMinCount - perMinGood)) / 60, 30],
    ['slo:sli_total:rate5m', (s) => `{slo="latency",service="svc${s}"}`, (INSTANCES * perMinCount) / 60, 30],
    ['slo:sli_error:ratio_rate5m', (s) => `{sloth_id="svc${s}-latency",sloth_service="svc${s}",sloth_slo="latency",sloth_window="5m"}`, (perMinCount - perMinGood) / perMinCount, 30],
  ];
  const lib = (s: number) => `{slo="latency",service="svc${s}"}`;
  // the library's budget group sums 5-minute averages of its 5m rates, recorded every 5 minutes
  recorded.push(['slo:sli_bad:rate5m_avg5m', lib, recorded[0][2], 300], ['slo:sli_total:rate5m_avg5m', lib, recorded[1][2], 300]);
  for (const [name, labels, value, step] of recorded) {
    push(`# TYPE ${name} unknown\n`);
    for (let s = 1; s <= COST_SLOS; s++) for (let t = startS; t <= endS; t += step) push(`${name}${labels(s)} ${value} ${t}\n`);
  }
  push('# EOF\n');
  flush();
  fs.closeSync(fd);
  return lines;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function getJson(url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface GroupCost {
  name: string;
  service: string;
  realIntervalS: number;
  medianMs: number;
  rules: number;
}

async function measure(system: System, dataDir: string, work: string, seconds: number): Promise<GroupCost[]> {
  const groups: PromGroup[] = [];
  const real = new Map<string, { service: string; intervalS: number; rules: number }>();
  for (let s = 1; s <= COST_SLOS; s++) {
    for (const g of groupsFor(system, benchSlo(`svc${s}`))) {
      real.set(g.name, { service: `svc${s}`, intervalS: g.interval ? Duration.parse(g.interval).toSeconds() : GLOBAL_INTERVAL_S, rules: g.rules.length });
      groups.push({ ...g, interval: MEASURE_INTERVAL });
    }
  }
  fs.writeFileSync(path.join(work, `${system}.rules.yml`), toYaml({ groups }));
  fs.writeFileSync(path.join(work, `${system}.yml`), toYaml({ global: { evaluation_interval: MEASURE_INTERVAL }, rule_files: [`${system}.rules.yml`] }));
  const port = await freePort();
  const prom: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${system}.yml`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=90d', '--log.level=warn'],
    { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prom.stderr!.on('data', (d) => (log += d));
  const samples = new Map<string, Map<string, number>>();
  const ruleTimes = new Map<string, number[]>();
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (i > 120) throw new Error(`prometheus did not become ready:\n${log}`);
      try {
        await getJson(`${base}/api/v1/status/runtimeinfo`);
        break;
      } catch {
        await sleep(500);
      }
    }
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const r = await getJson(`${base}/api/v1/rules`);
      for (const g of r.data.groups) {
        if (!g.lastEvaluation || g.lastEvaluation.startsWith('0001')) continue;
        const m = samples.get(g.name) ?? new Map<string, number>();
        m.set(g.lastEvaluation, g.evaluationTime * 1000);
        samples.set(g.name, m);
        if (process.env.SLO_BENCH_RULES && g.name.includes('svc1')) {
          for (const rule of g.rules) ruleTimes.set(`${g.name} ${rule.name}`, [...(ruleTimes.get(`${g.name} ${rule.name}`) ?? []), rule.evaluationTime * 1000]);
        }
      }
      await sleep(1500);
    }
  } finally {
    prom.kill('SIGTERM');
    await new Promise((r) => prom.once('exit', r));
  }
  for (const [rule, times] of ruleTimes) console.error(`${rule}: ${[...times].sort((a, b) => a - b)[Math.floor(times.length / 2)].toFixed(2)} ms`);
  return [...real.entries()].map(([name, info]) => {
    const times = [...(samples.get(name)?.entries() ?? [])].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
    const kept = times.length > 1 ? times.slice(1) : times;
    const sorted = [...kept].sort((a, b) => a - b);
    if (!sorted.length) throw new Error(`no evaluation of ${name} (${system}):\n${log}`);
    return { name, service: info.service, realIntervalS: info.intervalS, medianMs: sorted[Math.floor(sorted.length / 2)], rules: info.rules };
  });
}

async function costTable(seconds: number, systems: System[]): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-bench-cost-'));
  const started = Date.now();
  try {
    const endS = Math.floor(Date.now() / 60_000) * 60;
    const om = path.join(work, 'data.om');
    const lines = writeOpenMetrics(om, endS);
    const genS = (Date.now() - started) / 1000;
    const data = path.join(work, 'data');
    const imp = await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', '--max-block-duration=800h', om, data], work);
    if (imp.code !== 0) throw new Error(`backfill failed:\n${imp.out}`);
    fs.rmSync(om);
    const importS = (Date.now() - started) / 1000 - genS;
    const rows: string[] = [];
    const details: string[] = [];
    let slothMean = 0;
    const means: Record<string, number> = {};
    for (const system of systems) {
      const costs = await measure(system, data, work, seconds);
      const perSlo = new Map<string, number>();
      const rules = new Map<string, number>();
      for (const c of costs) {
        perSlo.set(c.service, (perSlo.get(c.service) ?? 0) + (c.medianMs * 60) / c.realIntervalS);
        rules.set(c.service, (rules.get(c.service) ?? 0) + c.rules);
      }
      const v = [...perSlo.values()];
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      means[system] = mean;
      if (system === 'sloth') slothMean = mean;
      const groupsText = [...new Set(costs.filter((c) => c.service === 'svc1').map((c) => `${c.realIntervalS}s`))].join(', ');
      rows.push(`| ${LABEL[system]} | ${[...rules.values()][0]} | ${groupsText} | ${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)} | ${mean.toFixed(1)} |`);
      details.push(
        `${LABEL[system]}, per group of svc1: ` +
          costs
            .filter((c) => c.service === 'svc1')
            .map((c) => `${c.name} ${c.medianMs.toFixed(2)} ms × ${(60 / c.realIntervalS).toFixed(1)}/min`)
            .join('; '),
      );
    }
    return [
      `Rule evaluation cost per SLO (${COST_SLOS} latency SLOs × ${INSTANCES} instances, 30 days backfilled: ${(lines / 1e6).toFixed(1)} M samples; CPU-ms per minute = median evaluationTime × evaluations per minute at the group's real interval):`,
      '',
      '| rules | rules per SLO | group intervals | CPU-ms/min per SLO (range over the 5) | mean |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      slothMean ? `Library / Sloth-style: ${(means.library / slothMean).toFixed(3)} (goal ≤ 0.2); Pyrra-style / Sloth-style: ${(means.pyrra / slothMean).toFixed(3)}.` : '',
      ...details,
      `(data written in ${genS.toFixed(0)} s, backfilled in ${importS.toFixed(0)} s, ${seconds} s of evaluations per rule set; total ${Math.round((Date.now() - started) / 1000)} s)`,
    ].join('\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const part = args.includes('--part') ? args[args.indexOf('--part') + 1] : 'all';
  const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : 30;
  if (part === 'timing' || part === 'all') console.log(`${await timingTable()}\n`);
  const systems = args.includes('--systems') ? (args[args.indexOf('--systems') + 1].split(',') as System[]) : SYSTEMS;
  if (part === 'cost' || part === 'all') console.log(await costTable(seconds, systems));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
