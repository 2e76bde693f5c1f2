/** The full fault scenarios (faults/*.fault.ts), one at a time: `npm run faults [NAME]`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest reads this file as CommonJS, as it reads ../jest.config.js
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/faults/*.fault.ts'],
  maxWorkers: 1,
  testTimeout: 30 * 60_000,
};
