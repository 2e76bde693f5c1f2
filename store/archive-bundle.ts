import { sign } from 'node:crypto';
import { logSigner } from '../config/archive';
import { bundleFiles, type BundleFiles, type BundleRecord } from '../domain/archive/bundle';
import { bytesToHex, type LogEntry, type SignedTreeHead } from '../domain/archive/entries';
import { consistencyProof, inclusionProver } from '../domain/archive/merkle';
import { leafHashes, type ArchiveModels, type ArchiveRecordDoc, type LogLeafDoc, type TreeHeadDoc } from './archive';
import { checkpointConfigured } from './archive-log';

/**
 * The export of an incident's archive (M5.1): a fresh checkpoint first, so every record archived
 * so far is in the signed tree head the bundle proves against, then each record with its leaf,
 * its inclusion proof and its bytes, and consistency proofs from earlier signed heads.
 */

/** Earlier heads a bundle proves it extends by default: the latest few, besides those asked for. */
const recentHeads = 16;

export async function incidentBundle(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  incidentId: string,
  opts: { since?: number[]; now?: Date } = {},
): Promise<{ files: BundleFiles; treeHead: SignedTreeHead; records: number }> {
  const signer = logSigner();
  const { sth } = await checkpointConfigured(models, opts.now);
  const hashes = await leafHashes(models, sth.treeSize);
  const leaves = await models.LogLeaf.find({ 'entry.incidentId': incidentId, _id: { $lt: sth.treeSize } }).sort({ _id: 1 }).lean<LogLeafDoc[]>();
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
    { scope: { incidentId }, exportedAt: (opts.now ?? new Date()).toISOString(), treeHead: sth, publicKeyPem: signer.publicPem, records, consistency },
    (message) => sign(null, message, signer.privateKey).toString('base64'),
  );
  return { files, treeHead: sth, records: records.length };
}
