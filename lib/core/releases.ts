/** An engine release as `[major, minor, patch]`. */
export type Release = readonly [number, number, number];

/**
 * The release a tag names: `v0.27.0`, `13.2.3`, `0.28.1-rc.0` (suffixes ignored); undefined for
 * other tags (`main`, a date, a digest), which version checks then leave alone.
 */
export function releaseOf(tag: string): Release | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether release `a` comes before the release tagged `b`. */
export function releaseBefore(a: Release, b: string): boolean {
  const r = releaseOf(b);
  if (!r) throw new Error(`not a release tag: ${b}`);
  for (let i = 0; i < 3; i++) if (a[i] !== r[i]) return a[i] < r[i];
  return false;
}
