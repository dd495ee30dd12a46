import { Token } from 'cdktf';
import { labelNameProblem, re2Problem } from '../core/names';

/** Relabeling actions Prometheus (2.42+) accepts. */
export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

const ACTIONS: readonly RelabelAction[] = ['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'];

/** One `relabel_configs` / `metric_relabel_configs` entry. Prefer the `Relabel` factories. */
export interface RelabelConfig {
  /** @default 'replace' */
  readonly action?: RelabelAction;
  /** Labels whose values are joined with `separator` and matched against `regex`. @default - none */
  readonly sourceLabels?: string[];
  /** @default ';' */
  readonly separator?: string;
  /** RE2 regex, anchored at both ends. @default '(.*)' */
  readonly regex?: string;
  /** Label written by replace, hashmod, lowercase, uppercase, keepequal and dropequal. @default - none */
  readonly targetLabel?: string;
  /** Replacement for replace and labelmap; `$1`, `${1}` refer to regex groups. @default '$1' */
  readonly replacement?: string;
  /** Modulus for hashmod. @default - none */
  readonly modulus?: number;
}

/** Static factories for relabel configs, each checked when the job is added. */
export class Relabel {
  /** Keep targets whose joined `sourceLabels` match `regex`. */
  public static keep(sourceLabels: string[], regex: string): RelabelConfig {
    return { action: 'keep', sourceLabels, regex };
  }
  /** Drop targets whose joined `sourceLabels` match `regex`. */
  public static drop(sourceLabels: string[], regex: string): RelabelConfig {
    return { action: 'drop', sourceLabels, regex };
  }
  /** Write `replacement` (with regex groups expanded) to `targetLabel`. */
  public static replace(options: { sourceLabels?: string[]; targetLabel: string; regex?: string; replacement?: string; separator?: string }): RelabelConfig {
    return { action: 'replace', ...options };
  }
  /** Copy labels whose names match `regex` to names given by `replacement`. */
  public static labelmap(regex: string, replacement?: string): RelabelConfig {
    return { action: 'labelmap', regex, replacement };
  }
  /** Remove labels whose names match `regex`. */
  public static labeldrop(regex: string): RelabelConfig {
    return { action: 'labeldrop', regex };
  }
  /** Remove every label whose name does not match `regex`. */
  public static labelkeep(regex: string): RelabelConfig {
    return { action: 'labelkeep', regex };
  }
  /** Write the hash of the joined `sourceLabels` modulo `modulus` to `targetLabel` (sharding). */
  public static hashmod(sourceLabels: string[], modulus: number, targetLabel: string): RelabelConfig {
    return { action: 'hashmod', sourceLabels, modulus, targetLabel };
  }
}

// Prometheus's own pattern for a replace target, which may interpolate groups ($1, ${name}).
const REPLACE_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** Problems with one relabel config; `where` locates it (e.g. `relabel_configs[2]`). */
export function relabelProblems(r: RelabelConfig, where: string): string[] {
  const out: string[] = [];
  const action = r.action ?? 'replace';
  if (!ACTIONS.includes(action)) {
    out.push(`${where}.action is not a relabel action (got ${JSON.stringify(action)}). Use one of ${ACTIONS.join(', ')}.`);
    return out;
  }
  (r.sourceLabels ?? []).forEach((l, i) => {
    const p = Token.isUnresolved(l) ? undefined : labelNameProblem(l);
    if (p) out.push(`${where}.source_labels[${i}] ${p}`);
  });
  if (r.regex !== undefined && !Token.isUnresolved(r.regex)) {
    const p = re2Problem(r.regex);
    if (p) out.push(`${where}.regex ${p}`);
  }
  const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action);
  if (needsTarget && !r.targetLabel) {
    out.push(`${where}: action ${action} requires target_label (got none). Set targetLabel to the label to write, e.g. "instance".`);
  } else if (r.targetLabel && !Token.isUnresolved(r.targetLabel)) {
    if (action === 'replace') {
      if (!REPLACE_TARGET.test(r.targetLabel)) {
        out.push(`${where}.target_label is not a valid label name or $-template (got ${JSON.stringify(r.targetLabel)}). Use letters, digits and underscores, optionally with $1 or \${name}.`);
      }
    } else {
      const p = labelNameProblem(r.targetLabel);
      if (p) out.push(`${where}.target_label ${p}`);
    }
  }
  if (action === 'hashmod' && (!Number.isSafeInteger(r.modulus) || (r.modulus ?? 0) < 1)) {
    out.push(`${where}: hashmod requires a positive integer modulus (got ${JSON.stringify(r.modulus)}). Set modulus to the number of shards.`);
  }
  if (action === 'labeldrop' || action === 'labelkeep') {
    const extra = (['sourceLabels', 'targetLabel', 'modulus', 'replacement', 'separator'] as const).filter((k) => r[k] !== undefined);
    if (extra.length) {
      out.push(`${where}: ${action} only takes regex (got ${extra.join(', ')}). Remove those fields.`);
    }
    if (r.regex === undefined) out.push(`${where}: ${action} needs a regex matching label names (got none).`);
  }
  if ((action === 'keep' || action === 'drop') && !r.sourceLabels?.length) {
    out.push(`${where}: ${action} needs source_labels to match (got none). Set sourceLabels, e.g. ["__meta_docker_container_label_prometheus_scrape"].`);
  }
  if (action === 'labelmap' && r.regex === undefined) {
    out.push(`${where}: labelmap needs a regex matching label names (got none), e.g. "__meta_kubernetes_pod_label_(.+)".`);
  }
  return out;
}

/** The YAML shape of a relabel config. */
export function renderRelabel(r: RelabelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.sourceLabels) out.source_labels = [...r.sourceLabels];
  if (r.separator !== undefined) out.separator = r.separator;
  if (r.regex !== undefined) out.regex = r.regex;
  if (r.modulus !== undefined) out.modulus = r.modulus;
  if (r.targetLabel !== undefined) out.target_label = r.targetLabel;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  out.action = r.action ?? 'replace';
  return out;
}
