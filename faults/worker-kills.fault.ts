import { workerKillsScenario } from './scenarios/worker-kills';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[X2, M7.3] faults (full): the shipped worker SIGKILLed 5 times at random moments while an incident reaches 5,000 addresses by email and 2,500 customers by webhook and in-app: every one on every channel, no duplicate beyond a recorded in-doubt resend, each replacement resuming within 5 s of polling', async () => {
  const r = await workerKillsScenario('full');
  recordResult(r);
  expectNoLoss(r);
  expect(r.faultsInjected).toBeGreaterThanOrEqual(5);
  expect(r.gapsSeconds!.every((g) => g < 5)).toBe(true);
});
