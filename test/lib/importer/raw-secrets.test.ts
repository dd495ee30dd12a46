// Literal secrets in sections the importer passes through raw (rawConfig, rawFields,
// rawConfigs) become secret variables, wherever they sit; the report lists each with its
// TF_VAR_*, and the synthesized JSON never holds a planted literal.
import * as fs from 'fs';
import * as path from 'path';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { importStack } from '../../../lib/importer';
import { containerFiles, SynthJson } from '../../helpers/synth';
import { tempInputs } from '../../helpers/import-io';

const ROOT = path.join(__dirname, '../../..');
// Inside the repository so that the generated program resolves 'cdktf' and the library.
const { dir, write } = tempInputs('.tmp-raw-secrets-', path.join(ROOT, 'test'));

/** Planted literal → where the report says it sat (one per raw place). */
const PLANTED: Record<string, string> = {
  'planted-alerting-password': 'alerting.alertmanagers[0].basic_auth.password',
  'planted-rw-password': 'remote_write[0].basic_auth.password',
  'planted-rw-credentials': 'remote_write[1].authorization.credentials',
  'planted-rw-oauth': 'remote_write[2].oauth2.client_secret',
  'planted-sigv4-secret': 'remote_write[3].sigv4.secret_key',
  'planted-url-password': 'remote_read[0].url',
  'planted-job-credentials': '(job "vendor").authorization.credentials',
  'planted-job-oauth': '(job "oauth").oauth2.client_secret',
  'planted-header-secret': '(job "oauth").http_headers.X-Tenant.secrets[0]',
  'planted-consul-token': '(job "consul").consul_sd_configs[0].token',
  'planted-proxy-password': '(job "consul").proxy_url',
  'planted-bot-token': '("chat").telegram_configs[0].bot_token',
  'planted-opsgenie-key': '("chat").opsgenie_configs[0].api_key',
  'planted-discord-token': '("chat").discord_configs[0].webhook_url',
  'planted-hook-password': '("hooks").webhook_configs[0].http_config.basic_auth.password',
  'planted-victorops-key': '("chat").victorops_configs[0].api_key',
  'planted-global-wechat-secret': 'global.wechat_api_secret',
  'planted-probe-password': 'modules.http_auth.http.basic_auth.password',
  'planted-probe-header': 'modules.http_auth.http.headers.Authorization',
};

const prometheusYml = `global:
  scrape_interval: 15s
  evaluation_interval: 15s
alerting:
  alertmanagers:
    - scheme: https
      basic_auth:
        username: prom
        password: planted-alerting-password
      static_configs:
        - targets: ["alertmanager:9093"]
remote_write:
  - url: https://a.example.com/push
    basic_auth:
      username: w
      password: planted-rw-password
  - url: https://b.example.com/push
    authorization:
      credentials: planted-rw-credentials
  - url: https://c.example.com/push
    oauth2:
      client_id: prometheus
      client_secret: planted-rw-oauth
      token_url: https://auth.example.com/token
  - url: https://aps.example.com/api/v1/remote_write
    sigv4:
      region: eu-west-1
      access_key: AKIAEXAMPLE
      secret_key: planted-sigv4-secret
remote_read:
  - url: https://reader:planted-url-password@mimir.example.com/api/v1/read
scrape_configs:
  - job_name: vendor
    authorization:
      type: Token
      credentials: planted-job-credentials
    static_configs:
      - targets: ["vendor:9100"]
  - job_name: oauth
    oauth2:
      client_id: scraper
      client_secret: planted-job-oauth
      token_url: https://auth.example.com/token
    http_headers:
      X-Tenant:
        values: [shop]
        secrets: [planted-header-secret]
    static_configs:
      - targets: ["api:9100"]
  - job_name: consul
    consul_sd_configs:
      - server: consul:8500
        token: planted-consul-token
    proxy_url: http://proxyuser:planted-proxy-password@proxy:3128
  - job_name: env-ref
    authorization:
      type: Token
      credentials: \${VENDOR_TOKEN}
    static_configs:
      - targets: ["other:9100"]
`;

const alertmanagerYml = `global:
  resolve_timeout: 5m
  wechat_api_secret: planted-global-wechat-secret
route:
  receiver: chat
  routes:
    - receiver: hooks
      matchers: ['team="hooks"']
receivers:
  - name: chat
    telegram_configs:
      - bot_token: planted-bot-token
        chat_id: -100123
    opsgenie_configs:
      - api_key: planted-opsgenie-key
    discord_configs:
      - webhook_url: https://discord.com/api/webhooks/42/planted-discord-token
    victorops_configs:
      - api_key: planted-victorops-key
        routing_key: ops
  - name: hooks
    webhook_configs:
      - url: http://hook:8080/
        http_config:
          basic_auth:
            username: am
            password: planted-hook-password
`;

const blackboxYml = `modules:
  http_auth:
    prober: http
    timeout: 5s
    http:
      basic_auth:
        username: probe
        password: planted-probe-password
      headers:
        Authorization: Bearer planted-probe-header
`;

const prometheus = write('prometheus/prometheus.yml', prometheusYml);
const alertmanager = write('alertmanager/alertmanager.yml', alertmanagerYml);
const blackbox = write('blackbox/blackbox.yml', blackboxYml);
const out = path.join(dir, 'main.ts');
const result = importStack({ prometheus, alertmanager, blackbox, out, moduleSpecifier: path.join(ROOT, 'index') });
fs.writeFileSync(out, result.code);

let json: SynthJson | undefined;
function synth(): SynthJson {
  if (!json) {
    const mod = require(out) as { ImportedStack: new (scope: Construct, id: string) => TerraformStack };
    json = JSON.parse(Testing.synth(new mod.ImportedStack(Testing.app(), 'imported'), true)) as SynthJson;
  }
  return json!;
}

describe('the importer and literal secrets in raw sections', () => {
  test.each(Object.entries(PLANTED))('%s (at %s) is a secret variable in the generated code, listed in the report with its TF_VAR_*', (literal, where) => {
    expect(result.code).not.toContain(literal);
    const note = result.notes.find((n) => n.kind === 'secret' && n.where.endsWith(where));
    expect(note?.message).toMatch(/^literal secret → sensitive variable (\w+): set TF_VAR_\1$/);
    expect(result.code).toContain(`secret('${/variable (\w+)/.exec(note!.message)![1]}')`);
  });

  test('each planted place has its own TF_VAR_* in the report; ${ENV} is named after the variable', () => {
    expect(result.notes.filter((n) => n.kind === 'secret').length).toBeGreaterThanOrEqual(Object.keys(PLANTED).length + 1);
    for (const v of ['TF_VAR_remote_write_basic_auth_password', 'TF_VAR_oauth_oauth2_client_secret', 'TF_VAR_chat_telegram_bot_token', 'TF_VAR_hooks_webhook_http_config_basic_auth_password', 'TF_VAR_blackbox_http_auth_http_basic_auth_password', 'TF_VAR_vendor_token']) {
      expect(result.secretVariables).toContain(v);
      expect(result.report).toContain(v);
    }
    expect(result.notes.filter((n) => /stays? in the (rendered )?file/.test(n.message))).toEqual([]);
  });

  test('the generated app synthesizes, and no planted literal reaches the synthesized JSON', () => {
    const text = JSON.stringify(synth());
    for (const literal of Object.keys(PLANTED)) expect([literal, text.includes(literal)]).toEqual([literal, false]);
    expect(Object.keys(synth().variable ?? {}).map((v) => `TF_VAR_${v}`).sort()).toEqual([...result.secretVariables].sort());
  });

  test('prometheus.yml: keys with a file form are written as *_file secret files; the rest inline (the file is then a secret)', () => {
    const files = containerFiles(synth(), 'prometheus');
    const doc = parse(files['/etc/prometheus/prometheus.yml']);
    expect(doc.alerting.alertmanagers[0].basic_auth).toEqual({ username: 'prom', password_file: 'secrets/config.alerting.alertmanagers.0.basic_auth.password' });
    expect(doc.remote_write[0].basic_auth.password_file).toBe('secrets/config.remote_write.0.basic_auth.password');
    expect(doc.remote_write[1].authorization).toEqual({ credentials_file: 'secrets/config.remote_write.1.authorization.credentials' });
    expect(doc.remote_write[2].oauth2.client_secret_file).toBe('secrets/config.remote_write.2.oauth2.client_secret');
    expect(doc.remote_write[3].sigv4.secret_key).toMatch(/^stand-in-for-/);
    expect(doc.remote_read[0].url).toMatch(/^stand-in-for-/);
    const job = (name: string) => doc.scrape_configs.find((j: { job_name: string }) => j.job_name === name);
    expect(job('vendor').authorization).toEqual({ type: 'Token', credentials_file: 'secrets/vendor.authorization.credentials' });
    expect(job('oauth').http_headers['X-Tenant'].secrets[0]).toMatch(/^stand-in-for-/);
    expect(job('consul').consul_sd_configs[0].token).toMatch(/^stand-in-for-/);
    expect(files['/etc/prometheus/secrets/vendor.authorization.credentials']).toBe('stand-in-for-var.vendor_authorization_credentials');
  });

  test('alertmanager.yml and blackbox.yml hold the references (secret files)', () => {
    const am = parse(containerFiles(synth(), 'alertmanager')['/etc/alertmanager/alertmanager.yml']);
    const chat = am.receivers.find((r: { name: string }) => r.name === 'chat');
    expect(chat.telegram_configs[0]).toEqual({ bot_token: expect.stringMatching(/^stand-in-for-/), chat_id: -100123 });
    expect(am.global.wechat_api_secret).toMatch(/^stand-in-for-/);
    const bb = parse(containerFiles(synth(), 'blackbox-exporter')['/etc/blackbox_exporter/config.yml']);
    expect(bb.modules.http_auth.http.basic_auth.password).toMatch(/^stand-in-for-/);
    expect(bb.modules.http_auth.http.headers.Authorization).toMatch(/^stand-in-for-/);
  });
});
