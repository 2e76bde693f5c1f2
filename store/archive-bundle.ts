import { sign } from 'node:crypto';
import { logSigner } from '../config/archive';
import { bundleFiles, type BundleFiles, type BundleRecord, type BundleScope } from '../domain/archive/bundle';
import { bytesToHex, type LogEntry, type SignedTreeHead } from '../domain/archive/entries';
import { consistencyProof, inclusionProver } from '../domain/archive/merkle';
import { leafHashes, type ArchiveModels, type ArchiveRecordDoc, type LegalHoldDoc, type LogLeafDoc, type TreeHeadDoc } from './archive';
import { checkpointConfigured } from './archive-log';

/**
 * The export of an incident's archive (M5.1): a fresh checkpoint first, so every record archived
 * so far is in the signed tree head the bundle proves against, then each record with its leaf,
 * its inclusion proof and its bytes, and consistency proofs from earlier signed heads.
 */

/** Earlier heads a bundle proves it extends by default: the latest few, besides those asked for. */
const recentHeads = 16;

export interface ArchiveBundle {
  files: BundleFiles;
  treeHead: SignedTreeHead;
  records: number;
}

/** An incident's bundle: every leaf of the incident, tombstones included. */
export function incidentBundle(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  incidentId: string,
  opts: { since?: number[]; now?: Date } = {},
): Promise<ArchiveBundle> {
  return scopedBundle(models, { incidentId }, (size) => models.LogLeaf.find({ 'entry.incidentId': incidentId, _id: { $lt: size } }).sort({ _id: 1 }).lean<LogLeafDoc[]>(), opts);
}

/** A legal hold's bundle: every record its scope covers, and the tombstones of any deleted before it was placed. */
export function holdBundle(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  hold: LegalHoldDoc,
  opts: { since?: number[]; now?: Date } = {},
): Promise<ArchiveBundle> {
  return scopedBundle(models, { holdId: hold._id }, holdLeaves(models, hold), opts);
}

/** The leaves a hold covers in a tree of `size`: its records, and the tombstones of any deleted. */
function holdLeaves(models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf'>, hold: LegalHoldDoc) {
  const s = hold.scope;
  const filter = {
    ...(s.incidentId !== undefined ? { incidentId: s.incidentId } : {}),
    ...(s.customerId !== undefined ? { customerIds: s.customerId } : {}),
    ...(s.category !== undefined ? { category: s.category } : {}),
    ...(s.from || s.to ? { recordedAt: { ...(s.from ? { $gte: new Date(s.from) } : {}), ...(s.to ? { $lt: new Date(s.to) } : {}) } } : {}),
  };
  return async (size: number) => {
    const covered = await models.ArchiveRecord.find({ ...filter, index: { $lt: size } }, { _id: 1 }).lean();
    const keys = covered.map((d) => d._id);
    return models.LogLeaf.find({ $or: [{ key: { $in: keys } }, { 'entry.deleted.key': { $in: keys } }], _id: { $lt: size } }).sort({ _id: 1 }).lean<LogLeafDoc[]>();
  };
}

/**
 * The log's leaves appended in a time range, [from, to) by when the log appended them (`loggedAt`,
 * non-decreasing along the log, so the range is one run of consecutive leaves the verifier can
 * check for gaps); with a hold, only what the hold covers in that range.
 */
export function rangeBundle(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  range: { from?: Date; to?: Date; hold?: LegalHoldDoc },
  opts: { since?: number[]; now?: Date } = {},
): Promise<ArchiveBundle> {
  const from = range.from?.toISOString();
  const to = range.to?.toISOString();
  const loggedAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
  const scope = { ...(range.hold ? { holdId: range.hold._id } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  if (!range.hold) {
    return scopedBundle(models, scope, (size) => models.LogLeaf.find({ ...(from || to ? { 'entry.loggedAt': loggedAt } : {}), _id: { $lt: size } }).sort({ _id: 1 }).lean<LogLeafDoc[]>(), opts);
  }
  const held = holdLeaves(models, range.hold);
  return scopedBundle(models, scope, async (size) => (await held(size)).filter((l) => (!from || l.entry.loggedAt >= from) && (!to || l.entry.loggedAt < to)), opts);
}

async function scopedBundle(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  scope: BundleScope,
  leavesIn: (treeSize: number) => Promise<LogLeafDoc[]>,
  opts: { since?: number[]; now?: Date },
): Promise<ArchiveBundle> {
  const signer = logSigner();
  const { sth } = await checkpointConfigured(models, opts.now);
  const hashes = await leafHashes(models, sth.treeSize);
  const leaves = await leavesIn(sth.treeSize);
  const docs = await models.ArchiveRecord.find({ _id: { $in: leaves.map((l) => l.key) } }).lean<ArchiveRecordDoc[]>();
  const byKey = new Map(docs.map((d) => [d._id, d]));
  const prove = inclusionProver(hashes, sth.treeSize);
  const records: BundleRecord[] = leaves.map((leaf) => {
    const doc = byKey.get(leaf.key);
    const entry = leaf.entry as LogEntry;
    return {
      entry, proof: prove(leaf._id).map(bytesToHex),
      ...(doc?.contentType ? { contentType: doc.contentType } : {}),
      ...(doc?.detail ? { detail: doc.detail } : {}),
      ...(doc?.body ? { body: Uint8Array.from(Buffer.from(doc.body, 'base64')) } : {}),
    };
  });
  const sizes = new Set(opts.since ?? []);
  const earlier = await models.TreeHead.find({ treeSize: { $gt: 0, $lt: sth.treeSize }, keyId: sth.keyId }).sort({ treeSize: -1 }).limit(recentHeads).lean<TreeHeadDoc[]>();
  const heads = new Map(earlier.map((h) => [h.treeSize, h]));
  const asked = await models.TreeHead.find({ treeSize: { $in: [...sizes].filter((s) => s > 0 && s < sth.treeSize) }, keyId: sth.keyId }).lean<TreeHeadDoc[]>();
  for (const h of asked) heads.set(h.treeSize, h);
  const consistency = [...heads.values()].sort((a, b) => a.treeSize - b.treeSize).map((h) => ({
    from: { treeSize: h.treeSize, rootHash: h.rootHash, timestamp: h.timestamp, signature: h.signature, keyId: h.keyId },
    proof: consistencyProof(hashes, h.treeSize, sth.treeSize).map(bytesToHex),
  }));
  const files = bundleFiles(
    { scope, exportedAt: (opts.now ?? new Date()).toISOString(), treeHead: sth, publicKeyPem: signer.publicPem, records, consistency },
    (message) => sign(null, message, signer.privateKey).toString('base64'),
  );
  return { files, treeHead: sth, records: records.length };
}
