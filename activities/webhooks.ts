import { ApplicationFailure } from '@temporalio/activity';
import { passExternalGate } from '../domain/gate';
import type { Category, Severity } from '../domain/incident';
import { deliveryKey } from '../domain/message';
import { webhookHeaders, webhookIdFor } from '../domain/webhooks';
import type { ActivityDeps } from './index';

/** One message version to one customer endpoint. The secret is looked up here, so it never enters workflow history. */
export interface WebhookDelivery {
  incidentId: string;
  severity: Severity;
  category: Category;
  version: number;
  phase: string;
  subject: string;
  text: string;
  /** When the version was published; the payload's timestamp, identical on every retry. */
  publishedAt: string;
  customerId: string;
  endpointUrl: string;
}

export type WebhookOutcome = 'sent' | 'already-sent' | 'endpoint-removed';

const requestTimeoutMs = 15_000;

export function createWebhookActivities({ store, config }: ActivityDeps) {
  const { Customer, Delivery } = store.models;
  return {
    /**
     * POSTs a signed `incident.updated` event (Standard Webhooks). A non-2xx answer throws, so
     * Temporal retries with backoff; every attempt carries the same webhook-id and body, and a
     * delivery already recorded as sent is not repeated.
     */
    async deliverWebhook(d: WebhookDelivery): Promise<{ outcome: WebhookOutcome; webhookId: string }> {
      const webhookId = webhookIdFor(d.incidentId, d.version, d.endpointUrl);
      const key = deliveryKey(d.incidentId, d.version, 'webhook', `${d.customerId} ${d.endpointUrl}`);
      const customer = await Customer.findOne({ customerId: d.customerId }, { webhooks: 1 }).lean();
      const endpoint = customer?.webhooks?.find((w) => w.url === d.endpointUrl);
      if (!endpoint) return { outcome: 'endpoint-removed', webhookId };
      const claimed = await Delivery.findOneAndUpdate(
        { key },
        {
          $setOnInsert: { key, incidentId: d.incidentId, version: d.version, channel: 'webhook', recipient: d.endpointUrl, status: 'sending' },
          $inc: { attempts: 1 },
        },
        { upsert: true, new: true },
      ).lean();
      if (claimed?.status === 'sent') return { outcome: 'already-sent', webhookId };

      // The last look before text leaves: redact what may be redacted, refuse what may not.
      const gate = passExternalGate({ subject: d.subject, text: d.text, html: '' });
      if (!gate.allowed) {
        await Delivery.updateOne({ key }, { $set: { status: 'failed' } });
        throw ApplicationFailure.nonRetryable('the external gate blocked this webhook', 'BlockedByGate', gate.blockReasons);
      }
      const body = JSON.stringify({
        type: 'incident.updated',
        timestamp: d.publishedAt,
        data: {
          incidentId: d.incidentId,
          severity: d.severity,
          category: d.category,
          version: d.version,
          phase: d.phase,
          subject: gate.content.subject,
          text: gate.content.text,
          statusPageUrl: `${config.publicUrl}/status#${encodeURIComponent(d.incidentId)}`,
        },
      });
      // The timestamp is the attempt's, as the specification asks, so a retry is not refused as stale.
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(d.endpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...webhookHeaders(endpoint.secret, webhookId, timestamp, body) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      await res.body?.cancel();
      if (res.status < 200 || res.status > 299) {
        throw ApplicationFailure.retryable(`webhook endpoint answered ${res.status}`, 'WebhookRejected');
      }
      await Delivery.updateOne({ key }, { $set: { status: 'sent', sentAt: new Date(), messageId: webhookId } });
      return { outcome: 'sent', webhookId };
    },
  };
}
