import { regulatoryClockCases } from '../support/regulatory-clocks';

const hour = 3_600_000;

// [X3] GDPR and SEC 8-K; NIS2, HIPAA, DORA and the GDPR processor in the other regulatory-clocks-*.test.ts files.
regulatoryClockCases([
  // Determination on Wednesday 23 December 2026: Christmas (Friday) and the weekend do not count → Wednesday 30 December, 17:30 New York (EST, UTC−5).
  { regime: 'sec-8k', declareAt: '2026-12-23T15:00:00.000Z', literal: { phase: 'form-8k', dueAt: () => '2026-12-30T22:30:00.000Z' } },
  { regime: 'gdpr', literal: { phase: 'authority-notification', dueAt: (s) => new Date(s + 72 * hour).toISOString() }, fixture: 'gdpr-clock-reminders-escalation' },
]);
