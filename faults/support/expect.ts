import type { FaultResult } from './result';

/** What every scenario must show, quick or full: nothing lost, no duplicate beyond the allowed ones, no client error. */
export function expectNoLoss(r: FaultResult): void {
  expect({ scenario: r.scenario, lost: r.lost, duplicated: r.duplicated, clientErrors: r.clientErrors }).toEqual({ scenario: r.scenario, lost: 0, duplicated: 0, clientErrors: 0 });
  expect(r.faultsInjected).toBeGreaterThan(0);
}
