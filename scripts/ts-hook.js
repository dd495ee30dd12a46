/**
 * Lets the maintenance scripts load the library's TypeScript sources directly (no build):
 * each `.ts` file is transpiled with swc (a dev dependency, the one jest uses) on `require`.
 * No type checking; `npm test` type-checks.
 */
const fs = require('fs');
const swc = require('@swc/core');

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = function compileTs(module, filename) {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: false,
    });
    module._compile(code, filename);
  };
}
