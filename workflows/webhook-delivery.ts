import { proxyActivities, sleep } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { WebhookAttemptResult, WebhookDelivery } from '../activities/webhooks';
import { delayBeforeAttempt } from '../domain/webhooks/delivery';

export interface WebhookRetryRequest {
  delivery: WebhookDelivery;
  /** Attempts already made (the incident's dispatch makes the first). */
  attemptsMade: number;
}

export interface WebhookRetryOutcome {
  /** How the last attempt ended; 'exhausted' when the schedule ran out with the endpoint still failing. */
  outcome: Exclude<WebhookAttemptResult['outcome'], 'failed'> | 'exhausted';
  attempts: number;
}

// An endpoint's failure comes back as a result; only a store error throws, and that is retried.
const { attemptWebhookDelivery } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The retries of one customer webhook delivery, beside the incident that started it (the incident
 * never waits for them): one durable timer per step of the schedule (domain/webhooks/delivery.ts),
 * each attempt with the same webhook-id, until the endpoint accepts, the schedule is spent, or the
 * endpoint is removed or disabled.
 */
export async function webhookDeliveryWorkflow({ delivery, attemptsMade }: WebhookRetryRequest): Promise<WebhookRetryOutcome> {
  for (let attempt = attemptsMade + 1; ; attempt++) {
    const wait = delayBeforeAttempt(attempt);
    if (wait === undefined) return { outcome: 'exhausted', attempts: attempt - 1 };
    if (wait > 0) await sleep(wait);
    const r = await attemptWebhookDelivery(delivery, attempt);
    if (r.outcome !== 'failed') return { outcome: r.outcome, attempts: attempt };
  }
}
