/**
 * A small reader of the Alloy configuration syntax (formerly River): blocks
 * (`name.parts "label" { ... }`), attributes (`name = value`), strings ("..." with escapes
 * and `raw` backtick strings), numbers, booleans, null, lists, objects, references
 * (`discovery.docker.containers.targets`), function calls (`sys.env("X")`) and comments
 * (`//`, `/* *\/`, `#`). Operators and other expressions are refused with the file and line:
 * the importer then stops rather than guess. The importer uses the tree to judge the file
 * (components it knows, literal secrets) and carries the text itself verbatim.
 */
import { TerraformStack, Testing } from 'cdktf';
import { LogAgent, LogAgentProps } from '../../constructs/log-agent';
import { ValidationError } from '../core/errors';
import { credentialValueReason, headerCarriesCredential, SECRET_HEADER_NAME, urlSecretProblem } from '../core/secrets';
import { Commented, Notes } from './model';
import { ImportError } from './parse';

export type AlloyNode =
  | { readonly t: 'str'; readonly v: string; readonly span?: readonly [number, number] }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' }
  | { readonly t: 'list'; readonly items: AlloyNode[] }
  | { readonly t: 'obj'; readonly entries: Array<[string, AlloyNode]> }
  | { readonly t: 'ref'; readonly path: string }
  | { readonly t: 'call'; readonly fn: string; readonly args: AlloyNode[] };

export interface AlloyAttr {
  readonly kind: 'attr';
  readonly name: string;
  readonly value: AlloyNode;
  readonly line: number;
}

export interface AlloyBlockNode {
  readonly kind: 'block';
  /** Dotted name, e.g. `loki.source.docker`. */
  readonly name: string;
  readonly label?: string;
  readonly body: AlloyStmt[];
  readonly line: number;
}

export type AlloyStmt = AlloyAttr | AlloyBlockNode;

type Tok = { k: 'ident' | 'str' | 'num' | 'punct' | 'eof'; v: string; line: number; span?: [number, number] };

function tokenize(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new ImportError(`invalid Alloy configuration: ${msg}`, file, line);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated /* comment');
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\n') fail('newline in a "..." string (use a `raw` string for several lines)');
        if (text[j] === '\\') {
          const e = text[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\u0007', b: '\b', f: '\f', v: '\v' };
          if (e in simple) {
            s += simple[e];
            j += 2;
          } else if (e === 'u' || e === 'U' || e === 'x') {
            const n = e === 'u' ? 4 : e === 'U' ? 8 : 2;
            const hex = text.slice(j + 2, j + 2 + n);
            if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`bad \\${e} escape in a string`);
            s += String.fromCodePoint(parseInt(hex, 16));
            j += 2 + n;
          } else fail(`unknown escape \\${e ?? ''} in a string`);
        } else s += text[j++];
      }
      if (j >= text.length) fail('unterminated string');
      out.push({ k: 'str', v: s, line: start, span: [i, j + 1] });
      i = j + 1;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) fail('unterminated `raw` string');
      out.push({ k: 'str', v: text.slice(i + 1, end), line, span: [i, end + 1] });
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      out.push({ k: 'ident', v: m[0], line });
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      out.push({ k: 'num', v: m[0], line });
      i += m[0].length;
    } else if ('{}[](),=.'.includes(c)) {
      if (c === '=' && text[i + 1] === '=') fail('operator == is not supported by the importer\'s reader');
      out.push({ k: 'punct', v: c, line });
      i++;
    } else fail(`${JSON.stringify(c)}: operators and this character are not supported by the importer's reader`);
  }
  out.push({ k: 'eof', v: '', line });
  return out;
}

/** Parses an Alloy configuration; throws ImportError with the file and line. */
export function parseAlloy(text: string, file: string): AlloyStmt[] {
  const toks = tokenize(text, file);
  let p = 0;
  const peek = (o = 0) => toks[p + o];
  const fail = (msg: string, t = peek()): never => {
    throw new ImportError(`invalid Alloy configuration: ${msg}`, file, t.line);
  };
  const expect = (v: string) => {
    if (peek().k !== 'punct' || peek().v !== v) fail(`expected "${v}", found ${peek().k === 'eof' ? 'the end of the file' : JSON.stringify(peek().v)}`);
    p++;
  };
  const value = (): AlloyNode => {
    const t = peek();
    if (t.k === 'str') {
      p++;
      return { t: 'str', v: t.v, span: t.span };
    }
    if (t.k === 'num') {
      p++;
      return { t: 'num', v: Number(t.v) };
    }
    if (t.k === 'punct' && t.v === '[') {
      p++;
      const items: AlloyNode[] = [];
      while (!(peek().k === 'punct' && peek().v === ']')) {
        items.push(value());
        if (peek().k === 'punct' && peek().v === ',') p++;
        else if (!(peek().k === 'punct' && peek().v === ']')) fail(`expected "," or "]" in a list, found ${JSON.stringify(peek().v)}`);
      }
      p++;
      return { t: 'list', items };
    }
    if (t.k === 'punct' && t.v === '{') {
      p++;
      const entries: Array<[string, AlloyNode]> = [];
      while (!(peek().k === 'punct' && peek().v === '}')) {
        const key = peek();
        if (key.k !== 'ident' && key.k !== 'str') fail(`expected a key in an object, found ${JSON.stringify(key.v)}`);
        p++;
        expect('=');
        entries.push([key.v, value()]);
        if (peek().k === 'punct' && peek().v === ',') p++;
        else if (!(peek().k === 'punct' && peek().v === '}')) fail(`expected "," or "}" in an object, found ${JSON.stringify(peek().v)}`);
      }
      p++;
      return { t: 'obj', entries };
    }
    if (t.k === 'ident') {
      p++;
      if (t.v === 'true' || t.v === 'false') return { t: 'bool', v: t.v === 'true' };
      if (t.v === 'null') return { t: 'null' };
      let path = t.v;
      while (peek().k === 'punct' && peek().v === '.') {
        p++;
        if (peek().k !== 'ident') fail(`expected a name after "." in ${path}`);
        path += `.${toks[p++].v}`;
      }
      if (peek().k === 'punct' && peek().v === '(') {
        p++;
        const args: AlloyNode[] = [];
        while (!(peek().k === 'punct' && peek().v === ')')) {
          args.push(value());
          if (peek().k === 'punct' && peek().v === ',') p++;
          else if (!(peek().k === 'punct' && peek().v === ')')) fail(`expected "," or ")" in the call of ${path}, found ${JSON.stringify(peek().v)}`);
        }
        p++;
        return { t: 'call', fn: path, args };
      }
      if (peek().k === 'punct' && peek().v === '[') fail(`indexing (${path}[...]) is not supported by the importer's reader`);
      return { t: 'ref', path };
    }
    return fail(`expected a value, found ${t.k === 'eof' ? 'the end of the file' : JSON.stringify(t.v)}`);
  };
  const body = (top: boolean): AlloyStmt[] => {
    const out: AlloyStmt[] = [];
    for (;;) {
      const t = peek();
      if (t.k === 'eof') {
        if (!top) fail('a block is not closed (missing "}")');
        return out;
      }
      if (t.k === 'punct' && t.v === '}') {
        if (top) fail('unexpected "}"');
        return out;
      }
      if (t.k !== 'ident') fail(`expected an attribute or a block, found ${JSON.stringify(t.v)}`);
      p++;
      if (peek().k === 'punct' && peek().v === '=') {
        p++;
        const v = value();
        if (peek().line === t.line && !(peek().k === 'punct' && peek().v === '}') && peek().k !== 'eof') fail(`unexpected ${JSON.stringify(peek().v)} after the value of ${t.v} (operators are not supported by the importer's reader)`);
        out.push({ kind: 'attr', name: t.v, value: v, line: t.line });
        continue;
      }
      let name = t.v;
      while (peek().k === 'punct' && peek().v === '.') {
        p++;
        if (peek().k !== 'ident') fail(`expected a name after "." in ${name}`);
        name += `.${toks[p++].v}`;
      }
      let label: string | undefined;
      if (peek().k === 'str') label = toks[p++].v;
      expect('{');
      const inner = body(false);
      expect('}');
      out.push({ kind: 'block', name, label, body: inner, line: t.line });
    }
  };
  return body(true);
}

/** Blocks of the tree, depth first, with their nesting. */
export function alloyBlocks(stmts: readonly AlloyStmt[]): AlloyBlockNode[] {
  return stmts.flatMap((s) => (s.kind === 'block' ? [s, ...alloyBlocks(s.body)] : []));
}

/** Components the LogAgent's generated pipeline is made of (test/fixtures/engines/alloy-1.18.1.json). */
const LOG_AGENT_COMPONENTS = ['discovery.docker', 'discovery.relabel', 'loki.source.docker', 'local.file_match', 'loki.source.file', 'loki.process', 'loki.write', 'prometheus.scrape', 'prometheus.remote_write', 'pyroscope.receive_http', 'pyroscope.write', 'logging'];
/** Attributes that hold credentials. */
const SECRET_ATTR = /^(password|bearer_token|token|api_key|secret|client_secret|key|credentials)$/;
/**
 * More credentials, read as strings (`is_secret = false`: Alloy turns a string into a secret
 * where one is expected, never the reverse): `secret_key`, session and auth tokens, private
 * keys, and any `Bearer ...` / `Basic ...` / inline PEM private key value.
 */
const STRING_SECRET_ATTR = /^(secret_key|session_token|auth_token|api_token|private_key|key_pem|client_key)$/;

/** A literal credential in a config.alloy: a credential attribute, or a URL carrying one. */
export interface AlloySecret {
  /** Where, for the report: `loki.write "cloud" > endpoint > basic_auth > password (line 39)`. */
  readonly where: string;
  /** Block names, labels and the attribute, for the variable's name. */
  readonly keys: string[];
  readonly value: string;
  /** Offsets of the string literal (quotes included) in the text. */
  readonly span: readonly [number, number];
  /** Read as a string (a URL, a header value, ...), not as a secret-typed value. */
  readonly isUrl: boolean;
}

/** Where LogAgent writes `alloySecrets` files. */
export const ALLOY_SECRET_DIR = '/etc/alloy/secrets';

/**
 * The text with each literal secret replaced by the content of a `local.file` reading it from
 * a secret file (`is_secret = true` for credentials; a URL stays a string), and those
 * `local.file` blocks appended. `names[i]` is the file (and component label) of `secrets[i]`.
 */
export function alloyWithSecretFiles(text: string, secrets: readonly AlloySecret[], names: readonly string[]): string {
  let out = text;
  const order = secrets.map((s, i) => ({ s, name: names[i] })).sort((a, b) => b.s.span[0] - a.s.span[0]);
  for (const { s, name } of order) out = `${out.slice(0, s.span[0])}local.file.${name}.content${out.slice(s.span[1])}`;
  const blocks = secrets.map((s, i) => [
    '',
    `// Added by cdktf-observability import: the literal that was here is read from a secret file.`,
    `local.file "${names[i]}" {`,
    `  filename  = "${ALLOY_SECRET_DIR}/${names[i]}"`,
    `  is_secret = ${s.isUrl ? 'false' : 'true'}`,
    '}',
  ].join('\n'));
  return `${out.replace(/\n*$/, '\n')}${blocks.join('\n')}\n`;
}

/**
 * Judges a config.alloy for the importer: parses it (an unreadable file is an ImportError
 * with its line), reports components the LogAgent's pipeline does not use and literal
 * secrets, and returns the notes' verdict. The text is carried verbatim (`alloyConfig`).
 */
export function importAlloy(file: string, text: string, notes: Notes): { components: string[]; tree: AlloyStmt[]; secrets: AlloySecret[] } {
  const tree = parseAlloy(text, file);
  const top = tree.filter((s): s is AlloyBlockNode => s.kind === 'block');
  for (const a of tree.filter((s) => s.kind === 'attr')) notes.add('warning', file, `line ${a.line}`, `top-level attribute ${a.name}: Alloy refuses attributes outside blocks (kept in the file as written)`);
  const components = top.map((b) => `${b.name}${b.label !== undefined ? ` "${b.label}"` : ''}`);
  for (const b of top) {
    if (!LOG_AGENT_COMPONENTS.includes(b.name)) notes.add('warning', file, `${b.name}${b.label !== undefined ? ` "${b.label}"` : ''} (line ${b.line})`, 'a component the LogAgent does not generate: kept in the verbatim config.alloy, unchecked by the library');
  }
  const secrets: AlloySecret[] = [];
  const walk = (stmts: readonly AlloyStmt[], at: string, keys: string[]) => {
    for (const s of stmts) {
      if (s.kind === 'block') walk(s.body, `${at}${at ? ' > ' : ''}${s.name}${s.label !== undefined ? ` "${s.label}"` : ''}`, [...keys, ...(s.label !== undefined ? [s.name, s.label] : [s.name])]);
      else if (s.value.t === 'str' && s.value.span && s.value.v !== '' && (SECRET_ATTR.test(s.name) || STRING_SECRET_ATTR.test(s.name) || credentialValueReason(s.value.v) !== undefined || (/url$/.test(s.name) && urlSecretProblem(s.value.v) !== undefined))) {
        secrets.push({ where: `${at} > ${s.name} (line ${s.line})`, keys: [...keys, s.name], value: s.value.v, span: s.value.span, isUrl: !SECRET_ATTR.test(s.name) });
      } else if (s.value.t === 'obj') {
        // A map of strings (`headers = { "Authorization" = "Bearer ..." }`): credential headers and values.
        for (const [k, v] of s.value.entries) {
          if (v.t === 'str' && v.span && v.v !== '' && (/headers$/.test(s.name) ? headerCarriesCredential(k, v.v) : SECRET_HEADER_NAME.test(k) || credentialValueReason(v.v) !== undefined)) {
            secrets.push({ where: `${at} > ${s.name} > ${k} (line ${s.line})`, keys: [...keys, s.name, k], value: v.v, span: v.span, isUrl: true });
          }
        }
      }
    }
  };
  walk(tree, '', []);
  return { components, tree, secrets };
}

// ------------------------------------------------------------------------------------------
// A file that is exactly what LogAgent renders becomes LogAgent props
// ------------------------------------------------------------------------------------------

/** The tree without lines, attributes sorted, top-level blocks sorted (their order has no meaning in Alloy). */
export function canonicalAlloy(stmts: readonly AlloyStmt[], top = true): unknown[] {
  const attrs = stmts.filter((s): s is AlloyAttr => s.kind === 'attr').map((a) => ['=', a.name, JSON.parse(JSON.stringify(a.value, (k, v) => (k === 'span' ? undefined : v)))] as const).sort((a, b) => a[1].localeCompare(b[1]));
  const blocks = stmts.filter((s): s is AlloyBlockNode => s.kind === 'block').map((b) => ['{', b.name, b.label ?? null, canonicalAlloy(b.body, false)] as const);
  if (top) blocks.sort((a, b) => `${a[1]} ${a[2]}`.localeCompare(`${b[1]} ${b[2]}`));
  return [...attrs, ...blocks];
}

const attr = (b: AlloyBlockNode | undefined, name: string): AlloyNode | undefined => b?.body.find((s): s is AlloyAttr => s.kind === 'attr' && s.name === name)?.value;
const str = (n: AlloyNode | undefined): string | undefined => (n?.t === 'str' ? n.v : undefined);
const objOf = (n: AlloyNode | undefined): Record<string, string> | undefined =>
  n?.t === 'obj' && n.entries.every(([, v]) => v.t === 'str') ? Object.fromEntries(n.entries.map(([k, v]) => [k, (v as { v: string }).v])) : undefined;

/**
 * LogAgent props that would render this very configuration, guessed from its components; the
 * caller renders them and compares (`canonicalAlloy`). Undefined when the file is not built
 * like LogAgent's pipeline at all.
 */
export function logAgentPropsGuess(tree: readonly AlloyStmt[]): Record<string, unknown> | undefined {
  const top = tree.filter((s): s is AlloyBlockNode => s.kind === 'block');
  const find = (name: string, label: string) => top.find((b) => b.name === name && b.label === label);
  const write = find('loki.write', 'default');
  const process = find('loki.process', 'default');
  const json = process?.body.find((s): s is AlloyBlockNode => s.kind === 'block' && s.name === 'stage.json');
  if (!write || !process || !json) return undefined;
  const endpoint = write.body.find((s): s is AlloyBlockNode => s.kind === 'block' && s.name === 'endpoint');
  const props: Record<string, unknown> = {};
  const docker = find('discovery.docker', 'containers');
  if (docker) {
    const host = str(attr(docker, 'host'));
    if (host && host !== 'unix:///var/run/docker.sock') props.dockerHost = host;
    const refresh = str(attr(docker, 'refresh_interval'));
    if (refresh && refresh !== '5s') props.refreshInterval = refresh;
  } else props.containerLogs = false;
  const files = find('local.file_match', 'host_logs');
  const pathTargets = attr(files, 'path_targets');
  if (files) {
    props.readHostLogs = true;
    const paths = pathTargets?.t === 'list' ? pathTargets.items.map((i) => (i.t === 'obj' ? str(i.entries.find(([k]) => k === '__path__')?.[1]) : undefined)) : [];
    if (paths.some((p) => p === undefined)) return undefined;
    if (paths.join() !== '/var/log/*.log') props.hostLogPaths = paths;
  }
  const expressions = objOf(attr(json, 'expressions')) ?? {};
  const stage = (name: string) => objOf(attr(process.body.find((s): s is AlloyBlockNode => s.kind === 'block' && s.name === name), 'values')) ?? {};
  const labels = Object.keys(stage('stage.labels'));
  const logLabels = Object.fromEntries(labels.map((l) => [l, expressions[l] ?? l]));
  if (JSON.stringify(logLabels) !== JSON.stringify({ level: 'level' })) props.logLabels = logLabels;
  const metadata = Object.keys(stage('stage.structured_metadata')).filter((k) => k !== 'trace_id' && k !== 'span_id');
  if (metadata.length) props.structuredMetadata = Object.fromEntries(metadata.map((m) => [m, expressions[m] ?? m]));
  const drop = process.body.find((s): s is AlloyBlockNode => s.kind === 'block' && s.name === 'stage.drop');
  const expression = str(attr(drop, 'expression'));
  if (!drop) props.dropExpression = false;
  else if (expression !== '.*(GET|HEAD) /(health|healthz|ready|metrics).*') props.dropExpression = expression;
  props.lokiUrl = str(attr(endpoint, 'url'));
  const tenant = str(attr(endpoint, 'tenant_id'));
  if (tenant !== undefined) props.tenantId = tenant;
  const rw = find('prometheus.remote_write', 'default');
  if (rw) {
    props.scrapeMetrics = true;
    props.remoteWriteUrl = str(attr(rw.body.find((s): s is AlloyBlockNode => s.kind === 'block' && s.name === 'endpoint'), 'url'));
    const refresh = str(attr(find('discovery.docker', 'metrics'), 'refresh_interval'));
    if (refresh && refresh !== '30s') props.metricsRefreshInterval = refresh;
    const scrape = str(attr(find('prometheus.scrape', 'containers'), 'scrape_interval'));
    if (scrape && scrape !== '15s') props.metricsScrapeInterval = scrape;
  }
  return props;
}

/**
 * The LogAgent props that render exactly this configuration (compared as canonical trees),
 * with the Compose service's props (mounts, image); undefined when there are none.
 */
export function alloyAsLogAgent(tree: readonly AlloyStmt[], serviceProps: Record<string, unknown>): Record<string, unknown> | undefined {
  const guess = logAgentPropsGuess(tree);
  if (!guess) return undefined;
  const plain = Object.fromEntries(Object.entries(serviceProps).map(([k, v]) => [k, v instanceof Commented ? v.value : v]));
  try {
    const stack = new TerraformStack(Testing.app(), 'probe');
    const rendered = new LogAgent(stack, 'Probe', { ...plain, ...guess } as LogAgentProps).renderConfig();
    return JSON.stringify(canonicalAlloy(parseAlloy(rendered, 'rendered'))) === JSON.stringify(canonicalAlloy(tree)) ? guess : undefined;
  } catch (e) {
    // Props the LogAgent refuses (or a rendering it cannot parse back): not its pipeline.
    if (e instanceof ValidationError || e instanceof ImportError) return undefined;
    throw e;
  }
}
