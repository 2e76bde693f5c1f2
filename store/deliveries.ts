import type { DeliveryDoc, DeliveryReceiptDoc, Models } from './models';
import { collectionOf, insertNew, isDuplicateKey } from './mongo';

export interface DeliveryClaim {
  /** The row's `_id`: the delivery's key. */
  id: string;
  status: DeliveryDoc['status'];
  attempts: number;
}

/**
 * Claims one delivery under its idempotency key before the effect, counting the attempt. The row
 * is keyed by `_id` (FerretDB answers only those without scanning). Two claims racing for a new
 * key: one insert wins and the other's duplicate-key error becomes a plain update of the row that
 * now exists.
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
    doc = await collection.findOneAndUpdate({ _id: key }, bump, { returnDocument: 'after' });
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

/**
 * Claims written in bulk by fan-out, each under the delivery's key as its `_id`; answers which
 * positions an earlier attempt had claimed already, and when it did (a claim written before
 * claims carried their time is long in doubt). The earlier claims are read one `_id` at a time:
 * FerretDB answers an `_id` equality from its index and scans the whole collection for anything
 * else, `$in` included, which made a resumed batch of a 5,000-recipient broadcast spend seconds
 * per window on reading back its own claims (faults: worker-kills).
 */
export async function insertClaims(models: Pick<Models, 'Delivery'>, docs: DeliveryDoc[]): Promise<Map<number, Date>> {
  const dups = await insertNew(models.Delivery, docs.map((d) => ({ ...d, _id: d.key })));
  if (dups.size === 0) return new Map();
  const collection = collectionOf(models.Delivery);
  return new Map(await Promise.all([...dups].map(async (i) => {
    const earlier = await collection.findOne({ _id: docs[i].key }, { projection: { claimedAt: 1 } });
    return [i, earlier?.claimedAt ?? new Date(0)] as const;
  })));
}

/** Adds an attempt that every provider failed for now to a claimed delivery's log of failures. */
export async function noteDeliveryFailure(models: Pick<Models, 'Delivery'>, key: string, failure: { provider: string; error: string }): Promise<void> {
  await collectionOf(models.Delivery).updateOne({ _id: key }, { $push: { failures: { at: new Date(), ...failure } } });
}

/** The receipts of one version on one channel: outcome, provider and failover only. */
export function receiptsOfVersion(models: Pick<Models, 'DeliveryReceipt'>, incidentId: string, version: number, channel: string): Promise<Pick<DeliveryReceiptDoc, 'outcome' | 'provider' | 'failedOver'>[]> {
  return collectionOf(models.DeliveryReceipt).find({ incidentId, version, channel }, { projection: { _id: 0, outcome: 1, provider: 1, failedOver: 1 } }).toArray();
}

/**
 * Receipts written in bulk; answers which positions were recorded already. The first receipt
 * under a key stays, with one exception: an in-doubt resend that finds a plain `sent` receipt (two
 * attempts of one batch overlapping, when Temporal retried an attempt that was still running)
 * turns it into `in-doubt-resent`, so the second copy the address got is on record whichever
 * attempt wrote first.
 */
export async function insertReceipts(models: Pick<Models, 'DeliveryReceipt'>, docs: DeliveryReceiptDoc[]): Promise<Set<number>> {
  const existing = await insertNew(models.DeliveryReceipt, docs);
  const resent = docs.filter((d, i) => existing.has(i) && d.outcome === 'in-doubt-resent');
  if (resent.length) {
    await collectionOf(models.DeliveryReceipt).updateMany({ _id: { $in: resent.map((d) => d._id) }, outcome: 'sent' }, { $set: { outcome: 'in-doubt-resent' } });
  }
  return existing;
}

export function findReceipt(models: Pick<Models, 'DeliveryReceipt'>, key: string): Promise<DeliveryReceiptDoc | null> {
  return collectionOf(models.DeliveryReceipt).findOne({ _id: key });
}

/** The receipts of these delivery keys that exist. */
export function receiptsByKey(models: Pick<Models, 'DeliveryReceipt'>, keys: string[]): Promise<DeliveryReceiptDoc[]> {
  return collectionOf(models.DeliveryReceipt).find({ _id: { $in: keys } }).toArray();
}

/** What became of each of these deliveries that has a receipt, by key; reads the outcomes only. */
export async function receiptOutcomes(models: Pick<Models, 'DeliveryReceipt'>, keys: string[]): Promise<Map<string, DeliveryReceiptDoc['outcome']>> {
  const docs = await collectionOf(models.DeliveryReceipt).find({ _id: { $in: keys } }, { projection: { outcome: 1 } }).toArray();
  return new Map(docs.map((r) => [r._id, r.outcome]));
}
