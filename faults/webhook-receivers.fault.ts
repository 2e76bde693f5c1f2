import { webhookReceiversScenario } from './scenarios/webhooks';
import { timeSkippingSuite } from '../tests/support/time-skipping';
import { expectNoLoss } from './support/expect';
import { recordResult } from './support/result';

const t = timeSkippingSuite();

it('[M3.3, X2] faults (full): customer webhook receivers that stall (three times), answer 500, 410 Gone or a redirect, or fail TLS: retried on the documented schedule, disabled at 410 and after 10 failures in a row, owners told once, the slow one delivered once', async () => {
  const r = await webhookReceiversScenario(t, 'full');
  recordResult(r);
  expect(r.details!.problems).toEqual([]);
  expectNoLoss(r);
});
