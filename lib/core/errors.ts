import { IConstruct } from 'constructs';

/**
 * An error in the user's input, found at synth time.
 *
 * The message always says what is wrong, the value received and how to fix it, and is
 * prefixed with the path of the construct that received it (`[Stack/Prometheus] ...`).
 */
export class ValidationError extends Error {
  public readonly constructPath?: string;
  /** The message without the construct path (for `node.addValidation`, which adds it). */
  public readonly detail: string;

  constructor(message: string, scope?: IConstruct) {
    const path = scope?.node.path;
    super(path ? `[${path}] ${message}` : message);
    this.name = 'ValidationError';
    this.constructPath = path;
    this.detail = message;
  }
}

/** A problem found by a validator in `lib/`: the message, without the construct path. */
export interface Problem {
  /** What is wrong, the value received and how to fix it. */
  readonly message: string;
}

/** Builds a uniform message: `<where>: <what> (got <value>). <fix>` */
export function describe(where: string, what: string, value: unknown, fix: string): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
  const prefix = where ? `${where}: ` : '';
  return `${prefix}${what} (got ${shown}). ${fix}`;
}

function safeJson(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s;
  } catch {
    return String(value);
  }
}

/**
 * Throws a ValidationError attached to `scope` when `problems` is not empty. Several
 * problems are reported together, one per line.
 */
export function throwIfProblems(scope: IConstruct, problems: readonly string[]): void {
  if (problems.length === 0) return;
  if (problems.length === 1) throw new ValidationError(problems[0], scope);
  throw new ValidationError(`${problems.length} problems:\n  - ${problems.join('\n  - ')}`, scope);
}
