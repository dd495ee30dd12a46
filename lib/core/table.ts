/** Plain-text tables for terminal output (`npm run synth`, test failures). */

/**
 * Renders `rows` under `header` as aligned columns separated by two spaces, with a rule under
 * the header. Cells are single-line (line breaks become spaces); numbers-looking cells are
 * right-aligned.
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const clean = (s: string) => String(s).replace(/\s*\n\s*/g, ' ');
  const all = [header.map(clean), ...rows.map((r) => header.map((_, i) => clean(r[i] ?? '')))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d,.]+$/.test(clean(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
