import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Category, Severity } from '../domain/incident';
import { deliveryKey, metadataHeaders } from '../domain/messages';
import { webhookHeaders, webhookIdFor } from '../domain/webhooks';
import { delayBeforeAttempt, endpointDisableAfterFailures, retryAttemptTimeoutMs, webhookDeliveryWorkflowId, webhookEndpointId } from '../domain/webhooks/delivery';
import { claimDelivery, settleDelivery } from '../store/deliveries';
import type { CustomerDoc } from '../store/models';
import { gateAndRecord } from './gate';
import { countWebhookAttempt, recordWebhookAttempt, type WebhookEndpointDoc } from '../store/webhook-endpoints';
import type { webhookDeliveryWorkflow } from '../workflows/webhook-delivery';
import { sendOnce } from './email';
import { approvalsMemo, archivedVerdict, incidentFields } from './archive';
import { archiveOne } from '../store/archive';
import { postWithRetry, singleRequest } from './http-delivery';
import type { ActivityDeps, StoreDeps } from './deps';

/** What a webhook delivery reads and writes: claims, attempts, the endpoint's state, its owner, the gate's near misses. */
type WebhookCollections = 'Delivery' | 'NearMiss' | 'WebhookAttempt' | 'WebhookEndpoint' | 'Customer' | 'ArchiveRecord' | 'AuditRecord';
import { emailSegment, statusLinks } from './tracked-links';

/** One message version to one customer endpoint. The secret is looked up per attempt, so it never enters workflow history. */
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
  /** The incident's classification tags: the archive's retention policies name them (absent in deliveries queued before). */
  tags?: string[];
}

/**
 * How one attempt ended: delivered (now or by an earlier attempt), refused by the gate, failed
 * (the schedule goes on), or not made because the endpoint is gone or disabled.
 */
export type WebhookAttemptResult =
  | { outcome: 'sent' | 'already-sent' | 'endpoint-removed' | 'endpoint-disabled'; webhookId: string }
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

/** The answer of an endpoint its owner removed: Herald disables it at once. */
const goneStatus = 410;

interface AttemptOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  gates?: WebhookGateMemo;
  /** The version's approvals, read once per dispatch for the archive. */
  approvals?: ReturnType<typeof approvalsMemo>;
}

/**
 * One signed request: claims the delivery under its key (one sent per incident, version and
 * endpoint), passes the text through the external gate, and POSTs an `incident.updated` event
 * (Standard Webhooks) with the metadata headers and a tracked status-page link (M2.6). Every
 * attempt carries the same webhook-id and body; the signature covers the attempt's own timestamp.
 */
async function sendWebhook(
  { store, config }: StoreDeps<'Delivery' | 'NearMiss' | 'ArchiveRecord' | 'AuditRecord'> & Pick<ActivityDeps, 'config'>,
  d: WebhookDelivery,
  { secret, tier }: WebhookReceiver,
  attempt: number,
  opts: AttemptOptions,
): Promise<WebhookAttemptResult & { durationMs?: number; answered?: number }> {
  const webhookId = webhookIdFor(d.incidentId, d.version, d.endpointUrl);
  const key = deliveryKey(d.incidentId, d.version, 'webhook', `${d.customerId} ${d.endpointUrl}`);
  const claim = await claimDelivery(store.models, key, { incidentId: d.incidentId, version: d.version, channel: 'webhook', recipient: d.endpointUrl });
  if (claim.status === 'sent') return { outcome: 'already-sent', webhookId };

  // The last look before text leaves: redact what may be redacted, refuse what may not.
  // What it stops or redacts is a near miss, recorded once per version, channel and locale.
  const pass = () =>
    gateAndRecord(store.models, { incidentId: d.incidentId, version: d.version, channel: 'webhook', locale: d.locale }, { subject: d.subject, text: d.text, html: '' });
  const gate = await (opts.gates ? opts.gates.verdict(`${d.locale ?? ''}\u0000${d.subject}\u0000${d.text}`, pass) : pass());
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
  const started = Date.now();
  let posted: { headers: Record<string, string>; body: string; timestamp: number } | undefined;
  // Archived as POSTed (M5.1): the body and every header, the signature's included, before the delivery is settled.
  const archive = async (outcome: Record<string, unknown>) => {
    if (!posted) return;
    await archiveOne(store.models, {
      key: `webhook:${webhookId}#${attempt}@${posted.timestamp}`, kind: 'webhook',
      ...incidentFields({ id: d.incidentId, category: d.category, tags: d.tags ?? [] }),
      version: d.version, channel: 'webhook', locale: d.locale ?? 'en', customerIds: [d.customerId],
      body: Buffer.from(posted.body), contentType: 'application/json',
      detail: {
        method: 'POST', url: d.endpointUrl, headers: posted.headers, webhookId, attempt, recipients: [d.endpointUrl], customerId: d.customerId,
        gate: archivedVerdict(gate), ...(await (opts.approvals ?? approvalsMemo(store.models))(d.incidentId, d.version)),
        outcome: { ...outcome, durationMs: Date.now() - started },
      },
    });
  };
  let sent: Awaited<ReturnType<typeof postWithRetry>>;
  try {
    sent = await postWithRetry(d.endpointUrl, () => {
      // The timestamp is the request's, as the specification asks, so a retry is not refused as stale.
      const timestamp = Math.floor(Date.now() / 1000);
      posted = { headers: { 'content-type': 'application/json', ...metadata, ...webhookHeaders(secret, webhookId, timestamp, body) }, body, timestamp };
      return { headers: posted.headers, body };
    }, singleRequest(opts.timeoutMs), { sleep: async () => undefined, signal: opts.signal });
  } catch (err) {
    await archive({ status: 'cancelled', error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const durationMs = Date.now() - started;
  await archive({ status: sent.ok ? 'delivered' : 'failed', ...(sent.status !== undefined ? { httpStatus: sent.status } : {}), ...(sent.error ? { error: sent.error } : {}) });
  if (!sent.ok) {
    await settleDelivery(store.models, claim, { status: 'failed' });
    return { outcome: 'failed', webhookId, status: sent.status, error: sent.error, durationMs, answered: sent.status };
  }
  await settleDelivery(store.models, claim, { status: 'sent', messageId: webhookId });
  return { outcome: 'sent', webhookId, durationMs, answered: sent.status };
}

/**
 * Attempt number `attempt` of one delivery: skipped when the endpoint is disabled, otherwise one
 * signed request, recorded (status, error, duration, when) and counted against the endpoint; the
 * failure that reaches the limit disables the endpoint and tells its owner. A retried activity
 * finds the attempt it already made and does not repeat it.
 */
export async function attemptWebhook(
  deps: StoreDeps<WebhookCollections> & Pick<ActivityDeps, 'config' | 'mailer'>,
  d: WebhookDelivery,
  receiver: WebhookReceiver,
  attempt: number,
  opts: AttemptOptions,
): Promise<WebhookAttemptResult> {
  const { WebhookAttempt, WebhookEndpoint } = deps.store.models;
  const endpointId = webhookEndpointId(d.customerId, d.endpointUrl);
  const webhookId = webhookIdFor(d.incidentId, d.version, d.endpointUrl);
  const endpoint = await WebhookEndpoint.findById(endpointId).lean();
  if (endpoint?.disabled) {
    if (!endpoint.noticeSentAt) await tellOwner(deps, endpoint, d.incidentId);
    return { outcome: 'endpoint-disabled', webhookId };
  }
  const attemptId = `${webhookId}#${attempt}`;
  const prior = await WebhookAttempt.findById(attemptId).lean();
  if (prior) return prior.ok ? { outcome: 'already-sent', webhookId } : { outcome: 'failed', webhookId, status: prior.status, error: prior.error };

  const at = new Date();
  const r = await sendWebhook(deps, d, receiver, attempt, opts);
  const { durationMs = 0, answered, ...result } = r;
  if (result.outcome !== 'sent' && result.outcome !== 'failed') return result;
  const ok = result.outcome === 'sent';
  const next = ok ? undefined : delayBeforeAttempt(attempt + 1);
  const recorded = await recordWebhookAttempt(deps.store.models, {
    _id: attemptId, webhookId, endpointId, customerId: d.customerId, incidentId: d.incidentId, version: d.version, attempt, at,
    durationMs, ok,
    ...(answered !== undefined ? { status: answered } : {}),
    ...(result.outcome === 'failed' && result.error ? { error: result.error } : {}),
    ...(next !== undefined ? { nextAttemptAt: new Date(Date.now() + next) } : {}),
  });
  if (recorded) {
    const state = await countWebhookAttempt(deps.store.models, { endpointId, customerId: d.customerId, url: d.endpointUrl }, {
      ok, at, error: result.outcome === 'failed' ? result.error : undefined, gone: answered === goneStatus,
    });
    if (state.disabled && !state.noticeSentAt) await tellOwner(deps, state, d.incidentId);
  }
  // 410 Gone: the receiver says the endpoint is no more (Standard Webhooks); no retry follows.
  if (answered === goneStatus) return { outcome: 'endpoint-disabled', webhookId };
  return result;
}

/**
 * Tells an endpoint's owner that Herald stopped sending to it: the customer's contacts, its
 * account manager and the escalation list, once per disabling.
 */
async function tellOwner(deps: StoreDeps<WebhookCollections> & Pick<ActivityDeps, 'config' | 'mailer'>, endpoint: WebhookEndpointDoc, incidentId: string): Promise<void> {
  const { store, config } = deps;
  const customer = await store.models.Customer.findOne({ customerId: endpoint.customerId }, { name: 1, emails: 1, accountManager: 1 }).lean<CustomerDoc>();
  const to = [...new Map([...(customer?.emails ?? []), customer?.accountManager?.email, ...config.escalationEmails]
    .filter((a): a is string => !!a)
    .map((a) => [a.toLowerCase(), a])).values()];
  const name = customer ? `${customer.name} (${endpoint.customerId})` : endpoint.customerId;
  const noticeId = `webhook-disabled:${endpoint._id}:${endpoint.disabledAt?.getTime() ?? 0}`;
  const text = [
    `Herald has disabled the webhook endpoint ${endpoint.url} of ${name}: ${endpoint.disabledReason ?? `${endpointDisableAfterFailures} failed attempts in a row`}.`,
    '',
    'No further incident updates will be sent to it until an administrator re-enables it:',
    `  POST /v1/customers/${endpoint.customerId}/webhooks/${endpoint._id}/enable`,
    `Every attempt and the endpoint's state: GET /v1/customers/${endpoint.customerId}/webhooks/deliveries`,
    '',
    `The status page keeps every update meanwhile: ${config.publicUrl}/status`,
  ].join('\n');
  for (const address of to) {
    await sendOnce(deps, deliveryKey(incidentId, 0, noticeId, address), { incidentId, version: 0, channel: 'webhook-notice', recipient: address }, {
      from: config.fromAddress,
      to: address,
      subject: `Webhook endpoint disabled for ${name}`,
      text,
      headers: { 'X-Herald-Notice': 'webhook-endpoint-disabled', 'X-Herald-Webhook-Endpoint': endpoint._id },
    });
  }
  await store.models.WebhookEndpoint.updateOne({ _id: endpoint._id, disabledAt: endpoint.disabledAt }, { $set: { noticeSentAt: new Date() } });
}

/**
 * Hands a delivery whose first attempt failed to its retry workflow, which runs beside the incident
 * on the worker's task queue. Its ID is the webhook-id's, so a retried dispatch finds the workflow
 * it started (running or finished) and starts no second one.
 */
export async function retryBeside(client: Client, taskQueue: string, d: WebhookDelivery): Promise<void> {
  const webhookId = webhookIdFor(d.incidentId, d.version, d.endpointUrl);
  try {
    await client.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
      taskQueue,
      workflowId: webhookDeliveryWorkflowId(webhookId),
      args: [{ delivery: d, attemptsMade: 1 }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export function createWebhookActivities(deps: StoreDeps<WebhookCollections> & Pick<ActivityDeps, 'config' | 'mailer'>) {
  const { Customer } = deps.store.models;
  return {
    /**
     * A retry of one delivery, from its workflow's schedule. An endpoint's failure is a result,
     * not an error: the workflow's timers space the attempts; only a store error throws.
     */
    async attemptWebhookDelivery(d: WebhookDelivery, attempt: number): Promise<WebhookAttemptResult> {
      const customer = await Customer.findOne({ customerId: d.customerId }, { webhooks: 1, tier: 1 }).lean();
      const endpoint = customer?.webhooks?.find((w) => w.url === d.endpointUrl);
      if (!endpoint) return { outcome: 'endpoint-removed', webhookId: webhookIdFor(d.incidentId, d.version, d.endpointUrl) };
      return attemptWebhook(deps, d, { secret: endpoint.secret, tier: customer?.tier }, attempt, {
        timeoutMs: retryAttemptTimeoutMs,
        signal: Context.current().cancellationSignal,
      });
    },
  };
}
