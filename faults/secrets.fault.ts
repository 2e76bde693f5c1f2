import { secretsScenario } from './scenarios/secrets';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[M5.5, M5.6] faults (full): 10,000 generated messages with planted secrets of every class, through the renderers and the real channels', async () => {
  const r = await secretsScenario('full');
  recordResult(r);
  expect(r.details!.leakedKinds).toEqual([]);
  expectNoLoss(r);
});
