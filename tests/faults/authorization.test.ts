import { authorizationMatrix } from '../../faults/scenarios/authorization';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';

describe('faults: the authorization matrix (runs in full here; it is fast)', () => {
  it('[M4.3, M5.2] faults: every operation of /openapi.json × every role, no key and a revoked key answers as its documented roles say; zero unauthorized successes', async () => {
    const r = await authorizationMatrix();
    recordResult(r);
    expect(r.mismatches).toEqual([]);
    expect(r.details!.operations).toBeGreaterThan(50);
    expectNoLoss(r);
  }, 60_000);
});
