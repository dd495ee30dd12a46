import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { unescapeTemplate } from '../../lib/core/tf-escape';
import { parse, stringify } from 'yaml';

/** A fresh stack in a test app (no provider download, no disk output). */
export function testStack(id = 'test'): TerraformStack {
  const app: App = Testing.app();
  return new TerraformStack(app, id);
}

export interface SynthJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  variable?: Record<string, Record<string, unknown>>;
  output?: Record<string, Record<string, unknown>>;
  provider?: Record<string, unknown>;
}

/** Synthesizes with validations on and parses the JSON. */
export function synthJson(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack, true)) as SynthJson;
}

/** Synthesized string (for the cdktf matchers). */
export function synthString(stack: TerraformStack): string {
  return Testing.synth(stack, true);
}

export function resources(json: SynthJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The container resource whose `name` is `name`. */
export function container(json: SynthJson, name: string): Record<string, unknown> {
  const found = Object.values(resources(json, 'docker_container')).find((c) => c.name === name);
  if (!found) throw new Error(`no docker_container named ${name}; have ${Object.values(resources(json, 'docker_container')).map((c) => c.name).join(', ')}`);
  return found;
}

/** Files uploaded into a container, as Terraform writes them (escaped). */
export function rawFiles(json: SynthJson, name: string): Record<string, string> {
  const uploads = (container(json, name).upload ?? []) as Array<{ file: string; content: string }>;
  return Object.fromEntries(uploads.map((u) => [u.file, u.content]));
}

/** Files as the container sees them: Terraform escapes undone, references replaced by stand-ins. */
export function containerFiles(json: SynthJson, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(rawFiles(json, name)).map(([f, c]) => [f, unescapeTemplate(c, (e) => `stand-in-for-${e.replace(/[^A-Za-z0-9_.-]/g, '_')}`)]));
}

/** Writes `files` (container paths) under a temporary root; returns the root. */
export function layOut(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-files-'));
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}

/**
 * Whether `tool` is on PATH. Under CI (CI=true) a missing tool is a failure, never a skip.
 */
export function haveTool(tool: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found && process.env.CI === 'true') {
    throw new Error(`${tool} is required in CI but is not installed (.ci/run installs it with apt).`);
  }
  if (!found) console.warn(`${tool} not installed: skipping the check that needs it (install it with apt to run it).`);
  return found;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd?: string, timeoutMs = 60_000): ToolResult {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * Runs `terraform init` on a synthesized stack with an empty provider mirror: Terraform reads
 * and checks the whole configuration (expressions, references, depends_on) before it looks
 * for providers, which it then fails to find here. Returns the configuration errors only.
 */
export function terraformConfigErrors(json: SynthJson): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-tfinit-'));
  try {
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
    fs.mkdirSync(path.join(dir, 'mirror'));
    const rc = path.join(dir, 'terraformrc');
    fs.writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${path.join(dir, 'mirror')}"\n  }\n}\n`);
    const env = { ...process.env, TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    const r = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    if (!/with the configuration/.test(out)) {
      // The configuration was read; only the provider lookup may fail (no registry here).
      if (r.status !== 0 && !/provider/i.test(out)) return [`terraform init failed for another reason: ${out.slice(0, 500)}`];
      return [];
    }
    return out.split(/\n(?=Error: )/).filter((b) => b.startsWith('Error: ') && !/provider|encountered problems during initiali[sz]ation/i.test(b.split('\n')[0])).map((b) => b.trim().split('\n').slice(0, 6).join(' | '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Evaluates strings with the real terraform binary (no provider needed): input → output. */
export function terraformEvaluate(values: Record<string, string>): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-tf-'));
  const locals: Record<string, string> = {};
  const output: Record<string, { value: string }> = {};
  Object.entries(values).forEach(([, v], i) => {
    locals[`v${i}`] = v;
    output[`v${i}`] = { value: `\${local.v${i}}` };
  });
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals, output }));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
  execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
  const out = JSON.parse(execFileSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' })) as Record<string, { value: string }>;
  fs.rmSync(dir, { recursive: true, force: true });
  return Object.fromEntries(Object.keys(values).map((key, i) => [key, out[`v${i}`].value]));
}

/**
 * Global keys the pinned Prometheus reads that the promtool installed here (2.42, Debian)
 * refuses as unknown fields. The library writes each only for a Prometheus version that has
 * it (`scrape_native_histograms`: 3.8+). {@link promtoolCheckConfig} takes them out before
 * promtool reads the file, and test/lib/prometheus/engine-facts.test.ts covers them instead:
 * each exists in GlobalConfig at the pinned tag and not at 2.42 (test/fixtures/engines).
 */
export const KEYS_PROMTOOL_2_42_LACKS = ['scrape_native_histograms'] as const;

/** prometheus.yml as promtool 2.42 can read it: the {@link KEYS_PROMTOOL_2_42_LACKS} lines of `global` removed. */
export function forPromtool242(config: string): string {
  let out = config;
  for (const key of KEYS_PROMTOOL_2_42_LACKS) {
    // The renderer writes them as `  key: true` lines of the global block (two-space indent).
    const line = new RegExp(`^(global:\\n(?:  .*\\n)*?)  ${key}: .*\\n`, 'm');
    out = out.replace(line, '$1');
    if (new RegExp(`^\\s+${key}:`, 'm').test(out)) throw new Error(`forPromtool242: ${key} is written outside global or in another form; extend the helper.`);
  }
  return out;
}

/**
 * Rule group keys the pinned Prometheus reads that promtool 2.42 refuses (`field query_offset
 * not found in type rulefmt.RuleGroup`): `query_offset` (2.53+) and `labels` (3.0+). The
 * library writes each only for a Prometheus version that has it; {@link forPromtool242Rules}
 * takes them out of rule files before promtool reads them, and
 * test/lib/prometheus/rule-group-keys.test.ts covers them instead (each exists at the pinned
 * tag and not at 2.42: test/fixtures/engines/prometheus-rule-group-keys.json).
 */
export const RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS = ['query_offset', 'labels'] as const;

/** A rule file as promtool 2.42 can read it: the {@link RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS} keys of each group removed (rules untouched). */
export function forPromtool242Rules(text: string): string {
  const doc = parse(text) as { groups?: Array<Record<string, unknown>> } | null;
  if (!doc || !Array.isArray(doc.groups) || !doc.groups.some((g) => RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS.some((k) => g && k in g))) return text;
  for (const g of doc.groups) for (const k of RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS) if (g) delete g[k];
  return stringify(doc);
}

/** Container files as promtool 2.42 reads them: prometheus.yml and rule files stripped of what it lacks. */
function forPromtool242Files(files: Record<string, string>, configPath: string): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([f, c]) => [f, f === configPath ? forPromtool242(c) : f.includes('/rules/') ? forPromtool242Rules(c) : c]));
}

/**
 * Runs `promtool check config` on prometheus.yml laid out as the container sees it, less the
 * global keys promtool 2.42 does not know ({@link KEYS_PROMTOOL_2_42_LACKS}) and the rule
 * group keys it does not know ({@link RULE_GROUP_KEYS_PROMTOOL_2_42_LACKS}).
 */
export function promtoolCheckConfig(files: Record<string, string>, configPath = '/etc/prometheus/prometheus.yml'): ToolResult {
  const root = layOut(forPromtool242Files(files, configPath));
  try {
    return run('promtool', ['check', 'config', path.join(root, configPath)]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Runs `promtool check rules` on every rule file under /etc/prometheus/rules. */
export function promtoolCheckRules(files: Record<string, string>): ToolResult {
  const root = layOut(forPromtool242Files(files, ''));
  try {
    const ruleFiles = Object.keys(files).filter((f) => f.includes('/rules/')).map((f) => path.join(root, f));
    return run('promtool', ['check', 'rules', ...ruleFiles]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Runs the blackbox exporter's own `--config.check`. */
export function blackboxCheck(content: string): ToolResult {
  const root = layOut({ '/blackbox.yml': content });
  try {
    return run('prometheus-blackbox-exporter', [`--config.file=${path.join(root, 'blackbox.yml')}`, '--config.check']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `amtool check-config` on alertmanager.yml laid out as the container sees it. */
export function amtoolCheckConfig(files: Record<string, string>, configPath = '/etc/alertmanager/alertmanager.yml'): ToolResult {
  const root = layOut(files);
  try {
    return run('amtool', ['check-config', path.join(root, configPath)]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `amtool config routes test --verify.receivers=<expected> labels...`: exit 0 when they match. */
export function amtoolRoutesTest(files: Record<string, string>, labels: Record<string, string>, expected: string[], configPath = '/etc/alertmanager/alertmanager.yml'): ToolResult {
  const root = layOut(files);
  try {
    const args = ['config', 'routes', 'test', `--config.file=${path.join(root, configPath)}`, `--verify.receivers=${expected.join(',')}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    return run('amtool', args);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Stand-in for a Terraform reference in decoded text (`var.x` → `stand-in-for-var.x`). */
export function standIn(expr: string): string {
  return `stand-in-for-${expr.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** The helm_release whose `name` is `name`. */
export function helmRelease(json: SynthJson, name: string): Record<string, unknown> {
  const found = Object.values(resources(json, 'helm_release')).find((r) => r.name === name);
  if (!found) throw new Error(`no helm_release named ${name}; have ${Object.values(resources(json, 'helm_release')).map((r) => r.name).join(', ')}`);
  return found;
}

/** A release's values as Helm receives them: Terraform escapes undone, references replaced by stand-ins, YAML parsed. */
export function helmValues(json: SynthJson, name: string): Record<string, any> {
  const { parse } = require('yaml') as typeof import('yaml');
  const values = helmRelease(json, name).values as string[];
  return parse(unescapeTemplate(values[0], standIn));
}

/** kubernetes_manifest objects of `kind`, decoded (escapes undone). */
export function k8sManifests(json: SynthJson, kind: string): Array<Record<string, any>> {
  const decode = (v: unknown): unknown =>
    typeof v === 'string' ? unescapeTemplate(v, standIn) : Array.isArray(v) ? v.map(decode) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)])) : v;
  return Object.values(resources(json, 'kubernetes_manifest'))
    .map((r) => decode(r.manifest) as Record<string, any>)
    .filter((m) => m.kind === kind);
}

/** The kubernetes_* resource of `type` whose metadata name is `name`. */
export function k8sResource(json: SynthJson, type: string, name: string): Record<string, any> {
  const found = Object.values(resources(json, type)).find((r) => (r.metadata as Array<{ name: string }> | { name: string })?.constructor === Array ? (r.metadata as Array<{ name: string }>)[0].name === name : (r.metadata as { name: string })?.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; have ${Object.values(resources(json, type)).map((r) => JSON.stringify(r.metadata)).join(', ')}`);
  return found as Record<string, any>;
}

/** `promtool check rules` on rule groups given as objects (e.g. a PrometheusRule's spec). */
export function promtoolCheckRuleGroups(groups: unknown[]): ToolResult {
  const { stringify } = require('yaml') as typeof import('yaml');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-rules-'));
  try {
    const file = path.join(root, 'rules.yml');
    fs.writeFileSync(file, stringify({ groups }));
    return run('promtool', ['check', 'rules', file]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * `amtool check-config` on an Alertmanager config given as an object (the chart's
 * `alertmanager.config`), with its templates laid out where the config's glob points.
 */
export function amtoolCheckConfigObject(config: Record<string, any>, templates: Record<string, string> = {}): ToolResult {
  const { stringify } = require('yaml') as typeof import('yaml');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-am-'));
  try {
    const doc = { ...config };
    if (Array.isArray(doc.templates)) {
      doc.templates = doc.templates.map((g: string) => path.join(root, 'templates', path.basename(g)));
      fs.mkdirSync(path.join(root, 'templates'));
      for (const [name, content] of Object.entries(templates)) fs.writeFileSync(path.join(root, 'templates', name), content);
    }
    const file = path.join(root, 'alertmanager.yml');
    fs.writeFileSync(file, stringify(doc));
    return run('amtool', ['check-config', file]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
