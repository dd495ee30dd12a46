// Security and data-safety suite over the synthesized default stack and every example:
// no secret literal, ports on 127.0.0.1 unless asked, the Docker socket only where opted in
// (read-only), Grafana closed by default, named volumes at the real data paths that config
// changes never replace, and non-root containers where the image supports it.
import { App, TerraformStack, Testing } from 'cdktf';
import { CourseStack } from '../stacks/course-stack';
import { ObservabilityStack } from '../stacks/observability-stack';
import { secretVariable } from '../lib/core/secrets';
import { AlertingStack } from '../examples/alerting/main';
import { FullStack } from '../examples/full-stack/main';
import { GrafanaCloudStack } from '../examples/grafana-cloud/main';
import { LogsAndTracesStack } from '../examples/logs-and-traces/main';
import { PrometheusOnlyStack } from '../examples/prometheus-only/main';
import { PaymentsSloStack } from '../examples/kubernetes/main';
import { ServiceWithSloStack } from '../examples/service-with-slo/main';
import { parse as parseYaml } from 'yaml';
import { SynthJson, resources, synthJson } from './helpers/synth';

interface Case {
  readonly name: string;
  readonly build: (app: App) => TerraformStack;
  /** Host address its ports are published on (asked for by the example). */
  readonly hostIp: string;
  /** Containers that opt in to the Docker socket. */
  readonly socket: string[];
  /** Its stateful containers (Prometheus, Alertmanager, Loki, Tempo, Grafana). */
  readonly stateful: string[];
}

const CASES: Case[] = [
  { name: 'default app (CourseStack)', build: (app) => new CourseStack(app, 'observability'), hostIp: '127.0.0.1', socket: ['alloy'], stateful: ['prometheus', 'alertmanager', 'loki', 'tempo', 'grafana'] },
  { name: 'ObservabilityStack defaults', build: (app) => new ObservabilityStack(app, 'obs'), hostIp: '127.0.0.1', socket: [], stateful: ['prometheus', 'alertmanager', 'loki', 'tempo', 'grafana'] },
  { name: 'examples/prometheus-only', build: (app) => new PrometheusOnlyStack(app, 'p'), hostIp: '127.0.0.1', socket: [], stateful: ['demo-prometheus'] },
  { name: 'examples/alerting', build: (app) => new AlertingStack(app, 'a'), hostIp: '127.0.0.1', socket: [], stateful: ['prometheus', 'alertmanager', 'alertmanager-2', 'alertmanager-3'] },
  { name: 'examples/grafana-cloud', build: (app) => new GrafanaCloudStack(app, 'g'), hostIp: '127.0.0.1', socket: [], stateful: [] },
  { name: 'examples/logs-and-traces', build: (app) => new LogsAndTracesStack(app, 'l'), hostIp: '127.0.0.1', socket: ['alloy'], stateful: ['prometheus', 'alertmanager', 'loki', 'tempo'] },
  { name: 'examples/service-with-slo', build: (app) => new ServiceWithSloStack(app, 's'), hostIp: '127.0.0.1', socket: [], stateful: ['prometheus', 'alertmanager', 'loki', 'tempo', 'grafana'] },
  { name: 'examples/kubernetes (kubernetes)', build: (app) => new PaymentsSloStack(app, 'pk', { target: 'kubernetes' }), hostIp: '127.0.0.1', socket: [], stateful: [] },
  {
    name: 'ObservabilityStack on Kubernetes',
    build: (app) => new ObservabilityStack(app, 'k8s', { kubernetes: {}, objectStorage: { endpoint: 's3.example.com', logsBucket: 'obs-logs', tracesBucket: 'obs-traces' } }),
    hostIp: '127.0.0.1',
    socket: [],
    stateful: [],
  },
  { name: 'ObservabilityStack with profiling', build: (app) => new ObservabilityStack(app, 'prof', { profiling: true }), hostIp: '127.0.0.1', socket: [], stateful: ['prometheus', 'alertmanager', 'loki', 'tempo', 'grafana', 'pyroscope'] },
  {
    name: 'ObservabilityStack with profiling on Kubernetes',
    build: (app) => new ObservabilityStack(app, 'k8s-prof', { kubernetes: {}, profiling: true, objectStorage: { endpoint: 's3.example.com', logsBucket: 'obs-logs', tracesBucket: 'obs-traces' } }),
    hostIp: '127.0.0.1',
    socket: [],
    stateful: [],
  },
  { name: 'examples/full-stack', build: (app) => new FullStack(app, 'f'), hostIp: '10.0.0.5', socket: ['obs-alloy'], stateful: ['obs-prometheus', 'obs-alertmanager', 'obs-alertmanager-2', 'obs-alertmanager-3', 'obs-loki', 'obs-tempo', 'obs-grafana'] },
];

/** Where each stateful image keeps its data. */
const DATA_PATHS: Record<string, string> = {
  'prom/prometheus': '/prometheus',
  'prom/alertmanager': '/alertmanager',
  'grafana/loki': '/loki',
  'grafana/tempo': '/var/tempo',
  'grafana/grafana': '/var/lib/grafana',
  'grafana/pyroscope': '/data',
};

/**
 * Containers allowed to run as the image's default user, and why. Every other container of
 * the library sets a non-root user.
 */
const ROOT_ALLOWED: Record<string, string> = {
  alloy: 'reads the Docker socket and /var/log of the host',
  'demo-app': "the user's own image: its user is the user's choice (container.user)",
};

/** Literal secret shapes: Slack webhooks and tokens, PagerDuty keys, AWS keys, Grafana tokens, credentials in URLs, bearer tokens. */
const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['Slack webhook URL', /hooks\.slack\.com\/services\/[A-Za-z0-9]/],
  ['Slack token', /xox[abprs]-[A-Za-z0-9-]{10,}/],
  ['AWS access key', /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ['Grafana token', /\b(glsa|glc)_[A-Za-z0-9_]{20,}/],
  ['credentials in a URL', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@${}]+:[^/\s@${}]+@/i],
  ['bearer token', /Bearer[ \t]+(?!\$?\$\{)[A-Za-z0-9._~+/-]{8,}/],
  ['PagerDuty-like 32-hex key', /(routing_key|service_key|integration_key)\W+[0-9a-f]{32}\b/i],
  ['password assignment', /(password|passwd|secret_access_key|secret_key)["']?[ \t]*[:=][ \t]*["']?(?!\$?\$\{|\/|<|_file|\s*$)[^\s"',}]{4,}/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['Discord or Teams webhook', /(discord(app)?\.com\/api\/webhooks\/\d|webhook\.office\.com\/webhookb2\/)/],
  ['token in a URL query', /[?&](token|api_key|apikey|access_token|key)=(?!\$?\$\{)[^&\s"]{6,}/i],
];

/** A value that is no secret literal: empty, a Terraform reference, an env placeholder expanded by the component, or a file path. */
const REFERENCE = /^(|\$\{var\.[a-z0-9_]+\}|\$\{jsonencode\(var\.[a-z0-9_]+\)\}|\$?\$\{[A-Z_][A-Z0-9_]*\}|\/\S*)$/;

/** Every string of the JSON with its path. */
function strings(value: unknown, where = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[where, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, where ? `${where}.${k}` : k));
  return [];
}

const SECRET_KEY = /(password|passwd|pass$|token|secret|routing_key|integration_key|service_key|api_?key|webhook_url|private_key|credentials$|dsn$|database_url|auth$)/i;
/** Keys that name a Kubernetes Secret (or a key in one) rather than hold a secret. */
const SECRET_REFERENCE_KEY = /^(secrets|secret_?name|existing_?secret|config_?secret|(user|password)_?key|secret_key_ref)$/i;
const isSecretKey = (key: string) => SECRET_KEY.test(key) && !SECRET_REFERENCE_KEY.test(key) && !/_file$/.test(key);

/** Keys of a parsed YAML document, with their string values. */
function yamlPairs(value: unknown, where: string): Array<[string, string]> {
  if (typeof value === 'string') return [[where, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => yamlPairs(v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => yamlPairs(v, `${where}.${k}`));
  return [];
}

/** Secret-named keys of a YAML document that hold something other than a reference. */
function secretKeyFindings(pairs: Array<[string, string]>): string[] {
  return pairs
    .filter(([where, text]) => isSecretKey(where.split('.').pop()!.replace(/\[\d+\]$/, '')) && !REFERENCE.test(text))
    .map(([where, text]) => `secret-named key ${where} holds ${JSON.stringify(text.slice(0, 60))}`);
}

/** Secrets written as literals: by shape, in secret-named fields, in secret files and env. */
function secretFindings(json: SynthJson): string[] {
  const found: string[] = [];
  for (const [where, text] of strings({ resource: json.resource, provider: json.provider, output: json.output, locals: (json as Record<string, unknown>).locals })) {
    for (const [what, shape] of SECRET_SHAPES) if (shape.test(text)) found.push(`${what} at ${where}: ${text.slice(0, 120)}`);
    const key = where.split('.').pop() ?? '';
    if (isSecretKey(key) && !/^(\$\{var\.[a-z0-9_]+\})?$/.test(text.replace(/^[a-z]+:(?=\$\{var\.)/, ''))) found.push(`secret-named field ${where} holds ${JSON.stringify(text.slice(0, 80))}`);
  }
  // Helm values (Kubernetes): the same key check inside each values document.
  for (const [id, release] of Object.entries(resources(json, 'helm_release'))) {
    for (const doc of (release.values ?? []) as string[]) {
      const pairs = yamlPairs(parseYaml(doc), `helm_release.${id}`);
      found.push(...secretKeyFindings(pairs));
      for (const [where, text] of pairs) {
        if (/\$\{var\./.test(text)) found.push(`${where} holds a variable reference: the secret would be in the Helm values (put it in a Secret)`);
      }
    }
  }
  for (const ct of Object.values(resources(json, 'docker_container'))) {
    for (const u of (ct.upload ?? []) as Array<{ file: string; content: string }>) {
      if (u.file.includes('/secrets/') && !/^\$\{var\.[a-z0-9_]+\}$/.test(u.content)) found.push(`secret file ${u.file} of ${ct.name} holds more than a variable reference`);
      // Inside YAML files, secret-named keys hold references, placeholders or file paths only.
      if (/\.ya?ml$/.test(u.file)) {
        let doc: unknown;
        try {
          doc = parseYaml(u.content);
        } catch {
          found.push(`${u.file} of ${ct.name} is not valid YAML`);
          continue;
        }
        found.push(...secretKeyFindings(yamlPairs(doc, `${ct.name}:${u.file}`)));
      }
    }
    for (const e of (ct.env ?? []) as string[]) {
      const [k, v] = [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)];
      if (SECRET_KEY.test(k) && !/^\$\{var\.[a-z0-9_]+\}$/.test(v)) found.push(`env ${k} of ${ct.name} is not a variable reference`);
    }
  }
  return found;
}

describe.each(CASES)('$name', (c) => {
  const json: SynthJson = synthJson(c.build(Testing.app()));
  const containers = Object.values(resources(json, 'docker_container'));

  test('no secret literal anywhere: shapes of secrets, secret-named fields and secret files hold only variable references', () => {
    expect(secretFindings(json)).toEqual([]);
    // Every variable a secret comes from is sensitive and has no default value.
    for (const [name, v] of Object.entries(json.variable ?? {})) {
      expect([name, v.sensitive]).toEqual([name, true]);
      expect(v).not.toHaveProperty('default');
    }
  });

  test(`ports are published on ${c.hostIp} only`, () => {
    const ips = new Set(containers.flatMap((ct) => ((ct.ports ?? []) as Array<{ ip: string }>).map((p) => p.ip)));
    if (containers.length) expect([...ips]).toEqual(ips.size ? [c.hostIp] : []);
    for (const ip of ips) expect(ip).not.toBe('0.0.0.0');
  });

  test('the Docker socket is mounted only where opted in, read-only', () => {
    const withSocket: string[] = [];
    for (const ct of containers) {
      for (const m of (ct.mounts ?? []) as Array<{ source: string; read_only: boolean }>) {
        if (m.source.includes('docker.sock')) {
          withSocket.push(String(ct.name));
          expect([ct.name, m.read_only]).toEqual([ct.name, true]);
        }
      }
    }
    expect(withSocket.sort()).toEqual([...c.socket].sort());
  });

  test('Grafana: anonymous access and sign-up off, admin password from a sensitive variable', () => {
    const grafanas = containers.filter((x) => /(^|-)grafana$/.test(String(x.name)));
    expect(grafanas.length).toBe(c.stateful.some((n) => /(^|-)grafana$/.test(n)) ? 1 : 0);
    for (const ct of grafanas) {
      const env = ct.env as string[];
      expect(env).toEqual(expect.arrayContaining(['GF_AUTH_ANONYMOUS_ENABLED=false', 'GF_USERS_ALLOW_SIGN_UP=false']));
      expect(env.find((e) => e.startsWith('GF_SECURITY_ADMIN_PASSWORD='))).toMatch(/^GF_SECURITY_ADMIN_PASSWORD=\$\{var\.[a-z_]+\}$/);
    }
  });

  test('stateful containers keep their data on a named volume at the image data path', () => {
    const volumes = resources(json, 'docker_volume');
    const images = resources(json, 'docker_image');
    const imageOf = (ref: unknown) => {
      const m = /^\$\{docker_image\.([^.]+)\.image_id\}$/.exec(String(ref));
      return m ? String(images[m[1]]?.name ?? '') : '';
    };
    const checked: string[] = [];
    for (const ct of containers) {
      const repo = imageOf(ct.image).split(':')[0];
      const path = DATA_PATHS[repo];
      if (!path) continue;
      checked.push(String(ct.name));
      const mounted = (ct.volumes ?? []) as Array<{ container_path: string; volume_name: string }>;
      const data = mounted.find((v) => v.container_path === path);
      expect([ct.name, data?.container_path]).toEqual([ct.name, path]);
      const ref = /^\$\{docker_volume\.([^.]+)\.name\}$/.exec(data!.volume_name);
      expect(ref && volumes[ref[1]]).toBeTruthy();
    }
    expect(checked.sort()).toEqual([...c.stateful].sort());
  });

  test('containers run as a non-root user where the image supports it', () => {
    for (const ct of containers) {
      const base = String(ct.name).replace(/^obs-/, '');
      if (ROOT_ALLOWED[base]) continue;
      expect([ct.name, ct.user]).toEqual([ct.name, expect.stringMatching(/^[1-9][0-9]*(:[1-9][0-9]*)?$/)]);
    }
  });
});

describe('data safety: changing configuration never replaces a volume', () => {
  const volumesOf = (json: SynthJson) => resources(json, 'docker_volume');

  test('new rules, jobs, retention, routes, dashboards and services leave every docker_volume resource as it was', () => {
    const before = volumesOf(synthJson(new CourseStack(Testing.app(), 'observability')));
    const changed = new CourseStack(Testing.app(), 'observability', { probeUrls: ['https://example.org'], alertmanagerReplicas: 1, runbookBaseUrl: 'https://runbooks.example.org' });
    changed.prometheus.addScrapeJob({ jobName: 'extra', targets: ['extra:8080'] });
    changed.prometheus.addRuleGroup({ name: 'extra', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] });
    changed.loki.addRuleGroup({ name: 'extra', rules: [{ record: 'job:lines:rate1m', expr: 'sum by (job) (rate({job=~".+"}[1m]))' }] });
    changed.routing.addRoute({ receiver: 'slack-default', matchers: [] });
    changed.addService('Extra', { service: 'extra-api', team: 'extra', external: { address: 'extra-api:8080' }, runbookBaseUrl: 'https://runbooks.example.org' });
    const after = volumesOf(synthJson(changed));
    expect(after).toEqual(before);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(5);
  });

  test('retention changes only flags and config files, never volumes', () => {
    const a = volumesOf(synthJson(new ObservabilityStack(Testing.app(), 'obs')));
    const b = volumesOf(synthJson(new ObservabilityStack(Testing.app(), 'obs', { retention: { metrics: '90d', logs: '7d', traces: '2d' } })));
    expect(b).toEqual(a);
  });

  test('profiles: retention, log level and self-profiling changes leave the Pyroscope volume as it was', () => {
    const a = volumesOf(synthJson(new ObservabilityStack(Testing.app(), 'obs', { profiling: true })));
    const b = volumesOf(synthJson(new ObservabilityStack(Testing.app(), 'obs', { profiling: { logLevel: 'debug', selfProfiling: true }, retention: { profiles: '30d' } })));
    expect(b).toEqual(a);
    expect(Object.values(a).map((v) => v.name)).toContain('pyroscope-data');
  });

  test('going from 1 to 3 Alertmanagers keeps the first replica and its volume', () => {
    const one = volumesOf(synthJson(new ObservabilityStack(Testing.app(), 'obs')));
    const three = volumesOf(synthJson(new ObservabilityStack(Testing.app(), 'obs', { alertmanager: { replicas: 3 } })));
    for (const [id, v] of Object.entries(one)) expect(three[id]).toEqual(v);
  });
});

describe('the scans catch what they look for (planted problems)', () => {
  test('literal secrets in a file, an env variable and a URL are reported', () => {
    const stack = new ObservabilityStack(Testing.app(), 'planted', { alertmanager: false, routing: false });
    stack.prometheus!.resource.addOverride('env', ['API_TOKEN=abc123def456', 'HTTP_PROXY=http://user:hunter22@proxy:3128']);
    (stack.loki!.resource).addOverride('upload', [
      { file: '/etc/loki/secrets/key', content: 'AKIAABCDEFGHIJKLMNOP' },
      { file: '/etc/x.yml', content: 'url: https://hooks.slack.com/services/T000/B000/XXXX\nnotifier:\n  api_key: abc123\n  client_secret: s3cr3t\n' },
      { file: '/etc/y.pem', content: '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n' },
      { file: '/etc/z.txt', content: 'https://discord.com/api/webhooks/123/abc and https://example.com/hook?token=abcdef123' },
    ]);
    const found = secretFindings(synthJson(stack));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^env API_TOKEN of prometheus/),
        expect.stringMatching(/^credentials in a URL at resource\.docker_container\.Prometheus_.*\.env\[1\]/),
        expect.stringMatching(/^AWS access key at /),
        expect.stringMatching(/^secret file \/etc\/loki\/secrets\/key of loki/),
        expect.stringMatching(/^Slack webhook URL at /),
        expect.stringMatching(/^secret-named key loki:\/etc\/x\.yml\.notifier\.api_key holds "abc123"/),
        expect.stringMatching(/^secret-named key loki:\/etc\/x\.yml\.notifier\.client_secret/),
        expect.stringMatching(/^private key at /),
        expect.stringMatching(/^Discord or Teams webhook at /),
        expect.stringMatching(/^token in a URL query at /),
      ]),
    );
  });

  test('references, env placeholders and *_file paths are not reported (no false positives)', () => {
    const stack = new ObservabilityStack(Testing.app(), 'clean', { alertmanager: false });
    stack.prometheus!.addScrapeJob({ jobName: 'tokened', targets: ['app:8080'], bearerToken: secretVariable(stack, 'app_token').stringValue });
    stack.loki!.resource.addOverride('upload', [{ file: '/etc/x.yml', content: 'storage:\n  secret_access_key: $${LOKI_S3_SECRET_ACCESS_KEY}\n  password_file: /etc/secrets/p\nauthorization:\n  type: Bearer\n  credentials_file: /etc/secrets/t\n' }]);
    expect(secretFindings(synthJson(stack))).toEqual([]);
  });
});
