import * as fs from 'fs';
import * as path from 'path';
import { groupPolicyProblems } from '../alerting/policy';
import { alertingRulesOf, RuleGroup } from '../prometheus/rules';
import { prometheusVersionOf, ruleGroupVersionProblem } from '../prometheus/version';
import { importAlertmanager } from './alertmanager';
import { importBlackbox } from './blackbox';
import { constName, constructId, printValue, stringLiteral } from './codegen';
import { ComposeComponent, importCompose } from './compose';
import { Commented, FileRef, formatReport, ImportResult, Notes } from './model';
import { ImportError } from './parse';
import { ImportedPrometheus, importPrometheus } from './prometheus';
import { importLoki } from './loki';
import { importPromtail } from './promtail';
import { importTempo } from './tempo';
import { resolveCorrelation } from '../grafana/correlation';
import { tempoGeneration } from '../tempo/config';

export { ImportError } from './parse';
export type { ImportNote, ImportResult, NoteKind } from './model';

/** What to import; every path is read from disk. */
export interface ImportOptions {
  /** docker-compose.yml: engines become their constructs (with their mounted config imported), other services Containers. @default - none */
  readonly compose?: string;
  /** prometheus.yml (its rule_files are resolved relative to it). @default - the file mounted into the Compose Prometheus, if any */
  readonly prometheus?: string;
  /** alertmanager.yml. @default - the file mounted into the Compose Alertmanager, if any */
  readonly alertmanager?: string;
  /** blackbox.yml. @default - the file mounted into the Compose blackbox exporter, if any */
  readonly blackbox?: string;
  /** A directory of Grafana dashboard JSON files. @default - none */
  readonly dashboards?: string;
  /** Where the generated program will be written: file paths in it are relative to its directory. @default 'main.ts' */
  readonly out?: string;
  /** Compose project name (named volumes are `<project>_<volume>`). @default - the Compose file's directory name */
  readonly project?: string;
  /** Module the generated code imports the library from. @default '@obs-stack/cdktf-observability' */
  readonly moduleSpecifier?: string;
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
}

/**
 * Turns existing configuration files (docker-compose.yml, prometheus.yml and its rule
 * files, alertmanager.yml, blackbox.yml, Grafana dashboards, and the Loki, Tempo and Promtail
 * files mounted into their Compose services) into a TypeScript cdktf app on
 * this library. Throws {@link ImportError} (file and line) for unreadable or mistyped
 * input; everything else it cannot express goes through an escape hatch and into the report.
 */
export function importStack(options: ImportOptions): ImportResult {
  if (!options.compose && !options.prometheus && !options.alertmanager && !options.blackbox && !options.dashboards) {
    throw new ImportError('nothing to import: give at least one of --compose, --prometheus, --alertmanager, --blackbox, --dashboards', '(arguments)');
  }
  const notes = new Notes();
  const outDir = path.dirname(path.resolve(options.out ?? 'main.ts'));
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const components: ComposeComponent[] = options.compose ? importCompose(rel(options.compose), read(options.compose), notes, outDir, options.project) : [];
  const byKind = (k: string) => components.filter((c) => c.kind === k);
  for (const k of ['prometheus', 'alertmanager', 'grafana', 'blackbox']) {
    if (byKind(k).length > 1) notes.add('warning', options.compose ?? '', 'services', `${byKind(k).length} ${k} services: the config flags apply to the first, the others keep their mounted files`);
  }
  const configOf = (kind: string, flag: string | undefined): string | undefined => {
    if (flag) return flag;
    const c = byKind(kind)[0];
    if (!c?.configFile) return undefined;
    if (!fs.existsSync(c.configFile)) {
      notes.add('warning', options.compose ?? '', `services.${c.service}.volumes`, `mounted config ${rel(c.configFile)} not found: the ${kind} construct's defaults are used`);
      return undefined;
    }
    return c.configFile;
  };
  const promFile = configOf('prometheus', options.prometheus);
  const amFile = configOf('alertmanager', options.alertmanager);
  const bbFile = configOf('blackbox', options.blackbox);

  const prom: ImportedPrometheus | undefined = promFile ? importPrometheus(rel(promFile), read(promFile), notes) : undefined;
  // Alerts carry their group's labels under their own (Prometheus 3 group labels).
  const alerts = prom ? prom.ruleGroups.flatMap((f) => f.groups.flatMap((g) => alertingRulesOf(g as unknown as RuleGroup) as unknown as Array<Record<string, unknown>>)) : [];
  const am = amFile ? importAlertmanager(rel(amFile), read(amFile), notes, outDir, alerts as never, (prom?.props.externalLabels ?? {}) as Record<string, string>) : undefined;
  const modules = bbFile ? importBlackbox(rel(bbFile), read(bbFile), notes) : undefined;

  const ids = new Set<string>();
  const consts = new Set<string>();
  const used = new Set<string>(['secretVariable']);
  const head: string[] = [];
  const body: string[] = [];
  const ctor = (cls: string, id: string, props: Record<string, unknown> | undefined, varName?: string, commentText?: string) => {
    used.add(cls);
    if (commentText) body.push(...commentText.split('\n').map((l) => `    // ${l}`));
    const args = props && Object.keys(props).length ? `, ${printValue(props, '    ')}` : '';
    body.push(`    ${varName ? `const ${varName} = ` : ''}new ${cls}(this, ${stringLiteral(id)}${args});`);
  };

  // Alerting first: Prometheus and the Alertmanager find the route through the stack.
  if (am) {
    ctor('AlertRoute', constructId('Routing', ids), am.props, undefined, `Routing, receivers and inhibit rules from ${rel(am.file)}.`);
  }
  const amComp = byKind('alertmanager')[0];
  if (am || amComp) ctor('Alertmanager', constructId(amComp?.service ?? 'Alertmanager', ids), amComp?.props, undefined, amComp ? `Compose service ${amComp.service}.` : undefined);

  const bbComp = byKind('blackbox')[0];
  let blackboxVar: string | undefined;
  const bbName = String(bbComp?.props.name ?? 'blackbox-exporter');
  const probes = (prom?.probes ?? []).filter((p) => {
    const ok = p.exporterAddress === `${bbName}:9115` && (!modules || p.module in modules || !bbFile);
    if (!ok) {
      notes.add('choice', prom!.file, `job ${JSON.stringify(p.jobName)}`, `probe pattern kept as a plain scrape job: the exporter address ${p.exporterAddress} or module ${p.module} does not match the BlackboxExporter (${bbName}:9115)`);
      prom!.scrapeJobs.push({
        jobName: p.jobName, metricsPath: '/probe', params: { module: [p.module] }, ...(p.scrapeInterval ? { scrapeInterval: p.scrapeInterval } : {}), targets: p.targets, ...(p.labels ? { labels: p.labels } : {}),
        relabelConfigs: [{ sourceLabels: ['__address__'], targetLabel: '__param_target' }, { sourceLabels: ['__param_target'], targetLabel: 'instance' }, { targetLabel: '__address__', replacement: p.exporterAddress }],
      });
    } else notes.add('choice', prom!.file, `job ${JSON.stringify(p.jobName)}`, `blackbox __param_target pattern recognised: a probe of the BlackboxExporter (module ${p.module})`);
    return ok;
  });
  if (modules || bbComp || probes.length) {
    blackboxVar = 'blackbox';
    const props: Record<string, unknown> = { ...(bbComp?.props ?? {}) };
    if (!bbComp && probes.length) props.name = new Commented('The exporter the probe jobs point at.', bbName);
    if (modules) props.modules = modules;
    ctor('BlackboxExporter', constructId(bbComp?.service ?? 'BlackboxExporter', ids), props, blackboxVar, bbFile ? `Modules from ${rel(bbFile)}.` : undefined);
  }

  const promComp = byKind('prometheus')[0];
  if (prom || promComp) {
    const props: Record<string, unknown> = { ...(promComp?.props ?? {}), ...(prom?.props ?? {}) };
    if (prom?.scrapeJobs.length) props.scrapeJobs = prom.scrapeJobs;
    if (prom?.ruleGroups.length) {
      const names = prom.ruleGroups.map((f) => {
        const n = constName(path.basename(f.file), 'RULES', consts);
        used.add('RuleGroup');
        head.push(`/** Rule groups from ${rel(f.file)}. */`, `const ${n}: RuleGroup[] = ${printValue(f.groups)};`, '');
        return n;
      });
      props.ruleGroups = { __spread: names };
      // Group keys newer than the pinned image (query_offset 2.53+, labels 3.0+): that Prometheus
      // would not load the rule file either; the library refuses it at synth, say so here first.
      const tag = typeof props.image === 'string' ? props.image.replace(/@.*$/, '').split(':').pop() ?? '' : '';
      const version = prometheusVersionOf(tag);
      for (const f of version ? prom.ruleGroups : []) {
        for (const g of f.groups) {
          const p = ruleGroupVersionProblem(g as unknown as RuleGroup, version!, String(props.image));
          if (p) notes.add('warning', f.file, `group ${JSON.stringify(g.name)}`, `${p} The generated app fails at synth until the image or the group is changed.`);
        }
      }
      const policy = prom.ruleGroups.flatMap((f) => f.groups.flatMap((g) => groupPolicyProblems(g as unknown as RuleGroup)));
      if (policy.length) {
        props.alertPolicy = new Commented(`The rules as written fail ${policy.length} check(s) of the library's alert policy (runbook, summary, severity, ...): warnings, not errors.`, 'warn');
        notes.add('choice', prom.file, 'rule_files', `alertPolicy: 'warn' keeps the rules as they are; the ${policy.length} policy finding(s) become synth warnings`);
      }
    }
    ctor('PrometheusServer', constructId(promComp?.service ?? 'Prometheus', ids), props, probes.length ? 'prometheus' : undefined, `${promComp ? `Compose service ${promComp.service}` : 'Prometheus'}${prom ? `, configuration from ${rel(prom.file)}` : ''}.`);
    for (const p of probes) {
      const { exporterAddress: _a, jobName, ...opts } = p;
      body.push(`    prometheus.scrape(${blackboxVar}.probe(${stringLiteral(jobName)}, ${printValue(opts, '    ')}));`);
    }
  }

  // Loki, Tempo and Promtail: their mounted config imported (typed props + computed rawConfig).
  const amName = String(amComp?.props.name ?? 'alertmanager');
  const correlation = resolveCorrelation();
  for (const c of [...byKind('loki'), ...byKind('tempo'), ...byKind('promtail')]) {
    const cfg = c.configFile && fs.existsSync(c.configFile) ? c.configFile : undefined;
    if (c.configFile && !cfg) notes.add('warning', options.compose ?? '', `services.${c.service}.volumes`, `mounted config ${rel(c.configFile)} not found: the ${c.kind} construct's defaults are used`);
    const mounts = c.mounts ?? { hostDirs: {}, dockerSocket: false };
    let imported: Record<string, unknown> = {};
    if (cfg && c.kind === 'loki') {
      imported = importLoki(rel(cfg), read(cfg), notes, { dataMount: mounts.dataMount, hostDirs: mounts.hostDirs, alertmanagerUrls: am || amComp ? [`http://${amName}:9093`] : [], composeFile: options.compose, service: c.service, imageTag: String(c.props.image ?? '').replace(/^[^:]*:?/, '') || undefined });
    } else if (cfg && c.kind === 'tempo') {
      const tag = String(c.props.image ?? '').replace(/^.*:/, '');
      imported = importTempo(rel(cfg), read(cfg), notes, {
        generation: tempoGeneration(tag), dataMount: mounts.dataMount, composeFile: options.compose, traceIdLabel: correlation.exemplarTraceIdLabel,
        stackRemoteWriteUrl: prom || promComp ? `http://${String(promComp?.props.name ?? 'prometheus')}:9090/api/v1/write` : undefined,
      });
    } else if (cfg && c.kind === 'promtail') {
      imported = importPromtail(rel(cfg), read(cfg), notes, { dockerSocketMounted: mounts.dockerSocket, positionsMount: mounts.dataMount, correlation, composeFile: options.compose });
    } else if (c.kind === 'promtail') imported = { agent: 'promtail', mountDockerSocket: new Commented('The construct reads container logs through the Docker socket.', true) };
    const cls = { loki: 'LokiCluster', tempo: 'TempoBackend', promtail: 'LogAgent' }[c.kind as 'loki' | 'tempo' | 'promtail'];
    const { rawConfig, ...typed } = imported;
    ctor(cls, constructId(c.service, ids), { ...c.props, ...typed, ...(rawConfig ? { rawConfig } : {}) }, undefined, `Compose service ${c.service}${cfg ? `, configuration from ${rel(cfg)}` : ''}.`);
  }

  for (const c of byKind('node-exporter')) ctor('NodeExporter', constructId(c.service, ids), c.props, undefined, `Compose service ${c.service} (its scrape job comes from prometheus.yml).`);

  const graf = byKind('grafana')[0];
  if (graf) ctor('GrafanaServer', constructId(graf.service, ids), graf.props, undefined, `Compose service ${graf.service}.`);
  if (options.dashboards) {
    const dir = options.dashboards;
    let files: string[];
    try {
      files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch (e) {
      throw new ImportError(`cannot read the dashboards directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`, dir);
    }
    if (files.length && !graf) {
      used.add('ExistingGrafana');
      body.push('    // No Grafana in the Compose file: the dashboards go to an existing one (set its URL and the TF_VAR_grafana_auth token).');
      body.push(`    new ExistingGrafana(this, ${stringLiteral(constructId('Grafana', ids))}, { url: 'http://localhost:3000', auth: secret('grafana_auth') });`);
      notes.secret(dir, 'dashboards', 'grafana_auth', undefined);
      notes.add('choice', dir, 'dashboards', 'no Grafana service: an ExistingGrafana at http://localhost:3000 receives the dashboards (edit its url)');
    }
    for (const f of files) {
      const full = path.join(dir, f);
      let model: Record<string, unknown>;
      try {
        model = JSON.parse(read(full)) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof ImportError) throw e;
        throw new ImportError(`invalid JSON: ${(e as Error).message}`, rel(full));
      }
      const wrapped = typeof model.dashboard === 'object' && model.dashboard !== null;
      const dash = (wrapped ? model.dashboard : model) as Record<string, unknown>;
      const ref = new FileRef(path.relative(outDir, path.resolve(full)), 'json');
      let expr = `${printValue(ref)}${wrapped ? '.dashboard' : ''}`;
      if (typeof dash.uid !== 'string' || !dash.uid) {
        const uid = f.replace(/\.json$/, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 40);
        expr = `{ ...${expr}, uid: ${stringLiteral(uid)} }`;
        notes.add('choice', rel(full), 'uid', `no uid: ${JSON.stringify(uid)} given (from the file name) so links and state stay stable`);
      }
      used.add('Dashboard');
      body.push(`    // ${String(dash.title ?? f)}: the model is read from the file at synth (uid kept).`);
      body.push(`    new Dashboard(this, ${stringLiteral(constructId(`Dashboard-${String(dash.uid ?? f)}`, ids))}, { dashboard: ${expr} });`);
    }
  }
  for (const c of byKind('container')) ctor('Container', constructId(c.service, ids), c.props, undefined, `Compose service ${c.service}.`);

  if (body.some((l) => l.includes('Matcher.'))) used.add('Matcher');
  const usesSecrets = [...body, ...head].some((l) => l.includes('secret('));
  if (!usesSecrets) used.delete('secretVariable');
  const sources = [options.compose, promFile, amFile, bbFile, options.dashboards].filter((x): x is string => !!x).map(rel);
  const code = [
    `// Generated by \`cdktf-observability import\` from ${sources.join(', ')}.`,
    '// Review the comments marked by the importer and the report it printed, then edit freely.',
    "import * as fs from 'fs';",
    "import * as path from 'path';",
    "import { App, TerraformStack } from 'cdktf';",
    "import { Construct } from 'constructs';",
    `import { ${[...used].filter((u) => u !== 'RuleGroup').sort((a, b) => a.localeCompare(b)).join(', ')} } from ${stringLiteral(options.moduleSpecifier ?? '@obs-stack/cdktf-observability')};`,
    ...(used.has('RuleGroup') ? [`import type { RuleGroup } from ${stringLiteral(options.moduleSpecifier ?? '@obs-stack/cdktf-observability')};`] : []),
    '',
    '/** A file next to this program, read at synth. */',
    'function readText(file: string): string {',
    "  return fs.readFileSync(path.join(__dirname, file), 'utf8');",
    '}',
    '',
    'function readJson(file: string): Record<string, any> {',
    '  return JSON.parse(readText(file)) as Record<string, any>;',
    '}',
    '',
    '/** A path next to this program, made absolute for a bind mount. */',
    'function hostPath(file: string): string {',
    '  return path.resolve(__dirname, file);',
    '}',
    '',
    ...head,
    'export class ImportedStack extends TerraformStack {',
    '  constructor(scope: Construct, id: string) {',
    '    super(scope, id);',
    ...(usesSecrets ? ['    /** A sensitive Terraform variable (set TF_VAR_<name>). */', '    const secret = (name: string) => secretVariable(this, name).stringValue;', ''] : []),
    ...body,

    '  }',
    '}',
    '',
    'if (require.main === module) {',
    '  const app = new App();',
    "  new ImportedStack(app, 'imported');",
    '  app.synth();',
    '}',
    '',
  ]
    .join('\n')
    .replace(/\{ __spread: \[([^\]]*)\] \}/g, (_m, names: string) => `[${names.split(',').map((n) => `...${n.trim().replace(/^'|'$/g, '')}`).join(', ')}]`);
  const final = pruneHelpers(code);
  const secretVariables = notes.secretVariables;
  return { code: final, notes: notes.notes, secretVariables, report: formatReport(notes.notes, secretVariables) };
}


/** Drops the file helpers the generated body does not call. */
function pruneHelpers(code: string): string {
  let out = code;
  const calls = (name: string) => out.split(`${name}(`).length - 2; // minus the definition
  if (calls('hostPath') <= 0) out = out.replace(/\/\*\* A path next to this program[^\n]*\nfunction hostPath[\s\S]*?\n}\n\n/, '');
  if (calls('readJson') <= 0) out = out.replace(/function readJson[\s\S]*?\n}\n\n/, '');
  if (calls('readText') <= (out.includes('function readJson') ? 1 : 0)) out = out.replace(/\/\*\* A file next to this program[^\n]*\nfunction readText[\s\S]*?\n}\n\n/, '');
  if (!out.includes('readText(')) out = out.replace("import * as fs from 'fs';\n", '');
  if (!/readText\(|hostPath\(/.test(out)) out = out.replace("import * as path from 'path';\n", '');
  return out;
}
