#!/usr/bin/env node
/**
 * Writes docs/versions.md, the version matrix, from the registry in lib/versions.ts (the image
 * constants of the constructs and the chart pins).
 *
 *   node scripts/generate-versions.js          # writes the page
 *   node scripts/generate-versions.js --check  # exits 1 when the page is out of date
 */
const fs = require('fs');
const path = require('path');
require('./ts-hook');
const { renderVersionMatrix, PINS } = require('../lib/versions.ts');

const OUT = path.resolve(__dirname, '..', 'docs', 'versions.md');
const text = renderVersionMatrix();

if (process.argv.includes('--check')) {
  const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  if (current !== text) {
    process.stderr.write('docs/versions.md is out of date: run `npm run gen:versions`.\n');
    process.exit(1);
  }
  process.stdout.write(`docs/versions.md up to date (${PINS.length} pins)\n`);
} else {
  fs.writeFileSync(OUT, text);
  process.stdout.write(`wrote docs/versions.md (${PINS.length} pins)\n`);
}
