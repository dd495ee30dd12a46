import { ValidationError } from './errors';
import { Token } from 'cdktf';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
/** Go's time.Duration (and Prometheus's model.Duration) is int64 nanoseconds: about 292 years. */
export const MAX_DURATION_MS = 9_223_372_036_854;
const PART = /(\d+)(ms|y|w|d|h|m|s)/g;
const WHOLE = /^((\d+)(ms|y|w|d|h|m|s))+$/;

/**
 * A Prometheus duration (`30s`, `5m`, `1h30m`, `30d`), as accepted by Prometheus, Alertmanager
 * and the blackbox exporter: one or more `<number><unit>` with units in decreasing order
 * (y, w, d, h, m, s, ms), each at most once.
 */
export class Duration {
  public static milliseconds(n: number): Duration {
    return Duration.fromMs(n, `${n} milliseconds`);
  }
  public static seconds(n: number): Duration {
    return Duration.fromMs(n * 1000, `${n} seconds`);
  }
  public static minutes(n: number): Duration {
    return Duration.fromMs(n * 60_000, `${n} minutes`);
  }
  public static hours(n: number): Duration {
    return Duration.fromMs(n * 3_600_000, `${n} hours`);
  }
  public static days(n: number): Duration {
    return Duration.fromMs(n * 86_400_000, `${n} days`);
  }

  /**
   * Parses a Prometheus duration string. Throws an Error whose message says what is wrong
   * and shows the accepted form.
   */
  public static parse(text: string): Duration {
    const { problem, ms } = parsed(text);
    if (problem !== undefined) throw new ValidationError(problem);
    return new Duration(ms!);
  }

  private static fromMs(ms: number, what: string): Duration {
    if (ms > MAX_DURATION_MS) throw new ValidationError(`a duration must be at most 292 years, the largest Go and Prometheus can hold (got ${what}).`);
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new ValidationError(`a duration must be a whole, non-negative number of milliseconds (got ${what}). Use a smaller unit, e.g. Duration.seconds(90) instead of Duration.minutes(1.5).`);
    }
    return new Duration(ms);
  }

  private constructor(public readonly milliseconds: number) {}

  public toSeconds(): number {
    return this.milliseconds / 1000;
  }

  /** The canonical Prometheus form, e.g. `1h30m`, `0s`. */
  public toString(): string {
    if (this.milliseconds === 0) return '0s';
    let rest = this.milliseconds;
    let out = '';
    // Days rather than weeks ("28d", not "4w"); years only when they divide the whole value.
    const units = ORDER.filter((u) => u !== 'w' && (u !== 'y' || this.milliseconds % UNIT_MS[u] === 0));
    for (const unit of units) {
      const size = UNIT_MS[unit];
      if (rest >= size) {
        const n = Math.floor(rest / size);
        rest -= n * size;
        out += `${n}${unit}`;
      }
    }
    return out;
  }
}

/** A duration given either as a `Duration` or a Prometheus duration string such as `"5m"`. */
export type DurationLike = Duration | string;

/** Returns a message when `text` is not a valid Prometheus duration, otherwise undefined. */
export function durationProblem(text: string): string | undefined {
  return parsed(text).problem;
}

/**
 * The verdict and milliseconds of a duration string, kept by text: a stack writes the same
 * few durations ("30s", "5m", "1h") thousands of times. Bounded: forgotten all at once when full.
 */
function parsed(text: string): { problem?: string; ms?: number } {
  if (typeof text !== 'string') return { problem: durationProblemUncached(text) };
  let p = parsedTexts.get(text);
  if (!p) {
    const problem = durationProblemUncached(text);
    let ms: number | undefined;
    if (problem === undefined) {
      ms = 0;
      for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
    }
    p = problem === undefined ? { ms } : { problem };
    if (parsedTexts.size >= 4096) parsedTexts.clear();
    parsedTexts.set(text, p);
  }
  return p;
}

const parsedTexts = new Map<string, { problem?: string; ms?: number }>();

function durationProblemUncached(text: string): string | undefined {
  const hint = 'Use a Prometheus duration: a number followed by a unit (ms, s, m, h, d, w, y), e.g. "30s", "5m", "1h30m"';
  if (typeof text !== 'string' || text.length === 0) {
    return `is not a valid duration (got ${JSON.stringify(text)}). ${hint}.`;
  }
  if (!WHOLE.test(text)) {
    return `is not a valid duration (got ${JSON.stringify(text)}). ${hint}.`;
  }
  const parts = [...text.matchAll(PART)];
  const ms = parts.reduce((sum, m) => sum + Number(m[1]) * UNIT_MS[m[2]], 0);
  if (ms > MAX_DURATION_MS) {
    return `is out of range (got ${JSON.stringify(text)}): Go and Prometheus hold durations as int64 nanoseconds, at most about 292 years (106751d). ${hint}.`;
  }
  const units = parts.map((m) => m[2]);
  for (let i = 1; i < units.length; i++) {
    if (ORDER.indexOf(units[i]) <= ORDER.indexOf(units[i - 1])) {
      return `is not a valid duration (got ${JSON.stringify(text)}): units must appear once each, largest first. ${hint}.`;
    }
  }
  return undefined;
}

/**
 * Normalises a DurationLike to milliseconds and its string form. Returns a problem message
 * (without location) for an invalid string. Unresolved tokens are passed through unchecked.
 */
export function resolveDuration(value: DurationLike): { text: string; ms?: number; problem?: string } {
  if (value instanceof Duration) return { text: value.toString(), ms: value.milliseconds };
  if (Token.isUnresolved(value)) return { text: value };
  const { problem, ms } = parsed(value);
  if (problem !== undefined) return { text: String(value), problem };
  return { text: value, ms };
}

/**
 * A duration as Go's time.ParseDuration reads it (used by Tempo, Loki, the Collector and
 * Alloy): hours at most, since Go has no day unit — `14d` is `336h`.
 */
export function goDurationText(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      out += `${n}${unit}`;
    }
  }
  return out;
}
