import { proxyActivities } from '@temporalio/workflow';
import type { createWebhookActivities, WebhookDelivery } from '../../activities/webhooks';

// A minimal workflow so the test exercises Temporal's own retry with backoff around the activity.
const { deliverWebhook } = proxyActivities<ReturnType<typeof createWebhookActivities>>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 6 },
});

export async function deliverOneWebhook(d: WebhookDelivery) {
  return deliverWebhook(d);
}
