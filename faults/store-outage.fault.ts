import { storeOutageScenario } from './scenarios/store-outage';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[X1, X2, M5.1] faults (full): the store down for 60 s while incidents publish and clients call the API: 503 with Retry-After, the work resumes, no audit record or email lost or doubled, every chain verifies', async () => {
  const r = await storeOutageScenario('full');
  recordResult(r);
  expect(r.details!.chainsBroken).toEqual([]);
  expect(r.details!.answered503WithRetryAfter).toBeGreaterThan(0);
  expectNoLoss(r);
});
