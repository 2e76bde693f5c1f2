import { authorizationMatrix } from './scenarios/authorization';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

it('[M4.3, M5.2] faults (full): the authorization matrix over every operation, role, no key and a revoked key', async () => {
  const r = await authorizationMatrix();
  recordResult(r);
  expect(r.mismatches).toEqual([]);
  expectNoLoss(r);
});
