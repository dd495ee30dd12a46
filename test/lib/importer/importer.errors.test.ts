// Bad input for the importer: invalid YAML names the file and line, a file of another kind
// is refused clearly, unknown discovery and receiver kinds are kept raw with a warning (never
// an exception), and missing referenced files (rule globs, templates) are warnings naming them.
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { importAlertmanager } from '../../../lib/importer/alertmanager';
import { main } from '../../../lib/importer/cli';
import { importStack } from '../../../lib/importer';
import { caught, inputDir } from '../../helpers/import-files';
import { Notes, SecretRef } from '../../../lib/importer/model';
import { rawSecretReason } from '../../../lib/core/secrets';
import { parseYaml } from '../../../lib/importer/parse';
import { importPrometheus } from '../../../lib/importer/prometheus';

const { dir, write } = inputDir('obs-import-errors-');

const KNOWN_SD = ['docker', 'kubernetes', 'file', 'consul', 'dns', 'ec2', 'azure', 'gce', 'http', 'static', 'nomad', 'eureka', 'linode', 'scaleway', 'hetzner', 'openstack', 'marathon', 'triton', 'vultr', 'uyuni', 'kuma', 'puppetdb', 'ionos', 'ovhcloud', 'digitalocean', 'dockerswarm', 'lightsail', 'nerve', 'serverset'];
const KNOWN_RECEIVERS = ['discord', 'email', 'msteams', 'msteamsv2', 'opsgenie', 'pagerduty', 'pushover', 'slack', 'sns', 'telegram', 'victorops', 'webex', 'webhook', 'wechat', 'jira', 'rocketchat'];
const word = fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/);

describe('invalid YAML', () => {
  test('a duplicated key is an error naming the file and its line, wherever it is (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 12 }), fc.nat(), (keys, pick) => {
        const lines = ['scrape_configs: []', ...keys.filter((k) => k !== 'scrape_configs').map((k) => `${k}: 1`)];
        const dup = lines[pick % lines.length].split(':')[0];
        const e = caught(() => parseYaml(`${lines.join('\n')}\n${dup}: 2\n`, 'prometheus.yml', 'prometheus'));
        expect(e.file).toBe('prometheus.yml');
        expect(e.line).toBe(lines.length + 1);
        expect(e.message).toMatch(/^prometheus\.yml:\d+: invalid YAML/);
      }),
      { numRuns: 40 },
    );
  });

  test('an unclosed flow sequence names the file and a line', () => {
    const e = caught(() => importPrometheus('p.yml', 'global:\n  scrape_interval: 15s\nscrape_configs: [\n  - job_name: x\n', new Notes()));
    expect(e.message).toMatch(/^p\.yml:\d+: invalid YAML/);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  test('a rule file with broken YAML names the rule file, not prometheus.yml', () => {
    write('broken/rules/bad.yml', 'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n      expr: dup\n    name: dup\n');
    const prom = write('broken/prometheus.yml', 'rule_files: [rules/*.yml]\nscrape_configs: []\n');
    const e = caught(() => importStack({ prometheus: prom, out: path.join(dir, 'broken/main.ts') }));
    expect(e.file).toMatch(/rules\/bad\.yml$/);
    expect(e.line).toBeDefined();
  });

  test('a dashboard that is not JSON names the file', () => {
    write('dash/bad.json', '{ "title": "x", ');
    const e = caught(() => importStack({ dashboards: path.join(dir, 'dash'), out: path.join(dir, 'dash-main.ts') }));
    expect(e.message).toMatch(/bad\.json: invalid JSON/);
  });
});

describe('a file that is not what the flag says', () => {
  const samples: Record<string, string> = {
    prometheus: 'scrape_configs:\n  - job_name: x\n    static_configs: [{ targets: ["a:1"] }]\n',
    alertmanager: 'route:\n  receiver: a\nreceivers:\n  - name: a\n',
    blackbox: 'modules:\n  http_2xx:\n    prober: http\n',
    compose: 'services:\n  app:\n    image: nginx:1.27\n',
  };
  const flags = Object.keys(samples) as Array<keyof typeof samples>;
  test.each(flags.flatMap((actual) => flags.filter((f) => f !== actual).map((flag) => [actual, flag] as const)))('a %s file given as --%s is refused, saying what it looks like', (actual, flag) => {
    const file = write(`kinds/${actual}-as-${flag}.yml`, samples[actual]);
    const e = caught(() => importStack({ [flag]: file, out: path.join(dir, 'kinds/main.ts') }));
    expect(e.message).toContain(`this is not a ${flag} file`);
    expect(e.message).toContain(`looks like a ${actual} file`);
  });

  test('an empty document and a list are refused', () => {
    expect(caught(() => parseYaml('', 'e.yml', 'alertmanager')).message).toMatch(/e\.yml:1: expected a alertmanager file .* the document is empty/);
    expect(caught(() => parseYaml('- a\n- b\n', 'l.yml', 'blackbox')).message).toMatch(/the document is a list/);
  });

  test('nothing to import and a missing file are errors, not crashes', () => {
    expect(caught(() => importStack({})).message).toMatch(/nothing to import/);
    expect(caught(() => importStack({ prometheus: path.join(dir, 'nope.yml') })).message).toMatch(/nope\.yml: cannot read the file \(ENOENT\)/);
  });
});

/**
 * What a raw section becomes: the same data, except that a secret-looking literal (by the
 * library's one rule, rawSecretReason) is now a secret variable reference.
 */
function expectedRaw(v: unknown, parent?: string): unknown {
  if (Array.isArray(v)) return v.map((e) => (parent === 'secrets' && typeof e === 'string' && e !== '' ? expect.any(SecretRef) : expectedRaw(e, parent)));
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, rawSecretReason(k, e, parent) ? expect.any(SecretRef) : expectedRaw(e, k)]));
}

describe('unknown kinds are kept raw with a warning, never an exception', () => {
  test('any unknown *_sd_configs of a job goes to rawFields with a warning naming it (property)', () => {
    fc.assert(
      fc.property(word.filter((w) => !KNOWN_SD.includes(w)), fc.jsonValue(), (kind, value) => {
        const notes = new Notes();
        const text = `scrape_configs:\n  - job_name: j\n    ${kind}_sd_configs: ${JSON.stringify([value])}\n`;
        const p = importPrometheus('p.yml', text, notes);
        const raw = (p.scrapeJobs[0].rawFields as { value: Record<string, unknown> }).value;
        expect(raw[`${kind}_sd_configs`]).toEqual(expectedRaw(JSON.parse(JSON.stringify([value])), `${kind}_sd_configs`));
        expect(notes.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: expect.stringContaining(`${kind}_sd_configs`), message: expect.stringMatching(/unknown discovery kind/) }));
      }),
      { numRuns: 40 },
    );
  });

  test('a __proto__ key in an unknown discovery section is kept as an own key, not taken for a prototype', () => {
    const p = importPrometheus('p.yml', 'scrape_configs:\n  - job_name: j\n    a0a_sd_configs: [{"__proto__": ""}, {"__proto__": {"password": "x"}}]\n', new Notes());
    const raw = (p.scrapeJobs[0].rawFields as { value: Record<string, Array<Record<string, unknown>>> }).value.a0a_sd_configs;
    expect(Object.getOwnPropertyNames(raw[0])).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(raw[1])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(raw[1], '__proto__')?.value).toEqual({ password: expect.any(SecretRef) });
  });

  test('any unknown *_configs of a receiver goes to rawConfigs with a warning naming it (property)', () => {
    fc.assert(
      fc.property(word.filter((w) => !KNOWN_RECEIVERS.includes(w)), fc.dictionary(word, fc.oneof(fc.string(), fc.integer(), fc.boolean())), (kind, config) => {
        const notes = new Notes();
        const text = `route:\n  receiver: r\nreceivers:\n  - name: r\n    ${kind}_configs: ${JSON.stringify([config])}\n`;
        const am = importAlertmanager('am.yml', text, notes, dir);
        const receiver = (am.props.receivers as Array<Record<string, any>>)[0];
        expect(receiver.rawConfigs.value[`${kind}_configs`]).toEqual(expectedRaw([config], `${kind}_configs`));
        expect(notes.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: expect.stringContaining(`${kind}_configs`), message: expect.stringMatching(/unknown receiver kind/) }));
      }),
      { numRuns: 40 },
    );
  });

  test('a known kind the library has no type for (opsgenie) is an escape hatch, not a warning', () => {
    const notes = new Notes();
    importAlertmanager('am.yml', 'route: { receiver: r }\nreceivers:\n  - name: r\n    opsgenie_configs: [{ api_key: k }]\n', notes, dir);
    expect(notes.notes).toContainEqual(expect.objectContaining({ kind: 'escape-hatch', where: expect.stringContaining('opsgenie_configs') }));
    expect(notes.notes.filter((n) => n.kind === 'warning')).toEqual([]);
  });
});

describe('missing referenced files are warnings naming them', () => {
  test('rule_files globs that match nothing', () => {
    const prom = write('missing/prometheus.yml', 'rule_files: ["rules/*.yml", "/nowhere/alerts.yml"]\nscrape_configs: []\n');
    const r = importStack({ prometheus: prom, out: path.join(dir, 'missing/main.ts') });
    for (const glob of ['rules/*.yml', '/nowhere/alerts.yml']) {
      expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: `rule_files ${JSON.stringify(glob)}` }));
    }
    expect(r.report).toContain('no file matches "rules/*.yml"');
  });

  test('template globs that match nothing, and the mounted config of a Compose engine that is absent', () => {
    const am = write('missing/alertmanager.yml', 'templates: ["/etc/alertmanager/tpl/*.tmpl"]\nroute: { receiver: r }\nreceivers: [{ name: r }]\n');
    const compose = write('missing/docker-compose.yml', 'services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n    volumes: ["./nope/prometheus.yml:/etc/prometheus/prometheus.yml:ro"]\n');
    const r = importStack({ alertmanager: am, compose, out: path.join(dir, 'missing/main2.ts') });
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: 'templates "/etc/alertmanager/tpl/*.tmpl"' }));
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', message: expect.stringContaining('nope/prometheus.yml not found') }));
  });
});

describe('the command', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
  };

  test('import writes the program and prints the report; an existing file is not overwritten without --force', () => {
    const prom = write('cli/prometheus.yml', 'scrape_configs:\n  - job_name: app\n    static_configs: [{ targets: ["app:8080"] }]\n');
    const target = path.join(dir, 'cli/main.ts');
    const a = io();
    expect(main(['import', '--prometheus', prom, `--out=${target}`], a.io)).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toContain("jobName: 'app'");
    expect(a.out.stdout).toMatch(/Wrote .*main\.ts[\s\S]*cdktf-observability import report/);
    const b = io();
    expect(main(['import', '--prometheus', prom, '--out', target], b.io)).toBe(2);
    expect(b.out.stderr).toMatch(/exists: not overwritten/);
    expect(main(['import', '--prometheus', prom, '--out', target, '--force'], io().io)).toBe(0);
  });

  test('--out - prints the program on stdout and the report on stderr', () => {
    const prom = write('cli2/prometheus.yml', 'scrape_configs: []\n');
    const a = io();
    expect(main(['import', '--prometheus', prom, '--out', '-'], a.io)).toBe(0);
    expect(a.out.stdout).toContain('export class ImportedStack extends TerraformStack');
    expect(a.out.stderr).toContain('import report');
  });

  test('bad input exits 1 with the file and line; bad usage exits 2 with the usage', () => {
    const bad = write('cli3/prometheus.yml', 'scrape_configs:\n  - job_name: a\n   bad indent: [\n');
    const a = io();
    expect(main(['import', '--prometheus', bad, '--out', '-'], a.io)).toBe(1);
    expect(a.out.stderr).toMatch(/cdktf-observability import: .*prometheus\.yml:\d+: invalid YAML/);
    for (const argv of [[], ['export'], ['import', '--promethus', 'x'], ['import', '--prometheus']]) {
      const u = io();
      expect([argv, main(argv, u.io)]).toEqual([argv, 2]);
      expect(u.out.stderr).toContain('Usage: cdktf-observability import');
    }
    const h = io();
    expect(main(['--help'], h.io)).toBe(0);
    expect(h.out.stdout).toContain('Usage:');
  });
});

describe('historic matcher syntaxes (property)', () => {
  const label = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/);
  const value = fc.stringMatching(/^[A-Za-z0-9 ,._:-]{1,10}$/);
  test('match, match_re and matchers (one per entry, several in one string, braces) give the same matchers', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(label, value, fc.boolean()), { minLength: 1, maxLength: 4, selector: (t) => t[0] }), fc.nat(3), (pairs, syntax) => {
        const yaml = (s: string) => JSON.stringify(s);
        let route: string;
        if (syntax === 0) {
          const eq = pairs.filter(([, , re]) => !re);
          const re = pairs.filter(([, , r]) => r);
          route = `    match: {${eq.map(([l, v]) => `${l}: ${yaml(v)}`).join(', ')}}\n    match_re: {${re.map(([l, v]) => `${l}: ${yaml(v)}`).join(', ')}}\n`;
        } else {
          const ms = pairs.map(([l, v, re]) => `${l}${re ? '=~' : '='}${JSON.stringify(v)}`);
          const entries = syntax === 1 ? ms : syntax === 2 ? [ms.join(', ')] : [`{${ms.join(', ')}}`];
          route = `    matchers: [${entries.map((e) => yaml(e)).join(', ')}]\n`;
        }
        const am = importAlertmanager('am.yml', `route:\n  receiver: r\n  routes:\n  - receiver: r\n${route}receivers: [{ name: r }]\n`, new Notes(), dir);
        const got = ((am.props.routes as Array<Record<string, any>>)[0].matchers as Array<{ label: string; operator: string; value: string }>).map((m) => `${m.label}${m.operator}${m.value}`).sort();
        expect(got).toEqual(pairs.map(([l, v, re]) => `${l}${re ? '=~' : '='}${v}`).sort());
      }),
      { numRuns: 60 },
    );
  });
});

describe('rule group keys newer than the pinned Prometheus', () => {
  test('labels on a group under a 2.x image: imported natively, and a warning names the key and the release to pin', () => {
    write('newer/prometheus/rules/a.yml', 'groups:\n  - name: a\n    query_offset: 1m\n    labels: { team: x }\n    rules: [{ record: "a:b", expr: up }]\n');
    write('newer/prometheus/prometheus.yml', 'rule_files: ["rules/*.yml"]\n');
    const compose = write('newer/docker-compose.yml', 'services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n    volumes: ["./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"]\n');
    const r = importStack({ compose, out: path.join(dir, 'newer/main.ts') });
    expect(r.code).toContain("queryOffset: '1m'");
    expect(r.code).toContain("labels: { team: 'x' }");
    expect(r.notes).toContainEqual(expect.objectContaining({ kind: 'warning', where: 'group "a"', message: expect.stringMatching(/labels is written as the rule group key labels, which Prometheus reads from 3\.0\.0 on; the image is prom\/prometheus:v2\.53\.0/) }));
  });
});
