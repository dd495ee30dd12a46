import { RouteNode } from './route';

/**
 * The first route among the root's leading routes that all continue (`continue: true`) that
 * sends to `receiver` and matches exactly `team="<team>"`: the route a MonitoredService
 * reuses for its team. The same answer as {@link scanTeamRoute}, from an index of those
 * leading routes kept per root: 1,000 services each asking would otherwise scan all the
 * team routes the others added (quadratic).
 *
 * The index is rebuilt whenever the root's children are not as it left them: another number
 * of them, another route at any place (one added through `addRoute`, or the public `children`
 * array changed: a route removed, moved or replaced), or a route whose receiver, `continue` or
 * matchers are not those it read; a route added with {@link addLeadingTeamRoute} is indexed as
 * it is added.
 */
export function leadingTeamRoute(root: RouteNode, receiver: string, team: string): RouteNode | undefined {
  return currentIndex(root).byKey.get(teamKey(receiver, team));
}

/** Adds a route first among the root's children (`add` does, e.g. `route.addRoute(options, 0)`) and indexes it. */
export function addLeadingTeamRoute(root: RouteNode, add: () => RouteNode): RouteNode {
  return addIndexed(root, currentIndex(root), add);
}

/**
 * {@link leadingTeamRoute}, else the route `add` adds first among the root's children (as
 * {@link addLeadingTeamRoute}), with the index checked once for both: what MonitoredService asks.
 */
export function leadingTeamRouteOrAdd(root: RouteNode, receiver: string, team: string, add: () => RouteNode): RouteNode {
  const ix = currentIndex(root);
  return ix.byKey.get(teamKey(receiver, team)) ?? addIndexed(root, ix, add);
}

function addIndexed(root: RouteNode, ix: TeamRouteIndex, add: () => RouteNode): RouteNode {
  const node = add();
  // Indexed here only when it is the one route added, first, and continues (else the next look-up re-indexes).
  if (root.children.length === ix.seen.length + 1 && root.children[0] === node && node.options.continue === true) {
    const key = indexKey(node);
    if (key !== undefined) ix.byKey.set(key, node); // first now: it wins over any other of its key
    ix.seen.push(seen(node));
  }
  return node;
}

/** The scan the index answers for (what MonitoredService did per service). */
export function scanTeamRoute(root: RouteNode, receiver: string, team: string): RouteNode | undefined {
  for (const n of root.children) {
    const o = n.options;
    if (o.continue !== true) break;
    if (o.receiver !== receiver || o.matchers?.length !== 1) continue;
    const only = o.matchers[0];
    if (only?.label === 'team' && only.operator === '=' && only.value === team) return n;
  }
  return undefined;
}

/** A child as the index read it: the node and the options it read (compared by identity). */
interface SeenRoute {
  readonly node: RouteNode;
  readonly receiver: unknown;
  readonly continues: unknown;
  readonly matchers: unknown;
  readonly count: number | undefined;
  readonly only: unknown;
}

interface TeamRouteIndex {
  /** The root's children when indexed, last first (a route added first is pushed). */
  readonly seen: SeenRoute[];
  readonly byKey: Map<string, RouteNode>;
}

function seen(node: RouteNode): SeenRoute {
  const o = node.options;
  return { node, receiver: o.receiver, continues: o.continue, matchers: o.matchers, count: o.matchers?.length, only: o.matchers?.[0] };
}

/** Whether the children are those `ix` was built from, with the same options (pointer compares only: every service asks). */
function isCurrent(ix: TeamRouteIndex, children: readonly RouteNode[]): boolean {
  const last = children.length - 1;
  if (ix.seen.length !== children.length) return false;
  for (let i = 0; i <= last; i++) {
    const s = ix.seen[last - i];
    const n = children[i];
    if (s.node !== n) return false;
    const o = n.options;
    if (s.receiver !== o.receiver || s.continues !== o.continue || s.matchers !== o.matchers || s.count !== o.matchers?.length || s.only !== o.matchers?.[0]) return false;
  }
  return true;
}

const indexes = new WeakMap<RouteNode, TeamRouteIndex>();

function currentIndex(root: RouteNode): TeamRouteIndex {
  let ix = indexes.get(root);
  if (ix === undefined || !isCurrent(ix, root.children)) {
    const byKey = new Map<string, RouteNode>();
    for (const n of root.children) {
      if (n.options.continue !== true) break;
      const key = indexKey(n);
      if (key !== undefined && !byKey.has(key)) byKey.set(key, n);
    }
    indexes.set(root, (ix = { seen: root.children.map(seen).reverse(), byKey }));
  }
  return ix;
}

/** The key of a route that sends to a receiver it names and matches exactly `team="..."`, else undefined. */
function indexKey(n: RouteNode): string | undefined {
  const o = n.options;
  if (typeof o.receiver !== 'string' || o.matchers?.length !== 1) return undefined;
  const only = o.matchers[0];
  return only?.label === 'team' && only.operator === '=' && typeof only.value === 'string' ? teamKey(o.receiver, only.value) : undefined;
}

function teamKey(receiver: string, team: string): string {
  return JSON.stringify([receiver, team]);
}
