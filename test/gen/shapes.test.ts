import { spawnSync } from 'child_process';
import * as path from 'path';

// The shapes plain-JavaScript callers are checked against are generated from the TypeScript
// types: a props interface that changes without `npm run gen:shapes` fails here.
test('lib/core/shapes.generated.ts matches the TypeScript types (npm run gen:shapes)', () => {
  const r = spawnSync('node', [path.join(__dirname, '../../scripts/generate-shapes.js'), '--check'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/shapes up to date \(\d+ types\)/);
  expect(r.status).toBe(0);
}, 120_000);
