/**
 * The `le` values the threshold bucket may carry: Go clients write the shortest form (`1`,
 * `0.3`), the Python and Java clients and Prometheus 3 the float form (`1.0`). Prometheus 3
 * normalises what it scrapes to the float form, but series a 2.x server stored (or stored
 * before an upgrade, within the retention) keep theirs: both spellings stay matched whatever
 * the version.
 */
export function leSpellings(thresholdSeconds: number): string[] {
  const go = goFloat(thresholdSeconds);
  return /[.eE]/.test(go) || !Number.isFinite(thresholdSeconds) ? [go] : [go, `${go}.0`];
}

/**
 * Go's `strconv.FormatFloat(f, 'g', -1, 64)`, what the Go client writes for `le`: the shortest
 * digits, in exponent form when the decimal exponent is below -4 or at least 6 (Go fixes the
 * precision at 6 for that choice when printing the shortest form), e.g. `1e+06`, `1.5e-05`.
 */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : String(n);
  // toExponential() gives the shortest digits that round-trip, as Go's shortest form does.
  const [m, e] = n.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}
