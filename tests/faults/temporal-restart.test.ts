import { temporalRestartScenario } from '../../faults/scenarios/temporal-restart';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: Temporal restart (quick)', () => {
  it('[X1, X2] faults: the Temporal server stopped for seconds (its SQLite file kept) with deadlines pending and an approval in flight: every deadline fires after it is back, the approval lands after Retry-After, each customer gets each message once, the worker survives', async () => {
    const r = await temporalRestartScenario('quick');
    recordResult(r, 'quick');
    expect(r.details!.workerDied).toBe(false);
    expect((r.details!.approval as { landed: boolean }).landed).toBe(true);
    expectNoLoss(r);
  }, 90_000);
});
