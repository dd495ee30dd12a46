import * as fs from 'fs';
import * as path from 'path';
import { CHARTS } from '../../lib/kubernetes/charts';
import { PINS, TOOLS, pinVersion, renderVersionMatrix } from '../../lib/versions';
import { haveTool, run } from '../helpers/synth';

const root = path.join(__dirname, '..', '..');

// The version matrix is generated from the pins in code: a bump without
// `npm run gen:versions` fails here.
test('docs/versions.md matches lib/versions.ts (npm run gen:versions)', () => {
  expect(fs.readFileSync(path.join(root, 'docs', 'versions.md'), 'utf8')).toBe(renderVersionMatrix());
});

test('every image constant of the constructs and every chart is in the registry', () => {
  const constants = fs
    .readdirSync(path.join(root, 'constructs'))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...fs.readFileSync(path.join(root, 'constructs', f), 'utf8').matchAll(/^export const ([A-Z_]+_IMAGE)\b/gm)].map((m) => `${m[1]} constructs/${f}`));
  const registered = PINS.flatMap((p) => (p.kind === 'image' ? [`${p.constant} ${p.file}`] : []));
  expect(registered.sort()).toEqual(constants.sort());
  expect(PINS.flatMap((p) => (p.kind === 'chart' ? [p.chart] : [])).sort()).toEqual(Object.keys(CHARTS).sort());
});

test('every pin has an exact x.y.z version and a release tag pattern', () => {
  for (const p of PINS) {
    expect(`${p.component}: ${pinVersion(p)}`).toMatch(/: \d+\.\d+\.\d+$/);
    expect(p.upstream.tag).toContain('{version}');
    expect(p.upstream.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(p.verifiedBy.length).toBeGreaterThan(0);
  }
});

// The matrix names the tool versions the checks ran with: they must be the installed ones.
test.each(Object.values(TOOLS))('$tool is at the version the matrix records ($version)', ({ tool, version }) => {
  if (!haveTool(tool)) return;
  const r = run(tool, tool === 'terraform' ? ['version'] : ['--version']);
  expect(`${r.stdout}${r.stderr}`).toMatch(new RegExp(`\\b(v)?${version.replace(/\./g, '\\.')}\\b`));
});
