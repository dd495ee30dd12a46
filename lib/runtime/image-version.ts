/**
 * Release versions read from image tags, for the few places where what the library writes
 * depends on the engine's version (a healthcheck command, a renamed configuration key). Each
 * caller states what it does for a tag that names no release (`latest`, `main-1a2b3c4`, a
 * weekly build): usually the behaviour of the newest release, which such tags follow.
 */

/** `major.minor.patch` of a release tag (`3.7.6`, `v1.18.1`, `0.159.0`), or undefined. */
export function imageVersion(tag: string): readonly [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/**
 * Whether `tag` is release `min` or later. A tag that names no release counts as `unknown`
 * (callers pass true when such tags follow the newest release).
 */
export function versionAtLeast(tag: string, min: string, unknown: boolean): boolean {
  const v = imageVersion(tag);
  const m = imageVersion(min);
  if (!m) throw new Error(`versionAtLeast: ${JSON.stringify(min)} is not a version`);
  if (!v) return unknown;
  for (let i = 0; i < 3; i++) if (v[i] !== m[i]) return v[i] > m[i];
  return true;
}
