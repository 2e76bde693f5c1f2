import { Schema } from 'mongoose';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/audit/canonical-json';
import { bytesToHex, entryLeafHash, type ArchiveCoordinates, type ArchiveKind, type LogEntry, type SignedTreeHead } from '../domain/archive/entries';
import { holdCovers, type HoldScope } from '../domain/archive/retention';
import { bulkWriteInCommands, collectionOf, insertNew, insertOnce, isDuplicateKey } from './mongo';
import { required, storedIn, type BoundModels } from './schema';

/**
 * The archive of everything Herald sent (M5.1) and its append-only log (X5). Activities write a
 * record under its delivery key as they send (a retry writes nothing twice); the sequencer gives
 * each record the next leaf of the log. Retention deletes a record's bytes and detail, never its
 * leaf, and never anything a legal hold covers.
 */

export interface ArchiveRecordDoc extends ArchiveCoordinates {
  /** The idempotency key: kind, incident, version, channel, locale and recipient. */
  _id: string;
  kind: ArchiveKind;
  recordedAt: Date;
  /** The bytes as sent, base64; removed when retention deletes the record. */
  body?: string;
  /** The media type of the bytes (message/rfc822, application/json, …). */
  contentType?: string;
  /** Recipients, headers, approvals, the gate's verdict, the delivery outcome; removed with the body. */
  detail?: Record<string, unknown>;
  bodySha256?: string;
  detailSha256?: string;
  /** The leaf this record became; absent until the sequencer appends it. */
  index?: number;
  /** A tombstone's subject. */
  deleted?: LogEntry['deleted'];
  deletedAt?: Date;
}

export interface LogLeafDoc {
  /** The leaf's index: unique, so two sequencers can never write the same position. */
  _id: number;
  /** The record's key: unique, so a record is never appended twice. */
  key: string;
  hash: string;
  entry: LogEntry;
}

export interface TreeHeadDoc extends SignedTreeHead {
  /** `${treeSize}`: one signed head per size. */
  _id: string;
}

export interface LegalHoldDoc {
  _id: string;
  scope: HoldScope;
  reason: string;
  custodian: string;
  placedBy: string;
  placedAt: Date;
  releasedAt?: Date;
  releasedBy?: string;
}

const archiveRecord = new Schema<ArchiveRecordDoc>({
  ...required({ _id: String, kind: String, recordedAt: Date }),
  incidentId: { type: String, index: true },
  version: Number, channel: String, locale: String, category: String,
  regimes: { type: [String], default: undefined },
  customerIds: { type: [String], default: undefined },
  body: String, contentType: String,
  detail: { type: Schema.Types.Mixed },
  bodySha256: String, detailSha256: String,
  index: { type: Number, index: true },
  deleted: { type: Schema.Types.Mixed },
  deletedAt: Date,
});

const logLeaf = new Schema<LogLeafDoc>({
  _id: { type: Number, required: true },
  key: { type: String, required: true, unique: true },
  hash: { type: String, required: true },
  entry: { type: Schema.Types.Mixed, required: true },
});

const treeHead = new Schema<TreeHeadDoc>({
  ...required({ _id: String, treeSize: Number, rootHash: String, timestamp: String, signature: String, keyId: String }),
});

const legalHold = new Schema<LegalHoldDoc>({
  ...required({ _id: String, reason: String, custodian: String, placedBy: String, placedAt: Date }),
  scope: { type: Schema.Types.Mixed, required: true },
  releasedAt: Date,
  releasedBy: String,
});

export const archiveCollections = {
  ArchiveRecord: storedIn('archive_records', archiveRecord),
  LogLeaf: storedIn('archive_log', logLeaf),
  TreeHead: storedIn('archive_tree_heads', treeHead),
  LegalHold: storedIn('legal_holds', legalHold),
};

export type ArchiveModels = BoundModels<typeof archiveCollections>;

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** What an activity archives: the bytes as sent and what went with them. */
export interface ArchiveInput extends ArchiveCoordinates {
  key: string;
  kind: ArchiveKind;
  body?: Buffer;
  contentType?: string;
  detail?: Record<string, unknown>;
  recordedAt?: Date;
  deleted?: LogEntry['deleted'];
}

/** The stored form of a record: bytes as base64, both digests computed here. */
export function archiveDoc(r: ArchiveInput): ArchiveRecordDoc {
  const detail = r.detail ? (JSON.parse(canonicalJson(r.detail)) as Record<string, unknown>) : undefined;
  return {
    _id: r.key, kind: r.kind, recordedAt: r.recordedAt ?? new Date(),
    ...(r.incidentId !== undefined ? { incidentId: r.incidentId } : {}),
    ...(r.version !== undefined ? { version: r.version } : {}),
    ...(r.channel ? { channel: r.channel } : {}),
    ...(r.locale ? { locale: r.locale } : {}),
    ...(r.category ? { category: r.category } : {}),
    ...(r.regimes?.length ? { regimes: r.regimes } : {}),
    ...(r.customerIds?.length ? { customerIds: [...new Set(r.customerIds)].sort() } : {}),
    ...(r.body ? { body: r.body.toString('base64'), bodySha256: sha256Hex(r.body), contentType: r.contentType ?? 'application/octet-stream' } : {}),
    ...(detail ? { detail, detailSha256: sha256Hex(canonicalJson(detail)) } : {}),
    ...(r.deleted ? { deleted: r.deleted } : {}),
  };
}

/** Archives records once under their keys: a retried activity archives nothing twice. */
export async function archiveRecords(models: Pick<ArchiveModels, 'ArchiveRecord'>, records: ArchiveInput[]): Promise<void> {
  await insertNew(models.ArchiveRecord, records.map(archiveDoc));
}

export async function archiveOne(models: Pick<ArchiveModels, 'ArchiveRecord'>, record: ArchiveInput): Promise<boolean> {
  return insertOnce(models.ArchiveRecord, archiveDoc(record));
}

function entryOf(doc: ArchiveRecordDoc, index: number, loggedAt: Date, incidentSeq: number | undefined): LogEntry {
  return {
    v: 1, index, kind: doc.kind, key: doc._id,
    ...(doc.incidentId !== undefined ? { incidentId: doc.incidentId, incidentSeq } : {}),
    ...(doc.version !== undefined ? { version: doc.version } : {}),
    ...(doc.channel ? { channel: doc.channel } : {}),
    ...(doc.locale ? { locale: doc.locale } : {}),
    ...(doc.category ? { category: doc.category } : {}),
    ...(doc.regimes?.length ? { regimes: doc.regimes } : {}),
    ...(doc.customerIds?.length ? { customerIds: doc.customerIds } : {}),
    recordedAt: doc.recordedAt.toISOString(),
    loggedAt: loggedAt.toISOString(),
    ...(doc.bodySha256 ? { bodySha256: doc.bodySha256 } : {}),
    ...(doc.detailSha256 ? { detailSha256: doc.detailSha256 } : {}),
    ...(doc.deleted ? { deleted: doc.deleted } : {}),
  };
}

export async function logSize(models: Pick<ArchiveModels, 'LogLeaf'>): Promise<number> {
  const [last] = await models.LogLeaf.find({}, { _id: 1 }).sort({ _id: -1 }).limit(1).lean();
  return last ? last._id + 1 : 0;
}

/**
 * Appends every record not yet in the log, oldest first, each at the next index, in a few round
 * trips per batch (a broadcast archives thousands of emails). Safe beside another sequencer: the
 * unique index and key refuse a second leaf at a position or for a record, and the loser reads
 * the log again and carries on from where it stands. Answers how many leaves it appended.
 */
export async function appendPending(models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf'>, limit = 5000): Promise<number> {
  let appended = 0;
  for (let attempt = 0; ; attempt++) {
    const pending = await models.ArchiveRecord.find({ index: { $exists: false } }, { body: 0, detail: 0 }).sort({ recordedAt: 1, _id: 1 }).limit(limit).lean<ArchiveRecordDoc[]>();
    if (!pending.length) return appended;
    // Records a sequencer logged without yet marking them (it stopped in between) are only marked.
    const logged = await models.LogLeaf.find({ key: { $in: pending.map((d) => d._id) } }, { _id: 1, key: 1 }).lean();
    const marks = logged.map((l) => ({ updateOne: { filter: { _id: l.key }, update: { $set: { index: l._id } } } }));
    const known = new Set(logged.map((l) => l.key));
    const fresh = pending.filter((d) => !known.has(d._id));
    const size = await logSize(models);
    const [last] = size > 0 ? await models.LogLeaf.find({ _id: size - 1 }, { 'entry.loggedAt': 1 }).lean() : [];
    const loggedAt = new Date(Math.max(Date.now(), last ? Date.parse((last.entry as LogEntry).loggedAt) : 0));
    const seqs = new Map<string, number>();
    for (const id of new Set(fresh.flatMap((d) => (d.incidentId !== undefined ? [d.incidentId] : [])))) {
      seqs.set(id, await models.LogLeaf.countDocuments({ 'entry.incidentId': id }));
    }
    const leaves = fresh.map((doc, i) => {
      const seq = doc.incidentId !== undefined ? seqs.get(doc.incidentId)! : undefined;
      if (seq !== undefined) seqs.set(doc.incidentId!, seq + 1);
      const entry = entryOf(doc, size + i, loggedAt, seq);
      return { _id: size + i, key: doc._id, hash: bytesToHex(entryLeafHash(entry)), entry };
    });
    let inserted = leaves.length;
    try {
      if (leaves.length) await collectionOf(models.LogLeaf).insertMany(leaves, { ordered: true });
    } catch (err) {
      const e = err as { writeErrors?: unknown; insertedCount?: number; result?: { insertedCount?: number } };
      if (!(isDuplicateKey(err) || (e.writeErrors && isDuplicateKey(([] as unknown[]).concat(e.writeErrors)[0]))) || attempt > 50) throw err;
      // Another sequencer took a position: keep what went in before it, read the log again.
      inserted = e.insertedCount ?? e.result?.insertedCount ?? 0;
    }
    marks.push(...leaves.slice(0, inserted).map((l) => ({ updateOne: { filter: { _id: l.key }, update: { $set: { index: l._id } } } })));
    await bulkWriteInCommands(models.ArchiveRecord, marks, { ordered: false });
    appended += inserted;
    if (inserted === leaves.length && pending.length < limit) return appended;
  }
}

/** Leaf hashes 0 … size-1, in order. */
export async function leafHashes(models: Pick<ArchiveModels, 'LogLeaf'>, size?: number): Promise<Uint8Array[]> {
  const filter = size === undefined ? {} : { _id: { $lt: size } };
  const docs = await models.LogLeaf.find(filter, { hash: 1 }).sort({ _id: 1 }).lean();
  docs.forEach((d, i) => {
    if (d._id !== i) throw new Error(`the archive log has a gap at ${i}`);
  });
  return docs.map((d) => Uint8Array.from(Buffer.from(d.hash, 'hex')));
}

export async function latestTreeHead(models: Pick<ArchiveModels, 'TreeHead'>): Promise<SignedTreeHead | null> {
  const [h] = await models.TreeHead.find({}).sort({ treeSize: -1 }).limit(1).lean<TreeHeadDoc[]>();
  return h ? treeHeadOf(h) : null;
}

export async function treeHeadAt(models: Pick<ArchiveModels, 'TreeHead'>, treeSize: number): Promise<SignedTreeHead | null> {
  const h = await models.TreeHead.findById(String(treeSize)).lean<TreeHeadDoc>();
  return h ? treeHeadOf(h) : null;
}

function treeHeadOf(h: TreeHeadDoc): SignedTreeHead {
  return { treeSize: h.treeSize, rootHash: h.rootHash, timestamp: h.timestamp, signature: h.signature, keyId: h.keyId };
}

/** Stores a signed head once per size: true when it is new. */
export async function saveTreeHead(models: Pick<ArchiveModels, 'TreeHead'>, sth: SignedTreeHead): Promise<boolean> {
  return insertOnce(models.TreeHead, { _id: String(sth.treeSize), ...sth });
}

// Legal holds

export class HeldRecordError extends Error {
  constructor(readonly key: string, readonly holds: string[]) {
    super(`archive record ${key} is under legal hold (${holds.join(', ')}) and cannot be deleted`);
  }
}

function parsedScope(s: HoldScope) {
  return { ...s, fromMs: s.from ? Date.parse(s.from) : undefined, toMs: s.to ? Date.parse(s.to) : undefined };
}

export async function activeHolds(models: Pick<ArchiveModels, 'LegalHold'>): Promise<LegalHoldDoc[]> {
  return models.LegalHold.find({ releasedAt: { $exists: false } }).sort({ placedAt: 1 }).lean<LegalHoldDoc[]>();
}

/** The active holds covering a record. */
export function holdsOn(holds: LegalHoldDoc[], r: Pick<ArchiveRecordDoc, 'incidentId' | 'customerIds' | 'category' | 'recordedAt'>): string[] {
  return holds.filter((h) => holdCovers(parsedScope(h.scope), { ...r, recordedAtMs: r.recordedAt.getTime() })).map((h) => h._id);
}

export async function placeHold(models: Pick<ArchiveModels, 'LegalHold'>, hold: LegalHoldDoc): Promise<boolean> {
  return insertOnce(models.LegalHold, hold);
}

export async function releaseHold(models: Pick<ArchiveModels, 'LegalHold'>, id: string, by: string): Promise<LegalHoldDoc | null> {
  await models.LegalHold.updateOne({ _id: id, releasedAt: { $exists: false } }, { $set: { releasedAt: new Date(), releasedBy: by } });
  return models.LegalHold.findById(id).lean<LegalHoldDoc>();
}

/**
 * The one way archived bytes are deleted: refused for a record any active hold covers (checked
 * here, in the store, so no caller can skip it), and answered with the tombstone to append. The
 * leaf stays in the log, so every proof through it still verifies.
 */
export async function deleteArchivedBytes(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LegalHold'>,
  key: string,
  why: { policy: string; policyVersion: number; reason: string; at: Date },
): Promise<'deleted' | 'already-deleted'> {
  const doc = await models.ArchiveRecord.findById(key).lean<ArchiveRecordDoc>();
  if (!doc) throw new Error(`no archive record ${key}`);
  if (doc.index === undefined) throw new Error(`archive record ${key} is not in the log yet`);
  const held = holdsOn(await activeHolds(models), doc);
  if (held.length) throw new HeldRecordError(key, held);
  if (!doc.deletedAt) {
    await models.ArchiveRecord.updateOne({ _id: key, deletedAt: { $exists: false } }, { $unset: { body: 1, detail: 1 }, $set: { deletedAt: why.at } });
  }
  // The tombstone is itself archived under a key of its own, so a retried deletion leaves one.
  await archiveOne(models, {
    key: `tombstone:${key}`, kind: 'tombstone', recordedAt: why.at,
    ...(doc.incidentId !== undefined ? { incidentId: doc.incidentId } : {}),
    ...(doc.category ? { category: doc.category } : {}),
    ...(doc.customerIds ? { customerIds: doc.customerIds } : {}),
    deleted: { index: doc.index, key, policy: why.policy, policyVersion: why.policyVersion, reason: why.reason },
  });
  return doc.deletedAt ? 'already-deleted' : 'deleted';
}
