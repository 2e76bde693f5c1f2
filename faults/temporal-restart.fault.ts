import { temporalRestartScenario } from './scenarios/temporal-restart';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[X1, X2] faults (full): the Temporal server stopped for 45 s (its SQLite file kept) with deadlines pending and an approval in flight: every deadline fires after it is back, the approval lands after Retry-After, each customer gets each message once, the worker survives', async () => {
  const r = await temporalRestartScenario('full');
  recordResult(r);
  expect(r.details!.workerDied).toBe(false);
  expect((r.details!.approval as { landed: boolean }).landed).toBe(true);
  expectNoLoss(r);
});
