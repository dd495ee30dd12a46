/**
 * Import benchmark (not a timed test): a generated prometheus.yml with 500 scrape jobs
 * (static, relabeled, Docker and Kubernetes discovery, basic auth), 2,000 rules in 100 rule
 * files, and an alertmanager.yml whose route tree has 100 routes (historic `match`,
 * `match_re` and `matchers` mixed), imported by the `cdktf-observability` command as a
 * user runs it: the whole process, node start-up included, median of 3 runs.
 *
 *   npm run bench:import         # build, then the benchmark
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';

const JOBS = 500;
const RULES = 2000;
const RULE_FILES = 100;
const ROUTES = 100;

function generate(dir: string): { prometheus: string; alertmanager: string } {
  fs.mkdirSync(path.join(dir, 'rules'), { recursive: true });
  const jobs = Array.from({ length: JOBS }, (_, i) => {
    const base: Record<string, unknown> = { job_name: `service-${i}` };
    if (i % 4 === 0) base.static_configs = [{ targets: [`svc-${i}-a:8080`, `svc-${i}-b:8080`], labels: { team: `team-${i % 10}` } }];
    if (i % 4 === 1) base.docker_sd_configs = [{ host: 'unix:///var/run/docker.sock', refresh_interval: '30s' }];
    if (i % 4 === 2) base.kubernetes_sd_configs = [{ role: 'pod', namespaces: { names: [`ns-${i % 20}`] } }];
    if (i % 4 === 3) base.static_configs = [{ targets: [`svc-${i}:9100`] }];
    base.relabel_configs = [{ source_labels: ['__address__'], regex: '(.+):\\d+', target_label: 'host', replacement: '${1}' }];
    if (i % 10 === 0) base.basic_auth = { username: 'scraper', password: `password-${i}` };
    if (i % 7 === 0) base.metric_relabel_configs = [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }];
    return base;
  });
  const prometheus = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(prometheus, stringify({ global: { scrape_interval: '15s', evaluation_interval: '15s' }, rule_files: ['rules/*.yml'], alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] }, scrape_configs: jobs }));
  const perFile = RULES / RULE_FILES;
  for (let f = 0; f < RULE_FILES; f++) {
    const rules = Array.from({ length: perFile }, (_, k) => {
      const n = f * perFile + k;
      return n % 2
        ? { record: `job:requests_${n}:rate5m`, expr: `sum by (job) (rate(http_requests_total{handler="/h${n}"}[5m]))` }
        : { alert: `HighErrors${n}`, expr: `sum(rate(http_requests_total{status=~"5..",handler="/h${n}"}[5m])) / sum(rate(http_requests_total{handler="/h${n}"}[5m])) > 0.05`, for: '5m', labels: { severity: n % 4 ? 'warning' : 'critical', team: `team-${n % 10}` }, annotations: { summary: `Errors on /h${n}` } };
    });
    fs.writeFileSync(path.join(dir, 'rules', `group-${f}.yml`), stringify({ groups: [{ name: `group-${f}`, interval: '30s', rules }] }));
  }
  const receivers = [{ name: 'default', webhook_configs: [{ url: 'http://hook:8080/default' }] }, ...Array.from({ length: 10 }, (_, t) => ({ name: `team-${t}`, webhook_configs: [{ url: `http://hook:8080/team-${t}` }] }))];
  const route = (i: number): Record<string, unknown> => {
    const syntax = i % 3;
    return {
      receiver: `team-${i % 10}`,
      ...(syntax === 0 ? { match: { team: `team-${i % 10}`, service: `svc-${i}` } } : syntax === 1 ? { match_re: { service: `svc-${i}|svc-${i}-.*` } } : { matchers: [`service="svc-${i}"`, 'severity=~"critical|warning"'] }),
      ...(i % 5 === 0 ? { group_wait: '10s', continue: true } : {}),
    };
  };
  // 20 team routes with 4 service routes each: 100 routes.
  const routes = Array.from({ length: 20 }, (_, t) => ({ ...route(t * 5), routes: Array.from({ length: ROUTES / 20 - 1 }, (_, k) => route(t * 5 + k + 1)) }));
  const alertmanager = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(alertmanager, stringify({ route: { receiver: 'default', group_by: ['alertname'], routes }, receivers }));
  return { prometheus, alertmanager };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-import-bench-'));
  try {
    const { prometheus, alertmanager } = generate(dir);
    const bin = path.join(__dirname, '../../bin/cdktf-observability.js');
    const times: number[] = [];
    const cpu: number[] = [];
    // CPU time (user + system) as well: on a shared machine wall time mostly measures the queue.
    const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    let lines = 0;
    for (let run = 0; run < 3; run++) {
      const out = path.join(dir, `main-${run}.ts`);
      const started = process.hrtime.bigint();
      const args = [bin, 'import', '--prometheus', prometheus, '--alertmanager', alertmanager, '--out', out];
      const r = timeBin ? spawnSync(timeBin, ['-f', 'cpu %U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }) : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      times.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (r.status !== 0) throw new Error(`import failed (exit ${r.status}):\n${r.stderr}`);
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
      if (m) cpu.push(Number(m[1]) + Number(m[2]));
      lines = fs.readFileSync(out, 'utf8').split('\n').length;
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(
      `import of ${JOBS} jobs, ${RULES} rules in ${RULE_FILES} files, a ${ROUTES}-route tree: ${times[1].toFixed(2)} s whole process, wall (median of 3: ${times.map((t) => t.toFixed(2)).join(', ')} s)` +
        `${cpu.length ? `; ${cpu[1].toFixed(2)} s CPU (user + system)` : ''}; ${lines} lines of TypeScript written; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
