import { workerKillsScenario } from '../../faults/scenarios/worker-kills';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: worker kills (quick)', () => {
  it('[X2, M7.3] faults: the shipped worker SIGKILLed twice while an incident declared through the API reaches 300 addresses by email, 150 customers by webhook and in-app: every one of them on every channel, no duplicate beyond a recorded in-doubt resend, each replacement delivering', async () => {
    const r = await workerKillsScenario('quick');
    recordResult(r, 'quick');
    expectNoLoss(r);
    expect(r.faultsInjected).toBe(2);
    // Every replacement resumed the deliveries itself (a delivery at a receiver after it polled).
    expect(r.gapsSeconds!.every((g) => Number.isFinite(g))).toBe(true);
  }, 300_000);
});
