import { regulatoryClockCases } from '../support/regulatory-clocks';

const hour = 3_600_000;

// [X3] NIS2 (early warning 24 h, notification 72 h).
regulatoryClockCases([
  { regime: 'nis2', literal: { phase: 'early-warning', dueAt: (s) => new Date(s + 24 * hour).toISOString() } },
]);
