import { regulatoryClockCases } from '../support/regulatory-clocks';

const hour = 3_600_000;

// [X3] HIPAA: individuals and HHS (1,200 affected) 60 days after discovery; aware 59 days before the clock starts, so the skip is one day.
regulatoryClockCases([
  { regime: 'hipaa', individuals: 1200, awareDaysAgo: 59, literal: { phase: 'individuals', dueAt: (s) => new Date(s + 24 * hour).toISOString() } },
]);
