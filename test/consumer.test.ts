/**
 * The package as a user installs it (issue 14): `npm pack`, a fresh app in a folder outside
 * the repository, and every `sh run` command and file of docs/guides/use-in-your-app.md, in
 * order: install (from the npm cache when it can), type-check with `node16` and classic `node`
 * resolution, `cdktf synth`, the snapshot test; then promtool and amtool on what was
 * synthesized. If the page's commands stop working, this fails.
 */
import { execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { amtoolCheckConfig, containerFiles, haveTool, promtoolCheckConfig, SynthJson } from './helpers/synth';

const ROOT = path.join(__dirname, '..');
const PAGE = path.join(ROOT, 'docs/guides/use-in-your-app.md');
const PACKAGE = '@obs-stack/cdktf-observability';

/** The page's steps in order: files to write and commands to run. */
function steps(): Array<{ file: string; content: string } | { command: string }> {
  const out: Array<{ file: string; content: string } | { command: string }> = [];
  for (const m of fs.readFileSync(PAGE, 'utf8').matchAll(/```([^\n]*)\n([\s\S]*?)```/g)) {
    const info = m[1].trim();
    const file = /\bfile=(\S+)/.exec(info)?.[1];
    if (file) out.push({ file, content: m[2] });
    else if (/^sh run$/.test(info)) for (const line of m[2].split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) out.push({ command: line.trim() });
  }
  return out;
}

const hasPromtool = haveTool('promtool');
const hasAmtool = haveTool('amtool');

describe('the packed package in a fresh app, following the docs', () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-consumer-'));
  const log: string[] = [];
  let tarball = '';
  let json: SynthJson = {};
  // The user's environment: no CI flag (jest writes the first snapshot), no repo paths.
  const env = { ...process.env, CI: '', TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
  const sh = (command: string, cwd: string, timeout = 600_000) => {
    const started = Date.now();
    const r = spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
    log.push(`$ ${command} (${((Date.now() - started) / 1000).toFixed(1)} s, exit ${r.status})`);
    if (r.status !== 0) throw new Error(`\`${command}\` failed in ${cwd} (exit ${r.status}):\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`);
    return r.stdout ?? '';
  };

  beforeAll(() => {
    sh('npx tsc -p tsconfig.build.json', ROOT);
    const packed = JSON.parse(sh(`npm pack --ignore-scripts --json --pack-destination ${JSON.stringify(app)}`, ROOT)) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
    tarball = path.join(app, packed[0].filename);
    log.push(`tarball: ${packed[0].size} bytes, ${packed[0].files.length} files, ${packed[0].unpackedSize} bytes unpacked`);
    fs.writeFileSync(path.join(app, 'pack.json'), JSON.stringify(packed[0].files.map((f) => f.path)));
    const project = path.join(app, 'my-app');
    fs.mkdirSync(project);
    const started = Date.now();
    for (const step of steps()) {
      if ('file' in step) {
        fs.writeFileSync(path.join(project, step.file), step.content);
        continue;
      }
      // The package comes from the tarball; the rest from the npm cache when it has them.
      const command = step.command.startsWith('npm install') ? `${step.command.split(PACKAGE).join(tarball)} --prefer-offline` : step.command;
      sh(command, project);
      if (/cdktf synth/.test(command)) log.push(`empty folder to first synth: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    json = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out/stacks/observability/cdk.tf.json'), 'utf8')) as SynthJson;
  }, 1_200_000);

  afterAll(() => {
    console.log(log.join('\n'));
    fs.rmSync(app, { recursive: true, force: true });
  });

  test('the tarball holds the library, its LICENSE and README, and no bench, example, test or app entry', () => {
    const files = JSON.parse(fs.readFileSync(path.join(app, 'pack.json'), 'utf8')) as string[];
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/kubernetes.js', 'dist/kubernetes.d.ts']));
    expect(files.filter((f) => /^dist\/(bench|examples|test|scripts)\/|^dist\/stacks\/main\.|\.ts$(?<!\.d\.ts)|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  test('one copy of cdktf and of constructs; the Kubernetes providers are not installed for a Docker-only app', () => {
    const modules = path.join(app, 'my-app/node_modules');
    expect(fs.existsSync(path.join(modules, PACKAGE, 'node_modules/cdktf'))).toBe(false);
    expect(fs.existsSync(path.join(modules, PACKAGE, 'node_modules/constructs'))).toBe(false);
    expect(fs.existsSync(path.join(modules, '@cdktf/provider-kubernetes'))).toBe(false);
    expect(fs.existsSync(path.join(modules, '@cdktf/provider-helm'))).toBe(false);
  });

  test('the app type-checks with classic "node" resolution too, subpath entries included', () => {
    const project = path.join(app, 'my-app');
    fs.writeFileSync(path.join(project, 'subpaths.ts'), `import type { KubernetesRuntimeProps } from '${PACKAGE}/kubernetes';\nimport type { provider } from '${PACKAGE}/grafana';\nexport const k: KubernetesRuntimeProps = { namespace: 'observability' };\nexport type P = provider.GrafanaProvider;\n`);
    for (const [module, resolution] of [['commonjs', 'node'], ['node16', 'node16']]) {
      fs.writeFileSync(path.join(project, `tsconfig.${resolution}.json`), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { module, moduleResolution: resolution, noEmit: true } }));
      sh(`npx tsc -p tsconfig.${resolution}.json`, project);
    }
  });

  test('selecting the Kubernetes target without its providers is a clear error naming them', () => {
    const project = path.join(app, 'my-app');
    fs.writeFileSync(path.join(project, 'k8s.js'), `const { App } = require('cdktf');\nconst { ObservabilityStack } = require('${PACKAGE}');\ntry { new ObservabilityStack(new App(), 'x', { kubernetes: {} }); } catch (e) { console.log(e.name + ': ' + e.message); }\ntry { require('${PACKAGE}/kubernetes'); } catch (e) { console.log(e.message); }\n`);
    const out = execSync('node k8s.js', { cwd: project, encoding: 'utf8' });
    expect(out).toMatch(/ValidationError: \[x\] the Kubernetes target needs the @cdktf\/provider-kubernetes and @cdktf\/provider-helm packages.*npm install @cdktf\/provider-kubernetes@\^12\.1 @cdktf\/provider-helm@\^12\.1/);
    expect(out).toMatch(/\/kubernetes needs @cdktf\/provider-kubernetes and @cdktf\/provider-helm \(optional peer dependencies\)/);
  });

  test('the synthesized stack holds no secret and has its variables sensitive', () => {
    expect(Object.keys(json.variable ?? {})).toEqual(expect.arrayContaining(['grafana_admin_password', 'shop_slack_webhook']));
    for (const v of Object.values(json.variable ?? {})) expect(v).toMatchObject({ sensitive: true });
    expect(JSON.stringify(json)).not.toMatch(/hooks\.slack\.com/);
  });

  test('the installed cdktf-observability command imports the course files into a program that type-checks and synthesizes', () => {
    const project = path.join(app, 'my-app');
    const fixtures = path.join(ROOT, 'test/fixtures/import/course/config');
    const out = sh(`npx --no-install cdktf-observability import --prometheus ${fixtures}/prometheus/prometheus.yml --alertmanager ${fixtures}/alertmanager/alertmanager.yml --blackbox ${fixtures}/blackbox/blackbox.yml --out imported/main.ts`, project);
    expect(out).toMatch(/Wrote imported\/main\.ts[\s\S]*Set before deploying: .*TF_VAR_slack_webhook_url/);
    fs.writeFileSync(path.join(project, 'tsconfig.imported.json'), JSON.stringify({ extends: './tsconfig.json', include: ['imported/main.ts'], compilerOptions: { noEmit: true } }));
    sh('npx tsc -p tsconfig.imported.json', project);
    const synth = sh(`node -e "const ts=require('typescript');const fs=require('fs');const m=new module.constructor();m.paths=module.paths;m._compile(ts.transpileModule(fs.readFileSync('imported/main.ts','utf8'),{compilerOptions:{module:ts.ModuleKind.CommonJS,target:ts.ScriptTarget.ES2022,esModuleInterop:true}}).outputText,require('path').resolve('imported/main.js'));const {Testing}=require('cdktf');const j=JSON.parse(Testing.synth(new m.exports.ImportedStack(Testing.app(),'imported'),true));console.log(Object.keys(j.resource.docker_container).length)"`, project);
    expect(Number(synth.trim().split('\n').pop())).toBeGreaterThanOrEqual(3);
  });

  test('the snapshot test of the guide wrote its snapshot', () => {
    const snap = fs.readFileSync(path.join(app, 'my-app/dist/__snapshots__/stack.test.js.snap'), 'utf8');
    expect(snap).toMatch(/exports\[`the observability stack 1`\]/);
    expect(snap).toContain('prometheus:/etc/prometheus/prometheus.yml');
  });

  (hasPromtool ? test : test.skip)('promtool accepts the synthesized Prometheus configuration and rules', () => {
    const r = promtoolCheckConfig(containerFiles(json, 'prometheus'));
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  (hasAmtool ? test : test.skip)('amtool accepts the synthesized Alertmanager configuration', () => {
    const r = amtoolCheckConfig(containerFiles(json, 'alertmanager'));
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });
});
