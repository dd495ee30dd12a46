import { RouteNode } from './route';

/**
 * The first route among the root's leading routes that all continue (`continue: true`) that
 * sends to `receiver` and matches exactly `team="<team>"`: the route a MonitoredService
 * reuses for its team. The same answer as {@link scanTeamRoute}, from an index of those
 * leading routes kept per root: 1,000 services each asking would otherwise scan all the
 * team routes the others added (quadratic).
 *
 * The index is rebuilt whenever the root's children are not as it left them (their number,
 * or the first of them, changed since: a route added through `addRoute` anywhere); a route
 * added with {@link addLeadingTeamRoute} is indexed as it is added.
 */
export function leadingTeamRoute(root: RouteNode, receiver: string, team: string): RouteNode | undefined {
  return currentIndex(root).byKey.get(teamKey(receiver, team));
}

/** Adds a route first among the root's children (`add` does, e.g. `route.addRoute(options, 0)`) and indexes it. */
export function addLeadingTeamRoute(root: RouteNode, add: () => RouteNode): RouteNode {
  const ix = currentIndex(root);
  const node = add();
  // Indexed here only when it is the one route added, first, and continues (else the next look-up re-indexes).
  if (root.children.length === ix.length + 1 && root.children[0] === node && node.options.continue === true) {
    const key = indexKey(node);
    if (key !== undefined) ix.byKey.set(key, node); // first now: it wins over any other of its key
    ix.length = root.children.length;
    ix.first = node;
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

interface TeamRouteIndex {
  length: number;
  first: RouteNode | undefined;
  readonly byKey: Map<string, RouteNode>;
}

const indexes = new WeakMap<RouteNode, TeamRouteIndex>();

function currentIndex(root: RouteNode): TeamRouteIndex {
  let ix = indexes.get(root);
  if (ix === undefined || ix.length !== root.children.length || ix.first !== root.children[0]) {
    const byKey = new Map<string, RouteNode>();
    for (const n of root.children) {
      if (n.options.continue !== true) break;
      const key = indexKey(n);
      if (key !== undefined && !byKey.has(key)) byKey.set(key, n);
    }
    indexes.set(root, (ix = { length: root.children.length, first: root.children[0], byKey }));
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
