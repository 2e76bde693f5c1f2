import { replayScenario } from '../../faults/scenarios/replay';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: replay of every stored history (quick = full)', () => {
  it('[X1] faults: every history in tests/fixtures/histories replays clean with the current code', async () => {
    const r = await replayScenario();
    recordResult(r, 'quick');
    expect(r.failures).toEqual([]);
    expectNoLoss(r);
  });
});
