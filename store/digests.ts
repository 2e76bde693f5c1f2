import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import { heldVersionId } from '../domain/delivery/digests';
import type { MessageVersion } from '../domain/messages';
import { bulkWriteInCommands, collectionOf, insertNew, insertOnce } from './mongo';

/**
 * Updates held back by the per-recipient email limit (M3.4) until a digest carries them. Entries
 * are keyed by `_id` = `${incidentId}#${recipient}#${version}` and written insert-only, so a
 * retried batch finds what it wrote; the only update marks an entry done when an email carried it.
 */
export interface DigestEntryDoc {
  _id: string;
  incidentId: string;
  /** The address as the broadcast planned it. */
  recipient: string;
  customerId?: string;
  /** The reader's locale, for the digest's language. */
  locale: string;
  /** The tracked-link segment: the customer's tier, or 'subscriber'. */
  segment: string;
  version: number;
  /** The subject in the reader's locale, as it passed the gate. */
  subject: string;
  /** When the version was approved (ISO). */
  approvedAt: string;
  /** The recipient's last email of this incident, which opened the window. */
  lastEmailAt: Date;
  /** When that window ends and a digest may go. */
  dueAt: Date;
  status: 'pending' | 'done';
  /** The delivery key of the email that carried this update (a digest or a later update). */
  carriedBy?: string;
  doneAt?: Date;
  createdAt: Date;
  /** What a legal notice overrode to reach this address: its digest goes even if the address is suppressed meanwhile. */
  override?: { regime: string; overrode: string[] };
}

/** A version some recipient's update was held for, kept so its digest can quote it. `_id`: `${incidentId}#v${version}`. */
export interface HeldVersionDoc {
  _id: string;
  incidentId: string;
  version: number;
  message: MessageVersion;
  storedAt: Date;
}

const digestEntry = new Schema<DigestEntryDoc>({
  _id: { type: String, required: true },
  incidentId: { type: String, required: true, index: true },
  recipient: { type: String, required: true },
  customerId: String,
  ...required({ locale: String, segment: String, version: Number, subject: String, approvedAt: String, lastEmailAt: Date, dueAt: Date, status: String }),
  carriedBy: String, doneAt: Date,
  createdAt: { type: Date, required: true },
  override: { type: Schema.Types.Mixed, default: undefined },
});

const heldVersion = new Schema<HeldVersionDoc>({
  ...required({ _id: String, incidentId: String, version: Number, message: Schema.Types.Mixed, storedAt: Date }),
});

export const digestCollections = {
  DigestEntry: storedIn('digest_entries', digestEntry),
  HeldVersion: storedIn('held_versions', heldVersion),
};

export type DigestModels = BoundModels<typeof digestCollections>;

/** An incident's held updates that no email carried yet. Few next to deliveries: a scan by incident is fine. */
export function pendingDigestEntries(models: Pick<DigestModels, 'DigestEntry'>, incidentId: string): Promise<DigestEntryDoc[]> {
  return collectionOf(models.DigestEntry).find({ incidentId, status: 'pending' }).toArray();
}

export function digestEntriesById(models: Pick<DigestModels, 'DigestEntry'>, ids: string[]): Promise<DigestEntryDoc[]> {
  return collectionOf(models.DigestEntry).find({ _id: { $in: ids } }).toArray();
}

/** Which of these held updates exist; reads their ids only. */
export async function digestEntriesAmong(models: Pick<DigestModels, 'DigestEntry'>, ids: string[]): Promise<Set<string>> {
  const docs = await collectionOf(models.DigestEntry).find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
  return new Set(docs.map((d) => d._id));
}

/** Records held updates, insert-only: a retried batch finds what it wrote. */
export async function insertDigestEntries(models: Pick<DigestModels, 'DigestEntry'>, entries: DigestEntryDoc[]): Promise<void> {
  await insertNew(models.DigestEntry, entries);
}

/** Marks held updates done, each group by the email that carried it; an entry done already stays as it is. */
export async function markEntriesCarried(models: Pick<DigestModels, 'DigestEntry'>, groups: { ids: string[]; carriedBy: string; at: Date }[]): Promise<void> {
  await bulkWriteInCommands(
    models.DigestEntry,
    groups.map((g) => ({ updateMany: { filter: { _id: { $in: g.ids }, status: 'pending' }, update: { $set: { status: 'done', carriedBy: g.carriedBy, doneAt: g.at } } } })),
    { ordered: false },
  );
}

/** Keeps the version a held update quotes, once. */
export async function storeHeldVersion(models: Pick<DigestModels, 'HeldVersion'>, doc: HeldVersionDoc): Promise<void> {
  await insertOnce(models.HeldVersion, doc);
}

/** Which of these held versions are stored, by version; reads the versions only. */
export async function heldVersionsAmong(models: Pick<DigestModels, 'HeldVersion'>, incidentId: string, versions: number[]): Promise<number[]> {
  const ids = versions.map((v) => heldVersionId(incidentId, v));
  const docs = await collectionOf(models.HeldVersion).find({ _id: { $in: ids } }, { projection: { version: 1 } }).toArray();
  return docs.map((h) => h.version);
}

export function heldVersions(models: Pick<DigestModels, 'HeldVersion'>, incidentId: string, versions: number[]): Promise<HeldVersionDoc[]> {
  return collectionOf(models.HeldVersion).find({ _id: { $in: versions.map((v) => heldVersionId(incidentId, v)) } }).toArray();
}
