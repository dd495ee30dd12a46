// The importer's proof: for every corpus entry, import → compile → synth → extract the files
// as Terraform writes them → compare with the inputs semantically. The only differences
// allowed are defaults made explicit and secrets moved to variables, each listed (snapshot).
// promtool and amtool must accept both sides, and `amtool config routes test` must give the
// same receivers on both sides for label sets derived from the routes.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ImportOptions, importStack, ImportResult } from '../../../lib/importer';
import { globFiles } from '../../../lib/importer/parse';
import { unescapeTemplate } from '../../../lib/core/tf-escape';
import {
  alertmanagerCheckable, ALERTMANAGER_DEFAULTS, BLACKBOX_DEFAULTS, promtoolCheckPortable, compare, compareEngine, Difference, fixtureDefaults, normalisePromtail, Json, normaliseAlertmanager, normaliseBlackbox, normalisePrometheus, normaliseRuleGroups, PROMETHEUS_DEFAULTS, routeLabelSets, SECRET,
} from '../../helpers/import-compare';
import { blackboxCheck, containerFiles, haveTool, layOut, rawFiles, resources, run, SynthJson } from '../../helpers/synth';

const ROOT = path.join(__dirname, '../../..');
const LOKI_FACTS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/engines/loki-3.7.6.json'), 'utf8'));
const TEMPO_FACTS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/engines/tempo-3.0.3.json'), 'utf8'));
const FIX = path.join(ROOT, 'test/fixtures/import');

interface Entry {
  readonly name: string;
  readonly options: ImportOptions;
  /** Container names of the engines in the generated stack. */
  readonly names: { prometheus?: string; alertmanager?: string; blackbox?: string };
  /** Loki, Tempo, Promtail: container, its config path in the container, the input file. */
  readonly logs?: ReadonlyArray<{ engine: 'loki' | 'tempo' | 'promtail'; container: string; path: string; input: string; layout?: 2 | 3; rebase?: [string, string]; rules?: string }>;
}

const ENTRIES: Entry[] = [
  // The course's docker-compose.yml: its engines' config files are found through their mounts.
  {
    name: 'course',
    options: { compose: `${FIX}/course/docker-compose.yml` },
    names: { prometheus: 'prometheus', alertmanager: 'alertmanager', blackbox: 'blackbox-exporter' },
    logs: [
      { engine: 'loki', container: 'loki', path: '/etc/loki/config.yaml', input: `${FIX}/course/config/loki/loki-config.yml` },
      { engine: 'tempo', container: 'tempo', path: '/etc/tempo/tempo-config.yml', input: `${FIX}/course/config/tempo/tempo-config.yml`, layout: 2 },
    ],
  },
  // The course's Promtail configuration, in a Compose file of its own (the course runs none).
  {
    name: 'course-promtail',
    options: { compose: `${FIX}/course/promtail-compose.yml` },
    names: {},
    logs: [
      { engine: 'loki', container: 'loki', path: '/etc/loki/config.yaml', input: `${FIX}/course/config/loki/loki-config.yml` },
      { engine: 'promtail', container: 'promtail', path: '/etc/promtail/config.yml', input: `${FIX}/course/config/promtail/promtail-config.yml` },
    ],
  },
  // The course's files given by flag, without Compose: default constructs receive them.
  {
    name: 'course-flags',
    options: { prometheus: `${FIX}/course/config/prometheus/prometheus.yml`, alertmanager: `${FIX}/course/config/alertmanager/alertmanager.yml`, blackbox: `${FIX}/course/config/blackbox/blackbox.yml` },
    names: { prometheus: 'prometheus', alertmanager: 'alertmanager', blackbox: 'blackbox-exporter' },
  },
  // Every feature: discovery kinds, auth, TLS, historic matchers, raw escape hatches, Compose options, dashboards.
  {
    name: 'features',
    options: { compose: `${FIX}/features/docker-compose.yml`, dashboards: `${FIX}/features/dashboards` },
    names: { prometheus: 'prometheus', alertmanager: 'alertmanager', blackbox: 'blackbox-exporter' },
    logs: [
      { engine: 'loki', container: 'loki', path: '/etc/loki/config.yaml', input: `${FIX}/features/loki/loki.yaml`, rebase: ['/data', '/loki'], rules: `${FIX}/features/loki/rules/fake` },
      { engine: 'tempo', container: 'tempo', path: '/etc/tempo/tempo-config.yml', input: `${FIX}/features/tempo/tempo.yaml`, layout: 3 },
      { engine: 'promtail', container: 'promtail', path: '/etc/promtail/config.yml', input: `${FIX}/features/promtail/config.yml`, rebase: ['/positions', '/var/lib/promtail'] },
    ],
  },
];

// Inside the repository so that 'cdktf' and the library resolve from node_modules.
const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.tmp-import-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const results = new Map<string, { result: ImportResult; file: string; inputs: { prometheus?: string; alertmanager?: string; blackbox?: string } }>();
for (const e of ENTRIES) {
  const file = path.join(dir, e.name, 'main.ts');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const result = importStack({ ...e.options, out: file, moduleSpecifier: path.join(ROOT, 'index') });
  fs.writeFileSync(file, result.code);
  const composeDir = e.options.compose ? path.dirname(e.options.compose) : '';
  const mounted = (p: string) => (fs.existsSync(path.join(composeDir, p)) ? path.join(composeDir, p) : undefined);
  const inputs = {
    prometheus: e.options.prometheus ?? (e.options.compose ? (mounted('config/prometheus/prometheus.yml') ?? mounted('prometheus/prometheus.yml')) : undefined),
    alertmanager: e.options.alertmanager ?? (e.options.compose ? (mounted('config/alertmanager/alertmanager.yml') ?? mounted('alertmanager/alertmanager.yml')) : undefined),
    blackbox: e.options.blackbox ?? (e.options.compose ? (mounted('config/blackbox/blackbox.yml') ?? mounted('blackbox/blackbox.yml')) : undefined),
  };
  results.set(e.name, { result, file, inputs });
}

const synthCache = new Map<string, SynthJson>();
function synth(name: string): SynthJson {
  if (!synthCache.has(name)) {
    const mod = require(results.get(name)!.file) as { ImportedStack: new (scope: Construct, id: string) => TerraformStack };
    const stack = new mod.ImportedStack(Testing.app(), 'imported');
    synthCache.set(name, JSON.parse(Testing.synth(stack, true)) as SynthJson);
  }
  return synthCache.get(name)!;
}

/** Every literal secret planted in the corpus, native and raw (features: every raw place). */
const PLANTED_SECRETS = [
  's3cr3t-literal', 'literal-bearer-token', 'another-literal-token', 'literal-smtp-password', 'literal-routing-key', 'literal-db-password', 'abc123', 'literal-loki-password',
  // in raw passthrough: Slack URLs (global and per config), raw receiver kinds, http_config, remote_write/read, raw scrape fields, blackbox rawFields
  'XXXXXXXX', 'YYYYYYYY', 'literal-bot-token', 'literal-opsgenie-key', 'literal-discord-token', 'literal-hook-credentials',
  'literal-rw-password', 'literal-oauth-secret', 'literal-url-password', 'literal-token-credentials', 'literal-scrape-oauth-secret', 'literal-probe-password',
];

const readYaml = (f: string): Json => parse(fs.readFileSync(f, 'utf8'));
const mismatches = (d: Difference[]) => d.filter((x) => x.kind === 'mismatch');
const allowed = (d: Difference[]) => d.filter((x) => x.kind !== 'mismatch').map((x) => `${x.kind}: ${x.path}${x.kind === 'default' ? ` = ${JSON.stringify(x.input ?? x.output)} (${x.input === undefined ? 'written out' : 'left implicit'})` : ''}${x.kind === 'required' ? ` = ${JSON.stringify(x.output)} (${x.why})` : ''}${x.kind === 'rebased' ? ` ${JSON.stringify(x.input)} → ${JSON.stringify(x.output)}` : ''}`);

test('the generated programs type-check against the library (one program for the corpus)', () => {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const files = [...results.values()].map((r) => r.file);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, incremental: false, declaration: false, rootDir: '/' });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${path.relative(dir, d.file!.fileName)}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
});

describe.each(ENTRIES.map((e) => [e.name, e] as const))('%s', (name, entry) => {
  const { result, inputs } = results.get(name)!;

  test('synthesizes without edits, and declares exactly the secret variables the report lists', () => {
    const json = synth(name);
    expect(Object.keys(json.variable ?? {}).map((v) => `TF_VAR_${v}`).sort()).toEqual([...result.secretVariables].sort());
    expect(result.report).toContain('cdktf-observability import report');
  });

  test('no literal secret of the inputs reaches the synthesized JSON, raw passthrough included', () => {
    const text = JSON.stringify(synth(name));
    for (const literal of PLANTED_SECRETS) expect([literal, text.includes(literal)]).toEqual([literal, false]);
    expect(result.notes.filter((n) => /stays? in the (rendered )?file/.test(n.message))).toEqual([]);
  });

  if (entry.names.prometheus) {
    test('prometheus.yml: job by job, global, alerting and raw keys equal (defaults listed)', () => {
      const files = containerFiles(synth(name), entry.names.prometheus!);
      const diffs = compare(normalisePrometheus(readYaml(inputs.prometheus!)), normalisePrometheus(parse(files['/etc/prometheus/prometheus.yml'])), PROMETHEUS_DEFAULTS);
      expect(mismatches(diffs)).toEqual([]);
      expect(allowed(diffs)).toMatchSnapshot();
    });

    test('rule files: group by group, rule by rule', () => {
      const files = containerFiles(synth(name), entry.names.prometheus!);
      const doc = readYaml(inputs.prometheus!);
      const inputFiles = (doc.rule_files ?? []).flatMap((g: string) => globFiles(g, path.dirname(inputs.prometheus!)));
      expect(inputFiles.length).toBeGreaterThan(0);
      const outputFiles = Object.entries(files).filter(([f]) => f.startsWith('/etc/prometheus/rules/')).map(([, c]) => parse(c));
      const diffs = compare(normaliseRuleGroups(inputFiles.map(readYaml)), normaliseRuleGroups(outputFiles), []);
      expect(diffs).toEqual([]);
    });

    test('promtool accepts both sides', () => {
      if (!haveTool('promtool')) return;
      const input = promtoolCheckPortable(inputs.prometheus!, run);
      expect([input.code, input.output]).toEqual([0, expect.stringMatching(/SUCCESS/)]);
      const root = layOut(containerFiles(synth(name), entry.names.prometheus!));
      try {
        const output = promtoolCheckPortable(path.join(root, 'etc/prometheus/prometheus.yml'), run);
        expect([output.code, output.output]).toEqual([0, expect.stringMatching(/SUCCESS/)]);
        // Discovery kinds this promtool build lacks were removed from both sides alike.
        expect(output.stripped).toEqual(input.stripped);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    test('alertmanager.yml: route by route, receiver by receiver, inhibit rules and time intervals equal (defaults listed)', () => {
      const files = containerFiles(synth(name), entry.names.alertmanager!);
      const diffs = compare(normaliseAlertmanager(readYaml(inputs.alertmanager!)), normaliseAlertmanager(parse(files['/etc/alertmanager/alertmanager.yml'])), ALERTMANAGER_DEFAULTS);
      expect(mismatches(diffs)).toEqual([]);
      expect(allowed(diffs)).toMatchSnapshot();
    });

    test('templates found beside alertmanager.yml arrive with the same content', () => {
      const files = containerFiles(synth(name), entry.names.alertmanager!);
      const doc = readYaml(inputs.alertmanager!);
      const base = path.dirname(inputs.alertmanager!);
      const found = (doc.templates ?? []).flatMap((g: string) => globFiles(g, base).concat(path.isAbsolute(g) ? globFiles(path.join(path.basename(path.dirname(g)), path.basename(g)), base) : []));
      for (const f of found) expect(files[`/etc/alertmanager/templates/${path.basename(f)}`]).toBe(fs.readFileSync(f, 'utf8'));
      const missing = (doc.templates ?? []).filter((g: string) => !globFiles(g, base).length && !(path.isAbsolute(g) && globFiles(path.join(path.basename(path.dirname(g)), path.basename(g)), base).length));
      for (const g of missing) expect(result.notes.some((n) => n.kind === 'warning' && n.where.includes(g))).toBe(true);
    });

    test('amtool accepts both sides and routes every derived label set to the same receivers', () => {
      if (!haveTool('amtool')) return;
      const inFile = alertmanagerCheckable(inputs.alertmanager!);
      const root = layOut(containerFiles(synth(name), entry.names.alertmanager!));
      try {
        const input = run('amtool', ['check-config', inFile]);
        expect([input.code, input.stderr]).toEqual([0, '']);
        const outFile = alertmanagerCheckable(path.join(root, 'etc/alertmanager/alertmanager.yml'));
        const output = run('amtool', ['check-config', outFile]);
        expect([output.code, output.stderr]).toEqual([0, '']);
        const sets = routeLabelSets(readYaml(inputs.alertmanager!).route);
        expect(sets.length).toBeGreaterThan(3);
        for (const labels of sets) {
          const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
          const a = run('amtool', ['config', 'routes', 'test', `--config.file=${inFile}`, ...args]);
          const b = run('amtool', ['config', 'routes', 'test', `--config.file=${outFile}`, ...args]);
          expect([labels, b.stdout.trim(), b.code]).toEqual([labels, a.stdout.trim(), 0]);
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
        fs.rmSync(inFile, { force: true });
      }
    });

    test('blackbox modules equal (defaults listed), and the exporter accepts both sides', () => {
      const files = containerFiles(synth(name), entry.names.blackbox!);
      const out = parse(files['/etc/blackbox_exporter/config.yml']);
      const diffs = compare(normaliseBlackbox(readYaml(inputs.blackbox!)), normaliseBlackbox(out), BLACKBOX_DEFAULTS);
      expect(mismatches(diffs)).toEqual([]);
      expect(allowed(diffs)).toMatchSnapshot();
      if (!haveTool('prometheus-blackbox-exporter')) return;
      expect(blackboxCheck(fs.readFileSync(inputs.blackbox!, 'utf8')).code).toBe(0);
      expect(blackboxCheck(files['/etc/blackbox_exporter/config.yml']).code).toBe(0);
    });

  }

  for (const log of entry.logs ?? []) {
    test(`${log.engine}: ${path.basename(log.input)} key by key (defaults explicit and required keys listed), rawConfig included`, () => {
      const files = containerFiles(synth(name), log.container);
      expect(Object.keys(files)).toContain(log.path);
      const input = readYaml(log.input);
      const output = parse(files[log.path]);
      const fixture = log.engine === 'tempo' ? TEMPO_FACTS[`generation${log.layout ?? 3}`].keys : log.engine === 'loki' ? LOKI_FACTS.keys : {};
      const norm = log.engine === 'promtail' ? normalisePromtail : (d: Json) => d;
      const diffs = compareEngine(norm(input), norm(output), fixtureDefaults(fixture), log.rebase);
      expect(mismatches(diffs)).toEqual([]);
      expect(allowed(diffs)).toMatchSnapshot();
    });
    if (log.rules) {
      test(`${log.engine}: rule files group by group, rule by rule`, () => {
        const files = containerFiles(synth(name), log.container);
        const inputs = fs.readdirSync(log.rules!).map((f) => readYaml(path.join(log.rules!, f)));
        const outputs = Object.entries(files).filter(([f]) => f.startsWith('/etc/loki/rules/fake/')).map(([, c]) => parse(c));
        expect(outputs.length).toBeGreaterThan(0);
        expect(compare(normaliseRuleGroups(inputs), normaliseRuleGroups(outputs), [])).toEqual([]);
      });
    }
  }

  if (entry.options.compose) {
    test('docker-compose.yml: every service with an image is a container with its image, ports, named volumes, env, mounts, command, healthcheck and restart', () => {
      const json = synth(name);
      const compose = readYaml(entry.options.compose!);
      const project = compose.name ?? path.basename(path.dirname(entry.options.compose!)).toLowerCase();
      const volumes = resources(json, 'docker_volume');
      const images = resources(json, 'docker_image');
      const volumeName = (ref: string) => Object.entries(volumes).find(([id]) => ref.includes(`docker_volume.${id}.`))?.[1].name;
      for (const [service, svc] of Object.entries<Json>(compose.services)) {
        if (!svc.image) {
          expect(result.notes.some((n) => n.kind === 'warning' && n.where === `services.${service}`)).toBe(true);
          continue;
        }
        const c = Object.values(resources(json, 'docker_container')).find((x) => x.name === service) as Json;
        expect([service, c !== undefined]).toEqual([service, true]);
        const image = Object.entries(images).find(([id]) => String(c.image).includes(`docker_image.${id}.`))?.[1];
        expect([service, image?.name]).toEqual([service, svc.image]);
        const expectedPorts = (svc.ports ?? []).map((p: string) => {
          const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(String(p))!;
          return `${m[1] ?? '0.0.0.0'}:${m[2] ?? m[3]}->${m[3]}/${m[4] ?? 'tcp'}`;
        });
        const ports = (c.ports ?? []).map((p: Json) => `${p.ip}:${p.external}->${p.internal}/${p.protocol ?? 'tcp'}`);
        // One publish address per construct: a mixed service keeps its first one (reported).
        const mixed = new Set(expectedPorts.map((p: string) => p.split(':')[0])).size > 1;
        if (mixed) expect(ports.map((p: string) => p.replace(/^[^:]+:/, '')).sort()).toEqual(expectedPorts.map((p: string) => p.replace(/^[^:]+:/, '')).sort());
        else expect([service, ports.sort()]).toEqual([service, expectedPorts.sort()]);
        const named = (svc.volumes ?? []).map(String).filter((v: string) => !/^[./~]/.test(v)).map((v: string) => {
          const [source, target] = v.split(':');
          const decl = compose.volumes?.[source];
          return `${decl?.name ?? (decl?.external ? source : `${project}_${source}`)}:${target}`;
        });
        const got = (c.volumes ?? []).map((v: Json) => `${volumeName(v.volume_name)}:${v.container_path}`);
        if (/grafana\/(loki|tempo|promtail)/.test(svc.image)) {
          // The same volumes, mounted at the construct's data path (the config's paths are rebased);
          // Promtail always gets a positions volume.
          const names = (l: string[]) => l.map((v) => v.split(':')[0]);
          expect([service, names(got).filter((n) => named.length || !/positions/.test(n)).sort()]).toEqual([service, names(named).sort()]);
        } else expect([service, got.sort()]).toEqual([service, named.sort()]);
        const isEngine = /prometheus|alertmanager|grafana|blackbox|node-exporter|loki|tempo|promtail/.test(svc.image) && !/cadvisor/.test(svc.image);
        if (isEngine) continue;
        const env = Object.entries<Json>(svc.environment ?? {}).map(([k, v]) => `${k}=${v}`);
        const gotEnv = (c.env ?? []).map((e: string) => e.replace(/=\$\{var\.[a-z0-9_]+\}$/, `=${SECRET}`));
        expect([service, gotEnv.length]).toEqual([service, env.length]);
        for (const e of env) expect(gotEnv).toContain(/PASSWORD|\$\{/.test(e) ? `${e.split('=')[0]}=${SECRET}` : e);
        const composeDir = path.dirname(entry.options.compose!);
        const isFile = (src: string) => fs.existsSync(path.join(composeDir, src)) && fs.statSync(path.join(composeDir, src)).isFile();
        const bindSpecs = (svc.volumes ?? []).map(String).filter((v: string) => /^[./~]/.test(v));
        // Files next to the Compose file are delivered as container files; other bind mounts stay mounts.
        const expectedMounts = bindSpecs.filter((b: string) => !(b.startsWith('.') && isFile(b.split(':')[0]))).map((b: string) => {
          const [s, t, mode] = b.split(':');
          return `${path.resolve(composeDir, s)}:${t}:${mode?.split(',').includes('ro') ? 'ro' : 'rw'}`;
        });
        const mounts = (c.mounts ?? []).map((m: Json) => `${m.source}:${m.target}:${m.read_only ? 'ro' : 'rw'}`);
        expect([service, mounts.sort()]).toEqual([service, expectedMounts.sort()]);
        for (const f of bindSpecs.filter((b: string) => b.startsWith('.') && isFile(b.split(':')[0]))) {
          const [s, t] = f.split(':');
          expect(unescapeTemplate(rawFiles(json, service)[t])).toBe(fs.readFileSync(path.join(composeDir, s), 'utf8'));
        }
        const words = (x: Json) => (Array.isArray(x) ? x.map(String) : typeof x === 'string' ? x.split(/\s+/) : undefined);
        expect([service, c.command ?? undefined]).toEqual([service, words(svc.command)]);
        expect([service, c.entrypoint ?? undefined]).toEqual([service, words(svc.entrypoint)]);
        expect([service, c.restart]).toEqual([service, svc.restart ?? 'no']);
        if (svc.healthcheck) {
          const test = Array.isArray(svc.healthcheck.test) ? svc.healthcheck.test : ['CMD-SHELL', svc.healthcheck.test];
          expect(c.healthcheck).toEqual({ test, interval: svc.healthcheck.interval ?? '30s', timeout: svc.healthcheck.timeout ?? '30s', retries: svc.healthcheck.retries ?? 3, start_period: svc.healthcheck.start_period ?? '0s' });
        }
        expect(Boolean(c.privileged)).toBe(Boolean(svc.privileged));
      }
    });
  }

  if (entry.options.dashboards) {
    test('dashboards: one per file, model loaded from the file, uid kept', () => {
      const dashboards = Object.values(resources(synth(name), 'grafana_dashboard')).map((d) => JSON.parse(unescapeTemplate(String(d.config_json))));
      const files = fs.readdirSync(entry.options.dashboards!).filter((f) => f.endsWith('.json'));
      expect(dashboards).toHaveLength(files.length);
      for (const f of files) {
        const raw = JSON.parse(fs.readFileSync(path.join(entry.options.dashboards!, f), 'utf8'));
        const model = raw.dashboard ?? raw;
        const got = dashboards.find((d) => d.title === model.title);
        expect(got).toEqual(model.uid ? model : { ...model, uid: f.replace(/\.json$/, '') });
      }
    });
  }
});

test('examples/importing/main.ts is the importer\'s output for the course\'s Compose file (UPDATE_IMPORT_EXAMPLE=1 regenerates it)', () => {
  const example = path.join(ROOT, 'examples/importing/main.ts');
  const cwd = process.cwd();
  process.chdir(ROOT);
  let code: string;
  try {
    code = importStack({ compose: 'test/fixtures/import/course/docker-compose.yml', out: example, moduleSpecifier: '../../index' }).code;
  } finally {
    process.chdir(cwd);
  }
  if (process.env.UPDATE_IMPORT_EXAMPLE === '1') {
    fs.mkdirSync(path.dirname(example), { recursive: true });
    fs.writeFileSync(example, code);
  }
  expect(fs.readFileSync(example, 'utf8')).toBe(code);
});
