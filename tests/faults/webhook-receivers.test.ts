import { webhookReceiversScenario } from '../../faults/scenarios/webhooks';
import { expectNoLoss } from '../../faults/support/expect';
import { recordResult } from '../../faults/support/result';
import { webhookRetryScheduleMs } from '../../domain/webhooks/delivery';
import { timeSkippingSuite } from '../support/time-skipping';

const t = timeSkippingSuite();

describe('faults: webhook receivers that misbehave (quick)', () => {
  it('[M3.3, X2] faults: a receiver that stalls, answers 500, 410 Gone or a redirect, or fails TLS is retried on the documented schedule, disabled at 410 and after 10 failures in a row, its owner told once; the stalled one is delivered once', async () => {
    const r = await webhookReceiversScenario(t, 'quick');
    recordResult(r, 'quick');
    expect(r.details!.problems).toEqual([]);
    const attempts = r.details!.attempts as Record<string, { outcome: string; attempts: number; timersMs: number[] }>;
    expect(attempts['gone-v1']).toEqual({ outcome: 'endpoint-disabled', attempts: 1, timersMs: [] });
    expect(attempts['error-v1']).toEqual({ outcome: 'exhausted', attempts: 8, timersMs: webhookRetryScheduleMs.slice(1) });
    expect(attempts['error-v2']).toMatchObject({ outcome: 'endpoint-disabled', attempts: 3 });
    expect(attempts['slow-v1']).toEqual({ outcome: 'sent', attempts: 2, timersMs: [5_000] });
    expect(r.details!.disabled).toEqual(['error', 'gone']);
    expectNoLoss(r);
  }, 90_000);
});
