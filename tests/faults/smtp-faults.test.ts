import { smtpFaultsScenario } from '../../faults/scenarios/smtp-faults';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: SMTP relays that misbehave (quick)', () => {
  it('[M7.3, X2, M5.1] faults: 421 and 451 retried with backoff or failed over, 550 recorded per recipient and never retried, a connection dropped mid-DATA and a stall failed over, a primary that stays down bypassed; every outcome in the delivery log and the audit', async () => {
    const r = await smtpFaultsScenario('quick');
    recordResult(r, 'quick');
    expect(r.details!.unrecorded).toEqual([]);
    expect(r.details!.bounceAttempts).toEqual([1, 1]);
    expect(r.details!.greylistAttempts).toEqual([5]);
    expectNoLoss(r);
  }, 60_000);
});
