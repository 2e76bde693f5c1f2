import { randomUUID } from 'node:crypto';
import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import { collectionOf, insertOnce } from './mongo';

/**
 * The suppression list (M3.3): addresses that unsubscribed, keyed by the lower-cased address.
 * Every customer email honours it (broadcasts and digests, through the audience); only a legal
 * notice that a playbook forces reaches a suppressed address. Each change is also appended to
 * `suppression_events`, which is never updated.
 */
export interface SuppressionDoc {
  _id: string;
  address: string;
  customerId?: string;
  /** How the address was suppressed: the one-click POST of a mail client or the confirmation page's form. */
  source: 'one-click' | 'confirmation-page';
  /** The message whose link was used. */
  incidentId: string;
  version: number;
  at: Date;
}

export interface SuppressionEventDoc {
  _id: string;
  action: 'suppressed' | 'already-suppressed';
  address: string;
  customerId?: string;
  source: SuppressionDoc['source'];
  incidentId: string;
  version: number;
  at: Date;
}

const suppression = new Schema<SuppressionDoc>({
  ...required({ _id: String, address: String }),
  customerId: String,
  ...required({ source: String, incidentId: String, version: Number, at: Date }),
});

const suppressionEvent = new Schema<SuppressionEventDoc>({
  ...required({ _id: String, action: String }),
  address: { type: String, required: true, index: true },
  customerId: String,
  ...required({ source: String, incidentId: String, version: Number, at: Date }),
});

export const suppressionCollections = {
  Suppression: storedIn('suppressions', suppression),
  SuppressionEvent: storedIn('suppression_events', suppressionEvent),
};

export type SuppressionModels = BoundModels<typeof suppressionCollections>;

/** Puts an address on the list (a second unsubscribe keeps the first record) and appends the event. */
export async function suppressAddress(
  models: SuppressionModels,
  entry: Omit<SuppressionDoc, '_id' | 'at'> & { at?: Date },
): Promise<{ alreadySuppressed: boolean }> {
  const at = entry.at ?? new Date();
  const key = entry.address.toLowerCase();
  const { at: _at, ...fields } = entry;
  const alreadySuppressed = !(await insertOnce(models.Suppression, { ...fields, _id: key, address: key, at }));
  await collectionOf(models.SuppressionEvent).insertOne({
    _id: `${key}#${at.toISOString()}#${randomUUID()}`,
    action: alreadySuppressed ? 'already-suppressed' : 'suppressed',
    address: key, ...(fields.customerId ? { customerId: fields.customerId } : {}),
    source: fields.source, incidentId: fields.incidentId, version: fields.version, at,
  });
  return { alreadySuppressed };
}

/** Which of these addresses are suppressed, lower-cased; looked up by `_id` in chunks. */
export async function suppressedAmong(models: Pick<SuppressionModels, 'Suppression'>, addresses: readonly string[]): Promise<Set<string>> {
  const keys = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await collectionOf(models.Suppression).find({ _id: { $in: keys.slice(i, i + 1000) } }, { projection: { _id: 1 } }).toArray();
    for (const r of rows) out.add(r._id);
  }
  return out;
}
