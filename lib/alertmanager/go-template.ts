/**
 * A checker for Go's text/template as Alertmanager uses it (notification templates and the
 * templated fields of receivers): actions, comments and trim markers lexed as Go does; control
 * structures (if / with / range / else / end, define, block, template, break / continue)
 * balanced; variables declared before use with Go's scoping; functions limited to Go's
 * built-ins and Alertmanager's (`template.DefaultFuncs`, v0.34.0). Template names that a
 * `{{ template }}` calls are returned, so the caller can check them against the defined ones
 * (Go only finds a missing one when a notification is sent).
 *
 * Not a full Go parser: it checks what Alertmanager refuses at load (amtool check-config)
 * and what makes every notification fail, and reports the first problem.
 */

/** Go text/template built-ins. */
const GO_FUNCS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'];
/**
 * Alertmanager's template functions (template/template.go `DefaultFuncs` at v0.34.0, commit
 * 085f0ef7eb41da24cab8cd000f1345b6250f2edb), each with the first release that has it (read at
 * every tag from v0.25.0; "v0.25.0" means "v0.25.0 or older"). Fixture:
 * test/fixtures/engines/alertmanager.json.
 */
export const ALERTMANAGER_FUNCS_SINCE: Readonly<Record<string, string>> = {
  toUpper: 'v0.25.0', toLower: 'v0.25.0', title: 'v0.25.0', trimSpace: 'v0.26.0', join: 'v0.25.0', match: 'v0.25.0',
  safeHtml: 'v0.25.0', safeUrl: 'v0.30.0', urlUnescape: 'v0.30.0', reReplaceAll: 'v0.25.0', stringSlice: 'v0.25.0',
  routeLabels: 'v0.34.0', date: 'v0.28.0', tz: 'v0.28.0', now: 'v0.33.0', since: 'v0.28.0', humanizeDuration: 'v0.28.0',
  toDate: 'v0.34.0', mustToDate: 'v0.34.0', toJson: 'v0.30.0', base64encode: 'v0.34.0', base64decode: 'v0.34.0',
  list: 'v0.32.0', append: 'v0.32.0', dict: 'v0.32.0',
};
/** Alertmanager's template functions at the pinned release (v0.34.0). */
export const ALERTMANAGER_FUNCS: readonly string[] = Object.keys(ALERTMANAGER_FUNCS_SINCE);
const FUNCS = new Set([...GO_FUNCS, ...ALERTMANAGER_FUNCS]);
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);

/**
 * The templates Alertmanager always has (`template/default.tmpl` and `template/email.tmpl` at
 * v0.34.0, commit 085f0ef7eb41da24cab8cd000f1345b6250f2edb), each with the first release that
 * defines it. Fixture: test/fixtures/engines/alertmanager.json.
 */
export const ALERTMANAGER_TEMPLATES_SINCE: Readonly<Record<string, string>> = {
  __alertmanager: 'v0.25.0', __alertmanagerURL: 'v0.25.0', __subject: 'v0.25.0', __description: 'v0.25.0', __text_alert_list: 'v0.25.0', __text_alert_list_markdown: 'v0.26.0',
  'slack.default.title': 'v0.25.0', 'slack.default.username': 'v0.25.0', 'slack.default.fallback': 'v0.25.0', 'slack.default.callbackid': 'v0.25.0', 'slack.default.pretext': 'v0.25.0',
  'slack.default.titlelink': 'v0.25.0', 'slack.default.iconemoji': 'v0.25.0', 'slack.default.iconurl': 'v0.25.0', 'slack.default.text': 'v0.25.0', 'slack.default.footer': 'v0.25.0', 'slack.default.color': 'v0.32.0',
  'pagerduty.default.description': 'v0.25.0', 'pagerduty.default.client': 'v0.25.0', 'pagerduty.default.clientURL': 'v0.25.0', 'pagerduty.default.instances': 'v0.25.0',
  'opsgenie.default.message': 'v0.25.0', 'opsgenie.default.description': 'v0.25.0', 'opsgenie.default.source': 'v0.25.0',
  'wechat.default.message': 'v0.25.0', 'wechat.default.to_user': 'v0.25.0', 'wechat.default.to_party': 'v0.25.0', 'wechat.default.to_tag': 'v0.25.0', 'wechat.default.agent_id': 'v0.25.0',
  'victorops.default.state_message': 'v0.25.0', 'victorops.default.entity_display_name': 'v0.25.0', 'victorops.default.monitoring_tool': 'v0.25.0',
  'pushover.default.title': 'v0.25.0', 'pushover.default.message': 'v0.25.0', 'pushover.default.url': 'v0.25.0',
  'sns.default.subject': 'v0.25.0', 'sns.default.message': 'v0.25.0', 'telegram.default.message': 'v0.25.0',
  'discord.default.content': 'v0.28.0', 'discord.default.title': 'v0.25.0', 'discord.default.message': 'v0.25.0', 'webex.default.message': 'v0.25.0',
  'msteams.default.summary': 'v0.27.0', 'msteams.default.title': 'v0.26.0', 'msteams.default.text': 'v0.26.0', 'msteamsv2.default.title': 'v0.28.0', 'msteamsv2.default.text': 'v0.28.0',
  'jira.default.summary': 'v0.28.0', 'jira.default.description': 'v0.28.0', 'jira.default.priority': 'v0.28.0',
  'rocketchat.default.title': 'v0.28.0', 'rocketchat.default.alias': 'v0.28.0', 'rocketchat.default.titlelink': 'v0.28.0', 'rocketchat.default.emoji': 'v0.28.0', 'rocketchat.default.iconurl': 'v0.28.0', 'rocketchat.default.text': 'v0.28.0',
  'mattermost.default.color': 'v0.32.0', 'mattermost.default.username': 'v0.32.0', 'mattermost.default.title': 'v0.32.0', 'mattermost.default.titlelink': 'v0.32.0', 'mattermost.default.fallback': 'v0.32.0', 'mattermost.default.text': 'v0.30.0',
  'email.default.subject': 'v0.25.0', 'email.default.html': 'v0.25.0',
};
/** The templates Alertmanager always has at the pinned release (v0.34.0). */
export const ALERTMANAGER_DEFAULT_TEMPLATES: readonly string[] = Object.keys(ALERTMANAGER_TEMPLATES_SINCE);

/** What a template defines and calls, or its first problem. */
export interface GoTemplateCheck {
  readonly problem?: string;
  /** Names of `{{ define }}` and `{{ block }}`. */
  readonly defines: string[];
  /** Names called by `{{ template }}`. */
  readonly calls: string[];
  /** Alertmanager functions it calls (Go's built-ins left out), each once. */
  readonly funcs: string[];
}

class TemplateError extends Error {}

type Tok = { kind: 'ident' | 'keyword' | 'field' | 'var' | 'string' | 'number' | 'char' | 'declare' | 'assign' | 'pipe' | 'lparen' | 'rparen' | 'comma' | 'dot'; text: string };

/** Checks `text` as Go's text/template parser would, with Alertmanager's functions. */
export function checkGoTemplate(text: string): GoTemplateCheck {
  const defines: string[] = [];
  const calls: string[] = [];
  const funcs: string[] = [];
  try {
    const actions = lexActions(text);
    new Parser(actions, defines, calls, funcs).parseTop();
    return { defines, calls, funcs };
  } catch (e) {
    if (e instanceof TemplateError) return { problem: e.message, defines, calls, funcs };
    throw e;
  }
}

/** Splits the text into actions (the token lists between delimiters), comments dropped. */
function lexActions(text: string): Tok[][] {
  const out: Tok[][] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) return out;
    let j = open + 2;
    if (text[j] === '-' && /[ \t\r\n]/.test(text[j + 1] ?? '')) j += 2;
    while (/[ \t\r\n]/.test(text[j] ?? '')) j++;
    if (text.startsWith('/*', j)) {
      const end = text.indexOf('*/', j + 2);
      if (end < 0) throw new TemplateError('unclosed comment');
      let k = end + 2;
      while (/[ \t\r\n]/.test(text[k] ?? '') && !text.startsWith('}}', k)) k++;
      if (text[k] === '-') k++;
      if (!text.startsWith('}}', k)) throw new TemplateError('comment ends before closing delimiter');
      i = k + 2;
      continue;
    }
    const { tokens, next } = lexAction(text, j);
    out.push(tokens);
    i = next;
  }
}

/** The index after a chain of `.field` accesses starting at `i` (`$x.Labels.instance`). */
function afterFieldChain(text: string, i: number): number {
  let k = i;
  while (text[k] === '.' && /[A-Za-z0-9_]/.test(text[k + 1] ?? '')) {
    k++;
    while (/[A-Za-z0-9_]/.test(text[k] ?? '')) k++;
  }
  return k;
}

const PUNCTUATION: Record<string, Tok['kind']> = { '=': 'assign', '|': 'pipe', '(': 'lparen', ')': 'rparen', ',': 'comma' };

function lexAction(text: string, start: number): { tokens: Tok[]; next: number } {
  const tokens: Tok[] = [];
  let i = start;
  const ident = /[A-Za-z0-9_]/;
  for (;;) {
    if (i >= text.length) throw new TemplateError('unclosed action');
    const c = text[i];
    if (/[ \t\r\n]/.test(c)) {
      // ` -}}` closes with a trim marker
      let k = i;
      while (/[ \t\r\n]/.test(text[k] ?? '')) k++;
      if (text[k] === '-' && text.startsWith('}}', k + 1)) return { tokens, next: k + 3 };
      i = k;
      continue;
    }
    if (text.startsWith('}}', i)) return { tokens, next: i + 2 };
    if (c === '"') {
      let k = i + 1;
      while (k < text.length && text[k] !== '"') {
        if (text[k] === '\\') k++;
        else if (text[k] === '\n') throw new TemplateError('unterminated quoted string');
        k++;
      }
      if (k >= text.length) throw new TemplateError('unterminated quoted string');
      tokens.push({ kind: 'string', text: text.slice(i, k + 1) });
      i = k + 1;
    } else if (c === '`') {
      const k = text.indexOf('`', i + 1);
      if (k < 0) throw new TemplateError('unterminated raw quoted string');
      tokens.push({ kind: 'string', text: text.slice(i, k + 1) });
      i = k + 1;
    } else if (c === "'") {
      const m = /^'(\\.[^']*|[^\\'])'/.exec(text.slice(i));
      if (!m) throw new TemplateError('unterminated character constant');
      tokens.push({ kind: 'char', text: m[0] });
      i += m[0].length;
    } else if (c === '$') {
      let k = i + 1;
      while (ident.test(text[k] ?? '')) k++;
      tokens.push({ kind: 'var', text: text.slice(i, k) });
      i = k;
      i = afterFieldChain(text, i);
    } else if (c === '.') {
      if (!ident.test(text[i + 1] ?? '') || /[0-9]/.test(text[i + 1])) {
        if (/[0-9]/.test(text[i + 1] ?? '')) {
          const m = /^\.[0-9]+([eE][-+]?[0-9]+)?/.exec(text.slice(i))!;
          tokens.push({ kind: 'number', text: m[0] });
          i += m[0].length;
          continue;
        }
        tokens.push({ kind: 'dot', text: '.' });
        i++;
        continue;
      }
      let k = i;
      while (text[k] === '.' && ident.test(text[k + 1] ?? '')) {
        k++;
        while (ident.test(text[k] ?? '')) k++;
      }
      tokens.push({ kind: 'field', text: text.slice(i, k) });
      i = k;
    } else if (/[0-9+-]/.test(c)) {
      const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9]+)i?/.exec(text.slice(i));
      if (!m || m[0] === '+' || m[0] === '-') throw new TemplateError(`unexpected "${c}" in command`);
      if (ident.test(text[i + m[0].length] ?? '') || text[i + m[0].length] === '.') throw new TemplateError(`bad number syntax: "${text.slice(i, i + m[0].length + 1)}"`);
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      let k = i;
      while (ident.test(text[k] ?? '')) k++;
      const word = text.slice(i, k);
      tokens.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'ident', text: word });
      i = k;
      i = afterFieldChain(text, i);
    } else if (text.startsWith(':=', i)) {
      tokens.push({ kind: 'declare', text: ':=' });
      i += 2;
    } else if (PUNCTUATION[c]) {
      tokens.push({ kind: PUNCTUATION[c], text: c });
      i++;
    } else {
      throw new TemplateError(`unexpected "${c}" in command`);
    }
  }
}

class Parser {
  private pos = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly actions: Tok[][],
    private readonly defines: string[],
    private readonly calls: string[],
    private readonly funcs: string[],
  ) {}

  public parseTop(): void {
    while (this.pos < this.actions.length) {
      const a = this.actions[this.pos];
      if (a[0]?.kind === 'keyword' && a[0].text === 'define') {
        this.pos++;
        const name = this.templateName(a, 'define');
        if (a.length !== 2) throw new TemplateError(`unexpected ${describe(a[2])} in define clause`);
        this.defines.push(name);
        const saved = this.vars;
        this.vars = ['$'];
        const end = this.parseList(['end']);
        if (end !== 'end') throw new TemplateError(`unexpected EOF in define "${name}"`);
        this.pos++;
        this.vars = saved;
        continue;
      }
      const end = this.parseList([]);
      if (end) throw new TemplateError(`unexpected {{${end}}}`);
    }
  }

  /** Parses items until one of `stops` (returned) or the end of input / a top-level define (undefined). */
  private parseList(stops: string[]): string | undefined {
    while (this.pos < this.actions.length) {
      const a = this.actions[this.pos];
      const head = a[0];
      const kw = head?.kind === 'keyword' ? head.text : undefined;
      if (kw === 'define') {
        if (stops.length) throw new TemplateError('unexpected <define> in command');
        return undefined;
      }
      if (kw === 'end' || kw === 'else') {
        if (!stops.includes(kw)) throw new TemplateError(`unexpected {{${kw}}}`);
        return kw;
      }
      this.pos++;
      this.parseAction(a);
    }
    if (stops.length) throw new TemplateError('unexpected EOF');
    return undefined;
  }

  private parseAction(a: Tok[]): void {
    const head = a[0];
    if (!head) throw new TemplateError('missing value for command');
    if (head.kind === 'keyword') {
      switch (head.text) {
        case 'if':
        case 'with':
        case 'range':
          return this.parseControl(head.text, a.slice(1));
        case 'template': {
          const name = this.templateName(a, 'template');
          this.calls.push(name);
          if (a.length > 2) this.parsePipeline(a.slice(2), false);
          return;
        }
        case 'block': {
          const name = this.templateName(a, 'block');
          this.defines.push(name);
          this.calls.push(name);
          this.parsePipeline(a.slice(2), false);
          const saved = this.vars;
          this.vars = ['$'];
          const end = this.parseList(['end']);
          this.pos++;
          if (end !== 'end') throw new TemplateError('unexpected EOF');
          this.vars = saved;
          return;
        }
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) throw new TemplateError(`{{${head.text}}} outside {{range}}`);
          if (a.length > 1) throw new TemplateError(`unexpected ${describe(a[1])} in {{${head.text}}}`);
          return;
        default:
          break;
      }
    }
    this.parsePipeline(a, true);
  }

  private parseControl(kind: string, pipeline: Tok[]): void {
    const mark = this.vars.length;
    this.parsePipeline(pipeline, false, kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    let stop = this.parseList(['end', 'else']);
    if (kind === 'range') this.rangeDepth--;
    while (stop === 'else') {
      const elseAction = this.actions[this.pos];
      this.pos++;
      if (elseAction.length > 1) {
        const next = elseAction[1];
        if (next.kind === 'keyword' && (next.text === 'if' || next.text === 'with')) {
          // `{{ else if x }}` is an if inside the else branch, ended by the same {{ end }}.
          this.parsePipeline(elseAction.slice(2), false);
        } else {
          throw new TemplateError(`unexpected ${describe(next)} in else`);
        }
      }
      stop = this.parseList(['end', 'else']);
    }
    this.pos++;
    this.vars.length = mark;
  }

  private templateName(a: Tok[], what: string): string {
    const t = a[1];
    if (!t || t.kind !== 'string') throw new TemplateError(`unexpected ${describe(t)} in ${what} clause: the name must be a quoted string`);
    return unquote(t.text);
  }

  /** A pipeline: optional `$x :=` / `$x, $y :=` / `$x =`, then commands joined by `|`. */
  private parsePipeline(toks: Tok[], allowDecl: boolean, inRange = false): void {
    let i = 0;
    const declared: string[] = [];
    const decl = toks.findIndex((t) => t.kind === 'declare' || t.kind === 'assign');
    if (decl > 0 && toks.slice(0, decl).every((t) => t.kind === 'var' || t.kind === 'comma')) {
      const names = toks.slice(0, decl).filter((t) => t.kind === 'var').map((t) => t.text);
      if (names.length > (inRange ? 2 : 1)) throw new TemplateError('too many declarations in command');
      if (toks[decl].kind === 'assign') for (const n of names) this.useVar(n);
      else declared.push(...names);
      i = decl + 1;
      void allowDecl;
    }
    const rest = toks.slice(i);
    if (!rest.length) throw new TemplateError('missing value for command');
    this.parseCommands(rest);
    this.vars.push(...declared);
  }

  private parseCommands(toks: Tok[]): void {
    let depth = 0;
    let start = 0;
    for (let k = 0; k <= toks.length; k++) {
      const t = toks[k];
      if (t?.kind === 'lparen') depth++;
      if (t?.kind === 'rparen') {
        depth--;
        if (depth < 0) throw new TemplateError('unexpected right paren');
      }
      if (k === toks.length || (t.kind === 'pipe' && depth === 0)) {
        const cmd = toks.slice(start, k);
        if (!cmd.length) throw new TemplateError('missing value for command');
        this.parseCommand(cmd);
        start = k + 1;
      }
    }
    if (depth > 0) throw new TemplateError('unclosed left paren');
  }

  private parseCommand(cmd: Tok[]): void {
    let k = 0;
    while (k < cmd.length) {
      const t = cmd[k];
      if (t.kind === 'lparen') {
        let depth = 1;
        let j = k + 1;
        while (j < cmd.length && depth > 0) {
          if (cmd[j].kind === 'lparen') depth++;
          if (cmd[j].kind === 'rparen') depth--;
          j++;
        }
        const inner = cmd.slice(k + 1, j - 1);
        if (!inner.length) throw new TemplateError('missing value for parenthesized pipeline');
        this.parseCommands(inner);
        k = j;
        continue;
      }
      if (t.kind === 'ident') {
        const name = t.text.split('.')[0];
        if (!FUNCS.has(name)) throw new TemplateError(`function "${name}" not defined`);
        if (ALERTMANAGER_FUNCS_SINCE[name] !== undefined && !this.funcs.includes(name)) this.funcs.push(name);
      } else if (t.kind === 'var') {
        this.useVar(t.text);
      } else if (t.kind === 'keyword' && !['nil', 'true', 'false'].includes(t.text)) {
        throw new TemplateError(`unexpected <${t.text}> in command`);
      } else if (t.kind === 'declare' || t.kind === 'assign' || t.kind === 'comma' || t.kind === 'pipe' || t.kind === 'rparen') {
        throw new TemplateError(`unexpected ${describe(t)} in operand`);
      } else if (t.kind === 'keyword' && t.text === 'nil' && k === 0 && cmd.length === 1) {
        throw new TemplateError('nil is not a command');
      }
      k++;
    }
  }

  private useVar(name: string): void {
    if (!this.vars.includes(name)) throw new TemplateError(`undefined variable "${name}"`);
  }
}

function describe(t: Tok | undefined): string {
  return t ? `"${t.text}"` : 'end of action';
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}
