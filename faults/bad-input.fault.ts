import { badInputScenario } from './scenarios/bad-input';
import { recordResult } from './support/result';

it('[M1.6] faults (full): over 10,000 generated requests from the OpenAPI document (examples, every boundary and negative case, fuzzing, stateful sequences): zero 5xx', async () => {
  const r = await badInputScenario('full');
  recordResult(r);
  expect(r.faultsInjected).toBeGreaterThanOrEqual(10_000);
  expect({ serverErrors: r.clientErrors, output: r.details!.output }).toEqual({ serverErrors: 0, output: undefined });
});
