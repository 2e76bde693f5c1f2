import { storeOutageScenario } from '../../faults/scenarios/store-outage';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: store outage (quick)', () => {
  it('[X1, X2, M5.1] faults: the store down for seconds while incidents publish and clients call the API: 503 with Retry-After, the work resumes, no audit record or email lost or doubled, every chain verifies', async () => {
    const r = await storeOutageScenario('quick');
    recordResult(r, 'quick');
    expect(r.details!.chainsBroken).toEqual([]);
    expect(r.details!.answered503WithRetryAfter).toBeGreaterThan(0);
    expect(r.details!.auditRecords).toBeGreaterThan(0);
    expectNoLoss(r);
  }, 90_000);
});
