import { ValidationError } from '../core/errors';
import { DurationLike, resolveDuration } from '../core/duration';
import { labelNameProblem } from '../core/names';
import { Matcher } from './matchers';

/** A route of the tree: where matching alerts go and how they are grouped. */
export interface RouteOptions {
  /** Receiver name. @default - the parent's receiver */
  readonly receiver?: string;
  /** All must match. @default - matches every alert */
  readonly matchers?: Matcher[];
  /** Labels alerts are grouped by; `['...']` groups by all labels. @default - the parent's */
  readonly groupBy?: string[];
  /** @default - the parent's (root: 30s) */
  readonly groupWait?: DurationLike;
  /** @default - the parent's (root: 5m) */
  readonly groupInterval?: DurationLike;
  /** @default - the parent's (root: 4h) */
  readonly repeatInterval?: DurationLike;
  /** Keep matching the next siblings after this route matched. @default false */
  readonly continue?: boolean;
  /** Time intervals during which notifications are muted. @default - none */
  readonly muteTimeIntervals?: string[];
  /** Time intervals outside which notifications are muted. @default - always active */
  readonly activeTimeIntervals?: string[];
  /** Child routes. @default - none */
  readonly routes?: RouteOptions[];
}

/** A node of the routing tree. Children can be added after construction. */
export class RouteNode {
  public readonly children: RouteNode[] = [];

  constructor(public readonly options: RouteOptions, public readonly parent?: RouteNode) {
    for (let p = parent; p; p = p.parent) {
      if (p.options === options) {
        throw new ValidationError(`route options with receiver ${JSON.stringify(options.receiver)} hold themselves in routes (a cycle), which would nest without end. Build each child route as its own object.`);
      }
    }
    for (const child of options.routes ?? []) this.addRoute(child);
  }

  /**
   * Adds a child route and returns it. Children are matched in order: by default the new
   * route comes last; `index` inserts it at that position (0: first).
   */
  public addRoute(options: RouteOptions, index?: number): RouteNode {
    const node = new RouteNode(options, this);
    if (index === undefined) this.children.push(node);
    else this.children.splice(Math.max(0, Math.min(index, this.children.length)), 0, node);
    return node;
  }

  /** The receiver this node sends to (its own or inherited). */
  public get receiver(): string {
    return this.options.receiver ?? this.parent?.receiver ?? '';
  }

  /** A readable location, e.g. `route.routes[1].routes[0]`. */
  public get path(): string {
    if (!this.parent) return 'route';
    return `${this.parent.path}.routes[${this.parent.children.indexOf(this)}]`;
  }

  /**
   * Whether this node's matchers accept `labels`. With `unknownMatches`, a matcher on a label
   * absent from `labels` counts as matching (the label may come from the series at run time).
   */
  public matches(labels: Record<string, string>, unknownMatches = false): boolean {
    return (this.options.matchers ?? []).every((m) => (unknownMatches && !(m.label in labels)) || m.matches(labels));
  }

  /**
   * The routes an alert with `labels` ends at, with Alertmanager's semantics: depth-first,
   * the first matching child wins unless it has `continue: true`; a node none of whose
   * children match handles the alert itself.
   */
  public resolve(labels: Record<string, string>, unknownMatches = false): RouteNode[] {
    return this.resolveIn(labels, unknownMatches);
  }

  /**
   * {@link resolve} for many alerts in a row while the tree does not change (a check that runs
   * every alert of a stack through it): each node's child index is checked against the
   * children once for the whole batch rather than once per alert. Make a new resolver after
   * changing the tree.
   */
  public resolver(unknownMatches = false): (labels: Record<string, string>) => RouteNode[] {
    const checked = new Set<RouteNode>();
    return (labels) => this.resolveIn(labels, unknownMatches, checked);
  }

  private resolveIn(labels: Record<string, string>, unknownMatches: boolean, checked?: Set<RouteNode>): RouteNode[] {
    if (this.parent && !this.matches(labels, unknownMatches)) return [];
    const found: RouteNode[] = [];
    const children = this.children.length >= INDEX_FROM ? this.candidates(labels, unknownMatches, checked) : this.children;
    for (const child of children) {
      const r = child.resolveIn(labels, unknownMatches, checked);
      found.push(...r);
      if (r.length && !child.options.continue) break;
    }
    return found.length ? found : [this];
  }

  private index?: ChildIndex;

  /**
   * The children that may match `labels`, in order: a child whose first `label="value"`
   * matcher (non-empty value) refuses the alert's value of that label is left out, found
   * through an index by label and value instead of trying every child (a tree of 1,000 team
   * routes checks each alert in near-constant time). The index is rebuilt when the children,
   * a child's matchers array or the indexed matcher changed since it was built.
   */
  private candidates(labels: Record<string, string>, unknownMatches: boolean, checked?: Set<RouteNode>): RouteNode[] {
    let index = this.index;
    if (!index || !checked?.has(this)) {
      if (!index || !index.current(this.children)) index = this.index = new ChildIndex(this.children);
      checked?.add(this);
    }
    return index.candidates(this.children, labels, unknownMatches);
  }

  /** Every node, depth-first. */
  public all(): RouteNode[] {
    const out: RouteNode[] = [];
    const seen = new Set<RouteNode>();
    const walk = (n: RouteNode) => {
      if (seen.has(n)) return;
      seen.add(n);
      out.push(n);
      n.children.forEach(walk);
    };
    walk(this);
    return out;
  }
}

/**
 * A problem when a node appears twice in the tree (`children` is a plain array, so a node can
 * be pushed into its own children or an ancestor's): Alertmanager's config would nest without
 * end. Checked before anything else walks the tree.
 */
export function routeCycleProblem(root: RouteNode): string | undefined {
  const onPath = new Set<RouteNode>();
  const seen = new Set<RouteNode>();
  const walk = (n: RouteNode, where: string): string | undefined => {
    if (onPath.has(n) || seen.has(n)) {
      return `${where}: this route node already stands elsewhere in the tree (${onPath.has(n) ? 'it is its own ancestor: a cycle' : 'the same node twice'}). Add children with addRoute(), which creates a new node each time; never push an existing node into children.`;
    }
    onPath.add(n);
    seen.add(n);
    for (let i = 0; i < n.children.length; i++) {
      const p = walk(n.children[i], `${where}.routes[${i}]`);
      if (p) return p;
    }
    onPath.delete(n);
    return undefined;
  };
  return walk(root, 'route');
}

/** Structural problems of the tree (check {@link routeCycleProblem} first): names, durations, regexes, unknown receivers and intervals, unreachable routes. */
export function routeTreeProblems(root: RouteNode, receivers: ReadonlySet<string>, timeIntervals: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (!root.options.receiver) out.push('route: the root route needs a receiver (got none). Set the default receiver.');
  if (root.options.matchers?.length) out.push('route: the root route must not have matchers; it receives every alert. Move them to a child route.');
  for (const node of root.all()) {
    const where = node.path;
    const o = node.options;
    if (o.receiver !== undefined && !receivers.has(o.receiver)) {
      out.push(`${where}: receiver ${JSON.stringify(o.receiver)} is not defined (have ${[...receivers].map((r) => JSON.stringify(r)).join(', ') || 'none'}). Add it with addReceiver() or fix the name.`);
    }
    for (const [k, v] of [['group_wait', o.groupWait], ['group_interval', o.groupInterval], ['repeat_interval', o.repeatInterval]] as const) {
      if (v !== undefined) {
        const r = resolveDuration(v);
        if (r.problem) out.push(`${where}: ${k} ${r.problem}`);
        else if (r.ms === 0 && k !== 'group_wait') out.push(`${where}: ${k} must be greater than zero (got ${JSON.stringify(r.text)}); Alertmanager refuses a zero ${k}. Use e.g. ${k === 'group_interval' ? '"5m"' : '"4h"'}.`);
      }
    }
    for (const l of o.groupBy ?? []) {
      if (l === '...') continue;
      const p = labelNameProblem(l);
      if (p) out.push(`${where}: group_by entry ${p}`);
    }
    if (o.groupBy?.includes('...') && o.groupBy.length > 1) out.push(`${where}: group_by ['...'] groups by every label and cannot be combined with others (got ${JSON.stringify(o.groupBy)}).`);
    (o.matchers ?? []).forEach((m) => out.push(...m.problems(where)));
    for (const name of [...(o.muteTimeIntervals ?? []), ...(o.activeTimeIntervals ?? [])]) {
      if (!timeIntervals.has(name)) out.push(`${where}: time interval ${JSON.stringify(name)} is not defined. Add it with addTimeInterval() or fix the name.`);
    }
    out.push(...unreachableChildren(node));
  }
  return out;
}

/** Children that can never be reached: after a catch-all or an identical sibling without continue, or contradicting an ancestor. */
function unreachableChildren(node: RouteNode): string[] {
  const out: string[] = [];
  const key = (n: RouteNode) => (n.options.matchers ?? []).map(String).sort().join(',');
  node.children.forEach((child, i) => {
    for (let j = 0; j < i; j++) {
      const prev = node.children[j];
      if (prev.options.continue) continue;
      const prevKey = key(prev);
      if (prevKey === '' || prevKey === key(child)) {
        out.push(`${child.path} (receiver ${JSON.stringify(child.receiver)}) is unreachable: ${prev.path} ${prevKey === '' ? 'matches every alert' : `has the same matchers (${prevKey})`} and has no continue: true. Reorder the routes, add continue: true to the earlier one, or remove this one.`);
        break;
      }
    }
    // equality matchers that contradict an ancestor's equality matcher on the same label
    for (let a: RouteNode | undefined = node; a; a = a.parent) {
      for (const am of a.options.matchers ?? []) {
        for (const cm of child.options.matchers ?? []) {
          if (am.operator === '=' && cm.operator === '=' && am.label === cm.label && am.value !== cm.value) {
            out.push(`${child.path} is unreachable: it requires ${cm} but its ancestor ${a.path} requires ${am}. Move it out of that subtree.`);
          }
        }
      }
    }
  });
  return out;
}

/** The YAML shape of a route (children included). */
export function renderRoute(node: RouteNode): Record<string, unknown> {
  const o = node.options;
  const out: Record<string, unknown> = {};
  if (o.receiver !== undefined) out.receiver = o.receiver;
  if (o.matchers?.length) out.matchers = o.matchers.map(String);
  if (o.groupBy) out.group_by = [...o.groupBy];
  if (o.groupWait !== undefined) out.group_wait = resolveDuration(o.groupWait).text;
  if (o.groupInterval !== undefined) out.group_interval = resolveDuration(o.groupInterval).text;
  if (o.repeatInterval !== undefined) out.repeat_interval = resolveDuration(o.repeatInterval).text;
  if (o.continue) out.continue = true;
  if (o.muteTimeIntervals?.length) out.mute_time_intervals = [...o.muteTimeIntervals];
  if (o.activeTimeIntervals?.length) out.active_time_intervals = [...o.activeTimeIntervals];
  if (node.children.length) out.routes = node.children.map(renderRoute);
  return out;
}

/** Below this many children, a node tries each child (an index costs more than it saves). */
const INDEX_FROM = 16;

/** Children of one route node by their first non-empty equality matcher (see RouteNode.candidates). */
class ChildIndex {
  private readonly children: readonly RouteNode[];
  private readonly keyed: Array<{ matchers: readonly Matcher[]; length: number; matcher: Matcher } | undefined>;
  /** label → value → child positions, ascending. */
  private readonly byLabel = new Map<string, Map<string, number[]>>();
  /** Positions of the children with no such matcher (always candidates). */
  private readonly always: number[] = [];

  constructor(children: readonly RouteNode[]) {
    this.children = [...children];
    this.keyed = this.children.map((child, i) => {
      const matchers = child.options.matchers ?? [];
      const matcher = matchers.find((m) => m instanceof Matcher && m.operator === '=' && typeof m.value === 'string' && m.value !== '');
      if (!matcher) {
        this.always.push(i);
        return undefined;
      }
      let byValue = this.byLabel.get(matcher.label);
      if (!byValue) this.byLabel.set(matcher.label, (byValue = new Map()));
      const at = byValue.get(matcher.value);
      if (at) at.push(i);
      else byValue.set(matcher.value, [i]);
      return { matchers, length: matchers.length, matcher };
    });
  }

  /** Whether the children and their indexed matchers are still those the index was built from. */
  public current(children: readonly RouteNode[]): boolean {
    if (children.length !== this.children.length) return false;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child !== this.children[i]) return false;
      const k = this.keyed[i];
      const matchers = child.options.matchers;
      // A child without an indexed matcher is always a candidate, whatever its matchers now.
      if (k !== undefined && (matchers !== k.matchers || matchers.length !== k.length || !matchers.includes(k.matcher))) return false;
    }
    return true;
  }

  public candidates(children: readonly RouteNode[], labels: Record<string, string>, unknownMatches: boolean): RouteNode[] {
    const at: number[] = [...this.always];
    for (const [label, byValue] of this.byLabel) {
      if (unknownMatches && !(label in labels)) {
        for (const positions of byValue.values()) at.push(...positions);
      } else {
        const positions = byValue.get(labels[label] ?? '');
        if (positions) at.push(...positions);
      }
    }
    at.sort((a, b) => a - b);
    return at.map((i) => children[i]);
  }
}
