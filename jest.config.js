/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // The stack's data and the tools cache are not source; watchman is not on these machines.
  modulePathIgnorePatterns: ['<rootDir>/data/'],
  watchman: false,
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testTimeout: 120000,
  // Most files wait on servers (Temporal, FerretDB, schemathesis, worker processes): three at once
  // keep two cores busy (four made no difference: the suite is bound by the CPU); lint and
  // typecheck run beside them at the lowest priority.
  maxWorkers: 3,
  setupFiles: ['<rootDir>/tests/support/setup.ts'],
  // The workflow code is bundled once per run, not once per file.
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
};
