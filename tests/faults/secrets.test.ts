import { secretsScenario } from '../../faults/scenarios/secrets';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: planted secrets (quick)', () => {
  it('[M5.5, M5.6] faults: generated messages with secrets of every class the gate knows, through the renderers and the real channels: zero leaks at any receiver', async () => {
    const r = await secretsScenario('quick');
    recordResult(r, 'quick');
    expect(r.details!.leakedKinds).toEqual([]);
    expect(r.details!.messagesThroughChannels).toBeGreaterThan(0);
    expectNoLoss(r);
  }, 60_000);
});
