// Secrets in the raw escape hatches (rawConfig, rawFields, rawConfigs): references are
// delivered as secret files (Prometheus: through the keys' *_file forms), literals under
// credential keys are reported as warnings, in a hand-written app too.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { AnnotationMetadataEntryType } from 'cdktf';
import { parse } from 'yaml';
import { AlertRoute, Alertmanager, BlackboxExporter, PrometheusServer, Receiver, secretVariable } from '../../../index';
import { rawLiteralSecrets, rawSecretReason } from '../../../lib/core/secrets';
import { deliverRawSecrets, PROMETHEUS_SECRET_FILE_FORMS } from '../../../lib/prometheus/raw-secrets';
import { containerFiles, haveTool, promtoolCheckConfig, rawFiles, synthJson, synthString, testStack } from '../../helpers/synth';

const FACTS = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/engines/prometheus-secret-file-keys.json'), 'utf8'));

function warnings(stack: ReturnType<typeof testStack>): string[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

describe('Prometheus: secret references in rawConfig and rawFields', () => {
  function server(withLiteral = false) {
    const stack = testStack();
    const s = (n: string) => secretVariable(stack, n).stringValue;
    new PrometheusServer(stack, 'Prometheus', {
      rawConfig: {
        remote_write: [
          { url: 'https://mimir.example.com/api/v1/push', basic_auth: { username: 'w', password: s('rw_password') } },
          { url: 'https://other.example.com/push', oauth2: { client_id: 'p', client_secret: s('rw_oauth'), token_url: 'https://auth.example.com/token' } },
        ],
        ...(withLiteral ? { remote_read: [{ url: 'https://r.example.com/read', authorization: { credentials: 'literal-read-token' } }] } : {}),
      },
      scrapeJobs: [
        { jobName: 'vendor', targets: ['vendor:9100'], rawFields: { authorization: { type: 'Token', credentials: s('vendor_token') }, tls_config: { cert_file: 'vendor.pem', key: s('vendor_tls_key') } } },
        { jobName: 'legacy', targets: ['legacy:9100'], rawFields: { bearer_token: s('legacy_token') } },
      ],
    });
    return stack;
  }

  test('each reference under a key with a file form becomes that *_file key and a secret file holding the reference', () => {
    const files = containerFiles(synthJson(server()), 'prometheus');
    const doc = parse(files['/etc/prometheus/prometheus.yml']);
    expect(doc.remote_write[0].basic_auth).toEqual({ username: 'w', password_file: 'secrets/config.remote_write.0.basic_auth.password' });
    expect(doc.remote_write[1].oauth2).toEqual({ client_id: 'p', client_secret_file: 'secrets/config.remote_write.1.oauth2.client_secret', token_url: 'https://auth.example.com/token' });
    const vendor = doc.scrape_configs.find((j: { job_name: string }) => j.job_name === 'vendor');
    expect(vendor.authorization).toEqual({ type: 'Token', credentials_file: 'secrets/vendor.authorization.credentials' });
    expect(vendor.tls_config).toEqual({ cert_file: 'vendor.pem', key_file: 'secrets/vendor.tls_config.key' });
    expect(doc.scrape_configs.find((j: { job_name: string }) => j.job_name === 'legacy').bearer_token_file).toBe('secrets/legacy.bearer_token');
    expect(files['/etc/prometheus/secrets/config.remote_write.0.basic_auth.password']).toBe('stand-in-for-var.rw_password');
    expect(files['/etc/prometheus/secrets/vendor.tls_config.key']).toBe('stand-in-for-var.vendor_tls_key');
    expect(files['/etc/prometheus/prometheus.yml']).not.toMatch(/stand-in/);
  });

  test('no warning for references; a literal credential in rawConfig is reported with its key and how to pass it', () => {
    expect(warnings(server()).filter((w) => /raw escape hatch/.test(w))).toEqual([]);
    const found = warnings(server(true)).filter((w) => /raw escape hatch/.test(w));
    expect(found).toEqual([expect.stringContaining('rawConfig.remote_read[0].authorization.credentials is a credential (key credentials)')]);
    expect(found[0]).toMatch(/secretVariable\(this, 'name'\)\.stringValue/);
  });

  test('a literal in a scrape job\'s rawFields is reported with the job', () => {
    const stack = testStack();
    new PrometheusServer(stack, 'Prometheus', { scrapeJobs: [{ jobName: 'api', targets: ['api:80'], rawFields: { oauth2: { client_id: 'x', client_secret: 'literal', token_url: 'https://a/t' } } }] });
    expect(warnings(stack)).toContainEqual(expect.stringContaining('scrape job "api" rawFields.oauth2.client_secret is a credential'));
  });

  test('a reference without a file form (in a URL) stays inline and makes prometheus.yml a secret file (no plain-file error)', () => {
    const stack = testStack();
    const url = secretVariable(stack, 'read_url').stringValue;
    new PrometheusServer(stack, 'Prometheus', { rawConfig: { remote_read: [{ url }] }, scrapeJobs: [{ jobName: 'c', rawFields: { consul_sd_configs: [{ server: 'consul:8500', token: secretVariable(stack, 'consul_token').stringValue }] } }] });
    const doc = parse(containerFiles(synthJson(stack), 'prometheus')['/etc/prometheus/prometheus.yml']);
    expect(doc.remote_read).toEqual([{ url: 'stand-in-for-jsonencode_var.read_url_' }]);
    expect(doc.scrape_configs.find((j: { job_name: string }) => j.job_name === 'c').consul_sd_configs[0].token).toBe('stand-in-for-jsonencode_var.consul_token_');
  });

  test('promtool 2.42 accepts the *_file forms with the secret files laid out', () => {
    if (!haveTool('promtool')) return;
    // The client certificate is the user's own file (not a secret): laid out beside prometheus.yml.
    const r = promtoolCheckConfig({ ...containerFiles(synthJson(server()), 'prometheus'), '/etc/prometheus/vendor.pem': 'cert' });
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  test('the file forms are the fixture\'s (prometheus/common at the version Prometheus 3.14.0 requires), all known to promtool 2.42\'s common too', () => {
    expect(PROMETHEUS_SECRET_FILE_FORMS.map(([under, key, file]) => ({ under, key, file }))).toEqual(FACTS.forms.map((f: { under: string; key: string; fileKey: string }) => ({ under: f.under, key: f.key, file: f.fileKey })));
    const common = new Set(FACTS.promtool242.fileKeys);
    for (const [, , file] of PROMETHEUS_SECRET_FILE_FORMS.filter(([under, key]) => under !== 'marathon_sd_configs' && key !== 'client_certificate_key')) expect(common.has(file)).toBe(true);
  });

  test('deliverRawSecrets: a key under another parent (consul password) keeps its value; an existing *_file key is left alone', () => {
    const stack = testStack();
    const t = secretVariable(stack, 't').stringValue;
    const d = deliverRawSecrets({ consul_sd_configs: [{ password: t }], basic_auth: { password: t, password_file: '/x' } }, 'job');
    expect(d.files).toEqual([]);
    expect(d.inline).toEqual(['consul_sd_configs.0.password', 'basic_auth.password']);
  });
});

describe('Alertmanager and blackbox: references in raw sections', () => {
  test('a reference in a raw receiver kind reaches alertmanager.yml through Terraform intact, YAML-safe (the file is a secret file)', () => {
    if (!haveTool('terraform')) return;
    const stack = testStack();
    const token = secretVariable(stack, 'bot_token').stringValue;
    new AlertRoute(stack, 'Routing', { receiver: { name: 'chat', rawConfigs: { telegram_configs: [{ bot_token: token, chat_id: -100 }] } }, requireRouting: false });
    new Alertmanager(stack, 'Alertmanager');
    const json = synthJson(stack);
    const content = rawFiles(json, 'alertmanager')['/etc/alertmanager/alertmanager.yml'];
    // A value full of YAML and template syntax: Terraform inserts it as a JSON string, never evaluates it.
    const planted = 'lit: "tok#en ${x} %{ if true }y%{ endif } \\ end';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-tf-secret-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ variable: { bot_token: { type: 'string', sensitive: true } }, locals: { f: content }, output: { f: { value: '${nonsensitive(local.f)}' } } }));
      const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_VAR_bot_token: planted };
      execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
      execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
      const out = JSON.parse(execFileSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' })).f.value as string;
      expect(parse(out).receivers[0].telegram_configs[0]).toEqual({ bot_token: planted, chat_id: -100 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(JSON.stringify(json)).not.toContain('tok#en');
  });

  test('literal credentials in AlertRoute rawConfig and a receiver\'s rawConfigs are reported (key and fix)', () => {
    const stack = testStack();
    new AlertRoute(stack, 'Routing', {
      receiver: { ...Receiver.webhook('hook', { url: 'http://hook:8080/' }), rawConfigs: { opsgenie_configs: [{ api_key: 'literal-key' }], discord_configs: [{ webhook_url: 'https://discord.com/api/webhooks/1/abc' }] } },
      rawConfig: { global: { opsgenie_api_key: 'literal-global-key', opsgenie_api_url: 'https://api.eu.opsgenie.com/' } },
      requireRouting: false,
    });
    new Alertmanager(stack, 'Alertmanager');
    const found = warnings(stack).filter((w) => /raw escape hatch/.test(w));
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toMatch(/rawConfig\.global\.opsgenie_api_key is a credential \(key opsgenie_api_key\)/);
    expect(found.join('\n')).toMatch(/receiver "hook" rawConfigs\.opsgenie_configs\[0\]\.api_key is a credential.*rawConfigs\.discord_configs\[0\]\.webhook_url is a URL that is a Discord webhook URL/);
  });

  test('a blackbox module\'s rawFields: a literal password is reported; a reference makes blackbox.yml a secret file and stays out of the JSON', () => {
    const stack = testStack();
    new BlackboxExporter(stack, 'Blackbox', { modules: { a: { prober: 'http', rawFields: { http: { basic_auth: { username: 'u', password: 'literal-probe' } } } } } });
    expect(warnings(stack)).toContainEqual(expect.stringContaining('blackbox module "a" rawFields.http.basic_auth.password is a credential'));
    const ok = testStack();
    new BlackboxExporter(ok, 'Blackbox', { modules: { a: { prober: 'http', rawFields: { http: { basic_auth: { username: 'u', password: secretVariable(ok, 'probe').stringValue } } } } } });
    expect(synthString(ok)).not.toContain('literal-probe');
    expect(parse(containerFiles(synthJson(ok), 'blackbox-exporter')['/etc/blackbox_exporter/config.yml']).modules.a.http.basic_auth.password).toBe('stand-in-for-jsonencode_var.probe_');
  });
});

describe('what counts as a credential in a raw section', () => {
  test.each([
    ['password', 'x', undefined, true],
    ['smtp_auth_password', 'x', undefined, true],
    ['client_secret', 'x', 'oauth2', true],
    ['api_key', 'x', undefined, true],
    ['routing_key', 'x', undefined, true],
    ['bot_token', 'x', undefined, true],
    ['credentials', 'x', 'authorization', true],
    ['key', 'x', 'tls_config', true],
    ['Authorization', 'Bearer x', 'headers', true],
    ['url', 'https://u:p@host/x', undefined, true],
    ['api_url', 'https://hooks.slack.com/services/T/B/X', undefined, true],
    ['chat_id', '${CHAT_ID}', undefined, true],
    ['password_file', '/run/secrets/p', 'basic_auth', false],
    ['token_url', 'https://auth.example.com/token', 'oauth2', false],
    ['client_id', 'prometheus', 'oauth2', false],
    ['username', 'u', 'basic_auth', false],
    ['url', 'http://hook:8080/alerts', undefined, false],
    ['channel', '#ops', undefined, false],
    ['password', '', undefined, false],
    ['replacement', '${SERVICE}', undefined, false],
    ['target_label', '${service}', undefined, false],
  ])('%s = %j (under %s) → %s', (key, value, parent, secret) => {
    expect(rawSecretReason(key, value, parent) !== undefined).toBe(secret);
  });

  test('http_headers secrets lists count whatever the header name; references never count', () => {
    const stack = testStack();
    expect(rawLiteralSecrets({ http_headers: { 'X-Team': { values: ['a'], secrets: ['lit'] } } }, 'rawFields')).toEqual(['rawFields.http_headers.X-Team.secrets[0] is a secret header value']);
    expect(rawLiteralSecrets({ basic_auth: { password: secretVariable(stack, 'p').stringValue } }, 'rawFields')).toEqual([]);
  });
});

describe('review: literal credentials the key rule alone missed', () => {
  test('a Prometheus http_headers credential header given by its values list is a literal credential', () => {
    expect(rawLiteralSecrets({ http_headers: { Authorization: { values: ['Bearer abcdef123456'] }, 'X-Api-Key': { values: ['k1'] }, 'X-Tenant': { values: ['team-a'] } } }, 'r')).toEqual([
      'r.http_headers.Authorization.values[0] is a secret header value',
      'r.http_headers.X-Api-Key.values[0] is a secret header value',
    ]);
  });

  test('a Bearer or Basic authorization value and an inline PEM private key are credentials whatever their key', () => {
    expect(rawSecretReason('x-custom', 'Bearer abcdef123456', 'headers')).toBeDefined();
    expect(rawSecretReason('authorization', 'Basic dXNlcjpwYXNzd29yZA==')).toBeDefined();
    expect(rawSecretReason('key_pem', '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n')).toBeDefined();
    expect(rawSecretReason('description', 'Bearer tokens are checked by the gateway')).toBeUndefined();
    expect(rawSecretReason('cert_pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')).toBeUndefined();
  });
});

describe('review: credential headers named *-Key', () => {
  test('X-Auth-Key and Ocp-Apim-Subscription-Key under headers are credentials; X-Scope-OrgID is not', () => {
    expect(rawSecretReason('X-Auth-Key', 'abc123', 'headers')).toBeDefined();
    expect(rawSecretReason('Ocp-Apim-Subscription-Key', 'abc123', 'headers')).toBeDefined();
    expect(rawSecretReason('X-Scope-OrgID', 'team-a', 'headers')).toBeUndefined();
    expect(rawLiteralSecrets({ http_headers: { 'X-Auth-Key': { values: ['abc123'] } } }, 'r')).toEqual(['r.http_headers.X-Auth-Key.values[0] is a secret header value']);
  });
});
