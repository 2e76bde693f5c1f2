import { ApplicationFailure } from '@temporalio/activity';
import type { Category, Severity } from '../domain/incident';
import { deliveryKey, metadataHeaders } from '../domain/message';
import { webhookHeaders, webhookIdFor } from '../domain/webhooks';
import { claimDelivery, settleDelivery } from '../store/deliveries';
import { gateAndRecord } from '../store/near-misses';
import { postWithRetry, singleRequest, type PostHooks, type RetryPolicy } from './http-delivery';
import type { ActivityDeps } from './index';
import { emailSegment, statusLinks } from './tracked-links';

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
  /** The locale subject and text are in, when the customer reads another than the message's primary one. */
  locale?: string;
}

export type WebhookOutcome = 'sent' | 'already-sent' | 'endpoint-removed';

/** How one signed delivery ended: refused by the gate, or still failing after the policy's requests. */
export type WebhookSendResult =
  | { outcome: 'sent' | 'already-sent'; webhookId: string }
  | { outcome: 'blocked'; webhookId: string; reasons: string[] }
  | { outcome: 'failed'; webhookId: string; status?: number; error?: string };

/**
 * The gate's verdict per distinct content, for one dispatch to many endpoints: every customer of
 * a locale reads the same text, so it is gated (and its near misses recorded) once.
 */
export class WebhookGateMemo {
  private readonly verdicts = new Map<string, ReturnType<typeof gateAndRecord>>();
  verdict(key: string, pass: () => ReturnType<typeof gateAndRecord>): ReturnType<typeof gateAndRecord> {
    let v = this.verdicts.get(key);
    if (!v) {
      v = pass();
      // A store error is not a verdict: the next endpoint tries again.
      v.catch(() => this.verdicts.delete(key));
      this.verdicts.set(key, v);
    }
    return v;
  }
}

/** The receiving customer's side of one delivery: the endpoint's signing secret and the customer's tier. */
export interface WebhookReceiver {
  secret: string;
  /** The tracked link's segment (M2.6); 'subscriber' when unknown. */
  tier?: string;
}

/**
 * The one path a customer webhook takes: claims the delivery under its key (one sent per
 * incident, version and endpoint), passes the text through the external gate, and POSTs a signed
 * `incident.updated` event (Standard Webhooks) with the metadata headers and a tracked
 * status-page link (M2.6). Every request carries the same webhook-id and body; the signature
 * covers the request's own timestamp.
 */
export async function sendWebhook(
  { store, config }: Pick<ActivityDeps, 'store' | 'config'>,
  d: WebhookDelivery,
  { secret, tier }: WebhookReceiver,
  policy: RetryPolicy,
  hooks: PostHooks,
  gates?: WebhookGateMemo,
): Promise<WebhookSendResult> {
  const webhookId = webhookIdFor(d.incidentId, d.version, d.endpointUrl);
  const key = deliveryKey(d.incidentId, d.version, 'webhook', `${d.customerId} ${d.endpointUrl}`);
  const claim = await claimDelivery(store.models, key, { incidentId: d.incidentId, version: d.version, channel: 'webhook', recipient: d.endpointUrl });
  if (claim.status === 'sent') return { outcome: 'already-sent', webhookId };

  // The last look before text leaves: redact what may be redacted, refuse what may not.
  // What it stops or redacts is a near miss, recorded once per version, channel and locale.
  const pass = () =>
    gateAndRecord(store.models, { incidentId: d.incidentId, version: d.version, channel: 'webhook', locale: d.locale }, { subject: d.subject, text: d.text, html: '' });
  const gate = await (gates ? gates.verdict(`${d.locale ?? ''}\u0000${d.subject}\u0000${d.text}`, pass) : pass());
  if (!gate.allowed) {
    await settleDelivery(store.models, claim, { status: 'failed' });
    return { outcome: 'blocked', webhookId, reasons: gate.blockReasons };
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
      ...(d.locale ? { locale: d.locale } : {}),
      // Made by Herald after the gate, so it is never redacted.
      statusPageUrl: statusLinks(config, d.incidentId, 'webhook')(emailSegment(tier), d.version),
    },
  });
  const metadata = metadataHeaders(d);
  const sent = await postWithRetry(d.endpointUrl, () => ({
    // The timestamp is the request's, as the specification asks, so a retry is not refused as stale.
    headers: { 'content-type': 'application/json', ...metadata, ...webhookHeaders(secret, webhookId, Math.floor(Date.now() / 1000), body) },
    body,
  }), policy, hooks);
  if (!sent.ok) {
    await settleDelivery(store.models, claim, { status: 'failed' });
    return { outcome: 'failed', webhookId, status: sent.status, error: sent.error };
  }
  await settleDelivery(store.models, claim, { status: 'sent', messageId: webhookId });
  return { outcome: 'sent', webhookId };
}

export function createWebhookActivities({ store, config }: ActivityDeps) {
  const { Customer } = store.models;
  return {
    /**
     * One endpoint, one request: a failure throws, so Temporal retries with backoff; every
     * attempt carries the same webhook-id and body, and a delivery already sent is not repeated.
     */
    async deliverWebhook(d: WebhookDelivery): Promise<{ outcome: WebhookOutcome; webhookId: string }> {
      const customer = await Customer.findOne({ customerId: d.customerId }, { webhooks: 1, tier: 1 }).lean();
      const endpoint = customer?.webhooks?.find((w) => w.url === d.endpointUrl);
      if (!endpoint) return { outcome: 'endpoint-removed', webhookId: webhookIdFor(d.incidentId, d.version, d.endpointUrl) };
      const r = await sendWebhook({ store, config }, d, { secret: endpoint.secret, tier: customer?.tier }, singleRequest, { sleep: async () => undefined });
      if (r.outcome === 'blocked') throw ApplicationFailure.nonRetryable('the external gate blocked this webhook', 'BlockedByGate', r.reasons);
      if (r.outcome === 'failed') {
        throw ApplicationFailure.retryable(r.status ? `webhook endpoint answered ${r.status}` : `webhook endpoint unreachable: ${r.error}`, 'WebhookRejected');
      }
      return { outcome: r.outcome, webhookId: r.webhookId };
    },
  };
}
