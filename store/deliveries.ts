import type { DeliveryDoc, Models } from './models';
import { collectionOf, isDuplicateKey } from './mongo';

export interface DeliveryClaim {
  /** The row's `_id`: the key itself, or the generated one of a row fan-out wrote. */
  id: NonNullable<DeliveryDoc['_id']>;
  status: DeliveryDoc['status'];
  attempts: number;
}

/**
 * Claims one delivery under its idempotency key before the effect, counting the attempt. The row
 * is keyed by `_id` (FerretDB answers those without scanning). Two claims racing for a new key:
 * one insert wins and the other's duplicate-key error becomes a plain update of the row that now
 * exists; a row written with a generated `_id` is found by its unique key the same way.
 */
export async function claimDelivery(
  models: Pick<Models, 'Delivery'>,
  key: string,
  meta: { incidentId: string; version: number; channel: string; recipient: string },
): Promise<DeliveryClaim> {
  const collection = collectionOf(models.Delivery);
  const bump = { $inc: { attempts: 1 } };
  let doc;
  try {
    doc = await collection.findOneAndUpdate(
      { _id: key },
      { $setOnInsert: { key, ...meta, status: 'sending' }, ...bump },
      { upsert: true, returnDocument: 'after' },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    doc = await collection.findOneAndUpdate({ key }, bump, { returnDocument: 'after' });
  }
  if (!doc) throw new Error(`delivery ${key} could not be claimed`);
  return { id: doc._id, status: doc.status, attempts: doc.attempts };
}

/** Records how a claimed delivery ended. */
export async function settleDelivery(
  models: Pick<Models, 'Delivery'>,
  claim: Pick<DeliveryClaim, 'id'>,
  outcome: { status: 'sent'; messageId?: string } | { status: 'failed' },
): Promise<void> {
  const fields = outcome.status === 'sent' ? { ...outcome, sentAt: new Date() } : outcome;
  await collectionOf(models.Delivery).updateOne({ _id: claim.id }, { $set: fields });
}
