import * as fs from 'fs';
import * as path from 'path';
import { ImportError, ImportOptions, importStack } from './index';

const USAGE = `Usage: cdktf-observability import [--compose docker-compose.yml] [--prometheus prometheus.yml]
         [--alertmanager alertmanager.yml] [--blackbox blackbox.yml] [--otel otel-collector.yml]
         [--dashboards DIR]
         [--out main.ts] [--project NAME] [--force]

Turns an existing stack's files into a TypeScript cdktf app on @obs-stack/cdktf-observability,
and prints a report: escape hatches, defaults made explicit, secrets (TF_VAR_* to set),
choices and warnings. --out - prints the program on stdout (the report goes to stderr).`;

const FLAGS = ['compose', 'prometheus', 'alertmanager', 'blackbox', 'otel', 'dashboards', 'out', 'project'] as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs the command line; returns the exit code (0 done, 1 input error, 2 usage error). */
export function main(argv: readonly string[], io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'import') {
    io.stderr(`${command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`}.\n\n${USAGE}\n`);
    return 2;
  }
  const values: Partial<Record<(typeof FLAGS)[number], string>> = {};
  let force = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--force') {
      force = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1] as (typeof FLAGS)[number] | undefined;
    if (!m || !name || !FLAGS.includes(name)) {
      io.stderr(`unknown argument ${JSON.stringify(arg)}.\n\n${USAGE}\n`);
      return 2;
    }
    const value = m[2] ?? rest[++i];
    if (value === undefined || value === '') {
      io.stderr(`--${name} needs a value.\n\n${USAGE}\n`);
      return 2;
    }
    values[name] = value;
  }
  const toStdout = values.out === '-';
  const out = toStdout ? 'main.ts' : (values.out ?? 'main.ts');
  if (!toStdout && fs.existsSync(out) && !force) {
    io.stderr(`${out} exists: not overwritten. Give another --out, or --force to replace it.\n`);
    return 2;
  }
  const options: ImportOptions = { ...values, out: path.resolve(out) };
  try {
    const result = importStack(options);
    if (toStdout) {
      io.stdout(result.code);
      io.stderr(result.report);
    } else {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, result.code);
      io.stdout(`Wrote ${out}.\n\n${result.report}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ImportError) {
      io.stderr(`cdktf-observability import: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
