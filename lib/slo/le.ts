/**
 * The `le` values the threshold bucket may carry: Go clients write the shortest form (`1`,
 * `0.3`), the Python and Java clients and Prometheus 3 the float form (`1.0`).
 */
export function leSpellings(thresholdSeconds: number): string[] {
  const go = goFloat(thresholdSeconds);
  return /[.eE]/.test(go) || !Number.isFinite(thresholdSeconds) ? [go] : [go, `${go}.0`];
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)`: shortest form, exponent below 1e-4 and from 1e21. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : String(n);
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e');
    const ee = Number(e);
    return `${m}e${ee < 0 ? '-' : '+'}${String(Math.abs(ee)).padStart(2, '0')}`;
  }
  return String(n);
}

