import { Token } from 'cdktf';
import { checkGoTemplate } from './go-template';
import { checkPrimitive, checkShape } from '../core/shape';
import { headerCarriesCredential, literalSecretProblem } from '../core/secrets';

/** A Slack message button. */
export interface SlackAction {
  readonly text: string;
  /** URL, may be a Go template, e.g. `{{ (index .Alerts 0).Annotations.runbook_url }}`. */
  readonly url: string;
  /** @default 'button' */
  readonly type?: 'button';
  /** @default - none */
  readonly style?: 'default' | 'primary' | 'danger';
}

/** A Slack integration. */
export interface SlackConfig {
  /** Incoming-webhook URL: a token (sensitive variable), never a literal. */
  readonly webhookUrl: string;
  /** @default - the webhook's default channel */
  readonly channel?: string;
  /** @default - Alertmanager's default title template */
  readonly title?: string;
  /** @default - Alertmanager's default text template */
  readonly text?: string;
  /** @default - none */
  readonly color?: string;
  /** @default true */
  readonly sendResolved?: boolean;
  /** @default - none */
  readonly actions?: SlackAction[];
  /** @default - the webhook's user name */
  readonly username?: string;
}

/** A PagerDuty (Events API v2) integration. */
export interface PagerDutyConfig {
  /** Integration routing key: a token (sensitive variable), never a literal. */
  readonly routingKey: string;
  /** @default 'critical' */
  readonly severity?: string;
  /** @default - Alertmanager's default description template */
  readonly description?: string;
  /** @default - Alertmanager's default details */
  readonly details?: Record<string, string>;
  /** @default true */
  readonly sendResolved?: boolean;
  /** @default 'https://events.pagerduty.com/v2/enqueue' */
  readonly url?: string;
}

/** An email integration. SMTP settings fall back to the `global` ones. */
export interface EmailConfig {
  /** Recipient address(es), comma-separated. */
  readonly to: string;
  /** @default - global smtp_from */
  readonly from?: string;
  /** `host:port` @default - global smtp_smarthost */
  readonly smarthost?: string;
  /** @default - global smtp_auth_username */
  readonly authUsername?: string;
  /** A token (sensitive variable). @default - global smtp auth password */
  readonly authPassword?: string;
  /** @default - global smtp_require_tls (true) */
  readonly requireTls?: boolean;
  /** @default false */
  readonly sendResolved?: boolean;
  /** @default - none */
  readonly headers?: Record<string, string>;
}

/** A generic webhook integration. */
export interface WebhookConfig {
  /** URL. A plain internal URL may be literal; a URL carrying a credential must be a token. */
  readonly url: string;
  /** Maximum alerts per message; 0 means all. @default 0 */
  readonly maxAlerts?: number;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** A receiver: a name and its integrations. A receiver without integrations drops alerts (the null receiver). */
export interface ReceiverSpec {
  readonly name: string;
  /** @default - none */
  readonly slack?: SlackConfig[];
  /** @default - none */
  readonly pagerduty?: PagerDutyConfig[];
  /** @default - none */
  readonly email?: EmailConfig[];
  /** @default - none */
  readonly webhook?: WebhookConfig[];
  /**
   * Escape hatch: integrations the library has no type for, in alertmanager.yml's spelling,
   * e.g. `{ telegram_configs: [{ ... }] }`, written as they are (not validated: `amtool
   * check-config` is the check). Used by `cdktf-observability import`. Secrets (`bot_token`,
   * `api_key`, a webhook URL): give references (`secretVariable(this, 'name').stringValue`),
   * never literals (a literal is reported as a warning); alertmanager.yml then holds the
   * reference and is delivered as a secret file.
   * @default - none
   */
  readonly rawConfigs?: Record<string, unknown[]>;
}

/** Factories for single-integration receivers. */
export class Receiver {
  public static slack(name: string, config: SlackConfig): ReceiverSpec {
    checkPrimitive(undefined, 'string', name, 'Receiver.slack(name)');
    checkShape(undefined, 'SlackConfig', config, 'Receiver.slack(config)');
    return { name, slack: [config] };
  }
  public static pagerduty(name: string, config: PagerDutyConfig): ReceiverSpec {
    checkPrimitive(undefined, 'string', name, 'Receiver.pagerduty(name)');
    checkShape(undefined, 'PagerDutyConfig', config, 'Receiver.pagerduty(config)');
    return { name, pagerduty: [config] };
  }
  public static email(name: string, config: EmailConfig): ReceiverSpec {
    checkPrimitive(undefined, 'string', name, 'Receiver.email(name)');
    checkShape(undefined, 'EmailConfig', config, 'Receiver.email(config)');
    return { name, email: [config] };
  }
  public static webhook(name: string, config: WebhookConfig): ReceiverSpec {
    checkPrimitive(undefined, 'string', name, 'Receiver.webhook(name)');
    checkShape(undefined, 'WebhookConfig', config, 'Receiver.webhook(config)');
    return { name, webhook: [config] };
  }
  /** A receiver that drops what it gets (for the Watchdog heartbeat). */
  public static null(name = 'null'): ReceiverSpec {
    checkPrimitive(undefined, 'string', name, 'Receiver.null(name)');
    return { name };
  }
}

/** Whether the receiver notifies nobody. */
export function isNullReceiver(r: ReceiverSpec): boolean {
  return !r.slack?.length && !r.pagerduty?.length && !r.email?.length && !r.webhook?.length && !Object.keys(r.rawConfigs ?? {}).length;
}

const RECEIVER_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * A templated field that Go's text/template refuses, or that calls a function Alertmanager
 * does not have: Alertmanager only parses it when it sends, so every notification would fail.
 */
function templateFieldProblem(text: string): string | undefined {
  if (Token.isUnresolved(text) || !text.includes('{{')) return undefined;
  const { problem } = checkGoTemplate(text);
  return problem ? `is not a valid Alertmanager template: ${problem} (got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}). Check every {{ }} action, e.g. "{{ .Status }}" or '{{ template "slack.default.title" . }}'; Alertmanager templates have no $labels (use .CommonLabels or range over .Alerts).` : undefined;
}

/** The template names a receiver's templated fields call (`{{ template "x" . }}`). */
export function receiverTemplateCalls(r: ReceiverSpec): string[] {
  const fields = [...(r.slack ?? []).flatMap((s) => [s.title, s.text]), ...(r.pagerduty ?? []).map((p) => p.description)];
  return fields.filter((f): f is string => typeof f === 'string' && !Token.isUnresolved(f) && f.includes('{{')).flatMap((f) => checkGoTemplate(f).calls);
}

export function receiverProblems(r: ReceiverSpec): string[] {
  const where = `receiver ${JSON.stringify(r.name)}`;
  const out: string[] = [];
  if (typeof r.name !== 'string' || !RECEIVER_NAME.test(r.name)) {
    out.push(`${where}: the name must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(r.name)}), e.g. "slack-critical".`);
  }
  (r.slack ?? []).forEach((s, i) => {
    const p = literalSecretProblem(s.webhookUrl);
    if (p) out.push(`${where}: slack[${i}].webhookUrl ${p}`);
    if (s.channel !== undefined && !Token.isUnresolved(s.channel) && !/^[#@]?[\w.-]+$/.test(s.channel)) {
      out.push(`${where}: slack[${i}].channel is not a Slack channel (got ${JSON.stringify(s.channel)}). Use e.g. "#alerts-critical".`);
    }
    for (const [k, v] of [['title', s.title], ['text', s.text]] as const) {
      const p = v === undefined ? undefined : templateFieldProblem(v);
      if (p) out.push(`${where}: slack[${i}].${k} ${p}`);
    }
    (s.actions ?? []).forEach((a, j) => {
      if (!a.text || !a.url) out.push(`${where}: slack[${i}].actions[${j}] needs text and url (got ${JSON.stringify(a)}).`);
    });
  });
  (r.pagerduty ?? []).forEach((p, i) => {
    const sp = literalSecretProblem(p.routingKey);
    if (sp) out.push(`${where}: pagerduty[${i}].routingKey ${sp}`);
    for (const [k, v] of [['description', p.description], ['severity', p.severity]] as const) {
      const tp = v === undefined ? undefined : templateFieldProblem(v);
      if (tp) out.push(`${where}: pagerduty[${i}].${k} ${tp}`);
    }
    const sev = p.severity ?? 'critical';
    if (!Token.isUnresolved(sev) && !['critical', 'error', 'warning', 'info'].includes(sev) && !sev.includes('{{')) {
      out.push(`${where}: pagerduty[${i}].severity must be critical, error, warning or info (or a template) (got ${JSON.stringify(sev)}).`);
    }
  });
  (r.email ?? []).forEach((e, i) => {
    // Alertmanager canonicalises header names (textproto.CanonicalMIMEHeaderKey) and refuses
    // the config at load when two collide (config/notifiers.go, v0.25.0 to v0.34.0).
    const seen = new Map<string, string>();
    for (const h of Object.keys(e.headers ?? {})) {
      const key = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h) ? h.toLowerCase() : h;
      const first = seen.get(key);
      if (first !== undefined) out.push(`${where}: email[${i}].headers has ${JSON.stringify(first)} and ${JSON.stringify(h)}, the same header for Alertmanager (names are case-insensitive), which refuses the config. Keep one.`);
      else seen.set(key, h);
    }
    for (const [h, v] of Object.entries(e.headers ?? {})) {
      const sp = headerCarriesCredential(h, v) ? literalSecretProblem(v) : undefined;
      if (sp) out.push(`${where}: email[${i}].headers.${h} carries a credential and ${sp}`);
    }
    if (!Token.isUnresolved(e.to) && !/^[^\s@,]+@[^\s@,]+(\s*,\s*[^\s@,]+@[^\s@,]+)*$/.test(e.to)) {
      out.push(`${where}: email[${i}].to is not an email address list (got ${JSON.stringify(e.to)}). Use e.g. "oncall@example.com".`);
    }
    if (e.smarthost !== undefined && !Token.isUnresolved(e.smarthost) && !/^[^\s:]+:\d+$/.test(e.smarthost)) {
      out.push(`${where}: email[${i}].smarthost must be host:port (got ${JSON.stringify(e.smarthost)}), e.g. "smtp.example.com:587".`);
    }
    if (e.authPassword !== undefined) {
      const sp = literalSecretProblem(e.authPassword);
      if (sp) out.push(`${where}: email[${i}].authPassword ${sp}`);
    }
  });
  (r.webhook ?? []).forEach((w, i) => {
    if (!Token.isUnresolved(w.url)) {
      const host = /^https?:\/\/([^/:?#\s]+)/.exec(w.url)?.[1];
      if (!host) {
        out.push(`${where}: webhook[${i}].url is not an http(s) URL (got a literal string of ${String(w.url).length} characters). Use e.g. "http://hook.internal:8080/alerts", or a token.`);
      } else if (/^https?:\/\/[^/@\s]+@/.test(w.url) || /[?&](token|key|secret|password|sig)=/i.test(w.url) || !isInternalHost(host)) {
        out.push(`${where}: webhook[${i}].url points at ${host}, outside this network: such URLs usually carry a credential, so it must not be a literal (got a literal URL of ${w.url.length} characters). Pass it as a token, e.g. secretVariable(this, 'hook_url').stringValue.`);
      }
    }
    if (w.maxAlerts !== undefined && (!Number.isSafeInteger(w.maxAlerts) || w.maxAlerts < 0)) {
      out.push(`${where}: webhook[${i}].maxAlerts must be a non-negative integer (got ${JSON.stringify(w.maxAlerts)}).`);
    }
  });
  return out;
}

/**
 * Hosts a literal webhook URL may point at: a container on the shared network (no dot),
 * localhost, an IP address, or a private DNS suffix. Anything else must come as a token.
 */
function isInternalHost(host: string): boolean {
  return (
    !host.includes('.') ||
    host === 'localhost' ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ||
    /\.(internal|local|lan|svc|cluster\.local|localdomain|home\.arpa)$/.test(host)
  );
}

/** A secret file the Alertmanager reads (`*_file` settings). */
export interface AlertmanagerSecretFile {
  /** Path relative to the config directory. */
  readonly relativePath: string;
  readonly content: string;
}

/**
 * Alertmanager resolves `api_url_file`, `routing_key_file` and `auth_password_file` against
 * its working directory, not the config file's, so the config names them absolutely.
 */
export const ALERTMANAGER_CONFIG_DIR = '/etc/alertmanager';

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The YAML shape of a receiver, and the secret files it references. */
export function renderReceiver(
  r: ReceiverSpec,
  secretsDir = `${ALERTMANAGER_CONFIG_DIR}/secrets`,
  options: { readonly webhookUrlFile?: boolean } = {},
): { yaml: Record<string, unknown>; secrets: AlertmanagerSecretFile[] } {
  const secrets: AlertmanagerSecretFile[] = [];
  const secretFile = (kind: string, i: number, content: string) => {
    const name = `${r.name}.${kind}.${i}`;
    secrets.push({ relativePath: `secrets/${name}`, content });
    return `${secretsDir}/${name}`;
  };
  const yaml: Record<string, unknown> = { name: r.name };
  if (r.slack?.length) {
    yaml.slack_configs = r.slack.map((s, i) =>
      clean({
        api_url_file: secretFile('slack_url', i, s.webhookUrl),
        channel: s.channel,
        username: s.username,
        send_resolved: s.sendResolved ?? true,
        color: s.color,
        title: s.title,
        text: s.text,
        actions: s.actions?.map((a) => clean({ type: a.type ?? 'button', text: a.text, url: a.url, style: a.style })),
      }),
    );
  }
  if (r.pagerduty?.length) {
    yaml.pagerduty_configs = r.pagerduty.map((p, i) =>
      clean({
        routing_key_file: secretFile('pagerduty_routing_key', i, p.routingKey),
        url: p.url,
        send_resolved: p.sendResolved ?? true,
        severity: p.severity ?? 'critical',
        description: p.description,
        details: p.details,
      }),
    );
  }
  if (r.email?.length) {
    yaml.email_configs = r.email.map((e, i) =>
      clean({
        to: e.to,
        from: e.from,
        smarthost: e.smarthost,
        auth_username: e.authUsername,
        auth_password_file: e.authPassword !== undefined ? secretFile('smtp_password', i, e.authPassword) : undefined,
        require_tls: e.requireTls,
        send_resolved: e.sendResolved,
        headers: e.headers,
      }),
    );
  }
  if (r.webhook?.length) {
    yaml.webhook_configs = r.webhook.map((w, i) =>
      clean({
        // A token URL goes to a file (url_file) where the layout allows it; otherwise it is
        // inlined JSON-encoded (valid YAML) at apply time by toYaml, since Alertmanager 0.25
        // has no url_file for webhooks.
        ...(options.webhookUrlFile && Token.isUnresolved(w.url) ? { url_file: secretFile('webhook_url', i, w.url) } : { url: w.url }),
        max_alerts: w.maxAlerts,
        send_resolved: w.sendResolved ?? true,
      }),
    );
  }
  if (r.rawConfigs) Object.assign(yaml, r.rawConfigs);
  return { yaml, secrets };
}
