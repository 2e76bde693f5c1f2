import { replayScenario } from './scenarios/replay';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[X1] faults (full): every stored history replays clean with the current code', async () => {
  const r = await replayScenario();
  recordResult(r);
  expect(r.failures).toEqual([]);
  expectNoLoss(r);
});
