import { smtpFaultsScenario } from './scenarios/smtp-faults';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[M7.3, X2, M5.1] faults (full): 421, 451, 550, connections dropped mid-DATA and stalls at the relay, then the relay down: retried with backoff, failed over, refused recipients recorded and never retried, every outcome in the delivery log and the audit', async () => {
  const r = await smtpFaultsScenario('full');
  recordResult(r);
  expect(r.details!.unrecorded).toEqual([]);
  expect(new Set(r.details!.bounceAttempts as number[])).toEqual(new Set([1]));
  expect(new Set(r.details!.greylistAttempts as number[])).toEqual(new Set([5]));
  expectNoLoss(r);
});
