// Tests are transpiled by swc (no type-checking per test file: the generated Grafana
// bindings would make every file slow). `npm test` type-checks the whole project once
// with `tsc --noEmit` before running jest.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // Tests and the guides' copyable tests import the package by name, as users do.
  moduleNameMapper: { '^@obs-stack/cdktf-observability$': '<rootDir>/index.ts', '^@obs-stack/cdktf-observability/kubernetes$': '<rootDir>/kubernetes.ts' },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // Most time goes to promtool and live servers in child processes: use both cores.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
