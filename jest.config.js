/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // The stack's data and the tools cache are not source; watchman is not on these machines.
  modulePathIgnorePatterns: ['<rootDir>/data/'],
  watchman: false,
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testTimeout: 120000,
  // Most files wait on servers (Temporal, FerretDB, schemathesis, worker processes): four at once
  // keep two cores busy (lint and typecheck run beside them at the lowest priority).
  maxWorkers: 4,
  setupFiles: ['<rootDir>/tests/support/setup.ts'],
  // The workflow code is bundled once per run, not once per file.
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
};
