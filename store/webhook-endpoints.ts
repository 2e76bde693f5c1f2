import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import { disablesEndpoint } from '../domain/webhooks/delivery';
import { collectionOf, insertOnce, isDuplicateKey } from './mongo';

/**
 * What Herald knows of each customer webhook endpoint: every attempt of every delivery (status,
 * error, duration, when) and the endpoint's state (failures in a row, disabled or not).
 */
export interface WebhookAttemptDoc {
  /** `${webhookId}#${attempt}`: a retried activity finds the attempt it already made. */
  _id: string;
  webhookId: string;
  endpointId: string;
  customerId: string;
  incidentId: string;
  version: number;
  /** 1 for the incident's own dispatch, then the retries of the schedule. */
  attempt: number;
  at: Date;
  durationMs: number;
  ok: boolean;
  /** The endpoint's answer; absent when none came (timeout, refused connection). */
  status?: number;
  error?: string;
  /** When the next attempt is due, if this one failed and the schedule goes on. */
  nextAttemptAt?: Date;
}

export interface WebhookEndpointDoc {
  /** webhookEndpointId(customerId, url). */
  _id: string;
  customerId: string;
  url: string;
  consecutiveFailures: number;
  disabled: boolean;
  disabledAt?: Date;
  disabledReason?: string;
  /** When the owner was told that the endpoint was disabled; unset until the notice went out. */
  noticeSentAt?: Date;
  enabledAt?: Date;
  enabledBy?: string;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
}

const webhookAttempt = new Schema<WebhookAttemptDoc>({
  ...required({ _id: String, webhookId: String, endpointId: String, customerId: String, incidentId: String, version: Number, attempt: Number, at: Date, durationMs: Number, ok: Boolean }),
  status: Number, error: String, nextAttemptAt: Date,
});
webhookAttempt.index({ customerId: 1, at: -1 });

const webhookEndpoint = new Schema<WebhookEndpointDoc>({
  _id: { type: String, required: true },
  customerId: { type: String, required: true, index: true },
  ...required({ url: String, consecutiveFailures: Number, disabled: Boolean }),
  disabledAt: Date, disabledReason: String, noticeSentAt: Date, enabledAt: Date, enabledBy: String, lastSuccessAt: Date, lastFailureAt: Date,
});

export const webhookEndpointCollections = {
  WebhookAttempt: storedIn('webhook_attempts', webhookAttempt),
  WebhookEndpoint: storedIn('webhook_endpoints', webhookEndpoint),
};

export type WebhookEndpointModels = BoundModels<typeof webhookEndpointCollections>;

/** Records an attempt; false when this attempt of this delivery was recorded already (a retried activity). */
export function recordWebhookAttempt(models: WebhookEndpointModels, a: WebhookAttemptDoc): Promise<boolean> {
  return insertOnce(models.WebhookAttempt, a);
}

/**
 * Counts an attempt against its endpoint: a success sets the failures in a row to zero, a failure
 * adds one, and the failure that reaches the limit disables the endpoint. Returns the endpoint as
 * it now is. Two deliveries to one endpoint may count at once: `$inc` adds both.
 */
export async function countWebhookAttempt(
  models: WebhookEndpointModels,
  endpoint: { endpointId: string; customerId: string; url: string },
  outcome: { ok: boolean; at: Date; error?: string; gone?: boolean },
): Promise<WebhookEndpointDoc> {
  const collection = collectionOf(models.WebhookEndpoint);
  const id = { _id: endpoint.endpointId };
  const onInsert = { customerId: endpoint.customerId, url: endpoint.url, disabled: false };
  const update = outcome.ok
    ? { $set: { consecutiveFailures: 0, lastSuccessAt: outcome.at }, $setOnInsert: onInsert }
    : { $inc: { consecutiveFailures: 1 }, $set: { lastFailureAt: outcome.at }, $setOnInsert: onInsert };
  let doc;
  try {
    doc = await collection.findOneAndUpdate(id, update, { upsert: true, returnDocument: 'after' });
  } catch (err) {
    // Two first attempts raced to create the row: the loser updates the row that now exists.
    if (!isDuplicateKey(err)) throw err;
    doc = await collection.findOneAndUpdate(id, update, { returnDocument: 'after' });
  }
  if (!doc) throw new Error(`webhook endpoint ${endpoint.endpointId} could not be updated`);
  const state = doc;
  if (!outcome.ok && !state.disabled && (outcome.gone || disablesEndpoint(state.consecutiveFailures))) {
    const reason = outcome.gone
      ? 'the endpoint answered 410 Gone: its owner removed it'
      : `${state.consecutiveFailures} failed attempts in a row; the last: ${outcome.error ?? 'no answer'}`;
    await collection.updateOne({ ...id, disabled: false }, { $set: { disabled: true, disabledAt: outcome.at, disabledReason: reason }, $unset: { noticeSentAt: '' } });
    return (await models.WebhookEndpoint.findById(endpoint.endpointId).lean())!;
  }
  return state;
}

/** An admin turns a disabled endpoint back on: deliveries resume with a clean failure count. */
export async function enableWebhookEndpoint(
  models: WebhookEndpointModels,
  endpoint: { endpointId: string; customerId: string; url: string },
  by: string,
  at = new Date(),
): Promise<WebhookEndpointDoc> {
  const doc = await collectionOf(models.WebhookEndpoint).findOneAndUpdate(
    { _id: endpoint.endpointId },
    {
      $set: { disabled: false, consecutiveFailures: 0, enabledAt: at, enabledBy: by },
      $unset: { disabledAt: '', disabledReason: '', noticeSentAt: '' },
      $setOnInsert: { customerId: endpoint.customerId, url: endpoint.url },
    },
    { upsert: true, returnDocument: 'after' },
  );
  return doc!;
}
