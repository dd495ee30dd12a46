/** Indexes of growing lists: one per list and key function. */
const indexes = new WeakMap<readonly object[], Map<unknown, { indexed: number; readonly first: Map<string, unknown> }>>();

/**
 * The first item of `list` with each key, indexed as the list grows (it only grows, like a
 * registry's list of constructs): one look-up per new item instead of a scan of all the
 * others. `keyOf` is a function kept for the purpose (one index per list and function).
 */
export function firstByKey<T extends object>(list: readonly T[], keyOf: (item: T) => string): ReadonlyMap<string, T> {
  let byFn = indexes.get(list);
  if (!byFn) indexes.set(list, (byFn = new Map()));
  let e = byFn.get(keyOf);
  if (!e) byFn.set(keyOf, (e = { indexed: 0, first: new Map() }));
  for (; e.indexed < list.length; e.indexed++) {
    const item = list[e.indexed];
    const k = keyOf(item);
    if (!e.first.has(k)) e.first.set(k, item);
  }
  return e.first as Map<string, T>;
}
