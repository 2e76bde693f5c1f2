import { batchIdFor, broadcastIdFor } from '../domain/delivery';
import type { BroadcastBatchDoc, BroadcastDoc, Models } from './models';
import { collectionOf, insertOnce } from './mongo';

/**
 * The frozen audience of each email broadcast: a header and its batches, keyed by `_id` so
 * every read is a primary-key lookup (FerretDB scans for anything else).
 */

type BroadcastModels = Pick<Models, 'Broadcast' | 'BroadcastBatch'>;

export function findBroadcast(models: Pick<Models, 'Broadcast'>, broadcastId: string): Promise<BroadcastDoc | null> {
  return collectionOf(models.Broadcast).findOne({ _id: broadcastId });
}

/** Which of these versions of an incident had an email broadcast planned; reads the versions only. */
export async function emailedVersions(models: Pick<Models, 'Broadcast'>, incidentId: string, versions: number[]): Promise<number[]> {
  const ids = versions.map((v) => broadcastIdFor(incidentId, v, 'email'));
  const docs = await collectionOf(models.Broadcast).find({ _id: { $in: ids } }, { projection: { version: 1 } }).toArray();
  return docs.map((b) => b.version);
}

/**
 * Writes a plan: its batches, then its header. Nothing has been sent from a plan without a
 * header (batches start only once planning returns), so the leftovers of an attempt that died
 * before writing the header are replaced.
 */
export async function writeBroadcastPlan(models: BroadcastModels, header: BroadcastDoc, batches: BroadcastBatchDoc[]): Promise<void> {
  const stored = collectionOf(models.BroadcastBatch);
  await stored.deleteMany({ broadcastId: header._id });
  for (let i = 0; i < batches.length; i += 50) await stored.insertMany(batches.slice(i, i + 50));
  await insertOnce(models.Broadcast, header);
}

export function findBatch(models: Pick<Models, 'BroadcastBatch'>, broadcastId: string, batchIndex: number): Promise<BroadcastBatchDoc | null> {
  return collectionOf(models.BroadcastBatch).findOne({ _id: batchIdFor(broadcastId, batchIndex) });
}

/** Every recipient of a planned broadcast, in the plan's order. */
export async function plannedRecipients(models: Pick<Models, 'BroadcastBatch'>, header: BroadcastDoc): Promise<BroadcastBatchDoc['recipients']> {
  const ids = Array.from({ length: header.batches }, (_, i) => batchIdFor(header._id, i));
  const batches = await collectionOf(models.BroadcastBatch).find({ _id: { $in: ids } }).toArray();
  return batches.sort((a, b) => a.batchIndex - b.batchIndex).flatMap((b) => b.recipients);
}
