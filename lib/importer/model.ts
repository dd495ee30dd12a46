/**
 * The importer's intermediate model: library props as plain data (secrets as
 * {@link SecretRef}, files read at synth as {@link FileRef}), and the notes that make the
 * report: every escape hatch, default made explicit, secret, choice and warning.
 */

/** A secret the generated code reads from a sensitive Terraform variable. */
export class SecretRef {
  constructor(
    /** Terraform variable name (set with `TF_VAR_<name>`). */
    public readonly variable: string,
  ) {}
}

/** A file the generated code reads at synth (`fs.readFileSync`), path relative to the output file. */
export class FileRef {
  constructor(
    public readonly relativePath: string,
    /** How to load it: parsed JSON, text, or its absolute path (for a bind mount). */
    public readonly as: 'json' | 'text' | 'path',
  ) {}
}

/** A TypeScript expression printed as is (e.g. the name of a module-level constant). */
export class CodeRef {
  constructor(public readonly code: string) {}
}

/** A comment the printer puts above a property. */
export class Commented {
  constructor(
    public readonly comment: string,
    public readonly value: unknown,
  ) {}
}

export type NoteKind = 'escape-hatch' | 'default' | 'secret' | 'choice' | 'warning';

/** One line of the report. */
export interface ImportNote {
  readonly kind: NoteKind;
  /** Input file the note is about. */
  readonly file: string;
  /** Where in it, e.g. `scrape_configs[2] (job "node").file_sd_configs`. */
  readonly where: string;
  readonly message: string;
}

/** Collects notes and secrets while importing. */
export class Notes {
  public readonly notes: ImportNote[] = [];
  private readonly secrets = new Map<string, string>();

  public add(kind: NoteKind, file: string, where: string, message: string): void {
    this.notes.push({ kind, file, where, message });
  }

  /**
   * A secret variable for a literal secret (or a `${ENV}` reference, named after the
   * variable). Returns the reference the generated code uses.
   */
  public secret(file: string, where: string, wanted: string, value: unknown): SecretRef {
    const env = typeof value === 'string' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}$/.exec(value.trim()) : null;
    let name = (env ? env[1] : wanted).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, '_$1') || 'secret';
    if (this.secrets.has(name) && this.secrets.get(name) !== `${file}:${where}` && !env) {
      let i = 2;
      while (this.secrets.has(`${name}_${i}`)) i++;
      name = `${name}_${i}`;
    }
    if (!this.secrets.has(name)) {
      this.secrets.set(name, `${file}:${where}`);
      this.add('secret', file, where, `${env ? `\${${env[1]}} reference` : 'literal secret'} → sensitive variable ${name}: set TF_VAR_${name}`);
    }
    return new SecretRef(name);
  }

  /** The TF_VAR_* names to set. */
  public get secretVariables(): string[] {
    return [...this.secrets.keys()].map((n) => `TF_VAR_${n}`);
  }
}

/** What `importStack` returns. */
export interface ImportResult {
  /** The generated TypeScript app. */
  readonly code: string;
  /** Every escape hatch, default made explicit, secret, choice and warning. */
  readonly notes: readonly ImportNote[];
  /** `TF_VAR_*` variables to set before `cdktf deploy`. */
  readonly secretVariables: readonly string[];
  /** The report as printed by the command. */
  readonly report: string;
}

/** The report as text: one section per kind. */
export function formatReport(notes: readonly ImportNote[], secretVariables: readonly string[]): string {
  const titles: Record<NoteKind, string> = {
    'escape-hatch': 'Kept through an escape hatch (raw config, not checked by the library)',
    default: 'Defaults made explicit (same behaviour, now visible)',
    secret: 'Secrets turned into sensitive variables',
    choice: 'Choices the importer made',
    warning: 'Warnings',
  };
  const out: string[] = ['cdktf-observability import report'];
  for (const kind of Object.keys(titles) as NoteKind[]) {
    const list = notes.filter((n) => n.kind === kind);
    if (!list.length) continue;
    out.push('', `${titles[kind]} (${list.length}):`);
    for (const n of list) out.push(`  - ${n.file}: ${n.where}: ${n.message}`);
  }
  if (secretVariables.length) out.push('', `Set before deploying: ${secretVariables.join(' ')}`);
  return `${out.join('\n')}\n`;
}
