/**
 * Engine releases read from image and chart tags: the one place tags are parsed and compared,
 * for what the library writes or refuses by version (healthchecks, renamed keys, template
 * functions, native histograms). A tag that names no release (`latest`, `main`, a date, a
 * digest) parses to undefined; each caller says what such a tag means for it.
 */

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

/** Like {@link releaseOf}, and also reads a two-part tag (`3.7`) as its `.0` release. */
export function imageVersion(tag: string): Release | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Negative, zero or positive as release `a` comes before, equals or follows `b`. */
export function compareReleases(a: Release, b: Release): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether release `a` comes before the release tagged `b`. */
export function releaseBefore(a: Release, b: string): boolean {
  const r = releaseOf(b);
  if (!r) throw new Error(`not a release tag: ${b}`);
  return compareReleases(a, r) < 0;
}

/**
 * Whether `tag` is release `min` or later. A tag that names no release counts as `unknown`
 * (callers pass true when such tags follow the newest release).
 */
export function versionAtLeast(tag: string, min: string, unknown: boolean): boolean {
  const m = imageVersion(min);
  if (!m) throw new Error(`versionAtLeast: ${JSON.stringify(min)} is not a version`);
  const v = imageVersion(tag);
  return v ? compareReleases(v, m) >= 0 : unknown;
}
